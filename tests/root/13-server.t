#!/bin/sh
# A context behaves like a real server: the process state, limits and files it starts with are
# its own, whoever started it and how; its limits show in /proc through lxcfs; the Debian
# template is a usable server.
. "$(dirname "$0")/lib.sh"
command -v lxcfs >/dev/null || { echo "1..0 # SKIP lxcfs is not installed"; t_abort; exit 0; }
plan 45

A=$(ctx srv)
t_build_busybox
vx create "$A" --template busybox memory=256M cpus=0; ok $? "a busybox context with memory=256M cpus=0"
# Started from a caller in an odd state: SIGPIPE and SIGUSR1 ignored, umask 077, a soft
# nofile of 20000, setarch's no-randomize personality.
odd() {
	setarch "$(uname -m)" -R perl -e '$SIG{PIPE} = $SIG{USR1} = "IGNORE"; umask 077; exec @ARGV' \
		sh -c 'ulimit -Sn 20000; exec "$@"' odd "$@"
}
odd "$VCTX" start "$A"; ok $? "it starts from that caller"
t_probe "$A"

# --- process state: init, a getty, an exec'd command ------------------------------------------
status() { vx exec "$A" -- sh -c "sed -n 's/^\\(SigBlk\\|SigIgn\\|NoNewPrivs\\|Umask\\):\\t*//p' /proc/$1/status" | tr '\n' ' '; }
is "$(status 1)" "0022 0000000000000000 0000000000000000 0 " \
	"init: umask 022, no signal blocked or ignored (SIGPIPE included), setuid programs work"
is "$(vx exec "$A" -- sh -c 'for f in /proc/1/fd/*; do readlink $f; done' | sort -u)" "/dev/console" \
	"init holds its console only"
is "$(vx exec "$A" -- sh -c 'tr "\0" "\n" < /proc/1/environ' | sort | tr '\n' ' ')" \
	"HOME=/ PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin TERM=linux container=vctx " \
	"init's environment is the documented one"
is "$(vx exec "$A" -- cat /proc/1/personality)" "00000000" "and its personality is Linux's"
GETTY=$(vx exec "$A" -- sh -c 'for p in /proc/[0-9]*; do [ "$(cat $p/comm)" = getty ] && echo ${p#/proc/}; done' | head -n 1)
is "$(status "$GETTY")" "0022 0000000000000000 0000000000000000 0 " "a getty started by init: the same"
is "$(vx exec "$A" -- sh -c "readlink /proc/$GETTY/fd/0; cut -d' ' -f7 /proc/$GETTY/stat" | tr '\n' ' ')" \
	"/dev/console 34816 " "and the console (pty 0 of its own devpts: 136:0) is its controlling terminal"
EX=$(odd "$VCTX" exec "$A" -- sh -c 'sed -n "s/^\(SigBlk\|SigIgn\|NoNewPrivs\|Umask\):\t*//p" /proc/self/status; cat /proc/self/personality' | tr '\n' ' ')
is "$EX" "0022 0000000000000000 0000000000000000 0 00000000 " \
	"an exec'd command from that caller: umask 022, no signal blocked or ignored, Linux personality"
is "$(odd "$VCTX" exec "$A" -- cat /proc/self/environ | tr '\0' '\n' | sort | tr '\n' ' ')" \
	"HOME=/root LOGNAME=root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin SHELL=/bin/sh TERM=dumb USER=root " \
	"and the documented environment, nothing of the caller's"
is "$(odd "$VCTX" exec "$A" -- sh -c 'ls /proc/self/fd' | tr '\n' ' ')" "0 1 2 3 " "and no stray descriptor (3 is ls's own)"
is "$(timeout 20 "$VCTX" exec "$A" -- sh -c 'yes | head -n 1; echo done')" "y
done" "yes | head -1 ends inside (SIGPIPE is default again)"

