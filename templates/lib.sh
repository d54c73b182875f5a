# templates/lib.sh — sourced by every template builder (POSIX sh); see vctx-templates(7).
#
# vctx runs a builder with:
#   VCTX_ROOTFS         the empty directory to fill (the future rootfs/)
#   VCTX_TEMPLATE       the template's name
#   VCTX_TEMPLATE_CONF  where template.conf goes
#   VCTX_TEMPLATE_DIR   the directory holding the builders and this file
# as pid 1 of its own pid and mount namespaces: a killed build leaves no process or mount.
# A builder exits 0 on success, 1 on failure (a message on stderr), 2 on bad arguments.

set -eu

vx_die() {
	echo "template ${VCTX_TEMPLATE:-?}: $*" >&2
	exit 1
}

vx_usage() {
	echo "template ${VCTX_TEMPLATE:-?}: $*" >&2
	exit 2
}

vx_need() {
	for _c; do
		command -v "$_c" >/dev/null 2>&1 || vx_die "'$_c' is needed (apt-get install it)"
	done
}

: "${VCTX_ROOTFS:?run builders through 'vctx template build'}"
: "${VCTX_TEMPLATE_CONF:?run builders through 'vctx template build'}"
R=$VCTX_ROOTFS

# The host's Debian architecture name, or the kernel's when dpkg is missing.
vx_arch() {
	dpkg --print-architecture 2>/dev/null || uname -m
}

# --- What each init needs in a container: one row each (vctx-templates(7), "Fix-ups") ------
#
#   init      stop signal  console               ready = notify          first-start SSH keys
#   systemd   SIGRTMIN+3   console-getty.service systemd's own          a oneshot unit
#   sysvinit  SIGPWR       inittab "co"          inittab "vr", after rc  an rc2-5.d script
#   openrc    SIGPWR       inittab "co"          inittab "vr", after rc  default runlevel
#   runit     SIGINT       getty-console service vctx-ready service      an rc2-5.d script
#   busybox   SIGUSR2      the builder's inittab -                       an rc.d script
#   other     SIGTERM      -                     -                       -
#
# and beyond that row: systemd gets timesyncd and networkd-wait-online masked (no clock or
# links of its own to manage); sysvinit and OpenRC a powerfail entry (SIGPWR shuts down);
# runit a ctrlaltdel that stops at once (SIGINT).  A new init is one more case in
# vx_stop_signal and one vx_fix_INIT function; a new distribution is a builder that ends
# in vx_finish.

vx_stop_signal() {
	case "$1" in
	systemd) echo SIGRTMIN+3 ;;
	sysvinit|openrc) echo SIGPWR ;;
	runit) echo SIGINT ;;
	busybox) echo SIGUSR2 ;;
	*) echo SIGTERM ;;
	esac
}

vx_fix_systemd() {
	_u=$R/lib/systemd/system
	if [ -e "$_u/console-getty.service" ]; then
		mkdir -p "$R/etc/systemd/system/getty.target.wants"
		ln -sf /lib/systemd/system/console-getty.service \
			"$R/etc/systemd/system/getty.target.wants/console-getty.service"
	fi
	for _s in systemd-timesyncd.service systemd-networkd-wait-online.service; do
		[ ! -e "$_u/$_s" ] || ln -sf /dev/null "$R/etc/systemd/system/$_s"
	done
	# systemd before 248 (bullseye's 247) fails a unit that wants a procfs of its own
	# (ProtectProc=, or ProtectControlGroups= with other protections, as logind's): in a
	# user namespace the kernel refuses a new procfs while the context's /proc has masked
	# files, and 247 gives up where 248 goes on without it.
	_v=$(ls "$R"/lib/systemd/libsystemd-shared-*.so "$R"/usr/lib/systemd/libsystemd-shared-*.so \
		2>/dev/null | sed -n 's/.*libsystemd-shared-\([0-9]*\).*/\1/p' | head -n 1)
	if [ -n "$_v" ] && [ "$_v" -lt 248 ]; then
		mkdir -p "$R/etc/systemd/system/service.d"
		printf '# vctx: systemd %s cannot set these up in a context (vctx-templates(7))\n[Service]\nProtectProc=default\nProcSubset=all\nProtectControlGroups=no\n' \
			"$_v" >"$R/etc/systemd/system/service.d/vctx-procfs.conf"
	fi
	[ -x "$R/usr/bin/ssh-keygen" ] || return 0
	cat >"$R/etc/systemd/system/vctx-ssh-keygen.service" <<'EOT'
[Unit]
Description=Make this context's SSH host keys (vctx)
Before=ssh.service
ConditionPathExists=!/etc/ssh/ssh_host_ed25519_key

[Service]
Type=oneshot
ExecStart=/usr/bin/ssh-keygen -A

[Install]
WantedBy=multi-user.target
EOT
	mkdir -p "$R/etc/systemd/system/multi-user.target.wants"
	ln -sf ../vctx-ssh-keygen.service \
		"$R/etc/systemd/system/multi-user.target.wants/vctx-ssh-keygen.service"
}

