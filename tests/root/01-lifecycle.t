#!/bin/sh
# Lifecycle core: create, start, exec, enter, list, stop, destroy of busybox contexts, seen
# from inside and outside; bad input; locking; recovery after a killed supervisor; the
# supervisor at rest.
. "$(dirname "$0")/lib.sh"
plan 74

A=$(ctx web); B=$(ctx db)
ETC=$VCTX_PREFIX/etc/vctx
LIB=$VCTX_PREFIX/var/lib/vctx

t_build_busybox; ok $? "build the busybox template"
TPL_SUM=$(cd "$LIB/templates/busybox/rootfs" && find . -printf '%p %U %G %m %s\n' | sort | md5sum)

vx create "$A" --template busybox; ok $? "create $A"
like "$(cat "$ETC/$A.conf")" "^template = busybox" "the config names the template"
BASE=$(sed -n 's/^id-base = //p' "$ETC/$A.conf")
like "$BASE" "^[0-9]+$" "create allocated an id range ($BASE)"
is "$(find "$LIB/contexts/$A/upper" -mindepth 1 | wc -l)" 0 "create copied nothing"

vx start "$A"; ok $? "start $A"
like "$(vx list)" "^$A +running +- +[0-9.]+[KM]/- +[0-9.]+ +[0-9]+/4096 +[0-9]+s +busybox$" \
	"list shows it running: no address, memory used/limit, cpu, pids, uptime, template"
INIT=$(vx status --json "$A" | sed -n 's/.*"init_pid":\([0-9]*\).*/\1/p')
vx create "$B" --template busybox group=tier2 memory=64MiB >/dev/null
is "$(vx list -o name,pid,group --no-header | tr -s ' ' | tr '\n' ';')" "$B - tier2;$A $INIT -;" \
	"list -o picks the columns; '-' where nothing applies (the stopped one's pid, no group)"
is "$(vx list --running -o name --no-header):$(vx list --stopped -o name --no-header)" "$A:$B" \
	"--running and --stopped filter"
is "$(vx list --group tier2 -o name,state | tr -s ' ' | tr '\n' ';')" "NAME STATE;$B stopped;" \
	"--group filters by boot group"
fails_with "an unknown column is one error line naming the columns" \
	"unknown column 'mem' \\(columns: name state pid address" vx list -o name,mem
is "$(vx top -b -n 1 -d 100ms | awk -v n="$A" '$1 == n { print $1, ($2 ~ /^[0-9]+\.[0-9]$/), ($4 ~ /^[0-9]+\/4096$/), $7, $8 }')" \
	"$A 1 1 - -" "vctx top: the running one with its CPU and pids, no network to count ($B is stopped)"
is "$(vx top -b -n 1 -d 100ms | grep -c "^$B ")" 0 "a stopped context is not in top"
fails_with "top refuses an unknown sort key" "unknown sort key 'disk'" vx top -s disk
vx destroy "$B"
is "$(vx exec "$A" -- cat /proc/1/comm)" "init" "pid 1 inside is busybox init"
is "$(vx exec "$A" -- hostname)" "$A" "the hostname is the context's name"
# Host processes are invisible: inside, only init, getty and the command itself.
is "$(vx exec "$A" -- sh -c 'cat /proc/[0-9]*/comm' | sort -u | tr '\n' ' ')" \
	"cat getty init " "only the context's processes are visible"
is "$(vx exec "$A" -- sh -c "test -e /proc/$INIT && echo yes || echo no")" "no" \
	"init's host pid means nothing inside"
# Only the context's own mounts: /, /dev, /proc, /sys and below.
MP=$(vx exec "$A" -- cat /proc/self/mountinfo | awk '{print $5}' |
	grep -Ev '^/$|^/dev(/|$)|^/proc(/|$)|^/sys(/|$)')
