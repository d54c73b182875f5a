#!/bin/sh
# vnet: routed contexts reachable from a LAN host over IPv4 and IPv6 through proxy ARP/NDP,
# confined to their own addresses; bridge and macvlan modes; live add/del; clean teardown.
# Everything runs in two network namespaces this test makes: a "host" with an uplink, and a
# "LAN host" at the other end of it.  Documentation addresses only.
. "$(dirname "$0")/lib.sh"
command -v curl >/dev/null || { echo "1..0 # SKIP curl is not installed"; t_abort; exit 0; }
plan 71

HN=vxh$$; LN=vxl$$
T_EXTRA_CLEANUP="ip netns del $HN 2>/dev/null; ip netns del $LN 2>/dev/null"
ip netns add $HN && ip netns add $LN
ip link add up0 netns $HN type veth peer name lan0 netns $LN
ip -n $HN addr add 192.0.2.2/24 dev up0 && ip -n $HN addr add 2001:db8::2/64 dev up0 nodad
ip -n $LN addr add 192.0.2.1/24 dev lan0 && ip -n $LN addr add 2001:db8::1/64 dev lan0 nodad
ip -n $HN link set up0 up && ip -n $LN link set lan0 up && ip -n $LN link set lo up
ok $? "a host and a LAN host in network namespaces of the test"
H() { nsenter --net=/run/netns/$HN "$@"; }
LAN() { ip netns exec $LN "$@"; }

A=$(ctx na); B=$(ctx nb)
t_build_busybox
H "$VCTX" create "$A" --template busybox link=up0 address=192.0.2.10/24 address=2001:db8::10/64 \
	nameserver=192.0.2.53 &&
H "$VCTX" create "$B" --template busybox link=up0 address=192.0.2.11/24 address=2001:db8::11/64
ok $? "two routed contexts with IPv4 and IPv6 addresses"
H "$VCTX" start "$A" && H "$VCTX" start "$B"; ok $? "they start"
is "$(vx exec "$A" -- ip -o addr show eth0 | awk '{print $4}' | grep -v ^fe80 | sort | tr '\n' ' ')" \
	"192.0.2.10/24 2001:db8::10/64 " "the addresses sit on the context's eth0"
is "$(vx exec "$A" -- cat /etc/resolv.conf)" "nameserver 192.0.2.53" "resolv.conf names the name server"
like "$(H "$VNET" list)" "up0:$A +192\.0\.2\.10/24 +routed +running" "vnet list shows them as aliases of the uplink"

for c in "$A" "$B"; do
	vx exec "$c" -- sh -c "mkdir -p /www && echo $c > /www/index.html && httpd -p 8080 -h /www"
done
is "$(LAN curl -s -m 5 http://192.0.2.10:8080/)" "$A" "the LAN host reaches a service in $A over IPv4"
is "$(LAN curl -s -m 5 http://[2001:db8::10]:8080/)" "$A" "and over IPv6"
is "$(LAN curl -s -m 5 http://192.0.2.11:8080/)" "$B" "and $B on its own address"
is "$(LAN curl -s -m 5 http://[2001:db8::11]:8080/)" "$B" "over IPv6 too"
like "$(LAN ip neigh show 192.0.2.10)" "lladdr" "ARP for the context's address was answered by proxy"
like "$(LAN ip -6 neigh show 2001:db8::10)" "lladdr" "and NDP"
like "$(ip -n $HN route show 192.0.2.10)" "dev vx-" "the host routes the address to the context's link"
like "$(vx status "$A" | tr '\n' ' ')" "network: +routed \(host end vx-.*, uplink up0\) address: +192.0.2.10/24 address: +2001:db8::10/64" \
	"vctx status shows the mode, the host end, the uplink and the addresses"
is "$(H "$VCTX" top -b -n 1 -d 100ms -s name | awk -v a="$A" '$1 == a { print ($7 ~ /^[0-9.]+[BKMG]$/), ($8 ~ /^[0-9.]+[BKMG]$/) }')" "1 1" \
	"vctx top counts its traffic on the host end of its link"

# Confinement: A can neither bind nor send from B's addresses.
t_probe "$A"
like "$(vx exec "$A" -- /probe udp-send 192.0.2.11 192.0.2.1 9999 1)" "Cannot assign requested address" \
	"A cannot bind B's IPv4 address"
like "$(vx exec "$A" -- /probe udp-send 2001:db8::11 2001:db8::1 9999 1)" "Cannot assign requested address" \
	"nor its IPv6 address"
