#!/bin/sh
# Man pages are part of a feature: lint-clean, every command's usage line in vctx(8), every
# config key in vctx.conf(5).  No root needed.
top=$(cd "$(dirname "$0")/../.." && pwd)
n=0 fail=0
t() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi
}
norm() { tr -s ' \t' ' ' | sed 's/^ //; s/ $//'; }

command -v mandoc >/dev/null || { echo "1..0 # SKIP mandoc is not installed"; exit 0; }
cmds=$("$top/vctx/vctx" --help | sed -n 's/^  vctx //p')
keys=$("$top/tests/unit/test-conf" --keys)
echo "1..$((2 + $(printf '%s\n' "$cmds" | wc -l) + $(printf '%s\n' "$keys" | wc -l)))"

out=$(mandoc -Tlint -W warning "$top"/man/*.[0-9] 2>&1)
t $([ -z "$out" ] && echo 0 || echo 1) "man pages are clean under mandoc -Tlint"
[ -z "$out" ] || printf '%s\n' "$out" | sed 's/^/#   /'
# mandoc marks bold as "c BS c": drop each character that a backspace takes back.
bs=$(printf '\b')
synopsis=$(mandoc -Tutf8 -O width=400 "$top/man/vctx.8" | sed "s/.$bs//g" |
	sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' | norm)
t $([ -n "$synopsis" ] && echo 0 || echo 1) "vctx(8) has a SYNOPSIS"
printf '%s\n' "$cmds" | while read -r line; do
	printf '%s\n' "$synopsis" | grep -qixF -- "vctx $(printf '%s' "$line" | norm)"
	r=$?
	n=$((n + 1))
	[ $r -eq 0 ] && echo "ok $n - usage matches the SYNOPSIS: vctx $line" ||
		echo "not ok $n - usage matches the SYNOPSIS: vctx $line"
done
n=$((n + $(printf '%s\n' "$cmds" | wc -l)))
conf=$(cat "$top/man/vctx.conf.5")
for k in $keys; do
	printf '%s\n' "$conf" | grep -q "^\.It Cm $k " || printf '%s\n' "$conf" | grep -q "^\.It Cm $k$"
	t $? "vctx.conf(5) documents $k"
done
