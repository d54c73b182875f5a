#!/bin/sh
# Site defaults and `vctx config`: defaults.conf under every context's own keys, the effective
# config with where each value comes from, and a whole-file edit that is checked, refused or
# put in place atomically.
. "$(dirname "$0")/lib.sh"

plan 32

A=$(ctx cfa); B=$(ctx cfb)
ETC=$VCTX_PREFIX/etc/vctx
t_build_busybox
cat >"$ETC/defaults.conf" <<'CONF'
# this site's defaults
[limits]
memory = 256M
pids = 500
[network]
nameserver = 203.0.113.53
nameserver = 2001:db8::53
CONF
vx create "$A" --template busybox pids=100 nameserver=198.51.100.53 && vx create "$B" --template busybox
ok $? "two contexts on a site with defaults"
is "$(vx status --json "$A" | grep -o '"limits":{"memory":[0-9]*,"memory_swap":null,"pids":[0-9]*')" \
	'"limits":{"memory":268435456,"memory_swap":null,"pids":100' "a default applies where the context sets nothing; its own value wins"
vx start "$A"
is "$(vx exec "$A" -- cat /etc/resolv.conf)" "nameserver 198.51.100.53" \
	"a repeatable key the context sets replaces the default's list, not adds to it"
vx start "$B"
is "$(vx exec "$B" -- cat /etc/resolv.conf | tr '\n' ' ')" "nameserver 203.0.113.53 nameserver 2001:db8::53 " \
	"and the defaults' list where it sets none"
vx stop "$B"

sed -i 's/^memory = 256M$/memory = 512M/' "$ETC/defaults.conf"
is "$(cat /sys/fs/cgroup/memory/$VCTX_CGROUP_PARENT/$A/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/$VCTX_CGROUP_PARENT/$A/memory.max)" \
	268435456 "a running context keeps the limit it started with when a default changes"
like "$(cat "$VCTX_PREFIX/run/vctx/$A/conf")" "^memory = 256M$" \
	"its run copy of the config holds the defaults as they were at its start"
is "$(vx status --json "$B" | grep -o '"limits":{"memory":[0-9]*')" '"limits":{"memory":536870912' \
	"a stopped one reads the new default"
sed -i 's/^memory = 512M$/memory = 256M/' "$ETC/defaults.conf"
SHOW=$(vx config show "$A")
like "$SHOW" "^memory = 256M +# $ETC/defaults.conf:3$" "config show: a value from defaults.conf, with file and line"
like "$SHOW" "^pids = 100 +# $ETC/$A.conf:[0-9]+$" "one from the context's own file"
like "$SHOW" "^stop-timeout = 30 +# built-in$" "and a built-in default"
is "$(printf '%s\n' "$SHOW" | grep -c '^nameserver = 203')" 0 "a list the context replaced shows only its own values"

printf '[context]\nhostname = everyone\n' >>"$ETC/defaults.conf"
fails_with "a context's own key in defaults.conf is refused, with the line" \
	"defaults.conf:9: 'hostname' is one context's own" vx status "$B"
sed -i '/^\[context\]$/,$d' "$ETC/defaults.conf"

# Editors: scripts that change the file the way an admin would.
ed() { printf '#!/bin/sh\nsed -i "%s" "$1"\n' "$2" >"$T_TMP/$1"; chmod +x "$T_TMP/$1"; }
ed pids200 's/^pids = .*/pids = 200/'
ed typo 's/^pids = .*/pids = lots/'
ed idbase 's/^id-base = .*/id-base = 65536/'
ed none ''
ed steal "s/^pids = .*/pids = 200\\\\n[network]\\\\naddress = 203.0.113.10\\/32/"
vx set "$B" address=203.0.113.10/32 >/dev/null
BEFORE=$(cat "$ETC/$A.conf")
EDITOR="$T_TMP/typo" vx config edit "$A" </dev/null >/dev/null 2>"$T_TMP/err"
is "$?:$(cat "$T_TMP/err")" "1:vctx: $ETC/$A.conf:7: pids: invalid number 'lots'" "an edit that does not parse is refused with the line"
is "$(cat "$ETC/$A.conf")" "$BEFORE" "and the config is as it was"
fails_with "id-base cannot be edited" "id-base: allocated by create" env EDITOR="$T_TMP/idbase" "$VCTX" config edit "$A"
fails_with "nor can an address another context owns be taken" "203.0.113.10" env EDITOR="$T_TMP/steal" "$VCTX" config edit "$A"
like "$( (EDITOR="$T_TMP/none" vx config edit "$A" 2>&1; echo "exit $?") | tr '\n' ' ')" "no change exit 0" "an edit that changes nothing writes nothing"
EDITOR="$T_TMP/pids200" vx config edit "$A" 2>"$T_TMP/err"
is "$?:$(grep -c '^pids = 200$' "$ETC/$A.conf")" "0:1" "a good edit is put in place"
like "$(cat "$T_TMP/err")" "runs: the change takes effect at its next start" "and it says a running context takes it at its next start"
fails_with "no editor to run is one line saying what to set" "cannot run the editor '$T_TMP/no-such-editor': set VISUAL or EDITOR" \
	env VISUAL= EDITOR="$T_TMP/no-such-editor" "$VCTX" config edit "$A"
is "$(ls -a "$ETC" | grep -c '\.edit-')" 0 "no copy of the edit is left beside the configs"