is "$MP" "" "only the context's own mounts are visible"
is "$(vx exec "$A" -- sh -c 'head -n1 /proc/self/uid_map' | awk '{print $1, $2, $3}')" \
	"0 $BASE 65536" "uid 0 inside maps to the allocated range"
is "$(stat -c %u "/proc/$INIT")" "$BASE" "init runs as the range's base on the host"
vx exec "$A" -- sh -c 'echo hello > /root/made-inside; touch /tmp/u1000; chown 1000:1000 /tmp/u1000'
is "$(stat -c %u:%g "$LIB/contexts/$A/upper/root/made-inside")" "$BASE:$BASE" \
	"a file made by root inside is owned by the range's base in the upper layer"
is "$(stat -c %u "$LIB/contexts/$A/upper/tmp/u1000")" "$((BASE + 1000))" \
	"uid 1000 inside is base+1000 on the host"
vx exec "$A" -- sh -c 'echo intruder >> /etc/passwd; rm /bin/busybox.nope 2>/dev/null; rm -f /sbin/halt'
is "$(cd "$LIB/templates/busybox/rootfs" && find . -printf '%p %U %G %m %s\n' | sort | md5sum)" \
	"$TPL_SUM" "the template is unchanged after writes inside"

vx create "$B" --template busybox && vx start "$B"; ok $? "a second context from the same template"
BASE_B=$(sed -n 's/^id-base = //p' "$ETC/$B.conf")
ok $([ "$BASE_B" != "$BASE" ] && echo 0 || echo 1) "it has its own id range ($BASE_B)"
is "$(vx exec "$B" -- sh -c 'cat /root/made-inside 2>&1 || true')" \
	"cat: can't open '/root/made-inside': No such file or directory" \
	"it does not see the first context's files"
like "$(vx exec "$B" -- grep -c intruder /etc/passwd)" "^0$" "nor its changes to /etc/passwd"

vx exec "$A" -- sh -c 'exit 7'; is $? 7 "exec passes on the exit status"
vx exec "$A" -- false; is $? 1 "false is 1"
vx exec "$A" -- /no/such/program 2>/dev/null; is $? 127 "a missing program is 127"
vx exec "$A" -- sh -c 'kill -9 $$'; is $? 137 "death by SIGKILL is 128+9"
is "$(echo piped | vx exec "$A" -- cat)" "piped" "stdin passes through"
is "$(vx exec "$A" -- sh -c 'echo err >&2' 2>&1 >/dev/null)" "err" "stderr passes through"
# script's input stays open (a FIFO this shell holds) until the command is done: at the end of
# its input script types its EOF character, a NUL once vctx has made the terminal raw, which
# the context's pty echoes ("^@") when it comes before the command's output (6 runs in 40).
mkfifo "$T_TMP/tty-in"
exec 7<>"$T_TMP/tty-in"
is "$(script -qec "$VCTX exec -t $A -- tty" /dev/null <"$T_TMP/tty-in" | tr -d '\r')" "/dev/pts/1" \
	"exec -t runs the command on a pty of the context's own (pty 0 is its console)"
exec 7>&-
rm -f "$T_TMP/tty-in"
OUT=$(printf 'hostname\nexit 3\n' | script -qec "$VCTX enter $A" /dev/null | tr -d '\r')
like "$OUT" "^$A$" "enter gives a shell inside"

# Bad input: one line, non-zero exit, nothing changed.
fails_with "a name with '../' is refused" "invalid context name '\.\./x'" vx create ../x --template busybox
fails_with "an upper-case name is refused" "invalid context name 'Web'" vx create Web --template busybox
fails_with "a 40-character name is refused" "longer than 32" vx create aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa --template busybox
fails_with "a missing template is refused" "template 'nope' does not exist" vx create "$(ctx x)" --template nope
fails_with "creating an existing context is refused" "already exists" vx create "$A" --template busybox
fails_with "an unknown key at create is refused" "unknown key 'memroy'" vx create "$(ctx x)" --template busybox memroy=1G
is "$(ls "$ETC")" "$(printf '%s.conf\n%s.conf' "$B" "$A" | sort)" "bad creates wrote no config"
fails_with "starting a running context is refused" "$A is already running" vx start "$A"

