#!/bin/sh
# A pure cgroup v2 host, as vctx sees one.  In a mount namespace of the test's own (a slave of
# the host's, made so before anything is mounted in it) the host's cgroup mounts are replaced
# by one cgroup2 mount of the same unified hierarchy.  On this project's hybrid machine that
# hierarchy holds no controller vctx uses, so this is also a v2 host that delegates none (a
# host that is itself a container): a limit is refused with what to do, and everything else
# must work — the context's own cgroup2 directory, clone into it, delegation, the freezer, and
# the device program, which is all the device control such a host has.
if [ -z "${VX_V2NS:-}" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "1..0 # SKIP root integration tests need root"
		exit 0
	fi
	VX_V2NS=1 exec unshare -m --propagation slave sh "$0" "$@"
fi
if ! umount -l /sys/fs/cgroup || ! mount -t cgroup2 none /sys/fs/cgroup; then
	echo "1..0 # SKIP cannot make a cgroup2-only view of the host"
	exit 0
fi
. "$(dirname "$0")/lib.sh"
plan 13

CG=/sys/fs/cgroup/$VCTX_CGROUP_PARENT
has() { grep -qw "$1" /sys/fs/cgroup/cgroup.controllers; }
like "$(vx check | grep '^  ok  *cgroups ')" "cgroups +v2; cgroup2 at /sys/fs/cgroup" "vctx check sees a pure v2 host"

t_build_busybox
A=$(ctx v2)
if has pids; then
	vx create "$A" --template busybox
	ok $? "a context with the default pids limit (the pids controller is there)"
	ok 0 "# skip: the refusal needs a host without the pids controller"
else
	vx create "$A" --template busybox
	fails_with "the default pids limit without a pids controller is refused, saying what to do" \
		"limit 'pids' needs the pids controller, which this host does not offer \(cgroup v2; set pids=max to do without\)" \
		vx start "$A"
	ok $([ ! -e "$CG/$A" ] && echo 0 || echo 1) "and leaves no cgroup"
	vx set "$A" pids=max >/dev/null
fi
if has memory; then
	ok 0 "# skip: the memory controller is there"
else
	vx set "$A" memory=64M >/dev/null
	fails_with "so is a memory limit" "limit 'memory' needs the memory controller" vx start "$A"
	vx set "$A" memory= >/dev/null
fi
vx start "$A" && t_probe "$A"; ok $? "it starts"
is "$(vx exec "$A" -- cat /proc/self/cgroup | grep '^0::')" "0::/" "inside, its own cgroup2 directory is the root"
grep -qx "$(t_json "$A" init_pid)" "$CG/$A/cgroup.procs"
ok $? "init was cloned straight into that directory"
ID=$(sed -n 's/^id-base = //p' "$VCTX_PREFIX/etc/vctx/$A.conf")
is "$(stat -c %u "$CG/$A/cgroup.procs"):$(stat -c %u "$CG/$A/cgroup.subtree_control")" "$ID:$ID" \
	"and it is delegated to the context's root"

# The device program is the only device control here.
BLK=$(find /dev -maxdepth 1 -type b | head -1)
OPEN=$(sh -c "echo \$\$ > '$CG/$A/cgroup.procs' || exit
	for d in /dev/null /dev/zero /dev/kmsg /dev/mem $BLK; do
		(: < \$d) 2>/dev/null && echo \$d open || echo \$d denied; done" | tr '\n' ' ')
is "$OPEN" "/dev/null open /dev/zero open /dev/kmsg denied /dev/mem denied ${BLK:+$BLK denied }" \
	"its device program lets the standard nodes through and nothing else"

vx exec "$A" -- sh -c 'echo frozen-copy > /root/f'
vx snapshot "$A" s1; ok $? "a snapshot freezes it with the cgroup2 freezer"
is "$(cat "$CG/$A/cgroup.freeze")" 0 "and thaws it again"
vx stop --kill "$A"
ok $([ ! -e "$CG/$A" ] && echo 0 || echo 1) "stop removes its cgroup2 directory"
t_done
