#!/bin/sh
# vctx migrate: a running context moved to another host over SSH (OpenSSH's sshd in the
# destination's network namespace, rsync), its address following it on the LAN; refusals
# that leave both hosts as they were; kill -9 of the migrate at every phase, and of its
# processes on the destination, after which the context runs in exactly one place.
# Two hosts on one machine: see twohost.sh.  Documentation addresses only.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/twohost.sh"
for p in sshd rsync ssh-keygen curl; do
	command -v $p >/dev/null || [ -x /usr/sbin/$p ] ||
		{ echo "1..0 # SKIP $p is not installed"; t_abort; exit 0; }
done
plan 74

twohost_setup; ok $? "a LAN, a source host and a destination host with sshd, in network namespaces"
t_build_busybox

# state HOST NAME: "running", "stopped", or "none" when the host has no such context.
state() { $1 status "$2" 2>/dev/null | awk '$1 == "state:" {print $2; f=1} END {if (!f) print "none"}'; }
# What the migration left on either host besides the context itself.
leftovers() {
	ls -a "$VCTX_PREFIX/var/lib/vctx/contexts" "$P2/var/lib/vctx/contexts" \
		"$P2/var/lib/vctx/templates" 2>/dev/null | grep -F ".migrate-$1" | tr '\n' ' '
}
# where NAME: the one host it runs on, or what is wrong.
where() {
	_s=$(state S "$1"); _d=$(state D "$1"); _l=$(leftovers "$1")
	if [ -n "$_l" ]; then echo "left: $_l"
	elif [ "$_s" = running ] && [ "$_d" = none ]; then echo source
	elif [ "$_d" = running ] && [ "$_s" = none ]; then echo destination
	else echo "source $_s, destination $_d"; fi
}
# A busybox context with a web server on 8080 that counts as up once it listens.
web() {
	_n=$1; shift
	set -- "$_n" "$@"
	S create "$1" --template busybox $(for a in "$@"; do [ "$a" = "$1" ] || echo address="$a"; done) &&
	S start "$1" &&
	S exec "$1" -- sh -c "mkdir /www && echo $1 >/www/index.html &&
		echo '::sysinit:/usr/sbin/httpd -p 8080 -h /www' >>/etc/inittab" &&
	S set "$1" ready=tcp:8080 && S restart "$1"
}
mac() { ip -n "$1" link show up0 | awk '/ether/ {print $2}'; }

A=$(ctx mig)
web "$A" 203.0.113.50/24 2001:db8::50/64 &&
	S exec "$A" -- sh -c 'echo before > /marker'
ok $? "a routed context with a web server on the source"
is "$(LAN curl -s -m 5 http://203.0.113.50:8080/)" "$A" "the LAN reaches it on the source"
LAN curl -s -m 5 -o /dev/null "http://[2001:db8::50]:8080/"; ok $? "over IPv6 too"
like "$(LAN ip neigh show 203.0.113.50)" "$(mac $H1)" "the LAN's ARP entry points at the source"
BASE=$(S status "$A" | awk '/^ids:/ {print $2}')

mkfifo "$T_TMP/out.in" "$T_TMP/out.out"
LAN "$PROBE" outage 203.0.113.50 8080 10 <"$T_TMP/out.in" >"$T_TMP/out.out" & OUTAGE=$!
exec 8>"$T_TMP/out.in"; exec 9<"$T_TMP/out.out"; read -r R <&9
is "$R" ready "a LAN host pings it every 10 ms and connects to its service"

