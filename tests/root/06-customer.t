#!/bin/sh
# The hosting promise end to end: a customer logs in to "their server" as root over SSH from
# the LAN, administers it like a machine of their own, and still cannot reach the host or a
# neighbour.  Network namespaces of the test, documentation addresses only.
. "$(dirname "$0")/lib.sh"
command -v ssh >/dev/null || { echo "1..0 # SKIP ssh is not installed"; t_abort; exit 0; }
plan 27

HN=vxh$$; LN=vxl$$
T_EXTRA_CLEANUP="ip netns del $HN 2>/dev/null; ip netns del $LN 2>/dev/null"
ip netns add $HN && ip netns add $LN
ip link add up0 netns $HN type veth peer name lan0 netns $LN
ip -n $HN addr add 192.0.2.2/24 dev up0 && ip -n $LN addr add 192.0.2.1/24 dev lan0
ip -n $HN link set up0 up && ip -n $LN link set lan0 up && ip -n $LN link set lo up
H() { nsenter --net=/run/netns/$HN "$@"; }

A=$(ctx cust); B=$(ctx neigh)
t_debian deb-systemd systemd openssh-server; ok $? "a Debian template with openssh-server"
H "$VCTX" create "$A" --template deb-systemd link=up0 address=192.0.2.10/24 &&
	H "$VCTX" create "$B" --template deb-systemd link=up0 address=192.0.2.11/24 &&
	H "$VCTX" start "$A" && H "$VCTX" start "$B"; ok $? "the customer's context and a neighbour's"
is "$(t_wait_systemd "$A")" "running" "the customer's server has booted"
t_wait_systemd "$B" > /dev/null
vx exec "$B" -- sh -c 'echo neighbour-secret > /root/secret-b; sleep 1000 & exec true'

# The provider hands over the key; everything after this goes over SSH from the LAN.
ssh-keygen -q -t ed25519 -N '' -f "$T_TMP/key"
vx exec "$A" -- sh -c 'mkdir -p -m 700 /root/.ssh && cat > /root/.ssh/authorized_keys' < "$T_TMP/key.pub"
SSHOPT="-i $T_TMP/key -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o LogLevel=ERROR"
S() { ip netns exec $LN ssh $SSHOPT root@192.0.2.10 "$@"; }
is "$(S hostname)" "$A" "the customer logs in as root over SSH to the context's own address"
is "$(S id -u)" "0" "and is root"

# Administering it like their own machine.
t_probe "$A"
S useradd -m -s /bin/bash alice; ok $? "root adds a user"
S "echo alice:S3cret-pw | chpasswd"; ok $? "and changes a password"
like "$(S getent shadow alice)" '^alice:\$' "the password hash is set"
cat > "$T_TMP/srv.pl" <<'EOT'
use IO::Socket::INET;
my $s = IO::Socket::INET->new(LocalAddr => "192.0.2.10", LocalPort => 80, Listen => 5,
			      ReuseAddr => 1) or die "$!";
open(my $f, ">", "/tmp/listening"); print $f "ready\n"; close $f;
while (my $c = $s->accept) {
	while (defined(my $l = <$c>)) { last if $l =~ /^\r?$/ }
	print $c "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nhello from port 80\n";
	close $c;
}
EOT
S "cat > /root/srv.pl" < "$T_TMP/srv.pl"
S systemd-run --quiet --unit=web perl /root/srv.pl; ok $? "root starts a service with systemd-run"
vx exec "$A" -- /probe waitfor /tmp/listening ready 20
is "$(ip netns exec $LN curl -s -m 5 http://192.0.2.10/)" "hello from port 80" \
	"a service on port 80 of its own address answers the LAN"
like "$(S ping -c 1 -W 5 192.0.2.1)" "1 received" "ping works (no raw socket needed)"
mkdir -p "$T_TMP/deb/DEBIAN" "$T_TMP/deb/usr/bin"
printf 'Package: vctx-hello\nVersion: 1.0\nArchitecture: all\nMaintainer: test <t@example.org>\nDescription: test\n' \
	> "$T_TMP/deb/DEBIAN/control"
printf '#!/bin/sh\necho hello from a package\n' > "$T_TMP/deb/usr/bin/vctx-hello"
chmod 755 "$T_TMP/deb/usr/bin/vctx-hello"
dpkg-deb -b --root-owner-group "$T_TMP/deb" "$T_TMP/hello.deb" > /dev/null
ip netns exec $LN scp -q $SSHOPT "$T_TMP/hello.deb" root@192.0.2.10:/root/; ok $? "a .deb is copied in over SSH"
S dpkg -i /root/hello.deb > /dev/null; ok $? "and installed with dpkg"
is "$(S vctx-hello)" "hello from a package" "it runs"

# What the customer cannot do.
ESC=$(S /probe escape)
is "$(printf '%s\n' "$ESC" | grep -c OPEN)" "0" "no escape route of the probe is open over SSH either"
like "$ESC" "init_module: blocked" "no module can be loaded"
like "$(S date -s 2001-01-01 2>&1)" "Operation not permitted" "the host's clock cannot be changed"
is "$(S 'ls /dev | grep -cE "^(sd|vd|nvme|xvd|hd|loop|dm-)"')" "0" "no disk of the host is in /dev"
like "$(S 'echo 3 > /proc/sys/vm/drop_caches' 2>&1)" "(Read-only|Permission denied)" "the host's /proc/sys cannot be written"
like "$(S 'echo max > /sys/fs/cgroup/pids.max; echo 1 > /sys/fs/cgroup/cgroup.max.depth' 2>&1)" \
	"(Permission denied|No such file)" "its own limits cannot be raised"
SUP=$(sed -n 's/^supervisor=//p' "$VCTX_PREFIX/run/vctx/$A/state")
is "$(S "ps -e -o comm= | grep -c -E 'vctx|sleep'")" "0" \
	"neither the host's processes nor the neighbour's are visible"
is "$(S "kill -0 $SUP 2>&1 | grep -c 'No such process'")" "1" "the supervisor's pid means nothing inside"
is "$(S 'find / -xdev -name secret-b 2>/dev/null | wc -l')" "0" "the neighbour's files are not there"
like "$(S 'cat /proc/1/cgroup' | tr '\n' ' ')" "^([0-9]+:[a-z=,]*:/ )*0::/init.scope $" \
	"its cgroup namespace hides the host's tree"
S "ip addr add 192.0.2.11/32 dev eth0 && ping -c 1 -W 2 -I 192.0.2.11 192.0.2.1" > /dev/null 2>&1
is $? 1 "taking the neighbour's address leads nowhere"
S "ip addr del 192.0.2.11/32 dev eth0"
like "$(ip netns exec $LN curl -s -m 5 http://192.0.2.11/ 2>&1 || echo refused)" "refused|^$" \
	"nor does the LAN reach the customer through the neighbour's address"
t_done
