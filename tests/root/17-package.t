#!/bin/sh
# The Debian package: `make deb` (lintian-clean), installed with apt into a bare Debian root
# (minbase and an init; a real root through pivot_root in namespaces of its own), a context
# built, started the way the boot unit starts it, shown; then everything stopped, removed, and
# the package purged: nothing of it may be left in that root.
. "$(dirname "$0")/lib.sh"

plan 12

CG="vctx-t$$p"
T_EXTRA_CLEANUP='for d in $(find /sys/fs/cgroup -maxdepth 3 -depth -type d -path "*/$CG*"); do rmdir "$d"; done 2>/dev/null'

make -s -C "$T_TOP" deb DEB_OUT="$T_TMP" >"$T_TMP/deb.log" 2>&1
DEB=$(ls "$T_TMP"/vctx_*.deb 2>/dev/null)
ok $([ -n "$DEB" ] && echo 0 || echo 1) "make deb builds a package that lintian passes"
if [ -z "$DEB" ]; then
	sed 's/^/#   /' "$T_TMP/deb.log" | tail -n 20
	for i in $(seq 10); do ok 1 "(no package to install)"; done
	t_done
fi

t_debian bare sysvinit "" --minimal
ok $? "a bare Debian root (debootstrap minbase and sysvinit)"
R="$T_TMP/root"
cp -a "$VCTX_PREFIX/var/lib/vctx/templates/bare/rootfs" "$R" && cp "$DEB" "$R/vctx.deb" &&
	cp /etc/apt/sources.list.d/*.sources "$R/etc/apt/sources.list.d/" 2>/dev/null
cp /etc/apt/sources.list "$R/etc/apt/" 2>/dev/null
cp /etc/apt/apt.conf.d/* "$R/etc/apt/apt.conf.d/" 2>/dev/null
cp /etc/resolv.conf "$R/etc/" 2>/dev/null

# Inside: what a Debian admin does, each step printing "STEP result".
cat >"$R/steps" <<STEPS
export VCTX_CGROUP_PARENT=$CG PATH=/usr/sbin:/usr/bin:/sbin:/bin
apt-get update -q >/tmp/apt.log 2>&1 &&
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends /vctx.deb busybox-static >>/tmp/apt.log 2>&1
echo "install \$?"
ls /etc/rc2.d | grep -q '^S[0-9]*vctx\$'; echo "rc-links \$?"
[ -L /etc/systemd/system/multi-user.target.wants/vctx.service ]; echo "enabled \$?"
vctx template build busybox --from busybox >/dev/null && vctx create web --template busybox onboot=yes >/dev/null
echo "create \$?"
# What vctx.service runs at boot.
\$(sed -n 's/^ExecStart=-\{0,1\}//p' /lib/systemd/system/vctx.service) >/dev/null
echo "boot \$(vctx exec web -- hostname)"
\$(sed -n 's/^ExecStop=//p' /lib/systemd/system/vctx.service) >/dev/null
echo "shutdown \$(vctx list -o state --no-header)"
vctx destroy web && vctx template remove busybox
DEBIAN_FRONTEND=noninteractive apt-get purge -y -q vctx >>/tmp/apt.log 2>&1
echo "purge \$?"
echo "left \$(ls -d /usr/sbin/vctx /usr/sbin/vnet /usr/lib/vctx /usr/share/vctx /lib/systemd/system/vctx* \
	/etc/init.d/vctx /etc/rc*.d/*vctx /etc/systemd/system/*/vctx* /etc/vctx /var/lib/vctx /var/log/vctx \
	/run/vctx /usr/share/doc/vctx 2>/dev/null | tr '\n' ' ')"
STEPS
mkdir -p "$R/.old"
unshare --mount --propagation private --pid --fork --mount-proc sh -c '
	R=$1
	mount --bind "$R" "$R" && mount -t proc proc "$R/proc" && mount --rbind /sys "$R/sys" &&
	mount --make-rslave "$R/sys" && mount --rbind /dev "$R/dev" && mount --make-rslave "$R/dev" &&
	mount -t tmpfs tmpfs "$R/run" && mount -t tmpfs tmpfs "$R/tmp" || exit 1
	cd "$R" && pivot_root . .old && umount -l /.old && exec env -i HOME=/root TERM=dumb /bin/sh /steps' sh "$R" >"$T_TMP/out" 2>"$T_TMP/err"
step() { sed -n "s/^$1 //p" "$T_TMP/out"; }
is "$(step install)" 0 "apt installs the package and what it needs"
[ "$(step install)" = 0 ] || sed 's/^/#   /' "$T_TMP/err" | tail -n 20
is "$(step rc-links)" 0 "the SysV script is enabled (update-rc.d)"
is "$(step enabled)" 0 "vctx.service is enabled"
is "$(step create)" 0 "the packaged vctx builds a template and creates a context"
[ "$(step create)" = 0 ] || grep -v '^ *$' "$T_TMP/err" | grep -v apt | tail -n 10 | sed 's/^/#   /'
is "$(step boot)" web "what vctx.service runs at boot starts the onboot context"
is "$(step shutdown)" stopped "and what it runs at shutdown stops it"
is "$(step purge)" 0 "the package purges"
is "$(step left)" "" "and nothing of it is left"
is "$(find /sys/fs/cgroup -maxdepth 3 -type d -path "*/$CG*" 2>/dev/null)" "" "nor any cgroup of its contexts"

t_done