OUT=$(migrate "$A" 2>&1); RC=$?
is "$RC" 0 "vctx migrate moves it to the destination"
like "$OUT" "^$A runs on $DEST: .* sent, stopped for [0-9.]+ s" "and says where it runs, what it sent and how long it was down"
exec 8>&-; read -r R <&9; exec 9<&-; wait $OUTAGE
diag "stop mode, busybox with a web server: $OUT; from the LAN: $R"
unlike "$R" "tcp-never|tcp-not-back" "the LAN's service check saw it before and after"
is "$(state D "$A")" running "it runs on the destination"
is "$(state S "$A")" none "and is gone from the source"
is "$(leftovers "$A")" "" "nothing of the migration is left on either host"
[ ! -e "$VCTX_PREFIX/etc/vctx/$A.conf" ] && [ ! -e "$VCTX_PREFIX/var/lib/vctx/contexts/$A" ]
ok $? "its config and files are gone from the source"
is "$(D exec "$A" -- cat /marker)" before "its files came along"
is "$(D exec "$A" -- cat /etc/hostname)" "$A" "its name inside too"
is "$(D status "$A" | awk '/^ids:/ {print $2}')" "$BASE" "it keeps its id range (free on the destination)"
is "$(LAN curl -s -m 5 http://203.0.113.50:8080/)" "$A" "the LAN reaches its service on the destination"
LAN curl -s -m 5 -o /dev/null "http://[2001:db8::50]:8080/"; ok $? "over IPv6 too"
like "$(LAN ip neigh show 203.0.113.50)" "$(mac $H2)" "a gratuitous ARP moved the LAN's entry to the destination"
like "$(LAN ip -6 neigh show 2001:db8::50)" "$(mac $H2)" "an unsolicited neighbour advertisement moved the IPv6 one"
is "$(ip -n $H1 route show 203.0.113.50; ip -n $H1 neigh show proxy | grep -F 203.0.113.50)" "" \
	"the source dropped its route and proxy entry"
like "$(ip -n $H2 route show 203.0.113.50)" "dev vx-" "the destination routes the address to it"
like "$(D template list)" "busybox" "the template came along (the destination had none)"

# --freeze: frozen for the last copy instead of shut down.
B=$(ctx migf)
web "$B" 203.0.113.51/24; ok $? "a second context with a web server"
LAN "$PROBE" outage 203.0.113.51 8080 10 <"$T_TMP/out.in" >"$T_TMP/out.out" & OUTAGE=$!
exec 8>"$T_TMP/out.in"; exec 9<"$T_TMP/out.out"; read -r R <&9
OUT=$(migrate --freeze "$B" 2>&1); RC=$?
exec 8>&-; read -r R <&9; exec 9<&-; wait $OUTAGE
is "$RC" 0 "migrate --freeze moves it"
diag "freeze mode: $OUT; from the LAN: $R"
unlike "$R" "tcp-never|tcp-not-back" "the LAN's service check saw it before and after"
is "$(where "$B")" destination "it runs on the destination only"
is "$(LAN curl -s -m 5 http://203.0.113.51:8080/)" "$B" "its service answers there"
is "$(ls /sys/fs/cgroup/unified/$VCTX_CGROUP_PARENT/$B /sys/fs/cgroup/$VCTX_CGROUP_PARENT/$B 2>/dev/null)" "" \
	"the frozen copy on the source was killed, its cgroup removed"

# A stopped context moves stopped; the template is there now and has the same checksum.  Its
# id range (the lowest free here, freed by the two that left) is the first context's there:
# it gets a new one, its files shifted.
C=$(ctx migs)
S create "$C" --template busybox address=203.0.113.52/24 && S start "$C" &&
	S exec "$C" -- sh -c 'echo x > /marker && chown 1000:1000 /marker && touch /root-owned' &&
	S stop "$C" && S snapshot "$C" snap1 >/dev/null
ok $? "a stopped context with files of its own and a snapshot"
CIDS=$(S status "$C" | awk '/^ids:/ {print $2}')
is "$CIDS" "$BASE" "its id range is the one the first context keeps on the destination"
OUT=$(migrate "$C" 2>&1); RC=$?
is "$RC" 0 "migrate moves a stopped context"
like "$OUT" "is on $DEST \(stopped\)" "and says it is there, stopped"
is "$(state D "$C")/$(state S "$C")/$(leftovers "$C")" "stopped/none/" "stopped on the destination, gone here"
NIDS=$(D status "$C" | awk '/^ids:/ {print $2}')
[ -n "$NIDS" ] && [ "$NIDS" != "$CIDS" ]; ok $? "it got another id range there ($NIDS)"
D start "$C"; ok $? "and it starts there"
like "$(D snapshot list "$C")" "snap1" "its snapshot came along"
is "$(D exec "$C" -- stat -c %u:%g /marker /root-owned | tr '\n' ' ')" "1000:1000 0:0 " \
	"its files' owners moved with it (the same ids inside)"