# Concurrent creates never share an id range.
for i in 1 2 3 4 5 6; do vx create "$(ctx c$i)" --template busybox address=198.51.100.3$i/32 & done; wait
is "$(cat "$ETC"/c[0-9]-*.conf | sed -n 's/^id-base = //p' | sort -u | wc -l)" 6 \
	"six concurrent creates got six different id ranges"
# Concurrent destroys each tell the registry's index; none of them is left in it: their
# addresses are free at once for new contexts.
for i in 1 2 3 4 5 6; do vx destroy "$(ctx c$i)" & done; wait
N=0
for i in 1 2 3 4 5 6; do
	vx create "$(ctx n$i)" --template busybox address=198.51.100.3$i/32 >/dev/null && N=$((N + 1))
done
is "$N:$(ls "$ETC" | grep -c '^c[0-9]-')" "6:0" \
	"after six concurrent destroys, six creates take their addresses again"
for i in 1 2 3 4 5 6; do vx destroy "$(ctx n$i)"; done

# A child step that fails comes back as a precise message, and leaves nothing.
C=$(ctx broken)
vx create "$C" --template busybox init=/sbin/no-such-init
fails_with "a failing child step is reported precisely" \
	"cannot start $C: cannot execute init /sbin/no-such-init: No such file or directory" vx start "$C"
ok $([ ! -e "$VCTX_PREFIX/run/vctx/$C" ] && [ -z "$(find /sys/fs/cgroup -path "*$VCTX_CGROUP_PARENT/$C*")" ] &&
	echo 0 || echo 1) "the failed start left no run files and no cgroup"
vx destroy "$C"

# Locking: a held command lock means busy; --wait waits for it.
mkfifo "$T_TMP/held" "$T_TMP/release"
flock "$VCTX_PREFIX/run/vctx/$B.lock" sh -c "echo > '$T_TMP/held'; cat '$T_TMP/release' > /dev/null" &
read -r _ < "$T_TMP/held"
fails_with "a second command on a busy context gets 'busy'" "$B is busy" vx stop "$B"
vx stop --wait --kill "$B" & W=$!
echo > "$T_TMP/release"
wait $W; ok $? "with --wait it waits for the lock, then stops"

vx stop "$A"; ok $? "stop $A"
like "$(vx list)" "^$A +stopped" "list shows it stopped"
ok $([ ! -e "/proc/$INIT" ] && echo 0 || echo 1) "its init is gone"
is "$(find /sys/fs/cgroup -path "*$VCTX_CGROUP_PARENT/$A*" | wc -l)" 0 "its cgroup is gone"
fails_with "exec into a stopped context is refused" "$A is not running" vx exec "$A" -- true
printf 'memroy = 1G\n' >> "$ETC/$A.conf"
fails_with "a config with a typo is refused with file:line" "$A.conf:[0-9]+: unknown key 'memroy'" vx start "$A"
sed -i '/memroy/d' "$ETC/$A.conf"

# A killed supervisor: the context runs on, list says so, stop cleans up.
vx start "$A"
kill -9 "$(sed -n 's/^supervisor=//p' "$VCTX_PREFIX/run/vctx/$A/state")"
# The kernel drops the supervisor's lock when it is dead: waiting for the lock is waiting
# for the death.
flock "$VCTX_PREFIX/run/vctx/$A/supervisor.lock" true
like "$(vx status "$A")" "state: +running \(no supervisor\)" "a killed supervisor is noticed"
fails_with "start refuses and says how to recover" "running without its supervisor" vx start "$A"
vx stop "$A"; ok $? "stop stops the orphaned context and cleans up"
vx start "$A" && vx stop --kill "$A"; ok $? "and it starts again afterwards"