mkfifo "$T_TMP/count"
LAN "$PROBE" udp-count 9999 > "$T_TMP/count" & CNT=$!
exec 7< "$T_TMP/count"; read -r READY <&7
is "$READY" "ready" "a counter listens on the LAN host"
vx exec "$A" -- /probe udp-send --freebind 192.0.2.11 192.0.2.1 9999 20 > /dev/null
vx exec "$A" -- /probe udp-send --freebind 2001:db8::11 2001:db8::1 9999 20 > /dev/null
vx exec "$A" -- /probe udp-send --freebind fe80::bad%eth0 2001:db8::1 9999 20 > /dev/null
vx exec "$A" -- ip addr add 192.0.2.11/32 dev eth0
like "$(vx exec "$A" -- /probe udp-send 192.0.2.11 192.0.2.1 9999 20)" "^sent 20" \
	"with B's address added to its own eth0, A sends from it"
vx exec "$A" -- /probe udp-send 192.0.2.10 192.0.2.1 9999 7 > /dev/null
vx exec "$A" -- /probe udp-send 2001:db8::10 2001:db8::1 9999 5 > /dev/null
LAN "$PROBE" udp-end 192.0.2.1 9999 || kill $CNT; wait $CNT
COUNTS=$(cat <&7); exec 7<&-
is "$(printf '%s\n' "$COUNTS" | grep -c '\(192.0.2.11\|2001:db8::11\|fe80::bad\) ')" 0 \
	"no packet with B's source address (nor a link-local one) reached the LAN host"
is "$(printf '%s\n' "$COUNTS" | sort | tr '\n' ' ')" "2001:db8::10 5 ::ffff:192.0.2.10 7 " \
	"while A's own packets all arrived"
vx exec "$A" -- ip addr del 192.0.2.11/32 dev eth0
# A's IPv6 source check is a filter on its host end (one chain on that device, not rules every
# IPv6 packet of the host walks).  The control: without it, B's IPv6 source gets through.
is "$(H nft list tables | grep -c "^table netdev vctx-$A\$")" 1 "A's IPv6 sources are checked by a filter on its host end"
mkfifo "$T_TMP/count6"
LAN "$PROBE" udp-count 9994 > "$T_TMP/count6" & CNT=$!
exec 7< "$T_TMP/count6"; read -r READY <&7
H nft delete table netdev "vctx-$A"
vx exec "$A" -- /probe udp-send --freebind 2001:db8::11 2001:db8::1 9994 20 > /dev/null
LAN "$PROBE" udp-end 192.0.2.1 9994 || kill $CNT; wait $CNT
is "$(cat <&7 | tr '\n' ' ')" "2001:db8::11 20 " "control: without the filter, A's packets from B's IPv6 address reach the LAN"
exec 7<&-

# A routed context with no IPv6 address: the host forwards IPv6 host-wide once A and B have
# it, and no source check covers this host end, so its IPv6 is off there.  Its root, given
# net_raw, sends IPv6 frames straight to the host end's MAC from a foreign source: none
# reaches the LAN.  The control: with IPv6 on at that host end, the same frames do.
F=$(ctx n4)
H "$VCTX" create "$F" --template busybox link=up0 address=192.0.2.12/24 cap-keep=net_raw &&
	H "$VCTX" start "$F" && t_probe "$F"
