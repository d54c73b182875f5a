#!/bin/sh
# Resource limits: memory (OOM inside only), pids, CPU cap, live changes that persist, bad
# values refused with nothing changed, and a context that cannot raise its own limits.
. "$(dirname "$0")/lib.sh"
plan 30

A=$(ctx lim); B=$(ctx other)
CONF=$VCTX_PREFIX/etc/vctx/$A.conf
t_build_busybox
vx create "$A" --template busybox memory=64M pids=64 cpu-max=20%; ok $? "create with limits"
vx create "$B" --template busybox
vx start "$A" && vx start "$B"; ok $? "start two contexts"
t_probe "$A"; ok $? "copy the probe in"

# Memory: a hog is OOM-killed inside; everything else keeps running.
vx exec "$A" -- /probe hog > /dev/null; is $? 137 "a memory hog in a 64M context is killed"
ok $(vx exec "$A" -- true && echo 0 || echo 1) "the context itself keeps running"
ok $(vx exec "$B" -- true && echo 0 || echo 1) "so does its neighbour"
ok $([ "$(t_json "$A" oom_kills)" -ge 1 ] && echo 0 || echo 1) "status counts the OOM kill"
PEAK=$(t_json "$A" memory.peak)
ok $([ "$PEAK" -le $((64 << 20)) ] && [ "$PEAK" -ge $((48 << 20)) ] && echo 0 || echo 1) \
	"memory peaked at the limit ($PEAK bytes)"

# pids: a bounded fork bomb stops at the limit.
OUT=$(vx exec "$A" -- /probe forks 200)
like "$OUT" "^started [0-9]+ of 200: Resource temporarily unavailable" "a fork bomb hits the pids limit"
N=${OUT#started }; N=${N%% *}
ok $([ "$N" -lt 64 ] && [ "$N" -gt 32 ] && echo 0 || echo 1) "it got fewer than 64 processes ($N)"

# CPU: two spinners under a 20% cap; the cgroup's usage over a measured interval.
vx exec "$A" -- sh -c '/probe spin & /probe spin & wait' & SPIN=$!
U0=$(t_json "$A" cpu.usec); T0=$(date +%s%N)
sleep 2	# the measuring interval, not a wait for readiness
U1=$(t_json "$A" cpu.usec); T1=$(date +%s%N)
vx exec "$A" -- killall probe; wait $SPIN
R=$(( (U1 - U0) * 1000 / ((T1 - T0) / 1000) ))
ok $([ "$R" -ge 120 ] && [ "$R" -le 260 ] && echo 0 || echo 1) \
	"CPU use under cpu-max=20% is near 20% of a CPU ($((R / 10))%)"

# Live changes, kept in the config with its comments.
sed -i '1a # a comment of the admin' "$CONF"
vx set "$A" memory=96M pids=100; ok $? "set memory and pids on the running context"
like "$(t_cgfile "$A" memory.max || t_cgfile "$A" memory.limit_in_bytes)" "^$((96 << 20))$" \
	"the memory limit changed at once"
is "$(t_cgfile "$A" pids.max)" "100" "the pids limit changed at once"
like "$(cat "$CONF")" "# a comment of the admin" "the config kept its comment"
vx set --no-save "$A" pids=300
is "$(t_cgfile "$A" pids.max):$(sed -n 's/^pids = //p' "$CONF")" "300:100" "--no-save changes only the running context"
vx stop --kill "$A" && vx start "$A"
is "$(t_cgfile "$A" pids.max)" "100" "after a restart the saved value holds"
vx set "$A" pids= && is "$(t_cgfile "$A" pids.max)" "4096" "an emptied key goes back to its default"

# Bad values: a clear error, nothing changed in the kernel or in the file.
SUM=$(md5sum < "$CONF"); MEM=$(t_cgfile "$A" memory.max || t_cgfile "$A" memory.limit_in_bytes)
fails_with "memory=12Q is refused" "memory: invalid size '12Q'" vx set "$A" memory=12Q
fails_with "cpu-max above the host's CPUs is refused" "more than the [0-9]+ this host has" vx set "$A" cpu-max=999
fails_with "pids=-1 is refused" "pids: invalid number '-1'" vx set "$A" pids=-1
fails_with "an unknown key is refused" "unknown key 'memroy'" vx set "$A" memroy=1G
is "$(md5sum < "$CONF"):$(t_cgfile "$A" memory.max || t_cgfile "$A" memory.limit_in_bytes)" "$SUM:$MEM" \
	"neither the config nor the kernel changed"

# A limit this host cannot enforce is an error naming the key and the controller.
if t_cgfile "$A" blkio.weight >/dev/null || t_cgfile "$A" io.weight >/dev/null; then
	vx set "$A" io-weight=200; ok $? "io-weight is enforced here"
else
	fails_with "io-weight without a weighted I/O scheduler is an error, not a no-op" \
		"limit 'io-weight' needs .*(blkio|io) controller" vx set "$A" io-weight=200
fi

# The context cannot raise its own limits: every limit file it can reach is read-only to it.
W=$(vx exec "$A" -- sh -c 'n=0 t=0; mkdir -p /tmp/cg
	mount -t cgroup -o memory cgroup /tmp/cg 2>/dev/null
	for f in /sys/fs/cgroup/*.max /sys/fs/cgroup/cgroup.max.* /tmp/cg/memory.*limit_in_bytes; do
		[ -f "$f" ] || continue
		t=$((t + 1)); (echo 1 > "$f") 2>/dev/null && n=$((n + 1))
	done; umount /tmp/cg 2>/dev/null; echo "$t $n"')
like "$W" "^[1-9][0-9]* 0$" "writes to its own limit files from inside fail (tried, written: $W)"

vx stop --kill "$A" && vx stop --kill "$B"
is "$(find /sys/fs/cgroup -path "*$VCTX_CGROUP_PARENT/$A" | wc -l)" 0 "the cgroup is gone after stop, in every hierarchy"

# What a supervisor killed before its cleanup leaves: the context's cgroup directories, here
# with a pids limit of 5.  The next start makes them anew, with the config's limits.
for d in /sys/fs/cgroup/*/"$VCTX_CGROUP_PARENT" /sys/fs/cgroup/"$VCTX_CGROUP_PARENT"; do
	[ -d "$d" ] && mkdir "$d/$A" 2>/dev/null
done
for f in /sys/fs/cgroup/*/"$VCTX_CGROUP_PARENT/$A"/pids.max /sys/fs/cgroup/"$VCTX_CGROUP_PARENT/$A"/pids.max; do
	[ -f "$f" ] && echo 5 > "$f"
done
is "$(t_cgfile "$A" pids.max)" 5 "a leftover cgroup with a stale pids limit is in place"
vx start "$A"; ok $? "the context starts over leftover cgroup directories"
is "$(t_cgfile "$A" pids.max)" 4096 "its limit is the config's again (the default)"
vx stop --kill "$A"
t_done
