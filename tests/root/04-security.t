#!/bin/sh
# Root inside is not root outside: capability bounding set, seccomp, masked /proc and /sys,
# locked mounts, no host devices, no leaked descriptors; each known way out is tried.
. "$(dirname "$0")/lib.sh"
plan 83

A=$(ctx sec)
t_build_busybox
vx create "$A" --template busybox && vx start "$A" && t_probe "$A"; ok $? "a context with the default policy"

# The policy, read from inside.
ST=$(vx exec "$A" -- cat /proc/1/status)
# Everything but: net_raw(13) sys_module(16) sys_rawio(17) sys_pacct(20) sys_time(25)
# audit_control(30) and 32-40 (mac_override ... checkpoint_restore).
is "$(printf '%s\n' "$ST" | sed -n 's/^CapBnd:\t//p')" "00000000bdecdfff" "init's bounding set is the default policy"
is "$(printf '%s\n' "$ST" | sed -n 's/^CapEff:\t//p')" "00000000bdecdfff" "its effective set too"
is "$(printf '%s\n' "$ST" | sed -n 's/^Seccomp:\t//p')" "2" "init runs under a seccomp filter"
is "$(printf '%s\n' "$ST" | sed -n 's/^NoNewPrivs:\t//p')" "0" "without no_new_privs (setuid programs work)"
EX=$(vx exec "$A" -- cat /proc/self/status)
is "$(printf '%s\n' "$EX" | sed -n 's/^CapBnd:\t//p') $(printf '%s\n' "$EX" | sed -n 's/^Seccomp:\t//p')" \
	"00000000bdecdfff 2" "vctx exec gets the same bounding set and filter"
is "$(vx exec "$A" -- ls /proc/1/fd | tr '\n' ' ')" "0 1 2 " "init holds no descriptor but its console"
is "$(vx exec "$A" -- sh -c 'for f in 0 1 2; do readlink /proc/1/fd/$f; done' | sort -u)" "/dev/console" \
	"and those are the console"
is "$(vx exec "$A" -- ls /dev | tr '\n' ' ')" \
	"console fd full log mqueue null ptmx pts random shm stderr stdin stdout tty urandom zero " \
	"/dev holds only the standard nodes (and /dev/log)"
# The cgroup2 device program, the only device control a pure v2 host has.  A host process put
# into the context's cgroup2 directory alone (on a hybrid host its v1 devices cgroup stays the
# host's) meets that program and nothing else of ours.
V2MNT=$(findmnt -n -o TARGET -t cgroup2 | head -1)
BLK=$(find /dev -maxdepth 1 -type b | head -1)
cg_open() {
	sh -c "echo \$\$ > '$V2MNT/$VCTX_CGROUP_PARENT/$1/cgroup.procs' || exit
		for d in /dev/null /dev/urandom /dev/kmsg /dev/net/tun $BLK; do
			(: < \$d) 2>/dev/null && echo \$d open || echo \$d denied; done" | tr '\n' ' '
}
is "$(cg_open "$A")" "/dev/null open /dev/urandom open /dev/kmsg denied /dev/net/tun denied ${BLK:+$BLK denied }" \
	"its cgroup2 device program allows the standard nodes only, and no block device"
# Contexts with the same device options share one loaded program (the verifier's work once),
# found again by the id vctx keeps, and taken only while the kernel's hash of it is the one
# kept: a kept id that names another program is not used.
progs() { "$PROBE" bpf-query "$V2MNT/$VCTX_CGROUP_PARENT/$1" | tr '\n' ' '; }
S1=$(ctx secshare1); S2=$(ctx secshare2)
vx create "$S1" --template busybox && vx start "$S1" && vx create "$S2" --template busybox &&
	vx start "$S2"
ok $? "two more contexts with the default devices"
like "$(progs "$S1")" "^[0-9]+ $" "the first has its device program"
is "$(progs "$S2")" "$(progs "$S1")" "the second runs the same one"
is "$(cg_open "$S2")" "/dev/null open /dev/urandom open /dev/kmsg denied /dev/net/tun denied ${BLK:+$BLK denied }" \
	"and it allows what the first does"