# The supervisor at rest (supervisor/handover.h): vctx-supervise in the same process serves the
# console, /dev/log and readiness; what needs vctx wakes it, and it rests again.  A context of
# its own, whose log counts its supervisor's rests from 1.
R=$(ctx rest)
vx create "$R" --template busybox >/dev/null && vx start "$R"
SUP=$(sed -n 's/^supervisor=//p' "$VCTX_PREFIX/run/vctx/$R/state")
LOG=$VCTX_PREFIX/var/log/vctx/$R
t_wait_file "$LOG/vctx.log" "at rest (1)"; ok $? "the supervisor rests once the context runs"
like "$(readlink "/proc/$SUP/exe")" "/vctx-supervise$" "in vctx-supervise, the same process"
ANON=$(awk '/^Anonymous:/ { print $2 }' "/proc/$SUP/smaps_rollup")
ok $([ "$ANON" -lt 128 ] && echo 0 || echo 1) "keeping $ANON KiB of memory of its own (< 128)"
vx exec "$R" -- logger rest-relay
t_wait_file "$LOG/syslog" "rest-relay"; ok $? "/dev/log is relayed at rest"
INIT=$(vx status --json "$R" | sed -n 's/.*"init_pid":\([0-9]*\).*/\1/p')
vx exec "$R" -- reboot
t_wait_file "$LOG/vctx.log" "at rest (2)"
NEW=$(vx status --json "$R" | sed -n 's/.*"init_pid":\([0-9]*\).*/\1/p')
ok $([ -n "$NEW" ] && [ "$NEW" != "$INIT" ] && echo 0 || echo 1) \
	"a reboot at rest wakes it: init starts again ($INIT -> $NEW), and it rests again"
# An upgrade that replaces the binaries: a resting supervisor wakes into the vctx it started
# with (it keeps both programs open), not the new one.
U=$(ctx upg)
vx create "$U" --template busybox >/dev/null
mkdir -p "$T_TMP/bin" && cp "$T_TOP/vctx/vctx" "$T_TOP/vctx/vctx-supervise" "$T_TOP/vctx/vctx-exec" "$T_TMP/bin/"
"$T_TMP/bin/vctx" start "$U"
t_wait_file "$LOG/../$U/vctx.log" "at rest (1)"
rm -f "$T_TMP/bin/vctx" "$T_TMP/bin/vctx-supervise"
vx stop "$U"; ok $? "a supervisor whose binaries were removed at rest still stops its context"
t_wait_file "$LOG/../$U/vctx.log" "supervisor exits"
like "$(grep -c 'cannot hand' "$LOG/../$U/vctx.log"):$(grep -c "stopping $U: " "$LOG/../$U/vctx.log")" "^0:1$" \
	"it woke into the removed vctx, which stopped init and cleaned up"
vx destroy "$U" >/dev/null
vx stop "$R"; ok $? "stop wakes the resting supervisor of $R"
like "$(vx status "$R")" "state: +stopped" "which takes it down"
vx destroy "$R" >/dev/null
fails_with "vctx-supervise is not for running by hand" "never by hand" "$T_TOP/vctx/vctx-supervise" </dev/null

vx destroy "$A"; ok $? "destroy $A"
ok $([ ! -e "$ETC/$A.conf" ] && [ ! -e "$LIB/contexts/$A" ] && echo 0 || echo 1) \
	"config and storage are gone"
# The last destroy (the others' count comes from the registry's index, which each destroy
# brings up to date) takes the parent cgroup with it, in every hierarchy.
vx destroy --force "$B" >/dev/null
is "$(vx list -o name --no-header | wc -l):$(find /sys/fs/cgroup -maxdepth 2 -type d \
	-name "$VCTX_CGROUP_PARENT" | wc -l)" "0:0" "no context is left, and no parent cgroup"
t_done