FH=$(vx status "$F" | sed -n 's/.*host end \([^,]*\),.*/\1/p')
FMAC=$(ip -n $HN -o link show "$FH" | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
mkfifo "$T_TMP/count4"
LAN "$PROBE" udp-count 9995 > "$T_TMP/count4" & CNT=$!
exec 7< "$T_TMP/count4"; read -r READY <&7
like "$(vx exec "$F" -- /probe raw6-send eth0 "$FMAC" 2001:db8::77 2001:db8::1 9995 20)" "^sent 20" \
	"an IPv4-only context with net_raw puts foreign IPv6 frames on its link"
ip netns exec $HN sysctl -qw "net.ipv6.conf.$FH.disable_ipv6=0"
vx exec "$F" -- /probe raw6-send eth0 "$FMAC" 2001:db8::78 2001:db8::1 9995 20 > /dev/null
LAN "$PROBE" udp-end 192.0.2.1 9995 || kill $CNT; wait $CNT
is "$(cat <&7 | tr '\n' ' ')" "2001:db8::78 20 " \
	"none reached the LAN; with IPv6 on at its host end (the control) all did"
exec 7<&-
ip netns exec $HN sysctl -qw "net.ipv6.conf.$FH.disable_ipv6=1"
H "$VNET" add "$F" 2001:db8::12/64
is "$(ip netns exec $HN sysctl -n "net.ipv6.conf.$FH.disable_ipv6")" 0 \
	"its first IPv6 address, added live, turns IPv6 on at its host end"
like "$(LAN busybox ping -c1 -W5 2001:db8::12)" "1 packets received" "and the LAN reaches it there"
H "$VCTX" destroy --force "$F" > /dev/null

# Live changes, persisted.
H "$VNET" add "$A" 192.0.2.20/24 && H "$VNET" add "$A" 2001:db8::20/64; ok $? "vnet add on the running context"
is "$(LAN curl -s -m 5 http://192.0.2.20:8080/)" "$A" "the new IPv4 address answers at once"
is "$(LAN curl -s -m 5 http://[2001:db8::20]:8080/)" "$A" "so does the IPv6 one"
like "$(cat "$VCTX_PREFIX/etc/vctx/$A.conf")" "address = 2001:db8::20/64" "and they are in the config"
H "$VNET" del "$A" 192.0.2.20/24; ok $? "vnet del"
is "$(ip -n $HN neigh show proxy 192.0.2.20)$(vx exec "$A" -- ip -o addr show | grep -c 192.0.2.20)" "0" \
	"the address is gone inside and from the host's proxy entries"
ok $(grep -q 192.0.2.20 "$VCTX_PREFIX/etc/vctx/$A.conf" && echo 1 || echo 0) "and from the config"
# An address as an admin may have written it: vnet del finds it by value, not by spelling.
H "$VNET" add "$A" 2001:db8::21/64 && sed -i 's|^address = 2001:db8::21/64|address = 2001:DB8:0:0::21/64|' "$VCTX_PREFIX/etc/vctx/$A.conf" &&
	grep -q '^address = 2001:DB8:0:0::21/64' "$VCTX_PREFIX/etc/vctx/$A.conf" &&
	H "$VNET" del "$A" 2001:db8::21/64
is "$?$(grep -ci '2001:db8:0:0::21\|2001:db8::21' "$VCTX_PREFIX/etc/vctx/$A.conf")" 00 \
	"vnet del removes an address written another way (2001:DB8:0:0::21/64)"

# Refused before anything changes.
fails_with "an address of another context is refused" "belongs to context $B" H "$VNET" add "$A" 192.0.2.11/24
fails_with "an address of the host is refused" "configured on the host \(up0\)" H "$VNET" add "$A" 192.0.2.2/24
fails_with "a malformed address is refused" "invalid address '192.0.2.300/24'" H "$VNET" add "$A" 192.0.2.300/24
fails_with "create with another context's address is refused" "belongs to context $A" \
	vx create "$(ctx nc)" --template busybox address=192.0.2.10/24
C=$(ctx nd)
vx create "$C" --template busybox link=nosuch0 address=198.51.100.7/24
fails_with "a missing uplink is refused at start" "uplink nosuch0 does not exist" H "$VCTX" start "$C"
vx set "$C" link= mode=bridge bridge=nobr0 gateway=198.51.100.1
fails_with "a missing bridge is refused at start" "bridge nobr0 does not exist" H "$VCTX" start "$C"
like "$(vx status "$C")" "state: +stopped" "and nothing started"

# The root and the network are built at the same time (supervisor/job.h): either failing while
# the other runs fails the start in one line and leaves nothing of the other.
F=$(ctx nf)
H "$VCTX" create "$F" --template busybox link=up0 address=192.0.2.40/24 >/dev/null
# The network is held (each of its setns 50 ms) while the root fails.
fails_with "a root that fails while the network is set up fails the start, with the root's error" \
	"cannot make an idmapped mount of template" \
	H "$PROBE" gate setns-net 50000 "$PROBE" refuse mount_setattr "$VCTX" start "$F"
# (Its host route goes with its link, when the kernel frees the namespace: see the end.)
is "$(ip -n $HN neigh show proxy | grep -F 192.0.2.40)" "" "and leaves no proxy entry for its address"
fails_with "a network that fails while the root is built fails the start" \
	"cannot enter the network namespace" H "$PROBE" refuse setns-net "$VCTX" start "$F"
is "$(find /sys/fs/cgroup -mindepth 2 -maxdepth 3 -type d -name "$F" | wc -l)" 0 \
	"and leaves no cgroup"
H "$VCTX" start "$F" && like "$(ip -n $HN route show 192.0.2.40)" "dev v[xy]-" \
	"the context starts afterwards, with its route"
H "$VCTX" destroy --force "$F"
# A supervisor killed once the network is made, while the root is still being built (its
# idmapped mount held 3 s): the network recorded what it made on the host at once, so stop
# removes it.  (Recorded only once the root was done, the proxy entry would stay.)
G=$(ctx ng)
H "$VCTX" create "$G" --template busybox link=up0 address=192.0.2.42/24 >/dev/null
H "$PROBE" gate mount_setattr 3000000 "$VCTX" start "$G" >/dev/null 2>&1 &
GATED=$!
t_wait_file "$VCTX_PREFIX/run/vctx/$G/state" "proxy=192.0.2.42" 2
ok $? "the network's state is recorded while the root is still being built"
like "$(ip -n $HN neigh show proxy)" "192\.0\.2\.42" "its proxy entry is there"
kill -9 "$(sed -n 's/^supervisor=//p' "$VCTX_PREFIX/run/vctx/$G/state")"
wait $GATED
H "$VCTX" stop "$G" >/dev/null 2>&1
is "$(ip -n $HN neigh show proxy | grep -F 192.0.2.42)" "" "stop after the killed start removes it"
H "$VCTX" destroy --force "$G"

# bridge and macvlan.
ip -n $HN link add br0 type bridge && ip -n $HN addr add 198.51.100.1/24 dev br0 && ip -n $HN link set br0 up
vx set "$C" bridge=br0 && H "$VCTX" start "$C"; ok $? "a bridged context joins br0"
like "$(H busybox ping -c1 -W5 198.51.100.7)" "1 packets received" "the host reaches it over the bridge"

# The bridged context's source filter: its port passes only its own MAC and addresses.
is "$(H nft list tables | grep -c "^table netdev vctx-$C\$")" 1 "a source filter guards its bridge port"
like "$(vx status "$C" | tr '\n' ' ')" "network: +bridge br0 \(host end v[xy]-.*filter: +nftables netdev vctx-$C \(source MAC" \
	"vctx status shows the bridge, the host end and the filter"
ip -n $HN addr add 2001:db8:1::1/64 dev br0 nodad && ip -n $HN link set lo up
H "$VNET" add "$C" 2001:db8:1::7/64; ok $? "vnet add on the bridged context"
like "$(H busybox ping -c1 -W5 2001:db8:1::7)" "1 packets received" "the new address passes the filter at once"
t_probe "$C"
mkfifo "$T_TMP/count2"
H "$PROBE" udp-count 9997 > "$T_TMP/count2" & CNT=$!
exec 7< "$T_TMP/count2"; read -r READY <&7
vx exec "$C" -- /probe udp-send --freebind 198.51.100.8 198.51.100.1 9997 20 > /dev/null
vx exec "$C" -- /probe udp-send --freebind 2001:db8:1::8 2001:db8:1::1 9997 20 > /dev/null
vx exec "$C" -- /probe udp-send --freebind fe80::bad%eth0 2001:db8:1::1 9997 20 > /dev/null
vx exec "$C" -- /probe udp-send 198.51.100.7 198.51.100.1 9997 3 > /dev/null
vx exec "$C" -- /probe udp-send 2001:db8:1::7 2001:db8:1::1 9997 2 > /dev/null
vx exec "$C" -- ip addr add 198.51.100.9/24 dev eth0
vx exec "$C" -- /probe udp-send 198.51.100.9 198.51.100.1 9997 20 > /dev/null
like "$(H busybox ping -c1 -W1 198.51.100.9)" "0 packets received" \
	"an address it adds on its own gets no ARP answer through"
MAC=$(vx exec "$C" -- cat /sys/class/net/eth0/address)
vx exec "$C" -- /probe setmac eth0 02:00:00:00:00:01 > /dev/null
vx exec "$C" -- /probe udp-send 198.51.100.7 198.51.100.1 9997 20 > /dev/null
H "$PROBE" udp-end 198.51.100.1 9997 || kill $CNT; wait $CNT
COUNTS=$(cat <&7); exec 7<&-
is "$(printf '%s\n' "$COUNTS" | sort | tr '\n' ' ')" "2001:db8:1::7 2 ::ffff:198.51.100.7 3 " \
	"only its own packets arrive: none from foreign addresses (a foreign link-local one too), none once it changes its MAC"

# A bridged context with IPv4 only: IPv6 from the link-local address of its MAC and nothing
# else.  The control: the same sends with its filter removed all arrive.
E=$(ctx nf)
vx create "$E" --template busybox mode=bridge bridge=br0 address=198.51.100.17/24 \
	gateway=198.51.100.1 && H "$VCTX" start "$E" && t_probe "$E"
ELL=$(vx exec "$E" -- ip -6 -o addr show dev eth0 scope link | awk '{print $4}' | cut -d/ -f1)
# It has no IPv6 route but on its link: send to the bridge's own link-local address.
BRLL=$(ip -n $HN -6 -o addr show dev br0 scope link | awk '{print $4}' | cut -d/ -f1)
# Both link-local addresses out of duplicate address detection first (an event, not a wait).
vx exec "$E" -- /probe wait-dad eth0 10 && H "$PROBE" wait-dad br0 10
v6sends() {
	mkfifo "$T_TMP/count-$1"
	H "$PROBE" udp-count 9996 > "$T_TMP/count-$1" & CNT=$!
	exec 7< "$T_TMP/count-$1"; read -r READY <&7
	vx exec "$E" -- /probe udp-send --freebind 2001:db8:1::99 "$BRLL%eth0" 9996 20 > /dev/null
	vx exec "$E" -- /probe udp-send --freebind fe80::bad%eth0 "$BRLL%eth0" 9996 20 > /dev/null
	vx exec "$E" -- /probe udp-send "$ELL%eth0" "$BRLL%eth0" 9996 4 > /dev/null
	H "$PROBE" udp-end 198.51.100.1 9996 || kill $CNT; wait $CNT
	cat <&7 | LC_ALL=C sort | tr '\n' ' '; exec 7<&-
}
like "$ELL" "^fe80::" "an IPv4-only bridged context has its EUI-64 link-local address ($ELL)"
is "$(v6sends on)" "$ELL 4 " "it may send IPv6 only from that: no foreign global or link-local source gets through"
H nft delete table netdev "vctx-$E"
is "$(v6sends off)" "$(printf '%s\n' "2001:db8:1::99 20" "$ELL 4" "fe80::bad 20" | LC_ALL=C sort | tr '\n' ' ')" \
	"control: without its filter both foreign sources arrive"
vx stop --kill "$E"
vx stop --kill "$C" && H "$VCTX" start "$C"
is "$(vx exec "$C" -- cat /sys/class/net/eth0/address)" "$MAC" \
	"a restart gives it the same MAC again (the LAN's ARP caches stay right)"
D=$(ctx ne)
vx create "$D" --template busybox mode=macvlan link=up0 address=192.0.2.30/24 gateway=192.0.2.1 &&
	H "$VCTX" start "$D"; ok $? "a macvlan context on the uplink"
vx exec "$D" -- sh -c "mkdir -p /www && echo $D > /www/index.html && httpd -p 8080 -h /www"
is "$(LAN curl -s -m 5 http://192.0.2.30:8080/)" "$D" "the LAN host reaches it directly"

# Stop: the host keeps nothing of the contexts.  The veth pairs go with the contexts'
# network namespaces, which the kernel frees after stop returns: wait for that event.
ip -n $HN monitor link > "$T_TMP/mon" & MON=$!
# The monitor listens once it has reported a link of the test's own.
ip -n $HN link add vxsync type bridge && t_wait_file "$T_TMP/mon" "*vxsync*" 10 &&
	ip -n $HN link del vxsync
H "$VCTX" stop --kill "$A" && H "$VCTX" stop --kill "$B" && vx stop --kill "$C" && vx stop --kill "$D"
ok $? "stop all four"
is "$(ip -n $HN neigh show proxy | wc -l)" 0 "no proxy entry is left"
is "$(ip -n $HN -6 rule | grep -cE 'v[xy]-')" 0 "no source-check rule is left"
is "$(H nft list tables | wc -l)" 0 "no source filter is left"
# Every host-side veth still there (A's and B's routed ones, C's bridge port, and the one
# C's restart left; D's macvlan lives in its own namespace only) goes when the kernel frees
# its context's namespace: wait for each one's deletion.
for l in $(ip -n $HN -o link | awk -F': ' '{ print $2 }' | cut -d@ -f1 | grep -E '^v[xy]-'); do
	t_wait_file "$T_TMP/mon" "Deleted*$l@*" 10
done
kill $MON
is "$(ip -n $HN -o link | grep -cE 'v[xy]-')" 0 "no link of the contexts is left"
is "$(ip -n $HN route | grep -cE 'v[xy]-')$(ip -n $HN -6 route | grep -cE 'v[xy]-')" "00" "no route either"
t_done