vx stop --kill "$S2" >/dev/null
KEPT=$(ls "$VCTX_PREFIX"/run/vctx/.devprog-*)
# The kept id, pointed at a program of another hash (the kept tag set to one no program has).
read -r ID TAG <"$KEPT"
printf '%s 0123456789abcdef\n' "$ID" >"$KEPT"
vx start "$S2"
P2=$(progs "$S2")
unlike "$P2" "^$ID $" "a kept id whose program is not the one kept is not taken"
is "$(cg_open "$S2")" "/dev/null open /dev/urandom open /dev/kmsg denied /dev/net/tun denied ${BLK:+$BLK denied }" \
	"and the program loaded instead allows the same"
vx destroy --force "$S1" >/dev/null; vx destroy --force "$S2" >/dev/null
is "$(vx exec "$A" -- sh -c 'cat /proc/keys /proc/timer_list 2>&1 | wc -c')" "0" "/proc/keys and /proc/timer_list read empty"
like "$(vx exec "$A" -- grep ' /proc/sys ' /proc/self/mountinfo)" " /proc/sys ro," "/proc/sys is read-only"
like "$(vx exec "$A" -- grep ' /proc/sys/net ' /proc/self/mountinfo)" " /proc/sys/net rw," "but /proc/sys/net is the context's own"
like "$(vx exec "$A" -- grep ' /sys ' /proc/self/mountinfo)" " /sys ro," "/sys is read-only"
like "$(vx exec "$A" -- grep ' /sys/firmware ' /proc/self/mountinfo)" " /mask /sys/firmware ro,.* tmpfs vctx-dev " \
	"/sys/firmware is masked: the empty directory of the /dev tmpfs, read-only"
is "$(vx exec "$A" -- awk '$5 ~ /^\/(dev|proc\/acpi|sys\/firmware|sys\/kernel\/(debug|security))$/ { print $3 }' \
	/proc/self/mountinfo | sort -u | wc -l)" 1 "every mask is of the /dev tmpfs (no superblock of their own)"
is "$(vx exec "$A" -- awk '$5 == "/dev" { d = $3 } { m[$3 " " $4]++ } END { print m[d " /"] + 0 }' \
	/proc/self/mountinfo)" 0 "no mount shows that tmpfs's own root: only /dev and the masks' directory are bound"
is "$(vx exec "$A" -- sh -c 'mkdir /dev/x && touch /dev/x/f /dev/f; ls -A /proc/acpi; ls -A /sys/firmware; rm -r /dev/x /dev/f')" "" \
	"what root writes in /dev shows in no mask"

# Every known way out, tried by the probe; the controls prove the probe itself works.
OUT=$(vx exec "$A" -- /probe escape)
expect() { like "$OUT" "^$1: $2$" "$3"; }
expect control-mount-tmpfs ok "control: the probe can mount a tmpfs"
expect control-getpid ok "control: the probe can make system calls"
expect control-remount-rw ok "control: the probe can make a read-only mount of its own writable"
expect init_module "blocked \(EPERM\)" "loading a module is refused"
expect finit_module "blocked \(EPERM\)" "finit_module too"
expect delete_module "blocked \(EPERM\)" "removing a module too"
expect kexec_load "blocked \(EPERM\)" "kexec is refused"
expect open_by_handle_at "blocked \(EPERM\)" "open_by_handle_at (shocker) is refused"
expect settimeofday "blocked \(EPERM\)" "the host's clock cannot be set"
expect clock_settime "blocked \(EPERM\)" "neither with clock_settime"
expect swapon "blocked \(EPERM\)" "swapon is refused"
expect iopl "blocked \(EPERM\)" "I/O ports are out of reach"
expect bpf "blocked \(EPERM\)" "bpf is refused"
expect perf_event_open "blocked \(EPERM\)" "perf_event_open is refused"
expect personality-page-zero "blocked \(EPERM\)" "personality(MMAP_PAGE_ZERO) is refused"
expect raw-socket "blocked \(EPERM\)" "raw sockets are refused by default"
expect packet-socket "blocked \(EPERM\)" "packet sockets too"
expect mknod-block-device "blocked \(EPERM\)" "no block device can be made (the host's disks stay out of reach)"
expect mount-fresh-proc "blocked \(EPERM\)" "a fresh procfs cannot be mounted around the masks"
expect mount-fresh-sysfs "blocked \(EPERM\)" "nor a fresh sysfs"
expect umount-proc-mask "blocked \(EINVAL\)" "a mask cannot be unmounted (the kernel locked it)"
expect umount-sys-mask "blocked \(EINVAL\)" "nor a mask of /sys (each a clone of the first mask)"
expect remount-mask-rw "blocked \(EPERM\)" "a mask cannot be made writable"
expect remount-mask-fs-rw "blocked \(EPERM\)" "nor its file system"
expect umount-proc-sys "blocked \(EINVAL\)" "nor read-only /proc/sys"
expect write-proc-sys "blocked \((EACCES|EROFS)\)" "the host's /proc/sys cannot be written"
expect write-sysfs "blocked \((EACCES|EROFS)\)" "nor sysfs"
expect cgroup-release-agent "blocked \((ENOENT|EACCES|EPERM)\)" "no cgroup v1 release_agent is reachable"
expect nested-userns-fresh-proc "blocked \(EPERM\)" "a nested user namespace does not bring the power back"
expect io_uring_setup "blocked \(EPERM\)" "io_uring is refused by the default filter"
expect vsock-socket "blocked \(EPERM\)" "so is a vsock socket (the hypervisor's side channel)"