vx_fix_sysvinit() {
	if [ -f "$R/etc/inittab" ]; then
		# No virtual terminals: one getty on the console instead of tty1-6.
		sed -i -e 's/^\([1-6]\):/#\1:/' "$R/etc/inittab"
		grep -q '^co:' "$R/etc/inittab" ||
			echo 'co:2345:respawn:/sbin/getty --noclear 38400 console' >>"$R/etc/inittab"
		# SIGPWR from `vctx stop` is a power failure to init: shut down.
		grep -q '^p0::powerfail' "$R/etc/inittab" ||
			echo 'p0::powerfail:/sbin/init 0' >>"$R/etc/inittab"
		# A "wait" entry runs rc; the entries after it run once rc is done.
		if vx_ready_script && ! grep -q '^vr:' "$R/etc/inittab"; then
			echo 'vr:2345:once:/usr/local/sbin/vctx-ready' >>"$R/etc/inittab"
		fi
	fi
	vx_sysv_keygen
}

vx_fix_openrc() {
	vx_fix_sysvinit
	[ ! -e "$R/etc/init.d/vctx-ssh-keygen" ] || [ ! -d "$R/etc/runlevels/default" ] ||
		ln -sf /etc/init.d/vctx-ssh-keygen "$R/etc/runlevels/default/vctx-ssh-keygen"
}

vx_fix_runit() {
	_d="$R/etc/runit/runsvdir/default"
	if [ -d "$_d" ]; then
		# No getty on tty1-6, ttyS0 or hvc0 (they would fail and restart for ever): one on
		# the console.
		rm -f "$_d"/getty-*
		vx_runit_service getty-console 'exec chpst -P getty --noclear 38400 console'
		if vx_ready_script; then vx_runit_service vctx-ready '# Once every other service runs, tell vctx (ready = notify); then idle.  Up is
# runsv'"'"'s "run" (sv check would also run ./check scripts, which Debian'"'"'s
# default-syslog placeholder fails for ever without a syslog service).
for s in /etc/service/*; do
	n=0
	while [ "${s##*/}" != vctx-ready ] && [ $n -lt 600 ] &&
		! sv status "$s" 2>/dev/null | grep -q "^run:"; do
		sleep 0.1
		n=$((n + 1))
	done
done
/usr/local/sbin/vctx-ready
exec sleep infinity'
		fi
	fi
	# SIGINT (`vctx stop`) is ctrl-alt-del to runit: it runs this, then stops (stage 3) when
	# stopit is executable.  Debian's own warns the users and waits 14 s first.
	if [ -d "$R/etc/runit" ]; then
		cat >"$R/etc/runit/ctrlaltdel" <<'EOT'
#!/bin/sh
# vctx: `vctx stop` sends SIGINT; stop at once.
touch /run/runit.stopit
chmod 100 /run/runit.stopit
EOT
		chmod 755 "$R/etc/runit/ctrlaltdel"
	fi
	vx_sysv_keygen
}