# A context on a disk image of its own, frozen (its file system too) for the last copy.
DK=$(ctx migdisk)
S create "$DK" --template busybox address=203.0.113.57/24 disk=64M && S start "$DK" &&
	S exec "$DK" -- sh -c 'echo on-disk > /marker'
ok $? "a running context on its own disk image"
OUT=$(migrate --freeze "$DK" 2>&1); RC=$?
is "$RC/$(where "$DK")" "0/destination" "migrate --freeze moves it"
is "$(D exec "$DK" -- cat /marker)" "on-disk" "its file system came whole"
is "$(stat -c %s "$P2/var/lib/vctx/contexts/$DK/disk.img" 2>&1)" 67108864 "on an image of the same size"

# Refusals: one line, a non-zero exit, both hosts as they were.
E=$(ctx mige)
S create "$E" --template busybox address=203.0.113.53/24 && S start "$E" &&
	D create "$E" --template busybox address=203.0.113.54/24
ok $? "a context whose name the destination has too"
OUT=$(migrate "$E" 2>&1); RC=$?
is "$RC/$(printf '%s\n' "$OUT" | wc -l)" "1/1" "migrate is refused with one line"
like "$OUT" "already exists" "naming the clash"
is "$(state S "$E")/$(state D "$E")/$(leftovers "$E")" "running/stopped/" "both hosts as they were"
S destroy --force "$E" >/dev/null; D destroy "$E" >/dev/null

F=$(ctx migd)
S create "$F" --template busybox address=203.0.113.55/24 && S start "$F" &&
	D create "$(ctx migo)" --template busybox address=203.0.113.55/24
ok $? "a context whose address a destination context owns"
OUT=$(migrate "$F" 2>&1); RC=$?
is "$RC" 1 "migrate is refused"
like "$OUT" "203\.0\.113\.55.*$(ctx migo)|$(ctx migo).*203\.0\.113\.55" "naming the address and its owner"
is "$(state S "$F")/$(leftovers "$F")" "running/" "the context runs on the source, nothing left"
D destroy "$(ctx migo)" >/dev/null

OUT=$(S migrate -e "$SSH -p 2" --remote-vctx "$RVCTX" "$F" "$DEST" 2>&1); RC=$?
is "$RC/$(state S "$F")/$(leftovers "$F")" "1/running/" "an unreachable destination: refused, the context runs on"
like "$OUT" "cannot migrate $F" "with the reason"
S restart "$F"; ok $? "and it can be restarted (no journal holds it)"
OUT=$(S migrate "$F" "-oProxyCommand=touch $T_TMP/pwned" 2>&1); RC=$?
is "$RC/$(test -e "$T_TMP/pwned" && echo pwned)" "1/" "a destination that looks like an option is refused"

vx template build bb2 --from busybox >/dev/null &&
	D template build bb2 --from busybox >/dev/null && S create "$(ctx migt)" --template bb2 &&
	touch "$P2/var/lib/vctx/templates/bb2/rootfs/differs"
ok $? "a template of the same name built on each host, one file apart"
OUT=$(migrate "$(ctx migt)" 2>&1); RC=$?
is "$RC" 1 "migrate is refused when the destination's template differs"
like "$OUT" "template 'bb2' here is not the source's" "saying so"
S destroy "$(ctx migt)" >/dev/null; vx template remove bb2 >/dev/null; D template remove bb2 >/dev/null