# /proc is a procfs of the context's own pid namespace: since Linux 6.18 the supervisor makes
# it from outside that namespace (procfs pidns=), before that the mount helper mounts it from
# inside.  Both ways give the same /proc, its masks locked; the older one is forced here by
# refusing fsconfig to the start.  Control: the host's own /proc has another pid 1 and more.
procview() { vx exec "$1" -- sh -c 'cat /proc/1/comm; n=$(ls -d /proc/[0-9]* | wc -l); [ "$n" -lt 10 ] && echo few'; }
is "$(procview "$A" | tr '\n' ' ')" "init few " "/proc shows the context's processes: pid 1 is its init"
unlike "$(cat /proc/1/comm) $(ls -d /proc/[0-9]* | wc -l | awk '$1 < 10 { print "few" }')" "^init few$" \
	"control: the host's /proc is another one"
D=$(ctx secold)
vx create "$D" --template busybox && "$PROBE" refuse fsconfig "$VCTX" start "$D" && t_probe "$D"
ok $? "a context started where the kernel takes no pidns= for procfs"
is "$(procview "$D" | tr '\n' ' ')" "init few " "its /proc shows its own processes too"
OUT=$(vx exec "$D" -- /probe escape)
expect umount-proc-mask "blocked \(EINVAL\)" "its masks are locked the same"
expect mount-fresh-proc "blocked \(EPERM\)" "and no fresh procfs can be mounted around them"
vx destroy --force "$D" >/dev/null

# CVE-2019-5736: a script whose interpreter is /proc/self/exe, run by vctx exec, would run the
# host's vctx binary inside the context.  Either the kernel refuses to load it, or the trap
# catches it running and every attempt to write it fails.
SUM=$(md5sum < "$VCTX")
mkfifo "$T_TMP/trap"
vx exec "$A" -- /probe exe-trap > "$T_TMP/trap" & TRAP=$!
exec 7< "$T_TMP/trap"; read -r READY <&7
EVIL=$(vx exec "$A" -- /tmp/evil 2>&1); RC=$?
if [ $RC -ne 0 ] && printf '%s\n' "$EVIL" | grep -qE "cannot execute /tmp/evil: No such file or directory|vctx-exec: refused"; then
	ok 0 "the host's vctx binary never runs inside through /proc/self/exe (the kernel refuses, or the static vctx-exec it finds there does)"
	vx exec "$A" -- killall probe
	wait $TRAP
	is "$(cat <&7)" "" "so the trap never saw it"