# --- rlimits -----------------------------------------------------------------------------------
H=$(ulimit -Hn); [ "$H" = unlimited ] && H=1073741816
WANT=$((H < 524288 ? H : 524288))
lim() { vx exec "$A" -- sh -c "sed -n 's/^Max open files *\\([0-9a-z]*\\) *\\([0-9a-z]*\\).*/\\1:\\2/p' /proc/$1/limits"; }
is "$(lim 1)" "1024:$WANT" "init's open files: 1024:524288 as systemd gives services (the host lets vctx raise to $H)"
L1=$(vx exec "$A" -- cat /proc/1/limits)
vx stop --kill "$A" && env -i VCTX_CGROUP_PARENT="$VCTX_CGROUP_PARENT" "$VCTX" --prefix "$VCTX_PREFIX" start "$A"
is "$(vx exec "$A" -- cat /proc/1/limits)" "$L1" "started from env -i, init has the same limits"
vx stop --kill "$A" && sh -c 'ulimit -Sn 64; exec "$@"' x "$VCTX" start "$A"
is "$(vx exec "$A" -- cat /proc/1/limits)" "$L1" "and from a caller with a soft limit of 64 (as a boot service might have)"
is "$(odd "$VCTX" exec "$A" -- cat /proc/self/limits)" "$L1" "an exec'd command has them too, whatever its caller's"
vx set "$A" nofile=4096:8192 core=unlimited stack=16M:unlimited >/dev/null && vx restart "$A"
is "$(lim 1) $(lim self)" "4096:8192 4096:8192" "[limits] nofile sets init's and exec's"
like "$(vx exec "$A" -- cat /proc/1/limits)" "Max stack size +16777216 +unlimited" "stack too"
like "$(vx exec "$A" -- cat /proc/1/limits)" "Max core file size +unlimited +unlimited" "core too"
fails_with "a bad limit is refused with its key" "nofile: .*invalid number '12Q'" vx set "$A" nofile=12Q
fails_with "a soft limit above the hard one is refused" "soft limit of '10:5' is above its hard limit" \
	vx set "$A" nofile=10:5
vx set "$A" nofile= core= stack= >/dev/null && vx restart "$A"

# --- /proc through lxcfs ----------------------------------------------------------------------
# The control: without lxcfs the context sees the host's memory, uptime and CPUs.
HOSTMEM=$(sed -n 's/^MemTotal: *//p' /proc/meminfo)
is "$(vx exec "$A" -- sed -n 's/^MemTotal: *//p' /proc/meminfo)" "$HOSTMEM" \
	"control: without lxcfs MemTotal is the host's ($HOSTMEM)"
LX="$VCTX_PREFIX/var/lib/lxcfs"
mkdir -p "$LX"
lxcfs -f -p "$T_TMP/lxcfs.pid" --enable-cfs --enable-pidfd "$LX" > "$T_TMP/lxcfs.log" 2>&1 & LXPID=$!
T_EXTRA_CLEANUP="kill $LXPID 2>/dev/null; umount -l '$LX' 2>/dev/null"
"$PROBE" waitmount "$LX" 10; ok $? "a lxcfs of the test's own serves at the prefix's /var/lib/lxcfs"
vx restart "$A"
is "$(vx exec "$A" -- sed -n 's/^MemTotal: *//p' /proc/meminfo)" "262144 kB" "with lxcfs, MemTotal is the memory limit"
UP=$(vx exec "$A" -- cut -d. -f1 /proc/uptime)
ok $([ "$UP" -lt 60 ] && echo 0 || echo 1) "uptime counts from the context's start ($UP s)"
is "$(vx exec "$A" -- grep -c ^processor /proc/cpuinfo) $(vx exec "$A" -- nproc)" "1 1" \
	"one CPU in /proc/cpuinfo and for nproc under cpus=0"