# A start by hand is refused while a migration owns the context.
G=$(ctx migj)
S create "$G" --template busybox address=203.0.113.56/24
printf 'pid 1\nhost elsewhere\nssh ssh\nremote vctx\ntemplate busybox\nphase commit\nrunning 1\n' \
	>"$VCTX_PREFIX/var/lib/vctx/contexts/.migrate-$G.out"
like "$(S status "$G")" "migration: +to elsewhere, commit \(vctx migrate --recover $G" \
	"status shows the unfinished migration"
OUT=$(S start "$G" 2>&1); RC=$?
is "$RC" 1 "a context with a migration journal does not start"
like "$OUT" "being migrated to elsewhere.*migrate --recover $G" "the error says how to recover"
rm -f "$VCTX_PREFIX/var/lib/vctx/contexts/.migrate-$G.out"
S start "$G"; ok $? "without it, it starts (control)"
S destroy --force "$G" >/dev/null

# kill -9 of the migrate at each phase: the guard finishes; recover waits for it.
n=0
for phase in "checking" "copying .* while it runs" "stopping" "copying the last changes" \
	"starting" "freezing" "freeze:starting"; do
	n=$((n + 1)); K=$(ctx migk$n); mode=
	case $phase in freeze:*) mode=--freeze; phase=${phase#freeze:} ;; esac
	[ "$phase" = freezing ] && mode=--freeze
	web "$K" 203.0.113.$((60 + n))/24 >/dev/null
	: >"$T_TMP/phases"
	nsenter --net=/run/netns/$H1 "$VCTX" migrate -v $mode -e "$SSH" --remote-vctx "$RVCTX" \
		"$K" "$DEST" >/dev/null 2>"$T_TMP/phases" & MP=$!
	"$PROBE" waitfor "$T_TMP/phases" "*: $phase*" 30
	kill -9 $MP 2>/dev/null; wait $MP 2>/dev/null
	S migrate --recover "$K" >/dev/null
	W=$(where "$K")
	case $W in source|destination) ok 0 "kill -9 at '$phase' $mode: it runs on the $W only" ;;
	*) ok 1 "kill -9 at '$phase' $mode: it runs in one place"; diag "$W"; cat "$T_TMP/phases" | sed 's/^/# /' ;;
	esac
	[ "$W" = destination ] && D destroy --force "$K" >/dev/null
	[ "$W" = source ] && S destroy --force "$K" >/dev/null
done

# kill -9 on the destination: its rsync while the files go, its commit while it starts.
K=$(ctx migr)
web "$K" 203.0.113.70/24 && S exec "$K" -- dd if=/dev/zero of=/big bs=1M count=200 2>/dev/null
ok $? "a context with 200 MB of files"
touch "$T_TMP/rsync.hold"
nsenter --net=/run/netns/$H1 "$VCTX" migrate -e "$SSH" --remote-vctx "$RVCTX" "$K" "$DEST" \
	>/dev/null 2>"$T_TMP/err" & MP=$!
"$PROBE" waitfor "$T_TMP/rsync.held" "*[0-9]*" 30
kill -9 "$(cat "$T_TMP/rsync.held")"
wait $MP; RC=$?
is "$RC/$(where "$K")" "1/source" "kill -9 of the destination's rsync: migrate fails, the context runs on the source only"
like "$(cat "$T_TMP/err")" "rsync" "naming what failed"

S set "$K" ready=tcp:8081 && S exec "$K" -- rm /big
nsenter --net=/run/netns/$H1 "$VCTX" migrate -e "$SSH" --remote-vctx "$RVCTX" "$K" "$DEST" \
	>/dev/null 2>"$T_TMP/err" & MP=$!
"$PROBE" waitpath "$P2/run/vctx" "$K" 60
pkill -9 -f "migrate --receive commit $K"
wait $MP
W=$(where "$K")
case $W in source|destination) ok 0 "kill -9 of the destination's commit while it starts: it ends on the $W only" ;;
*) ok 1 "kill -9 of the destination's commit: it runs in one place"; diag "$W" ;;
esac

like "$(S migrate --recover "$A")" "no migration of $A is unfinished" "recover with nothing to do says so"
t_done
