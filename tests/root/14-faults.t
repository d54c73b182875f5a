#!/bin/sh
# Faults and bad input never wedge a context: a config with a typo, a full run directory, a
# destroy killed half way, bad addresses, a failing program, an overcommitted disk, and the
# odds and ends.  Each starts by reproducing the fault.
. "$(dirname "$0")/lib.sh"
plan 53
KILLER="$T_TOP/tests/killer"
ETC="$VCTX_PREFIX/etc/vctx"

A=$(ctx brk)
t_build_busybox
vx create "$A" --template busybox onboot=yes && vx start "$A"; ok $? "a running context"

# --- a config with a typo ----------------------------------------------------------------------
echo 'memroy = 1G' >> "$ETC/$A.conf"
TYPO="$A.conf:[0-9]+: unknown key 'memroy'"
OUT=$(vx status "$A" 2>&1)
like "$OUT" "^vctx: $A: warning: .*$TYPO \(working from the config it started with\)" \
	"status warns about the config in one line"
like "$OUT" "state: +running" "and shows the context from its run state"
is "$(vx exec "$A" -- hostname 2>/dev/null)" "$A" "exec works"
like "$(vx exec "$A" -- true 2>&1)" "warning: .*$TYPO" "with the same warning"
vx exec "$A" -- logger -t t "still logging"
t_wait_file "$VCTX_PREFIX/var/log/vctx/$A/syslog" "*still logging*" 10
like "$(vx logs "$A" 2>&1)" "still logging" "logs work"
fails_with "start refuses with the file and line" "$TYPO" vx start "$A"
fails_with "so does set" "$TYPO" vx set "$A" pids=100
OUT=$(vx autostart --stop 2>&1)
like "$OUT" "1 stopped, 0 failed" "autostart --stop stops it at shutdown"
like "$(vx list)" "^$A +broken|^$A +stopped" "it is stopped"
vx create "$(ctx ok)" --template busybox && vx start "$(ctx ok)"
echo 'memroy = 1G' >> "$ETC/$(ctx ok).conf"
OUT=$(vx stop "$(ctx ok)" 2>&1)
is "$?" "0" "stop stops a running context whose config has a typo"
like "$OUT" "warning: .*unknown key 'memroy'" "saying why it did not use it"
vx destroy --force "$A"
is "$?:$(ls "$ETC" "$VCTX_PREFIX/var/lib/vctx/contexts" | grep -c "$A")" "0:0" \
	"destroy --force removes a context whatever its config holds"
vx destroy --force "$(ctx ok)"

# --- FIFOs where vctx reads or writes the guest's files do not hold a start or an exec -----------
F=$(ctx fifo)
vx create "$F" --template busybox && vx start "$F" &&
	vx exec "$F" -- sh -c 'cd /etc && rm -f hosts hostname resolv.conf && mv passwd passwd.real &&
		mkfifo hosts hostname resolv.conf .hosts.vctx passwd'
FINIT=$(vx status "$F" | sed -n 's/^ *init-pid: *//p')
# The control: an ordinary open of one of them waits for a writer that never comes.
timeout 2 cat "/proc/$FINIT/root/etc/hosts"
is "$?" "124" "control: opening the tenant's FIFO at /etc/hosts waits for ever"
vx stop "$F"
timeout 30 "$VCTX" start "$F"
is "$?" "0" "a start goes through FIFOs at /etc/hosts, hostname, resolv.conf and .hosts.vctx"
is "$(timeout 30 "$VCTX" exec "$F" -- echo through)" "through" "so does an exec through one at /etc/passwd"
vx exec "$F" -- sh -c 'test -p /etc/hostname && test -p /etc/resolv.conf && test -f /etc/hosts'
ok $? "the tenant's FIFOs are left as they are, /etc/hosts is written whole"
vx stop --kill "$F"; vx destroy "$F"

