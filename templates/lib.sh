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

# Enable a getty on /dev/console for whichever init the tree has, and what else that init
# needs in a container.
vx_console_getty() {
	case "$1" in
	systemd)
		if [ -e "$R/lib/systemd/system/console-getty.service" ]; then
			mkdir -p "$R/etc/systemd/system/getty.target.wants"
			ln -sf /lib/systemd/system/console-getty.service \
				"$R/etc/systemd/system/getty.target.wants/console-getty.service"
		fi
		;;
	sysvinit|openrc)
		if [ -f "$R/etc/inittab" ]; then
			# Containers have no virtual terminals: one getty on the console instead.
			sed -i -e 's/^\([1-6]\):/#\1:/' "$R/etc/inittab"
			grep -q '^co:' "$R/etc/inittab" ||
				echo 'co:2345:respawn:/sbin/getty --noclear 38400 console' >>"$R/etc/inittab"
		fi
		;;
	runit)
		# The same: no getty on tty1-6, ttyS0 or hvc0 (they would flap), one on the console.
		_d="$R/etc/runit/runsvdir/default"
		if [ -d "$_d" ]; then
			rm -f "$_d"/getty-*
			mkdir -p "$R/etc/sv/getty-console"
			printf '#!/bin/sh
exec chpst -P getty --noclear 38400 console
' \
				>"$R/etc/sv/getty-console/run"
			chmod 755 "$R/etc/sv/getty-console/run"
			ln -sfn /etc/sv/getty-console "$_d/getty-console"
		fi
		;;
	esac
	# runit takes SIGINT (`vctx stop`) as ctrl-alt-del: it runs this, then stops (stage 3)
	# when stopit is executable.  Debian's own warns the users and waits 14 s first.
	if [ "$1" = runit ] && [ -d "$R/etc/runit" ]; then
		cat >"$R/etc/runit/ctrlaltdel" <<'EOT'
#!/bin/sh
# vctx: `vctx stop` sends SIGINT; stop at once.
touch /run/runit.stopit
chmod 100 /run/runit.stopit
EOT
		chmod 755 "$R/etc/runit/ctrlaltdel"
	fi
}

# SSH host keys are not part of a template: each context makes its own at its first start.
vx_ssh_keygen() {
	[ -x "$R/usr/bin/ssh-keygen" ] || return 0
	case "$1" in
	systemd)
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
		;;
	sysvinit|openrc|runit)
		# sysv-rc runs it from rc2.d, runit's stage 2 too, OpenRC from its runlevel.
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
		for l in 2 3 4 5; do
			[ ! -d "$R/etc/rc$l.d" ] ||
				ln -sf ../init.d/vctx-ssh-keygen "$R/etc/rc$l.d/S01vctx-ssh-keygen"
		done
		[ ! -d "$R/etc/runlevels/default" ] ||
			ln -sf /etc/init.d/vctx-ssh-keygen "$R/etc/runlevels/default/vctx-ssh-keygen"
		;;
	*)
		mkdir -p "$R/etc/init.d/rc.d"
		printf '#!/bin/sh\n[ -e /etc/ssh/ssh_host_ed25519_key ] || ssh-keygen -A\n' \
			>"$R/etc/init.d/rc.d/00-ssh-keygen"
		chmod 755 "$R/etc/init.d/rc.d/00-ssh-keygen"
		;;
	esac
}

# vx_finish DISTRIBUTION RELEASE INIT-FLAVOUR INIT-PATH STOP-SIGNAL
# Every builder ends here, so every template is finished the same way.
vx_finish() {
	_dist=$1 _rel=$2 _init=$3 _path=$4 _sig=$5
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
	vx_console_getty "$_init"
	vx_ssh_keygen "$_init"
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

# Finish a tree that came whole (a tarball, a copied system): the distribution and release
# from its /etc/os-release, the init flavour from what its /sbin/init is (read inside the
# tree: an absolute link names a file of the tree, not of the host).
vx_finish_detected() {
	_dist=unknown _rel=unknown
	if [ -f "$R/etc/os-release" ]; then
		_dist=$(sed -n 's/^ID=//p' "$R/etc/os-release" | tr -d '"' | head -n 1)
		_rel=$(sed -n 's/^VERSION_CODENAME=//p' "$R/etc/os-release" | tr -d '"' | head -n 1)
		[ -n "$_rel" ] ||
			_rel=$(sed -n 's/^VERSION_ID=//p' "$R/etc/os-release" | tr -d '"' | head -n 1)
	fi
	# What /sbin/init is decides how the context is shut down.
	_target=$(readlink "$R/sbin/init" 2>/dev/null || true)
	case $_target in
	*systemd*) _flavour=systemd _sig=SIGRTMIN+3 ;;
	*busybox*) _flavour=busybox _sig=SIGUSR2 ;;
	*runit*) _flavour=runit _sig=SIGINT ;;
	*)
		if [ -e "$R/etc/inittab" ] && [ -x "$R/sbin/openrc" ]; then
			_flavour=openrc _sig=SIGPWR
		elif [ -e "$R/etc/inittab" ] && grep -q sysvinit "$R/var/lib/dpkg/status" 2>/dev/null; then
			_flavour=sysvinit _sig=SIGPWR
		elif [ -e "$R/etc/inittab" ]; then
			_flavour=busybox _sig=SIGUSR2
		else
			_flavour=other _sig=SIGTERM
		fi ;;
	esac
	vx_finish "${_dist:-unknown}" "${_rel:-unknown}" "$_flavour" /sbin/init "$_sig"
}