# The registry's index (run/vctx/.registry) holds every config's addresses.  A config
# replaced by hand (as editors and sed -i write one) is seen at the next look; one rewritten
# in place, keeping its inode, once the index's last look at every config is a minute old.
IDX=$VCTX_PREFIX/run/vctx/.registry
D=$(ctx cfd); E=$(ctx cfe); F=$(ctx cff); G=$(ctx cfg)
vx create "$D" --template busybox address=198.51.100.71/32
grep -q '^2198\.51\.100\.71/32$' "$IDX"
ok $? "the index holds the new context's address at once (create brings it up to date)"
sed 's/198\.51\.100\.71/198.51.100.72/' "$ETC/$D.conf" >"$T_TMP/d.conf" && mv "$T_TMP/d.conf" "$ETC/$D.conf"
fails_with "a new context cannot take the address a replaced config gave" \
	"address 198\.51\.100\.72/32 belongs to context $D" vx create "$E" --template busybox address=198.51.100.72/32
vx create "$E" --template busybox address=198.51.100.71/32
ok $? "and may take the one it gave up"
vx create "$F" --template busybox address=198.51.100.73/32
SIZE=$(stat -c %i:%s "$ETC/$F.conf")
sed 's/198\.51\.100\.73/198.51.100.74/' "$ETC/$F.conf" >"$T_TMP/f.conf" && cat "$T_TMP/f.conf" >"$ETC/$F.conf"
is "$(stat -c %i:%s "$ETC/$F.conf")" "$SIZE" "an edit by hand in place: the same inode and size"
grep -q '^2198\.51\.100\.73/32$' "$IDX"
ok $? "the index still holds the old address within its minute (no listing shows the edit)"
# The minute is up: the last look at every config, in the index's head and in the stamps
# creates appended after it, set back.
sed -i -e '2s/^\(etc [0-9]* [0-9]* [0-9]* [0-9]*\) [0-9]*/\1 1/' \
	-e 's/^\(=etc [0-9]* [0-9]* [0-9]* [0-9]*\) [0-9]*$/\1 1/' "$IDX"
fails_with "then a stat of every config sees it: the address is the edited context's" \
	"address 198\.51\.100\.74/32 belongs to context $F" vx create "$G" --template busybox address=198.51.100.74/32

# Two contexts never share ids: a config written by hand with another's id-base does not start.
vx create "$G" --template busybox
sed "s/^id-base = .*/$(grep '^id-base' "$ETC/$D.conf")/" "$ETC/$G.conf" >"$T_TMP/g.conf" &&
	mv "$T_TMP/g.conf" "$ETC/$G.conf"
fails_with "a context whose ids are another's does not start" \
	"its ids \(id-base [0-9]*\) overlap those of context $D" vx start "$G"
vx destroy --force "$G" >/dev/null

# `vctx set` while creates run: its change never lands between a create's look at the
# registry and its note to the index (which would take it for seen), so the address it gave
# up is free at once.  Without the lock they share, 7 of 15 such rounds refused it.
X=$(ctx cfx); Y=$(ctx cfy); N=0
for r in 1 2 3 4 5 6; do
	vx create "$X" --template busybox address=198.51.100.80/32 >/dev/null
	vx set "$X" address=198.51.100.81/32 &
	for i in 1 2 3 4; do vx create "$(ctx cq$i)" --template busybox address=198.51.100.8$((i + 1))/32 >/dev/null & done
	wait
	vx create "$Y" --template busybox address=198.51.100.80/32 >/dev/null 2>&1 && N=$((N + 1))
	for n in "$X" "$Y" "$(ctx cq1)" "$(ctx cq2)" "$(ctx cq3)" "$(ctx cq4)"; do vx destroy "$n" >/dev/null 2>&1; done
done
is "$N" 6 "an address given up by vctx set while creates run is free at once, in each of 6 rounds"

# `vctx set` that takes an address looks at the registry under that lock, and holds it until
# its config is written.  Here another config claims the address while the set waits on the
# lock, as a create or set that got the lock first would: the set is then refused.  With the
# look before the lock (as it was), the set went ahead and both configs held the address.
P=$(ctx cfp); Q=$(ctx cfq); IDS=$VCTX_PREFIX/run/vctx/ids.lock
vx create "$P" --template busybox address=198.51.100.90/32 >/dev/null
vx create "$Q" --template busybox address=198.51.100.91/32 >/dev/null
mkfifo "$T_TMP/idheld" "$T_TMP/idgo"
flock "$IDS" sh -c "echo >'$T_TMP/idheld'; cat '$T_TMP/idgo' >/dev/null" &
HOLD=$!
read -r _ <"$T_TMP/idheld"
vx set "$P" address=198.51.100.92/32 2>"$T_TMP/seterr" &
SETP=$!
# Until the set waits on the lock (a blocked flock shows as "->" in /proc/locks).
INO=$(stat -c %i "$IDS"); i=0
until grep -Eq -- "-> FLOCK .*:$INO " /proc/locks || [ $i -ge 2000 ]; do i=$((i + 1)); sleep 0.01; done
sed 's/198\.51\.100\.91/198.51.100.92/' "$ETC/$Q.conf" >"$T_TMP/q.conf" && mv "$T_TMP/q.conf" "$ETC/$Q.conf"
echo >"$T_TMP/idgo"
wait "$HOLD"; wait "$SETP"
is "$?:$(cat "$T_TMP/seterr")" "1:vctx: address 198.51.100.92/32 belongs to context $Q" \
	"vctx set cannot take an address claimed while it waited for the registry's lock"
is "$(grep -c '^address = 198\.51\.100\.90/32$' "$ETC/$P.conf")" 1 "and its config is as it was"
vx destroy "$P" >/dev/null; vx destroy "$Q" >/dev/null

t_done