else
	T=$(cat <&7); wait $TRAP
	like "$T" "runtime-seen: yes" "the trap caught the host's binary running inside"
	like "$T" "exe-write-after-exit: blocked \((EACCES|EPERM)\)" "and could not write it"
fi
exec 7<&-
is "$(md5sum < "$VCTX")" "$SUM" "the host's vctx binary is unchanged"

# Opting in and out.
B=$(ctx raw)
vx create "$B" --template busybox cap-keep=net_raw && vx start "$B"
like "$(vx exec "$B" -- ping -c1 -W2 127.0.0.1)" "1 packets received" "cap-keep=net_raw gives raw sockets (busybox ping)"
vx set "$B" cap-keep= io-uring=yes >/dev/null && vx restart "$B" && t_probe "$B"
OUT=$(vx exec "$B" -- /probe escape)
expect io_uring_setup "OPEN" "io-uring=yes lets io_uring through (the control of the refusal)"
expect vsock-socket "blocked \(EPERM\)" "but still no vsock"
vx set "$B" io-uring= seccomp=none cap-drop=sys_ptrace >/dev/null && vx restart "$B" && t_probe "$B"
OUT=$(vx exec "$B" -- /probe escape)
expect vsock-socket "OPEN" "without the filter a vsock socket opens (the control)"
is "$(vx exec "$B" -- sed -n 's/^Seccomp:\t//p' /proc/1/status)" "0" "seccomp=none loads no filter"
is "$(vx exec "$B" -- sed -n 's/^CapBnd:\t//p' /proc/1/status)" "00000000bde4dfff" "cap-drop takes more away (sys_ptrace)"
printf '# refuse making directories\nmkdir\nmkdirat\n' > "$T_TMP/deny.list"
vx set "$B" seccomp="$T_TMP/deny.list" cap-drop= >/dev/null && vx restart "$B"
like "$(vx exec "$B" -- mkdir /tmp/x 2>&1)" "Operation not permitted" "an admin's list of calls is enforced"
printf 'mkdir\nno_such_call\n' > "$T_TMP/bad.list"
vx set "$B" seccomp="$T_TMP/bad.list" >/dev/null
vx stop --kill "$B"
fails_with "a bad entry in the list is refused with file:line" "bad.list:2: unknown system call 'no_such_call'" vx start "$B"
fails_with "an unknown capability is refused" "unknown capability 'sys_teleport'" vx set "$B" cap-drop=sys_teleport

D=$(ctx dev)
vx create "$D" --template busybox devices=tun,fuse && vx start "$D" && t_probe "$D"
ok $? "a context that asks for the tun and fuse devices"
is "$(vx exec "$D" -- ls /dev/net/tun /dev/fuse | tr '\n' ' ')" "/dev/fuse /dev/net/tun " "gets both nodes"
like "$(vx exec "$D" -- /probe tun vt0)" "^created vt0" "and makes a tun interface in its own network"
like "$(vx status "$D")" "devices: +tun fuse" "vctx status lists them"
is "$(cg_open "$D")" "/dev/null open /dev/urandom open /dev/kmsg denied /dev/net/tun open ${BLK:+$BLK denied }" \
	"its device program lets tun through, still nothing else"
like "$(vx exec "$A" -- /probe tun vt0)" "^open: No such file" "a context that did not ask has no tun"
fails_with "an unknown device is refused" "unknown device 'sda': use tun or fuse" vx set "$D" devices=sda

C=$(ctx nouser)
vx create "$C" --template busybox userns=no && vx start "$C"
is "$(vx exec "$C" -- cat /proc/self/uid_map | awk '{print $1, $2, $3}')" "0 0 4294967295" \
	"userns=no runs root as the host's root (documented with a warning)"
# Without a user namespace the host's own bounding set is the start (the default drops are
# net_raw, sys_module, sys_rawio, sys_pacct, sys_time, audit_control and capabilities 32-40).
HOST=$(sed -n 's/^CapBnd:\t//p' /proc/self/status)
is "$(vx exec "$C" -- sed -n 's/^CapBnd:\t//p' /proc/1/status)" \
	"$(printf '%016x' $((0x$HOST & ~0x1ff42132000)))" "it still gets the capability policy"
t_done
