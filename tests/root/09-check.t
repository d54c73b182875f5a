#!/bin/sh
# vctx check: every feature probed for real, compared with what this machine shows by other
# means (the same probes these tests depend on); a missing required feature fails it.
. "$(dirname "$0")/lib.sh"

plan 25

OUT=$(vx check)
rc=$?
is "$rc" 0 "vctx check passes on the machine the tests run on"
like "$(printf '%s\n' "$OUT" | tail -n 1)" "^vctx check: [0-9]+ ok, [0-9]+ missing \(0 required\)$" "with no required feature missing"
like "$(printf '%s\n' "$OUT" | head -n 1)" "^kernel $(uname -r | sed 's/[.+]/\\&/g') " "it names the running kernel"

# status FEATURE-NAME: ok or MISSING, from the text report.
st() { printf '%s\n' "$OUT" | awk -v n="$1" 'index($0, "  " n " ") { print $1; exit }'; }
yes() { if "$@" >/dev/null 2>&1; then echo ok; else echo MISSING; fi; }

ns=""
for p in "user namespaces:-U" "mount namespaces:-m" "pid namespaces:-p -f" "uts namespaces:-u" \
	"ipc namespaces:-i" "network namespaces:-n" "cgroup namespaces:-C"; do
	# shellcheck disable=SC2086
	[ "$(st "${p%%:*}")" = "$(yes unshare ${p#*:} true)" ] || ns="$ns ${p%%:*}"
done
is "$ns" "" "namespace types agree with unshare(1)"
is "$(st overlayfs)" "$(yes grep -qw overlay /proc/filesystems)" "overlayfs agrees with /proc/filesystems"
is "$(st "loop devices")" "$(yes test -c /dev/loop-control)" "loop devices agree with /dev/loop-control"
is "$(st "seccomp filters")" "$(yes test -r /proc/sys/kernel/seccomp/actions_avail)" "seccomp agrees with /proc/sys/kernel/seccomp"

links=""
for k in veth bridge macvlan; do
	case $k in
	veth) cmd="ip link add name vxa type veth peer name vxb" ;;
	bridge) cmd="ip link add name vxa type bridge && nft add table netdev t &&
		nft add chain netdev t c '{ type filter hook ingress device lo priority 0; }'" ;;
	macvlan) cmd="ip link add name vxa type veth peer name vxb && ip link add name vxm link vxa type macvlan" ;;
	esac
	[ "$(st "$k links")" = "$(yes unshare -n sh -c "$cmd")" ] || links="$links $k"
done
is "$links" "" "veth, bridge (with an nftables ingress chain) and macvlan agree with ip-link(8) and nft(8) in a throwaway namespace"

if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
	layout=v2
elif [ -d /sys/fs/cgroup/unified ] && [ "$(stat -f -c %T /sys/fs/cgroup/unified)" = cgroup2fs ]; then
	layout=hybrid
else
	layout=v1
fi
like "$(printf '%s\n' "$OUT" | grep '  cgroups ')" "cgroups +$layout" "the cgroup layout is $layout, as /sys/fs/cgroup shows"
ctl=""
for c in memory pids cpu cpuset io; do
	if [ $layout = v2 ]; then
		have=$(yes grep -qw "$c" /sys/fs/cgroup/cgroup.controllers)
	else
		v1=$c; [ "$c" = io ] && v1=blkio
		have=$(yes awk -v c="$v1" '$1 == c && $2 > 0 && $4 == 1 { f = 1 } END { exit !f }' /proc/cgroups)
	fi
	[ "$(st "cgroup $c controller")" = "$have" ] || ctl="$ctl $c"
done
is "$ctl" "" "each cgroup controller agrees with the host's hierarchies"

cfg=""
if [ -r "/boot/config-$(uname -r)" ]; then cfg=$(cat "/boot/config-$(uname -r)")
elif [ -r /proc/config.gz ]; then cfg=$(gzip -dc /proc/config.gz); fi
if [ -n "$cfg" ]; then
	want=$(printf '%s\n' "$cfg" | sed -n 's/^CONFIG_VETH=//p')
	like "$(printf '%s\n' "$OUT" | grep '  veth links ')" "CONFIG_VETH=$want" "the kernel config is read (CONFIG_VETH=$want)"
