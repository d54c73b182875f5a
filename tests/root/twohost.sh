# tests/root/twohost.sh — two hosts on one machine for `vctx migrate` (sourced after lib.sh,
# also by bench/migrate.sh).  Three network namespaces of the test: a LAN ($LN, a bridge at
# 203.0.113.1 and 2001:db8::1 where the pings and service checks come from), the source host
# ($H1, up0 at .2) and the destination ($H2, up0 at .3), each with a default route on the LAN
# so up0 is its uplink.  The destination has its own vctx prefix and cgroup parent and an
# OpenSSH sshd (Debian's openssh-server) in its namespace that accepts a key made here.
#
#   S ARGS   vctx on the source host     D ARGS   vctx on the destination
#   LAN ...  a command on the LAN        SSH, RVCTX, DEST   what migrate is given
H1=vxa$$; H2=vxb$$; LN=vxl$$
P2="$VCTX_PREFIX/dst"
CG2="${VCTX_CGROUP_PARENT}d"
SSHD_PID=
T_RUN_SSHD=

S() { nsenter --net=/run/netns/$H1 "$VCTX" "$@"; }
D() { nsenter --net=/run/netns/$H2 env VCTX_PREFIX="$P2" VCTX_CGROUP_PARENT="$CG2" "$VCTX" "$@"; }
LAN() { ip netns exec $LN "$@"; }

twohost_cleanup() {
	for n in $(D list --json 2>/dev/null | tr ',' '\n' | sed -n 's/.*"name":"\([^"]*\)".*/\1/p'); do
		D destroy --force "$n" >/dev/null 2>&1
	done
	for t in $(ls "$P2/var/lib/vctx/templates" 2>/dev/null); do
		D template remove "$t" >/dev/null 2>&1
	done
	# Its sessions first: one whose client is gone with a namespace would wait for a TCP
	# keepalive (hours) in a namespace nobody can reach.
	[ -z "$SSHD_PID" ] || { pkill -P "$SSHD_PID" 2>/dev/null; kill "$SSHD_PID" 2>/dev/null
		wait "$SSHD_PID" 2>/dev/null; }
	# sshd's privilege separation directory, unless another sshd still needs it.
	[ -z "$T_RUN_SSHD" ] || pgrep -x sshd >/dev/null || rmdir /run/sshd 2>/dev/null
	for d in $(find /sys/fs/cgroup -maxdepth 2 -type d -name "$CG2" 2>/dev/null); do
		rmdir "$d" 2>/dev/null
	done
	ip netns del $H1 2>/dev/null; ip netns del $H2 2>/dev/null; ip netns del $LN 2>/dev/null
}
T_EXTRA_CLEANUP="twohost_cleanup"
T_EXTRA_CGROUP=$CG2	# t_leaks looks there too (the prefix is inside the test's)

twohost_setup() {
	ip netns add $H1 && ip netns add $H2 && ip netns add $LN &&
	ip -n $LN link add br0 type bridge &&
	ip -n $LN link set br0 up && ip -n $LN link set lo up &&
	ip -n $LN addr add 203.0.113.1/24 dev br0 && ip -n $LN addr add 2001:db8::1/64 dev br0 nodad &&
	for i in 1 2; do
		eval "h=\$H$i"
		ip link add up0 netns "$h" type veth peer name p$i netns $LN &&
		ip -n $LN link set p$i master br0 && ip -n $LN link set p$i up &&
		ip -n "$h" link set lo up && ip -n "$h" link set up0 up &&
		ip -n "$h" addr add 203.0.113.$((i + 1))/24 dev up0 &&
		ip -n "$h" addr add 2001:db8::$((i + 1))/64 dev up0 nodad &&
		ip -n "$h" route add default via 203.0.113.1 &&
		ip -n "$h" -6 route add default via 2001:db8::1 || return 1
	done
	[ -d /run/sshd ] || { mkdir -p /run/sshd && T_RUN_SSHD=1; }
	ssh-keygen -q -t ed25519 -N '' -f "$T_TMP/hostkey" &&
	ssh-keygen -q -t ed25519 -N '' -f "$T_TMP/id" &&
	cp "$T_TMP/id.pub" "$T_TMP/authorized_keys" || return 1
	# The destination's rsync, as the sessions find it: the real one, unless a test asks it
	# to hold (it then writes its pid to rsync.held and waits on rsync.go).
	mkdir -p "$T_TMP/bin" && cat >"$T_TMP/bin/rsync" <<EOT && chmod 755 "$T_TMP/bin/rsync" || return 1
#!/bin/sh
if [ -e "$T_TMP/rsync.hold" ]; then
	rm -f "$T_TMP/rsync.hold"; echo \$\$ >"$T_TMP/rsync.held"; read -r go <"$T_TMP/rsync.go"
fi
exec /usr/bin/rsync "\$@"
EOT
	rm -f "$T_TMP/rsync.go"; mkfifo "$T_TMP/rsync.go" || return 1
	cat >"$T_TMP/sshd_config" <<EOT
SetEnv PATH=$T_TMP/bin:/usr/sbin:/usr/bin:/sbin:/bin
ListenAddress 203.0.113.3
HostKey $T_TMP/hostkey
AuthorizedKeysFile $T_TMP/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
StrictModes no
UsePAM no
PidFile none
EOT
	nsenter --net=/run/netns/$H2 /usr/sbin/sshd -D -e -f "$T_TMP/sshd_config" \
		2>"$T_TMP/sshd.log" &
	SSHD_PID=$!
	"$PROBE" waitfor "$T_TMP/sshd.log" "Server listening" 20 || return 1
	SSH="ssh -i $T_TMP/id -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR"
	RVCTX="env VCTX_PREFIX=$P2 VCTX_CGROUP_PARENT=$CG2 VCTX_TEMPLATE_DIR=$VCTX_TEMPLATE_DIR $VCTX"
	DEST=root@203.0.113.3
}

# migrate ARGS: vctx migrate from the source host to the destination.
migrate() { S migrate -e "$SSH" --remote-vctx "$RVCTX" "$@" "$DEST"; }
