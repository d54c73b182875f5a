#!/bin/sh
# vctx autostart: 20 busybox contexts with boot orders and dependencies start in parallel,
# each after what it depends on is up; tcp readiness gates dependents; a failure skips its
# dependents and nothing else; a cycle starts nothing; --stop goes dependents first.
. "$(dirname "$0")/lib.sh"

plan 43

t_build_busybox
LIB="$VCTX_PREFIX/var/lib/vctx"
OUT="$T_TMP/autostart.out"

# name [KEY=VALUE ...]
mk() {
	_n=$(ctx "$1")
	shift
	vx create "$_n" --template busybox onboot=yes "$@" >/dev/null
}

# Contexts starting together race to make their parent cgroup.  In the v1 cpuset hierarchy a
# parent made but not yet filled (no CPUs, no memory nodes) gives children that refuse every
# process; a start that finds it so fills it instead of failing.
CPUSET=$(awk '$3 == "cgroup" && $4 ~ /(^|,)cpuset(,|$)/ { print $2; exit }' /proc/mounts)
if [ -n "$CPUSET" ]; then
	mkdir "$CPUSET/$VCTX_CGROUP_PARENT" "$CPUSET/$VCTX_CGROUP_PARENT/probe"
	sh -c "echo \$\$ >$CPUSET/$VCTX_CGROUP_PARENT/probe/tasks" 2>/dev/null
	ok $([ $? -ne 0 ] && echo 0 || echo 1) "control: a child of an unfilled cpuset parent refuses a process"
	rmdir "$CPUSET/$VCTX_CGROUP_PARENT/probe"
	mk early
	vx start "$(ctx early)"
	ok $? "a start that finds the parent unfilled fills it and starts"
	vx destroy --force "$(ctx early)" >/dev/null
else
	ok 0 "# SKIP no v1 cpuset hierarchy"
	ok 0 "# SKIP no v1 cpuset hierarchy"
fi