like "$(vx exec "$A" -- grep ' /proc/meminfo ' /proc/self/mountinfo)" " /proc/meminfo ro," "the view is read-only"
like "$(vx exec "$A" -- umount /proc/meminfo 2>&1)" "Invalid argument" "and locked: root inside cannot unmount it"
vx set "$A" memory-swap=64M >/dev/null && vx restart "$A"
HOSTSWAP=$(sed -n 's/^SwapTotal: *\([0-9]*\).*/\1/p' /proc/meminfo)
is "$(vx exec "$A" -- sed -n 's/^SwapTotal: *//p' /proc/meminfo)" "$((HOSTSWAP < 65536 ? HOSTSWAP : 65536)) kB" \
	"memory-swap shows as SwapTotal (as much as the host has: $HOSTSWAP kB)"
vx set "$A" memory-swap= >/dev/null
# --- a Debian server -----------------------------------------------------------------------------
t_debian deb-systemd systemd openssh-server; ok $? "the Debian template"
D=$(ctx deb)
vx create "$D" --template deb-systemd memory=256M && vx start "$D"
is "$(t_wait_systemd "$D")" "running" "its systemd boots to running"
is "$(vx exec "$D" -- systemctl --failed --no-legend --plain | wc -l)" "0" "with no failed unit"
for c in ip ps free top ping less crontab nano update-ca-certificates; do
	vx exec "$D" -- sh -c "command -v $c" >/dev/null || MISSING="${MISSING:-} $c"
done
is "${MISSING:-none}" "none" "ip, ps, free, top, ping, less, cron, an editor and certificates are there"
like "$(vx exec "$D" -- free -m | awk '/^Mem:/ { print $2 }')" "^25[0-9]$" "free -m shows the 256M limit (procps reads lxcfs's meminfo)"
like "$(vx exec "$D" -- ping -c1 -W5 127.0.0.1 2>&1)" "1 received" "ping works without raw sockets"
is "$(vx exec "$D" -- getent hosts "$D" | awk '{ print $1 }')" "127.0.1.1" "its own name resolves"
vx set "$A" lxcfs=no >/dev/null && vx restart "$A"
is "$(vx exec "$A" -- sed -n 's/^MemTotal: *//p' /proc/meminfo)" "$HOSTMEM" "lxcfs=no: the host's /proc"
vx set "$A" lxcfs=yes >/dev/null && vx stop --kill "$A"
kill $LXPID; wait $LXPID
like "$(vx start "$A" 2>&1)" "lxcfs = yes: lxcfs at .* is dead|lxcfs = yes, but lxcfs is not running" \
	"lxcfs=yes refuses to start without a serving lxcfs, saying why"
umount -l "$LX" 2>/dev/null
fails_with "and when it is not there at all" "lxcfs = yes, but lxcfs is not running at $LX" vx start "$A"
vx set "$A" lxcfs=auto >/dev/null && vx start "$A"; ok $? "lxcfs=auto starts without it"

# --- host name and name servers ---------------------------------------------------------------
like "$(vx exec "$A" -- cat /etc/hosts)" "127.0.1.1	$A" "/etc/hosts names the host"
vx exec "$A" -- sh -c 'echo "198.51.100.9 db" >> /etc/hosts'
vx set "$A" hostname=web-renamed >/dev/null && vx restart "$A"
is "$(vx exec "$A" -- grep -c -e '127.0.1.1	web-renamed' -e '198.51.100.9 db' /etc/hosts)" "2" \
	"a new hostname follows at the next start, the tenant's lines stay"
HOSTNS=$(grep '^nameserver' /etc/resolv.conf | grep -v -e ' 127\.' -e ' ::1' | awk '{ print "nameserver " $2 }')
[ -n "$HOSTNS" ] || HOSTNS=$(grep '^nameserver' /run/systemd/resolve/resolv.conf 2>/dev/null | awk '{ print "nameserver " $2 }')
is "$(vx exec "$A" -- cat /etc/resolv.conf)" "$HOSTNS" "an empty resolv.conf gets the host's name servers"
vx exec "$A" -- sh -c 'echo "nameserver 198.51.100.53" > /etc/resolv.conf' && vx restart "$A"
is "$(vx exec "$A" -- cat /etc/resolv.conf)" "nameserver 198.51.100.53" "one the tenant wrote stays"

t_done