# --- a step of init's setup that hangs holds the start no longer than start-timeout ----------
# The host holds init's sethostname (a seccomp user notification): as a file system that does
# not answer would hold a step of the setup in the guest's root.
G=$(ctx hang)
vx create "$G" --template busybox start-timeout=1
OUT=$("$PROBE" gate sethostname 2000000 "$VCTX" start "$G" 2>&1)
is "$?" "1" "a start whose setup hangs fails once start-timeout (1 s) has passed"
like "$OUT" "init's setup .* within start-timeout" "saying why, in one line"
vx start "$G"; ok $? "and leaves the context whole: the next start goes"
vx stop --kill "$G"
vx set "$G" start-timeout=60
"$PROBE" gate sethostname 2000000 "$VCTX" start "$G" >/dev/null 2>&1
is "$?" "0" "control: with a start-timeout longer than the hold, the same start goes through"
vx stop --kill "$G"; vx destroy "$G"

# --- a start whose state cannot be recorded ---------------------------------------------------
B=$(ctx full)
vx create "$B" --template busybox
# The run directory on a full tmpfs of a private mount namespace of the test.
OUT=$(unshare -m sh -c '
	mount --make-rslave / && mount -t tmpfs -o size=16k vctx-full "$VCTX_PREFIX/run" &&
	(head -c 1M /dev/zero > "$VCTX_PREFIX/run/fill" 2>/dev/null; true) &&
	exec "$0" start "$1"' "$VCTX" "$B" 2>&1)
is "$?" "1" "a start whose state cannot be written fails"
like "$OUT" "^vctx: cannot start $B: cannot record the state of $B: .*No space left on device$" \
	"saying why, in one line"
is "$(vx list | awk -v n="$B" '$1 == n { print $2 }')" "stopped" "and the context is stopped, not starting forever"
vx start "$B"; ok $? "with room, it starts"
vx stop --kill "$B"

# --- a destroy killed half way ------------------------------------------------------------------
D=$(ctx kd)
vx create "$D" --template busybox && vx start "$D" &&
	vx exec "$D" -- sh -c 'i=0; mkdir -p /data; while [ $i -lt 3000 ]; do echo $i > /data/f$i; i=$((i+1)); done; echo whole > /root/marker' &&
	vx stop "$D"
WHOLE=0 GONE=0 BAD=""
for us in 200 1000 3000 6000 10000 20000 40000 80000; do
	"$KILLER" "$us" "$VCTX" destroy "$D" >/dev/null
	if vx list | grep -q "^$D "; then
		# Whole: it starts with every file (no template file showing through).
		if vx start "$D" && [ "$(vx exec "$D" -- sh -c 'cat /root/marker; ls /data | wc -l')" = "whole
3000" ]; then
			WHOLE=$((WHOLE + 1)); vx stop --kill "$D"
		else
			BAD="$BAD $us"; vx stop --kill "$D" 2>/dev/null
		fi
	else
		# Gone: and the next command on the name finds nothing of it.
		GONE=$((GONE + 1))
		vx create "$D" --template busybox >/dev/null || BAD="$BAD $us(create)"
		[ -z "$(ls -A "$VCTX_PREFIX/var/lib/vctx/contexts/$D/upper")" ] || BAD="$BAD $us(files)"
		vx start "$D" && vx exec "$D" -- sh -c 'i=0; mkdir -p /data; while [ $i -lt 3000 ]; do echo $i > /data/f$i; i=$((i+1)); done; echo whole > /root/marker' && vx stop "$D"
	fi
done
is "${BAD:-none}" "none" "every killed destroy left the context whole ($WHOLE) or gone ($GONE), never half"
vx destroy "$D"
is "$(ls -a "$ETC" | grep -c 'conf.destroy'):$(ls -A "$ETC/.destroying" | wc -l)" "0:0" \
	"and nothing of them is left"
# One killed by an earlier vctx left the config beside the others, as ETC/.NAME.conf.destroy:
# the next command on the name finishes it just the same.
L=$(ctx legacy)
vx create "$L" --template busybox >/dev/null &&
	touch "$VCTX_PREFIX/var/lib/vctx/contexts/$L/upper/left" &&
	mv "$ETC/$L.conf" "$ETC/.$L.conf.destroy"
vx create "$L" --template busybox >/dev/null
is "$?:$(ls -A "$VCTX_PREFIX/var/lib/vctx/contexts/$L/upper" | wc -l):$(ls -a "$ETC" | grep -c 'conf.destroy')" \
	"0:0:0" "a destroy an earlier vctx left half way is finished by the next create of the name"
vx destroy "$L"

# --- addresses that are no host's ------------------------------------------------------------------
for a in 198.51.100.0/24 198.51.100.255/24 255.255.255.255/32 224.0.0.1/24 ff02::1/64 \
	2001:db8::/64 fe80::1/64 ::ffff:198.51.100.7/120 198.51.100.7/024 127.0.0.2/8; do
	OUT=$(vx create "$(ctx ad)" --template busybox "address=$a" 2>&1)
	[ $? -ne 0 ] && [ "$(printf '%s\n' "$OUT" | wc -l)" -eq 1 ] || BADA="${BADA:-} $a"
done
is "${BADA:-none}" "none" "network, broadcast, multicast, anycast, link-local, v4-mapped, /024 and loopback addresses are refused in one line"
fails_with "each with why" "198.51.100.255/24 is the network's broadcast address" \
	vx create "$(ctx ad)" --template busybox address=198.51.100.255/24
is "$(ls "$ETC" | grep -c "$(ctx ad)")" "0" "and nothing is made"

# --- a failing program says why -------------------------------------------------------------------
E=$(ctx ex)
vx create "$E" --template busybox && vx exec "$B" -- true 2>/dev/null
mkdir -p "$T_TMP/small"
OUT=$(unshare -m sh -c 'mount --make-rslave / && mount -t tmpfs -o size=4k x "$1" &&
	exec "$0" export "$2" "$1/e.tar"' "$VCTX" "$T_TMP/small" "$E" 2>&1)
like "$OUT" "^vctx: cannot export $E: .*(No space left on device|Wrote only [0-9]+ of [0-9]+ bytes)$" \
	"a full disk under an export is the cause given, not tar's last line"
is "$(printf '%s\n' "$OUT" | wc -l)" "1" "in one line"
head -c 5000 /dev/urandom > "$T_TMP/garbage.tar"
fails_with "a garbage archive is refused in one line" "cannot import .*garbage.tar: " \
	vx import --name "$(ctx gb)" "$T_TMP/garbage.tar"

# --- sparse disks that promise more than the host has ----------------------------------------------
OUT=$(unshare -m sh -c 'mount --make-rslave / && mount -t tmpfs -o size=40M x "$1" &&
	exec "$0" create "$2" --template busybox disk=256M' "$VCTX" "$VCTX_PREFIX/var/lib/vctx/contexts" "$(ctx big)" 2>&1)
like "$OUT" "warning: the disk images on .* may still take 2[0-9][0-9]M, more than its [0-9.]+M free" \
	"create warns when the sparse images may take more than the file system has free"
vx destroy "$(ctx big)" 2>/dev/null

# --- odds and ends -------------------------------------------------------------------------------
vx create "$(ctx lk)" --template nosuch 2>/dev/null
vx create "$(ctx lk2)" --template busybox address=198.51.100.255/24 2>/dev/null
is "$(ls "$VCTX_PREFIX/run/vctx" | grep -c "$(ctx lk)")" "0" \
	"a refused create leaves no lock file (a missing template, a bad value)"
fails_with "a name with a newline is one line, escaped" "invalid context name 'a#012b'" \
	vx status "$(printf 'a\nb')"
printf '[context]\ntemplate = busybox\nid-base = 65536\n\0memory = 1G\n' > "$ETC/$(ctx nul).conf"
fails_with "a NUL byte in a config is reported with its line" "$(ctx nul).conf:4: a NUL byte" \
	vx start "$(ctx nul)"
rm -f "$ETC/$(ctx nul).conf"
fails_with "cap-keep of what the policy does not drop is refused" "cap-keep: sys_admin is not dropped" \
	vx set "$B" cap-keep=sys_admin
fails_with "a name twice in after= is refused" "'db' is named twice" vx set "$B" "after=db db"
OUT=$(vx stop "$B" 2>&1)
is "$?:$OUT" "0:vctx: $B was not running" "stopping a stopped context succeeds, with a note"
vx set "$B" init=/bin/true >/dev/null
for i in 1 2 3 4 5 6 7 8 9 10; do vx start -F "$B" </dev/null || FAILF="${FAILF:-} $i"; done
is "${FAILF:-none}" "none" "start -F of an init that exits at once succeeds every time"
vx set "$B" init=/bin/false >/dev/null
vx start -F "$B" </dev/null
is "$?" "1" "and returns init's exit status"

# --- a supervisor from before an upgrade ----------------------------------------------------------
# It speaks the text protocol of version 1 (the probe stands in at its control socket): a
# command that needs it says why it cannot, and stop still works, through its signals.
O=$(ctx old)
vx create "$O" --template busybox >/dev/null && vx start "$O"
mkfifo "$T_TMP/oldctl"
"$PROBE" old-ctl "$VCTX_PREFIX/run/vctx/$O/ctl" > "$T_TMP/oldctl" & OLDCTL=$!
T_EXTRA_CLEANUP="${T_EXTRA_CLEANUP:+$T_EXTRA_CLEANUP; }kill $OLDCTL 2>/dev/null"
read -r READY < "$T_TMP/oldctl"
is "$READY" "ready" "a supervisor of the old protocol answers at the control socket"
fails_with "a command that needs it names the version mismatch" \
	"the supervisor of $O runs another vctx version: restart $O" vx snapshot "$O" s1
vx stop "$O"; ok $? "stop still works: it signals that supervisor"
like "$(vx status "$O")" "state: +stopped" "and the context is down, cleaned up"
kill $OLDCTL 2>/dev/null; wait $OLDCTL 2>/dev/null
for n in $(vx list --json | tr ',' '\n' | sed -n 's/.*"name":"\([^"]*\)".*/\1/p'); do vx stop --kill "$n" 2>/dev/null; done

# --- a start whose device control fails -----------------------------------------------------------
# It is set on the thread beside the root, after the clone.  v1's devices controller lets no
# cgroup allow what its parent denies: with /dev/null denied in the contexts' parent (none of
# them runs now), a context's own list cannot be written.
DEVP=/sys/fs/cgroup/devices/$VCTX_CGROUP_PARENT
if [ -f "$DEVP/devices.deny" ]; then
	DV=$(ctx dev)
	vx create "$DV" --template busybox >/dev/null
	echo 'c 1:3 rwm' > "$DEVP/devices.deny"
	fails_with "a start whose device list cannot be set fails in one line, naming the file" \
		"cannot start $DV: .*devices.allow" vx start "$DV"
	is "$(find /sys/fs/cgroup -path "*$VCTX_CGROUP_PARENT/$DV" | wc -l):$(vx status "$DV" | sed -n 's/^state: *//p')" \
		"0:stopped" "and leaves no cgroup behind, the context stopped"
	echo 'c 1:3 rwm' > "$DEVP/devices.allow"
	vx start "$DV" && vx stop --kill "$DV"; ok $? "it starts once the parent allows the device again"
else
	for i in 1 2 3; do ok 0 "# SKIP no v1 devices controller"; done
fi
[ -d "/sys/fs/cgroup/memory/$VCTX_CGROUP_PARENT" ] || [ -d "/sys/fs/cgroup/$VCTX_CGROUP_PARENT" ]
ok $? "the contexts' parent cgroup stays while they exist, stopped (a start need not make it)"
for n in $(vx list --json | tr ',' '\n' | sed -n 's/.*"name":"\([^"]*\)".*/\1/p'); do vx destroy "$n" >/dev/null 2>&1; done
is "$(find /sys/fs/cgroup -maxdepth 2 -type d -name "$VCTX_CGROUP_PARENT" | wc -l)" "0" \
	"and goes with the last of them"
t_done