else
	like "$(printf '%s\n' "$OUT" | head -n 1)" "config: not readable" "no kernel config here, and it says so"
fi

# Host settings: advice read from the same sysctls the admin sees.
FEAT=$(printf '%s\n' "$OUT" | sed '/^host settings/,$d')
SET=$(printf '%s\n' "$OUT" | sed -n '/^host settings/,$p')
is "$(printf '%s\n' "$SET" | grep -c '^  \(ok\|ADVISE\|-\) ')" "6" "six host settings are advised on"
v=$(cat /proc/sys/kernel/kptr_restrict)
like "$(printf '%s\n' "$SET" | grep 'kptr_restrict')" \
	"^  $([ "$v" -ge 2 ] && echo ok || echo ADVISE) +kernel.kptr_restrict=$v" \
	"each with the value the host has ($v) and whether it is the advised one"

J=$(vx check --json)
is "$?" 0 "--json"
is "$(printf '%s' "$J" | perl -MJSON::PP -e 'local $/; my $j = decode_json(<STDIN>);
	print scalar(@{$j->{features}}), " ", join(",", map { $_->{ok} ? "ok" : "MISSING" } @{$j->{features}})')" \
	"$(printf '%s\n' "$FEAT" | grep -c '^  \(ok\|MISSING\) ') $(printf '%s\n' "$FEAT" | awk '/^  (ok|MISSING) / { printf "%s%s", s, $1; s = "," }')" \
	"the JSON has every feature, each as the text says"
is "$(printf '%s' "$J" | perl -MJSON::PP -e 'local $/; my $j = decode_json(<STDIN>);
	print join(",", map { $_->{sysctl} . "=" . $_->{value} } @{$j->{settings}})')" \
	"$(printf '%s\n' "$SET" | sed -n 's/^  [a-zA-Z-]* *\([a-z_.]*=[0-9]*\).*/\1/p' | paste -sd,)" \
	"and every host setting with its value"

# A missing required feature: no network namespaces left in a user namespace of our own.
BAD=$(unshare -U -r sh -c 'echo 0 > /proc/sys/user/max_net_namespaces && exec "$0" check' "$VCTX")
is "$?" 1 "a missing required feature makes vctx check fail"
like "$(printf '%s\n' "$BAD" | grep -A1 '  network namespaces ' | tr '\n' ' ')" \
	"MISSING +network namespaces +unshare: the limit on namespaces is reached.*without it: contexts cannot start.*\(required\)" \
	"it names the feature, why, and what breaks without it"
like "$(printf '%s\n' "$BAD" | tail -n 1)" "missing \([1-9][0-9]* required\)$" "the summary counts it"
# sync = context, the default, needs a seccomp filter with a listener (user notifications).
# Refused, as on a kernel without them, seccomp is missing; a listener of the program that
# runs vctx check (the kernel allows one) is not taken for a missing feature.
BAD=$("$PROBE" refuse seccomp-listener "$VCTX" check)
is "$?:$(printf '%s\n' "$BAD" | awk 'index($0, "  seccomp filters ") { print $1 }')" "1:MISSING" \
	"a seccomp filter with a listener that cannot be loaded makes vctx check fail"
like "$(printf '%s\n' "$BAD" | grep -A1 '  seccomp filters ' | tr '\n' ' ')" \
	"user notifications, Linux 5\.0; sync = host works without" "it says what for and what works without"
is "$("$PROBE" gate setresgid 0 "$VCTX" check | awk 'index($0, "  seccomp filters ") { print $1 }')" ok \
	"under another program's listener, seccomp is not taken for missing"
is "$(find "$VCTX_PREFIX" /var/lib -maxdepth 3 -name '.vctx-check.*' 2>/dev/null)" "" "the probes leave no directory behind"
fails_with "a bad option is a usage error" "usage: vctx check" vx check --bogus

t_done