# The dependency graph (child: what it is after).  db is ready when its port 8080 accepts,
# and its rc script holds the web server back until the test opens the gate.
mk base boot-order=10
mk db "after=$(ctx base)" ready=tcp:8080
mk app1 "after=$(ctx db)"
mk app2 "after=$(ctx db)" boot-order=5
mk app3 "after=$(ctx db) $(ctx base)"
mk web "after=$(ctx app1) $(ctx app2)"
mk front "after=$(ctx web)" boot-order=1
mk m1 boot-order=50
mk m2 "after=$(ctx m1)"
mk m3 "after=$(ctx m2)"
for i in 01 02 03 04 05 06 07 08 09 10; do
	mk "u$i" boot-order=$((200 + ${i#0}))
done
EDGES="db:base app1:db app2:db app3:db app3:base web:app1 web:app2 front:web m2:m1 m3:m2"
ALL="base db app1 app2 app3 web front m1 m2 m3 u01 u02 u03 u04 u05 u06 u07 u08 u09 u10"

DB="$LIB/contexts/$(ctx db)/upper"
mkdir -p "$DB/etc/init.d/rc.d"
cat >"$DB/etc/init.d/rc.d/gate" <<'EOF'
#!/bin/sh
mkfifo /gate && echo waiting >/waiting
( read -r go </gate; mkdir -p /www; echo db >/www/index.html; httpd -p 8080 -h /www ) &
EOF
chmod 755 "$DB/etc/init.d/rc.d/gate"

# t NAME EVENT: the time of NAME's EVENT (starting, up, stopping, down) in $OUT.
t() {
	awk -v n="$(ctx "$1")" -v e="$2" '$2 == n && $3 == e { gsub(/[+s]/, "", $1); print $1 }' "$OUT"
}

# after_all FIRST_EVENT SECOND_EVENT PAIRS: every "a:b" pair has a's FIRST_EVENT no earlier
# than b's SECOND_EVENT; prints the pairs that break it.
check_pairs() {
	for p in $3; do
		_a=$(t "${p%%:*}" "$1") _b=$(t "${p#*:}" "$2")
		awk -v a="${_a:-x}" -v b="${_b:-x}" 'BEGIN { exit !(a != "x" && b != "x" && a + 0 >= b + 0) }' ||
			printf '%s(%s %s) before %s(%s %s); ' "${p%%:*}" "$1" "${_a:-never}" "${p#*:}" "$2" "${_b:-never}"
	done
}

# --- the plan -------------------------------------------------------------------------------
vx autostart --dry-run >"$OUT"
ok $? "--dry-run prints the plan"
plan_pos() { grep -n " $(ctx "$1") " "$OUT" | cut -d: -f1; }
bad=""
for p in $EDGES; do
	[ "$(plan_pos "${p%%:*}")" -gt "$(plan_pos "${p#*:}")" ] || bad="$bad $p"
done
is "$bad" "" "the plan puts every context after what it depends on"
like "$(head -n 1 "$OUT")" "^ +1\. $(ctx base) +order 10" "the plan starts with the lowest boot order"
is "$(vx list | grep -c ' running ')" 0 "--dry-run starts nothing"

# --- start: gated on db's port ---------------------------------------------------------------
"$VCTX" autostart -j 4 >"$OUT" 2>&1 &
AS=$!
T_EXTRA_CLEANUP="kill $AS 2>/dev/null"
t_wait_file "$DB/waiting" waiting 60
ok $? "db's init is up and holds its port closed"
# Everything that does not depend on db comes up meanwhile; wait for the last of them.
t_wait_file "$OUT" "$(printf '%-24s up' "$(ctx u10)")" 60
ok $? "unrelated contexts come up while db is not ready"
like "$(grep -c -E "^ +[+][0-9.]+s ($(ctx app1)|$(ctx app2)|$(ctx app3)|$(ctx web)|$(ctx front)) " "$OUT")" '^0$' \
	"nothing that depends on db has started"
is "$(t db up)" "" "db is not counted up while its port is closed"
vx exec "$(ctx db)" -- sh -c 'echo go >/gate'
wait $AS
rc=$?
T_EXTRA_CLEANUP=""
is "$rc" 0 "autostart succeeds once db accepts"
diag "$(tail -n 1 "$OUT")"
[ "$rc" = 0 ] || grep -v ' up$\| starting$' "$OUT" | sed 's/^/# /'
like "$(tail -n 1 "$OUT")" "^autostart: 20 up, 0 failed, 0 skipped in [0-9.]+s$" "the summary counts 20 up"
is "$(vx list | grep -c ' running ')" 20 "all 20 contexts run"
is "$(check_pairs starting up "$EDGES")" "" "each context started after everything it depends on was up"
# Parallel: several contexts were starting before the first one was up.
is "$(awk '$3 == "up" { exit } $3 == "starting" { n++ } END { print (n >= 2) }' "$OUT")" 1 \
	"unrelated contexts start in parallel"
is "$(vx exec "$(ctx db)" -- wget -q -O - http://127.0.0.1:8080/)" db "db serves on the port it was gated on"

# --- running again: nothing to do -----------------------------------------------------------
vx autostart -j 4 >"$OUT" 2>&1
like "$?:$(tail -n 1 "$OUT")" "^0:autostart: 20 up, 0 failed" "autostart over running contexts is a no-op that succeeds"

# --- stop: dependents first ------------------------------------------------------------------
vx autostart --stop -j 4 >"$OUT" 2>&1
like "$?:$(tail -n 1 "$OUT")" "^0:autostart --stop: 20 stopped, 0 failed, 0 skipped" "--stop stops all 20"
is "$(check_pairs stopping down "$(for p in $EDGES; do printf '%s:%s ' "${p#*:}" "${p%%:*}"; done)")" "" \
	"each context was stopped only after everything depending on it was down"
is "$(vx list | grep -c ' running ')" 0 "nothing runs after --stop"

# --- failures: reported, dependents skipped, the rest starts ---------------------------------
for n in $ALL; do vx set "$(ctx "$n")" onboot=no >/dev/null; done
mk broken group=f init=/no/such/init
mk needs-broken group=f "after=$(ctx broken)"
mk slow group=f ready=tcp:9 start-timeout=1
mk needs-slow group=f "after=$(ctx slow)"
mk fine group=f
vx autostart --group f >"$OUT" 2>&1
rc=$?
ok $([ $rc -ne 0 ] && echo 0 || echo 1) "autostart exits non-zero when something failed"
like "$(grep " $(ctx broken) " "$OUT")" "FAILED: .*no/such/init" "the failed start is reported with its reason"
like "$(grep " $(ctx slow) " "$OUT" | tail -n 1)" "FAILED: not up within its start-timeout \(1s\)" \
	"a context that is not ready in time fails"
like "$(grep " $(ctx needs-broken) " "$OUT")$(grep " $(ctx needs-slow) " "$OUT")" \
	"skipped: depends on $(ctx broken), which failed.*skipped: depends on $(ctx slow), which failed" \
	"their dependents are skipped, saying why"
like "$(tail -n 1 "$OUT"):$(vx list | grep "^$(ctx fine) ")" "1 up, 2 failed, 2 skipped.*: *$(ctx fine) +running" \
	"the unrelated context runs"
vx stop --kill "$(ctx slow)" >/dev/null 2>&1
vx stop --kill "$(ctx fine)" >/dev/null 2>&1

# --- a cycle is reported before anything starts ----------------------------------------------
mk cx group=c "after=$(ctx cz)"
mk cy group=c "after=$(ctx cx)"
mk cz group=c "after=$(ctx cy)"
mk cfree group=c
fails_with "a dependency cycle is refused, naming its members" \
	"dependency cycle: ($(ctx cx)|$(ctx cy)|$(ctx cz)) -> .* -> .* -> .*nothing was started" \
	vx autostart --group c
is "$(vx list | grep -c ' running ')" 0 "nothing started because of the cycle"

# --- stopping many: all at once, not 64 at a time --------------------------------------------
# Seventy inits that, asked to stop, wait at a gate (a FIFO of the host's, bound into each) that
# the test opens only once every stop has begun: 64 at a time, the 65th could not begin before.
vx template build slow --from busybox >/dev/null
cat >"$LIB/templates/slow/rootfs/slowinit" <<'INIT'
#!/bin/sh
trap 'read x </gates/gate; exit 0' TERM
while :; do sleep 1000 & wait $!; done
INIT
chmod 755 "$LIB/templates/slow/rootfs/slowinit"
mkdir -p "$T_TMP/gates" && mkfifo -m 666 "$T_TMP/gates/gate"
MANY=""
for i in $(seq 70); do
	vx create "$(ctx gate$i)" --template slow init=/slowinit stop-signal=TERM group=many \
		onboot=yes bind="$T_TMP/gates:/gates" >/dev/null && MANY="$MANY $(ctx gate$i)"
done
vx autostart --group many >"$OUT" 2>&1
like "$(tail -n 1 "$OUT")" "^autostart: 70 up, 0 failed" "seventy contexts whose init waits at a gate to stop"
"$VCTX" autostart --stop --group many >"$OUT" 2>&1 &
AS=$!
T_EXTRA_CLEANUP="kill $AS 2>/dev/null"
for n in $MANY; do t_wait_file "$OUT" "$(printf '%-24s stopping' "$n")" 30 || break; done
is "$(grep -c ' stopping$' "$OUT"):$(grep -c ' down$' "$OUT")" "70:0" \
	"autostart --stop begins stopping all seventy before any is down"
# The gate opens: a writer that stays, and a line for each.
exec 3<>"$T_TMP/gates/gate"
for n in $MANY; do echo go >&3; done
wait $AS
like "$?:$(tail -n 1 "$OUT")" "^0:autostart --stop: 70 stopped, 0 failed" "and all seventy stop once their inits may"
exec 3>&-
T_EXTRA_CLEANUP=""
for n in $MANY; do vx destroy "$n" >/dev/null; done
vx template remove slow >/dev/null

# --- what make install puts in place for boot -----------------------------------------------
for n in broken needs-broken slow needs-slow fine cx cy cz cfree; do
	vx set "$(ctx "$n")" onboot=no >/dev/null
done
vx set "$(ctx m1)" onboot=yes >/dev/null && vx set "$(ctx m2)" onboot=yes >/dev/null
INST="$T_TMP/inst"
make -s -C "$T_TOP" install DESTDIR="$INST" PREFIX=/usr >/dev/null
ok $? "make install"
UNIT="$INST/lib/systemd/system/vctx.service"
like "$(grep -E '^(Type|RemainAfterExit|After|Wants|ExecStart|ExecStop|TimeoutStopSec)=' "$UNIT" | tr '\n' ' ')" \
	"^Wants=network-online.target After=network-online.target.* Type=oneshot RemainAfterExit=yes ExecStart=-/usr/sbin/vctx autostart ExecStop=/usr/sbin/vctx autostart --stop TimeoutStopSec=30min $" \
	"vctx.service: oneshot, remains after exit, after network-online, runs the two commands"
if command -v systemd-analyze >/dev/null; then
	sed "s|/usr/sbin/vctx|$INST/usr/sbin/vctx|" "$UNIT" >"$T_TMP/vctx-$$.service"
	is "$(systemd-analyze verify --man=no "$T_TMP/vctx-$$.service" 2>&1)" "" "systemd-analyze verify finds nothing wrong with it"
else
	ok 0 "# SKIP systemd-analyze is not installed"
fi
TPL="$INST/lib/systemd/system/vctx@.service"
like "$(grep -E '^(Type|Delegate|ExecStart|ExecStop)=' "$TPL" | tr '\n' ' ')" \
	"^Type=forking Delegate=yes ExecStart=/usr/sbin/vctx start --wait %i ExecStop=/usr/sbin/vctx stop %i $" \
	"vctx@.service: one context, its supervisor the main process"
if command -v systemd-analyze >/dev/null; then
	sed "s|/usr/sbin/vctx|$INST/usr/sbin/vctx|" "$TPL" >"$T_TMP/vctx-$$@web1.service"
	is "$(systemd-analyze verify --man=no "$T_TMP/vctx-$$@web1.service" 2>&1)" "" "and an instance of it verifies"
else
	ok 0 "# SKIP systemd-analyze is not installed"
fi
like "$(env -u VCTX_TEMPLATE_DIR "$INST/usr/sbin/vctx" template build x --from nosuch 2>&1)" \
	"no builder $INST/usr/share/vctx/templates/nosuch\)" "the installed vctx finds its builders beside itself, whatever the build's PREFIX"
INIT="$INST/etc/init.d/vctx"
like "$(sed -n '/^### BEGIN INIT INFO/,/^### END INIT INFO/p' "$INIT" | grep -cE '^# (Provides|Required-Start|Required-Stop|Default-Start|Default-Stop|Short-Description):')" \
	"^6$" "the SysV script has its LSB header"
VCTX="$INST/usr/sbin/vctx" VCTX_INIT_PLAIN=1 "$INIT" start >"$OUT" 2>&1
like "$?:$(vx list | grep -c ' running ')" "^0:2$" "/etc/init.d/vctx start brings the onboot contexts up"
VCTX="$INST/usr/sbin/vctx" VCTX_INIT_PLAIN=1 "$INIT" status >"$OUT" 2>&1
is "$?" 0 "/etc/init.d/vctx status exits 0 while every onboot context runs"
vx stop "$(ctx m2)"
like "$( (VCTX="$INST/usr/sbin/vctx" VCTX_INIT_PLAIN=1 "$INIT" status 2>&1; echo "exit $?") | tail -2 | tr '\n' ' ')" \
	"^$(ctx m2): not running exit 3 $" "and 3, naming it, when one is down"
VCTX="$INST/usr/sbin/vctx" VCTX_INIT_PLAIN=1 "$INIT" stop >"$OUT" 2>&1
like "$?:$(vx list | grep -c ' running ')" "^0:0$" "/etc/init.d/vctx stop brings everything down"
make -s -C "$T_TOP" uninstall DESTDIR="$INST" PREFIX=/usr >/dev/null
is "$(find "$INST" -type f)" "" "make uninstall removes every file make install wrote"

t_done
