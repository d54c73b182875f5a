#!/bin/sh
# Many distributions on one kernel: Debian with systemd, Debian with sysvinit, busybox and a
# tarball import, each booting its own init, side by side, and stopping cleanly.
. "$(dirname "$0")/lib.sh"
plan 42

t_build_busybox; ok $? "busybox template"
t_debian deb-systemd systemd openssh-server; ok $? "Debian template with systemd"
t_debian deb-sysv sysvinit; ok $? "Debian template with sysvinit"
like "$(vx template list)" "deb-systemd +debian +bookworm +systemd" "template list shows distribution, release and init"
mkdir -p "$T_TMP/bb" && tar -C "$VCTX_PREFIX/var/lib/vctx/templates/busybox/rootfs" -cf - . |
	zstd -q -o "$T_TMP/bb.tar.zst"
vx template build imported --from tarball --file "$T_TMP/bb.tar.zst"; ok $? "a template from a zstd tarball"
like "$(vx template list)" "imported +[a-z]+ +[a-z0-9.]+ +busybox" "its init flavour was recognised"

S=$(ctx sd); V=$(ctx sv); B=$(ctx bb); I=$(ctx im)
vx create "$S" --template deb-systemd && vx create "$V" --template deb-sysv &&
	vx create "$B" --template busybox && vx create "$I" --template imported; ok $? "four contexts"
vx start "$S" && vx start "$V" && vx start "$B" && vx start "$I"; ok $? "all four start"

is "$(t_wait_systemd "$S")" "running" "systemd reaches running"
is "$(vx exec "$S" -- systemctl --failed --no-legend --plain | wc -l)" "0" "with no failed unit"
is "$(vx exec "$S" -- cat /proc/1/comm)" "systemd" "systemd is pid 1"
like "$(vx exec "$S" -- systemctl is-active systemd-journald systemd-logind dbus ssh | tr '\n' ' ')" \
	"^active active active active $" "journald, logind, dbus and sshd run"
like "$(vx exec "$S" -- ls /etc/ssh)" "ssh_host_ed25519_key" "the context made its own SSH host keys"
t_wait_console "$V" "login: " 60; ok $? "sysvinit shows a login prompt on the console"
is "$(vx exec "$V" -- runlevel)" "N 2" "and reached its runlevel"
t_wait_console "$B" "login: " 30; ok $? "busybox init runs its inittab (a getty on the console)"
t_wait_console "$I" "login: " 30; ok $? "so does the imported one"

# Side by side, each its own distribution.
is "$(vx exec "$S" -- sh -c '. /etc/os-release; echo $ID $VERSION_CODENAME')" "debian bookworm" "$S is Debian"
is "$(vx exec "$B" -- sh -c 'test -e /etc/os-release && echo yes || echo no')" "no" "$B is busybox"
like "$(vx list)" "$S +running.*" "all four run at once"
is "$(vx list | grep -c ' running ')" "4" "four running"
is "$(vx exec "$S" -- hostname)$(vx exec "$V" -- hostname)" "$S$V" "each with its own host name"
is "$(vx exec "$S" -- cat /etc/hostname)" "$S" "written into /etc/hostname at start"

# A clean stop with each init's own signal: init exits on its own, nothing is killed.
for c in "$S" "$V" "$B"; do
	vx stop --timeout 60 "$c"
	like "$(grep -E 'init (exited|was killed)' "$VCTX_PREFIX/var/log/vctx/$c/vctx.log" | tail -n 1)" \
		"init (exited with status|was killed by signal (2|1|15))" "$c shut down by itself"
done

# ready = notify with sysvinit: an inittab entry after rc 2 says READY=1 (templates/lib.sh).
vx set "$V" ready=notify >/dev/null && vx start --ready "$V"
ok $? "sysvinit with ready = notify: start --ready returns"
is "$(vx exec "$V" -- sh -c 'pidof -s cron >/dev/null && echo cron')" "cron" "runlevel 2's services had started by then"
vx stop --timeout 60 "$V" >/dev/null