vx_fix_busybox() {
	[ -x "$R/usr/bin/ssh-keygen" ] || return 0
	mkdir -p "$R/etc/init.d/rc.d"
	printf '#!/bin/sh\n[ -e /etc/ssh/ssh_host_ed25519_key ] || ssh-keygen -A\n' \
		>"$R/etc/init.d/rc.d/00-ssh-keygen"
	chmod 755 "$R/etc/init.d/rc.d/00-ssh-keygen"
}

# vx_runit_service NAME BODY: /etc/sv/NAME/run, enabled.
vx_runit_service() {
	mkdir -p "$R/etc/sv/$1"
	printf '#!/bin/sh\n# vctx\n%s\n' "$2" >"$R/etc/sv/$1/run"
	chmod 755 "$R/etc/sv/$1/run"
	ln -sfn "/etc/sv/$1" "$R/etc/runit/runsvdir/default/$1"
}

# ready = notify for inits that do not speak it: /usr/local/sbin/vctx-ready sends READY=1 to
# vctx's notify socket.  perl-base (in every Debian) speaks datagram sockets, a shell does
# not; false when the tree has no perl.
vx_ready_script() {
	[ -x "$R/usr/bin/perl" ] || return 1
	mkdir -p "$R/usr/local/sbin"
	cat >"$R/usr/local/sbin/vctx-ready" <<'EOT'
#!/bin/sh
# vctx: tell the context's supervisor that boot is done (its `ready = notify` setting).
[ -S /run/host/notify ] || exit 0
exec perl -MSocket -e 'socket(S, AF_UNIX, SOCK_DGRAM, 0) &&
	send(S, "READY=1", 0, pack_sockaddr_un("/run/host/notify")) or exit 1'
EOT
	chmod 755 "$R/usr/local/sbin/vctx-ready"
}

# SSH host keys at first start, for sysv-rc (rc2.d), OpenRC and runit's stage 2 alike.
vx_sysv_keygen() {
	[ -x "$R/usr/bin/ssh-keygen" ] && [ -d "$R/etc/init.d" ] || return 0
	cat >"$R/etc/init.d/vctx-ssh-keygen" <<'EOT'
#!/bin/sh
### BEGIN INIT INFO
# Provides:          vctx-ssh-keygen
# Required-Start:    $local_fs
# Required-Stop:
# X-Start-Before:    ssh
# Default-Start:     2 3 4 5
# Default-Stop:
# Short-Description: Make this context's SSH host keys (vctx)
### END INIT INFO
[ "$1" = start ] || exit 0
[ -e /etc/ssh/ssh_host_ed25519_key ] || /usr/bin/ssh-keygen -A
EOT
	chmod 755 "$R/etc/init.d/vctx-ssh-keygen"
	for _l in 2 3 4 5; do
		[ ! -d "$R/etc/rc$_l.d" ] ||
			ln -sf ../init.d/vctx-ssh-keygen "$R/etc/rc$_l.d/S01vctx-ssh-keygen"
	done
}

# vx_finish DISTRIBUTION RELEASE INIT-FLAVOUR INIT-PATH [STOP-SIGNAL]
# Every builder ends here, so every template is finished the same way: what every
# distribution needs, then its init's row above.
vx_finish() {
	_dist=$1 _rel=$2 _init=$3 _path=$4 _sig=${5:-$(vx_stop_signal "$3")}
	# Per-machine identity is made at first start, never shared between contexts.
	rm -f "$R"/etc/ssh/ssh_host_*
	if [ -d "$R/etc" ]; then
		: >"$R/etc/machine-id"
		[ ! -e "$R/var/lib/dbus/machine-id" ] || ln -sf /etc/machine-id "$R/var/lib/dbus/machine-id"
		# vctx mounts everything a context has; nothing is mounted from fstab.
		echo "# vctx sets up this context's mounts; see vctx.conf(5)" >"$R/etc/fstab"
		# hostname, hosts and resolv.conf are written per context at start.
		: >"$R/etc/hostname"
		printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' >"$R/etc/hosts"
		rm -f "$R/etc/resolv.conf"
		: >"$R/etc/resolv.conf"
	fi
	case $_init in
	systemd|sysvinit|openrc|runit|busybox) "vx_fix_$_init" ;;
	esac
	mkdir -p "$R/proc" "$R/sys" "$R/dev" "$R/run" "$R/tmp"
	chmod 1777 "$R/tmp"
	cat >"$VCTX_TEMPLATE_CONF" <<EOT
