#!/bin/bash
# Bash completion (vctx/init/vctx.bash-completion): commands and options as `vctx --help` has
# them, context names from the config directory, subcommands.  No root: a private prefix.
top=$(cd "$(dirname "$0")/../.." && pwd)
dir=$(mktemp -d /tmp/vctx-completion.XXXXXX)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/etc/vctx"
touch "$dir/etc/vctx/web1.conf" "$dir/etc/vctx/web2.conf" "$dir/etc/vctx/defaults.conf"
export VCTX_PREFIX=$dir PATH="$top/vctx:$PATH"
. "$top/vctx/init/vctx.bash-completion"
n=0
c() {	# c WANT WORD... : complete the last word
	local want=$1
	shift
	COMP_WORDS=("$@")
	COMP_CWORD=$(($# - 1))
	COMPREPLY=()
	_vctx
	n=$((n + 1))
	if [ "${COMPREPLY[*]}" = "$want" ]; then
		echo "ok $n - $* -> $want"
	else
		echo "not ok $n - $* -> '${COMPREPLY[*]}', want '$want'"
	fi
}
echo "1..8"
c "start stop status" vctx st
c "web1 web2" vctx start ""   # not defaults.conf
c "--ready --timing --wait" vctx start --
c "show edit" vctx config ""
c "web1 web2" vctx config show w
c "" vctx exec web1 -- ""
c "create list delete web1 web2" vctx snapshot ""
c "--timeout" vctx stop --t