# ready = notify: autostart counts systemd up when it says READY=1, i.e. when boot finished.
vx set "$S" onboot=yes ready=notify group=n >/dev/null
like "$(vx autostart --group n)" "$S +up" "autostart brings systemd up, gated on its READY=1"
is "$(vx exec "$S" -- systemctl is-system-running)" "running" "systemd had finished booting when it counted as up"
vx stop --timeout 60 "$S"

# --from host --root: a system mounted at a directory (a server's disk moving into a
# context), here a copy of the Debian template's tree with a user's files, logs, a password
# and host keys added; what is private to that machine stays behind.
SRV="$T_TMP/srv"
mkdir "$SRV" && cp -a "$VCTX_PREFIX/var/lib/vctx/templates/deb-systemd/rootfs/." "$SRV" &&
	sed -i 's/^root:[^:]*:/root:$6$salt$secret:/' "$SRV/etc/shadow" &&
	mkdir -p "$SRV/home/alice" "$SRV/var/log/app" "$SRV/etc/ssh" &&
	echo private > "$SRV/home/alice/notes" && echo log > "$SRV/var/log/app/x" &&
	echo key > "$SRV/etc/ssh/ssh_host_ed25519_key" && echo 0123456789 > "$SRV/etc/machine-id"
vx template build p2v --from host --root "$SRV"; ok $? "a template from a system mounted at a directory"
like "$(vx template list)" "p2v +debian +bookworm +systemd " "its distribution and init are read from the tree"
PR="$VCTX_PREFIX/var/lib/vctx/templates/p2v/rootfs"
is "$(ls -A "$PR/home" "$PR/var/log" | grep -v ':$' | grep -c .)$(cut -d: -f2 "$PR/etc/shadow" | sort -u | tr '\n' ' ')" \
	"0* " "home directories and logs stay behind, and every password is locked"
is "$(ls "$PR/etc/ssh" | grep -c ssh_host_)$(wc -c < "$PR/etc/machine-id")" "00" \
	"so do its SSH host keys and its machine id"
P=$(ctx p2v)
vx create "$P" --template p2v && vx start "$P"
# /proc/1/comm says "init" until systemd renames itself: read what pid 1 runs instead.
like "$(vx exec "$P" -- sh -c 'readlink /proc/1/exe; cat /etc/debian_version' | tr '\n' ' ')" \
	"^/(usr/)?lib/systemd/systemd $(cat "$SRV/etc/debian_version" | sed 's/\./\\./g') $" \
	"a context runs it, with its own systemd"
vx destroy --force "$P" >/dev/null
fails_with "a directory that is not a system is refused" "holds no /etc and /sbin/init" \
	vx template build p2x --from host --root "$T_TMP"
fails_with "a relative --root is refused" "needs an absolute path" \
	vx template build p2x --from host --root srv
rm -rf "$SRV"

# Bad templates.
mkdir -p "$VCTX_PREFIX/var/lib/vctx/templates/half/rootfs"
fails_with "a half-built template is refused" "template 'half' is incomplete" vx create "$(ctx x)" --template half
fails_with "a missing template is refused" "template 'nope' does not exist" vx create "$(ctx x)" --template nope

# A build killed mid-way leaves nothing: its builder dies with it, its staging goes.
mkdir -p "$T_TMP/builders" && cp "$T_TOP/templates/lib.sh" "$T_TMP/builders/"
mkfifo "$T_TMP/started"
cat > "$T_TMP/builders/slow" <<EOT
#!/bin/sh
. "\$VCTX_TEMPLATE_DIR/lib.sh"
echo data > "\$R/file"
echo started > "$T_TMP/started"
exec sleep 1000
EOT
chmod 755 "$T_TMP/builders/slow"
VCTX_TEMPLATE_DIR="$T_TMP/builders" "$VCTX" template build slowt --from slow & BUILD=$!
read -r _ < "$T_TMP/started"
kill -9 $BUILD; wait $BUILD 2>/dev/null
vx template list > /dev/null
ok $([ ! -e "$VCTX_PREFIX/var/lib/vctx/templates/slowt" ] &&
	[ -z "$(ls -A "$VCTX_PREFIX/var/lib/vctx/templates" | grep slowt)" ] && echo 0 || echo 1) \
	"a killed build leaves no template and no staging directory"
ok $(pgrep -f "sleep 1000" >/dev/null && echo 1 || echo 0) "and none of its processes"
t_done