# Written by 'vctx template build'; see vctx-templates(7).
distribution = $_dist
release = $_rel
architecture = $(vx_arch)
init = $_init
init-path = $_path
stop-signal = $_sig
built = $(date +%s)
EOT
}

# vx_unpack FILE: unpack a root file system tarball into the tree.  Owners stay numeric as
# they are in the archive (ids 0..65535 become each context's own); GNU tar keeps members
# inside the tree (no absolute names, no "..", links that point out are made last).  A
# single top directory holding the tree (rootfs/, NAME/) is looked through.
vx_unpack() {
	_file=$1
	vx_need tar
	tar --numeric-owner --same-permissions --xattrs -C "$R" -xf "$_file" >&2 ||
		vx_die "cannot unpack $_file (is it a tar archive? zstd and xz need their tools)"
	set -- "$R"/* "$R"/.[!.]*
	if [ $# -eq 1 ] || { [ $# -eq 2 ] && [ ! -e "$2" ]; }; then
		_top=$1
		if [ -d "$_top" ] && { [ -d "$_top/etc" ] || [ -d "$_top/bin" ] || [ -d "$_top/usr" ]; }; then
			_tmp="$R/.vctx-top.$$"
			mv "$_top" "$_tmp"
			(cd "$_tmp" && for e in * .[!.]*; do [ ! -e "$e" ] && [ ! -L "$e" ] || mv "$e" "$R/"; done)
			rmdir "$_tmp"
		fi
	fi
	[ -e "$R/sbin/init" ] || [ -L "$R/sbin/init" ] || vx_die "$_file holds no /sbin/init: not a root file system"
}

# vx_os_release: _dist and _rel from the tree's os-release (ID, then VERSION_CODENAME or
# VERSION_ID), as plain words, or empty.  The tree may be anyone's: a link that leads out
# of it (an absolute one resolves on the host) is not followed, and nothing but letters,
# digits and "._+-" of a value reaches template.conf or a terminal.
vx_os_release() {
	_dist= _rel=
	_root=$(realpath -e "$R")
	for _f in "$R/etc/os-release" "$R/usr/lib/os-release"; do
		_p=$(realpath -e "$_f" 2>/dev/null) || continue
		case $_p in "$_root"/*) ;; *) continue ;; esac
		[ -f "$_p" ] || continue
		_dist=$(vx_os_field ID "$_p")
		_rel=$(vx_os_field VERSION_CODENAME "$_p")
		[ -n "$_rel" ] || _rel=$(vx_os_field VERSION_ID "$_p")
		return 0
	done
}

vx_os_field() {
	sed -n "s/^$1=//p" "$2" | head -n 1 | tr -cd 'A-Za-z0-9._+-'
}

# Finish a tree that came whole (a tarball, a copied system): the distribution and release
# from its /etc/os-release, the init flavour from what its /sbin/init is (read inside the
# tree: an absolute link names a file of the tree, not of the host).
vx_finish_detected() {
	vx_os_release
	# What /sbin/init is decides how the context is shut down.
	_target=$(readlink "$R/sbin/init" 2>/dev/null || true)
	case $_target in
	*systemd*) _flavour=systemd ;;
	*busybox*) _flavour=busybox ;;
	*runit*) _flavour=runit ;;
	*)
		if [ -e "$R/etc/inittab" ] && [ -x "$R/sbin/openrc" ]; then
			_flavour=openrc
		elif [ -e "$R/etc/inittab" ] && grep -q sysvinit "$R/var/lib/dpkg/status" 2>/dev/null; then
			_flavour=sysvinit
		elif [ -e "$R/etc/inittab" ]; then
			_flavour=busybox
		else
			_flavour=other
		fi ;;
	esac
	vx_finish "${_dist:-unknown}" "${_rel:-unknown}" "$_flavour" /sbin/init
}
