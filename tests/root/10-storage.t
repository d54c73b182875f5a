#!/bin/sh
# Storage: a disk quota on a sparse image, shared host directories, snapshots, clones, export
# and import, and what a killed command leaves behind.
. "$(dirname "$0")/lib.sh"

plan 110

t_build_busybox
LIB="$VCTX_PREFIX/var/lib/vctx"
P2="$VCTX_PREFIX/other"		# a second "host": its own prefix
v2() { VCTX_PREFIX="$P2" VCTX_CGROUP_PARENT="vctx-t$$-2" "$VCTX" "$@"; }
T_EXTRA_CLEANUP='for n in $(v2 list 2>/dev/null | awk "NR > 1 { print \$1 }"); do v2 destroy --force "$n"; done >/dev/null 2>&1; v2 template remove busybox >/dev/null 2>&1; rmdir /sys/fs/cgroup/*/vctx-t$$-2 /sys/fs/cgroup/vctx-t$$-2 2>/dev/null'
kb() { df -k --output="$1" "$2" | tail -n 1 | tr -d ' '; }
alloc_kb() { echo $(($(stat -c '%b * %B' "$1") / 1024)); }

# --- a disk quota ----------------------------------------------------------------------------
Q=$(ctx q)
vx create "$Q" --template busybox disk=64M
ok $? "create with disk=64M"
IMG="$LIB/contexts/$Q/disk.img"
is "$(stat -c %s "$IMG")" $((64 << 20)) "the image is 64M long"
like "$(alloc_kb "$IMG")" "^[0-9]{1,4}$" "and sparse: it takes $(alloc_kb "$IMG")K"
like "$(vx status "$Q")" "disk: +64(\.0)?M image, [0-9.]+[KM] of it written on the host" "status shows the image and what it takes"
vx start "$Q"
ok $? "it starts"
size=$(vx exec "$Q" -- df -k / | awk 'NR == 2 { print $2 }')
ok $([ "$size" -gt 57000 ] && [ "$size" -le 65536 ] && echo 0 || echo 1) "df / inside shows the limit (${size}K of 65536K)"
HOST_BEFORE=$(kb avail "$LIB")
vx exec "$Q" -- dd if=/dev/zero of=/data bs=1M count=20 2>/dev/null
out=$(vx exec "$Q" -- dd if=/dev/zero of=/fill bs=1M count=100 2>&1)
rc=$?
like "$rc:$out" "^[1-9][0-9]*:.*No space left on device" "writing past it is ENOSPC inside"
used=$(alloc_kb "$IMG")
ok $([ "$used" -le $((66 << 10)) ] && echo 0 || echo 1) "the image holds at most its size on the host (${used}K)"
HOST_AFTER=$(kb avail "$LIB")
ok $([ $((HOST_BEFORE - HOST_AFTER)) -le $((used + 8192)) ] && echo 0 || echo 1) \
	"host free space moved by what was written, no more ($((HOST_BEFORE - HOST_AFTER))K)"
vx exec "$Q" -- sh -c 'rm /fill && sync'
# ext4 sends the discards after the commit, and the loop device punches the holes in its own
# time: wait for those (each is a modification of the image).
"$PROBE" waitshrink "$IMG" $((used - 16384)) 20
after=$(alloc_kb "$IMG")
ok $([ "$after" -lt $((used - 16384)) ] && echo 0 || echo 1) \
	"what the context deletes is given back to the host (${used}K -> ${after}K)"
is "$(losetup -a | grep -c "$IMG")" 1 "one loop device backs it while it runs"
grep -qF "$LIB/contexts/$Q/disk" /proc/self/mountinfo
ok $((!$?)) "and its mount is not in the host's mount table"
# Online growth needs CAP_SYS_RESOURCE (ext4's resize ioctl); some hosts' root lacks it.
if [ $(( 0x$(awk '/^CapEff/ { print $2 }' /proc/self/status) >> 24 & 1 )) = 1 ]; then
	vx set "$Q" disk=96M
	ok $? "set disk=96M grows the running context's disk"
	size=$(vx exec "$Q" -- df -k / | awk 'NR == 2 { print $2 }')
	ok $([ "$size" -gt 88000 ] && [ "$size" -le 98304 ] && echo 0 || echo 1) "df inside shows it at once (${size}K)"
else
	fails_with "without CAP_SYS_RESOURCE a running disk cannot grow, and says why" \
		"needs CAP_SYS_RESOURCE.*stop .* first" vx set "$Q" disk=96M
	is "$(stat -c %s "$IMG"):$(grep -c '^disk = 64M' "$VCTX_PREFIX/etc/vctx/$Q.conf")" "$((64 << 20)):1" \
		"the image and the config are unchanged"
fi
fails_with "a running disk never shrinks" "smaller than the image .*can only grow" vx set "$Q" disk=32M
vx stop --kill "$Q"
is "$(losetup -a | grep -c "$IMG")" 0 "stopping detaches the loop device"
fails_with "a disk never shrinks" "smaller than the image .*can only grow" vx set "$Q" disk=32M
vx set "$Q" disk=128M
ok $? "set disk=128M grows it while stopped"
vx start "$Q"
size=$(vx exec "$Q" -- df -k / | awk 'NR == 2 { print $2 }')
ok $([ "$size" -gt 120000 ] && [ "$size" -le 131072 ] && echo 0 || echo 1) "df shows the new size (${size}K)"
is "$(vx exec "$Q" -- stat -c %s /data)" $((20 << 20)) "and the files are still there"
fails_with "a bad size is refused" "12Q" vx create "$(ctx x)" --template busybox disk=12Q
fails_with "disk=max is refused" "invalid disk 'max'" vx create "$(ctx x)" --template busybox disk=max
ok $([ ! -e "$LIB/contexts/$(ctx x)" ] && echo 0 || echo 1) "a refused create leaves nothing"

# An existing context moves onto an image of its own, and off it again.
M=$(ctx m)
vx create "$M" --template busybox && vx start "$M" &&
	vx exec "$M" -- sh -c 'echo kept > /root/f && chown 1000:1000 /root/f && rm /bin/vi &&
		dd if=/dev/zero of=/big bs=1M count=20 2>/dev/null'
fails_with "adding a disk to a running context is refused" "stop $M first" vx set "$M" disk=64M
vx stop --kill "$M"
fails_with "a disk too small for its files is refused" "16M is too small for the 20M of files" \
	vx set "$M" disk=16M
is "$(ls "$LIB/contexts/$M" | tr '\n' ' ')$(grep -c '^disk' "$VCTX_PREFIX/etc/vctx/$M.conf")" "upper work 0" \
	"and changes nothing"
vx set "$M" disk=64M; ok $? "set disk=64M moves a stopped context onto an image"
is "$(ls "$LIB/contexts/$M" | tr '\n' ' ')" "disk disk.img " "whose files left the host's directory"
vx start "$M"
is "$(vx exec "$M" -- sh -c 'cat /root/f; stat -c %u:%g /root/f; ls /bin/vi 2>&1; stat -c %s /big' | tr '\n' ' ')" \
	"kept 1000:1000 ls: /bin/vi: No such file or directory $((20 << 20)) " \
	"its files, owners and deletions came along"
size=$(vx exec "$M" -- df -k / | awk 'NR == 2 { print $2 }')
ok $([ "$size" -gt 56000 ] && [ "$size" -le 65536 ] && echo 0 || echo 1) "df inside shows the limit (${size}K)"
vx stop --kill "$M"
vx set "$M" disk=; ok $? "set disk= moves it off its image"
is "$(ls "$LIB/contexts/$M" | tr '\n' ' ')" "upper work " "the image is gone"
vx start "$M"
is "$(vx exec "$M" -- sh -c 'cat /root/f; stat -c %u:%g /root/f; ls /bin/vi 2>&1' | tr '\n' ' ')" \
	"kept 1000:1000 ls: /bin/vi: No such file or directory " "with its files"
vx snapshot "$M" flat && vx stop --kill "$M" && vx set "$M" disk=64M
fails_with "a snapshot from before a move is not restored over the other layout" \
	"snapshot flat of $M was taken without a disk image: move $M off its image first" \
	vx restore "$M" flat
vx set "$M" disk= && vx restore "$M" flat
is "$(vx start "$M" && vx exec "$M" -- cat /root/f)" "kept" "once it is moved back, it is"
vx stop --kill "$M"
"$VCTX" set "$M" disk=64M & P=$!
"$PROBE" waitpath "$LIB/contexts/$M" .tmp-disk 20; kill -9 $P; wait $P 2>/dev/null
vx start "$M"
# Killed at whatever point: before the config names the image the files are in the
# directory, after it they are on the image; start uses that one and removes the rest.
like "$(vx exec "$M" -- cat /root/f) $(grep -c '^disk' "$VCTX_PREFIX/etc/vctx/$M.conf") $(ls -a "$LIB/contexts/$M" | grep -c '^\.tmp-')" \
	"^kept [01] 0$" "a killed move leaves the context whole, and its start removes the leftovers"
vx stop --kill "$M"
vx set "$M" disk=64M && vx set "$M" disk=
is "$(ls -a "$LIB/contexts/$M" | tr '\n' ' ')" ". .. snapshots upper work " "and the next one removes what it left"

# --- shared host directories -----------------------------------------------------------------
SH="$T_TMP/share"; RO="$T_TMP/ro"
mkdir -p "$SH" "$RO" && echo shared >"$SH/f" && echo ro >"$RO/g" && chown 1000:1000 "$RO/g" &&
	echo host-root >"$SH/hostfile" && chmod 644 "$SH/hostfile"
B=$(ctx b)
vx create "$B" --template busybox "bind=$SH:/srv/rw" "bind=$RO:/srv/ro:ro" "bind=$SH/f:/etc/shared"
ok $? "create with three binds"
BASE=$(sed -n 's/^id-base = //p' "$VCTX_PREFIX/etc/vctx/$B.conf")
# The share is made the context's (its root is id-base on the host), as vctx.conf(5) says.
chown "$BASE:$BASE" "$SH"
vx start "$B"
ok $? "it starts"
is "$(vx exec "$B" -- stat -c %u:%g /srv/ro/g)" "1000:1000" "a read-only bind is idmapped: a host file of 1000 reads as 1000"
is "$(vx exec "$B" -- cat /etc/shared)" shared "a single file can be bound"
like "$(vx exec "$B" -- sh -c 'echo x >/srv/ro/x' 2>&1)" "Read-only file system" "ro is enforced"
like "$(vx exec "$B" -- mount -o remount,rw /srv/ro 2>&1; vx exec "$B" -- sh -c 'echo x >/srv/ro/x' 2>&1)" \
	"Read-only file system" "root inside cannot remount it writable"
# A writable bind is not idmapped: what the tenant writes is its own ids' on the host.
vx exec "$B" -- sh -c 'echo new >/srv/rw/new && cp /bin/busybox /srv/rw/suid && chmod 6755 /srv/rw/suid'
is "$(stat -c %u:%g "$SH/new")" "$BASE:$BASE" "a file root makes in a writable bind is owned by the context's ids on the host"
is "$(stat -c '%u:%g %a' "$SH/suid")" "$BASE:$BASE 6755" \
	"a setuid program it plants there runs as its own id range, not as host root"
is "$(vx exec "$B" -- stat -c %u "$(echo /srv/rw/hostfile)")" "65534" "host root's file there is nobody's inside"
like "$(vx exec "$B" -- sh -c 'echo evil >>/srv/rw/hostfile; chmod 666 /srv/rw/hostfile; chown 0 /srv/rw/hostfile' 2>&1 | tr '\n' ' ')" \
	"Permission denied.*Operation not permitted.*Operation not permitted" \
	"root inside can neither rewrite, chmod nor chown it"
is "$(cat "$SH/hostfile") $(stat -c '%u %a' "$SH/hostfile")" "host-root 0 644" "it is unchanged"
like "$(vx exec "$B" -- mknod /srv/rw/null c 1 3 2>&1)" "Operation not permitted" "no device node can be made there"
# The control: a host-root share bound writable and idmapped (what vctx did before) makes the
# tenant host root there.
mkdir "$T_TMP/rootshare"
like "$("$PROBE" idmap-plant "$(vx status "$B" | sed -n 's/^ *init-pid: *//p')" "$T_TMP/rootshare" planted)" \
	"^planted" "control: through an idmapped writable bind the context's root plants a file"
is "$(stat -c '%u:%g %a' "$T_TMP/rootshare/planted")" "0:0 6755" "control: it is setuid root on the host"
ln -s "$SH" "$T_TMP/link"
fails_with "a host path through a symlink is refused" "symlink" \
	vx create "$(ctx x)" --template busybox "bind=$T_TMP/link:/x"
fails_with "another context's storage is refused" "vctx's own storage" \
	vx create "$(ctx x)" --template busybox "bind=$LIB/contexts/$Q:/x"
fails_with "a missing host path is refused" "No such file" \
	vx create "$(ctx x)" --template busybox "bind=$T_TMP/nope:/x"
fails_with "a bind over /proc is refused" "/proc inside is vctx's" \
	vx create "$(ctx x)" --template busybox "bind=$SH:/proc/sys"
vx stop --kill "$B"
# The tenant plants a symlink where the bind goes: the start fails, nothing is mounted outside.
rm -rf "$LIB/contexts/$B/upper/srv" && ln -s /etc "$LIB/contexts/$B/upper/srv"
like "$(vx start "$B" 2>&1)" "cannot start .*/srv" "a symlink planted at a bind's mount point makes the start fail"
ok $([ ! -e /etc/rw ] && ! grep -q " /etc/rw " /proc/self/mountinfo && echo 0 || echo 1) \
	"and nothing was made or mounted on the host"

# --- snapshots -------------------------------------------------------------------------------
S=$(ctx s)
vx create "$S" --template busybox && vx start "$S" &&
	vx exec "$S" -- sh -c 'echo one >/root/a; mkdir /home/u; chown 1000:1000 /home/u; rm /bin/vi'
ok $? "a context with a file, a user's directory and a deleted template file"
vx snapshot "$S" s1
ok $? "snapshot of the running context"
is "$(timeout 10 "$VCTX" exec "$S" -- echo alive)" alive "it runs on, thawed"
like "$(vx snapshot list "$S")" "^s1 +[0-9-]+ [0-9:]+ +[0-9.]+[KM]" "snapshot list shows it"
vx exec "$S" -- sh -c 'echo two >/root/a; touch /root/b; touch /bin/vi'
fails_with "restore refuses a running context" "is running: stop it first" vx restore "$S" s1
vx stop --kill "$S" && vx restore "$S" s1 && vx start "$S"
ok $? "restore once stopped"
is "$(vx exec "$S" -- sh -c 'cat /root/a; ls /root; ls /bin/vi 2>/dev/null; stat -c %u /home/u' | tr '\n' ' ')" \
	"one a 1000 " "the change is gone, the deletion and the owner are back"
fails_with "a snapshot name is checked" "invalid snapshot name" vx snapshot "$S" ../x
fails_with "an existing snapshot is not overwritten" "already exists" vx snapshot "$S" s1
vx snapshot delete "$S" s1
is "$(vx snapshot list "$S" | wc -l)" 1 "snapshot delete removes it"
A1=$("$VCTX" snapshot "$S") && A2=$("$VCTX" snapshot "$S")
like "$A1 $A2" "^[0-9]{8}-[0-9]{6} [0-9]{8}-[0-9]{6}(-2)?$" "a snapshot without a name prints the one it got"
is "$(vx snapshot list "$S" | awk 'NR > 1 { print $1 }' | sort | tr '\n' ' ')" "$(printf '%s\n' "$A1" "$A2" | sort | tr '\n' ' ')" \
	"two in the same second get two names, both listed"
vx snapshot delete "$S" "$A1" && vx snapshot delete "$S" "$A2"
fails_with "restoring a missing snapshot fails" "has no snapshot s1" vx restore "$S" s1
vx exec "$Q" -- sh -c 'echo before >/mark'
vx snapshot "$Q" q1 && vx exec "$Q" -- sh -c 'echo after >/mark' && vx stop --kill "$Q" &&
	vx restore "$Q" q1 && vx start "$Q"
is "$(vx exec "$Q" -- cat /mark)" before "a disk context's snapshot restores too"

# --- clone -----------------------------------------------------------------------------------
S2=$(ctx s2)
b1=$(sed -n 's/^id-base = //p' "$VCTX_PREFIX/etc/vctx/$S.conf")
setfacl -m "u:$((b1 + 1001)):rx,d:g:$((b1 + 1002)):rx" "$LIB/contexts/$S/upper/home/u"
vx clone "$S" "$S2"
ok $? "clone a running context"
vx start "$S2"
is "$(vx exec "$S2" -- sh -c 'hostname; cat /root/a; stat -c %u /home/u' | tr '\n' ' ')" "$S2 one 1000 " \
	"the clone has the files, the owners and a name of its own"
b2=$(sed -n 's/^id-base = //p' "$VCTX_PREFIX/etc/vctx/$S2.conf")
is "$(head -1 "$VCTX_PREFIX/etc/vctx/$S2.conf")" "# vctx context $S2, cloned from $S; see vctx.conf(5)." \
	"its config's header names it, not its source"
ok $([ "$b1" != "$b2" ] && echo 0 || echo 1) "with its own id range ($b2, not $b1)"
is "$(stat -c %u "$LIB/contexts/$S2/upper/home/u")" $((b2 + 1000)) "its files moved to that range"
is "$(getfacl -n "$LIB/contexts/$S2/upper/home/u" 2>/dev/null | grep -E '^(default:)?(user|group):[0-9]' | tr '\n' ' ')" \
	"user:$((b2 + 1001)):r-x default:group:$((b2 + 1002)):r-x " "and so did the users and groups its ACLs name"
vx exec "$S2" -- sh -c 'echo clone >/root/a'
is "$(vx exec "$S" -- cat /root/a)" one "it is independent of its source"
Q2=$(ctx q2)
vx clone "$Q" "$Q2" && vx start "$Q2"
is "$(vx exec "$Q2" -- cat /mark)" before "a disk context clones with its image"
fails_with "clone onto an existing name fails" "already exists" vx clone "$S" "$S2"

# --- export and import -----------------------------------------------------------------------
vx export "$S" "$T_TMP/s.tar.zst"
ok $? "export to a .tar.zst"
is "$(stat -c %a "$T_TMP/s.tar.zst")" 600 "the archive is root's alone (it holds the customer's files)"
# A writer that never stops: a, then b, each replaced whole.  A copy of a moment has
# a == b or a == b + 1; a copy made while it runs, file by file, would not.
vx exec "$S" -- sh -c 'setsid sh -c "i=0; while :; do echo \$i >/tmp/a.t; mv /tmp/a.t /tmp/a; echo \$i >/tmp/b.t; mv /tmp/b.t /tmp/b; i=\$((i + 1)); done" </dev/null >/dev/null 2>&1 &'
"$PROBE" waitfor "$LIB/contexts/$S/upper/tmp/b" "1" 10 >/dev/null
like "$(vx export -v "$S" "$T_TMP/live.tar" 2>&1)" "^vctx: $S: [0-9.]+[KMG] written; frozen [0-9.]+ ms \([0-9.]+ ms copying what changed\)$" \
	"export of a busy context says how long it was frozen"
{ tar -xOf "$T_TMP/live.tar" upper/tmp/a; tar -xOf "$T_TMP/live.tar" upper/tmp/b; } >"$T_TMP/ab" 2>/dev/null
ok $(awk 'NR == 1 { a = $1 } NR == 2 { b = $1 } END { exit !(NR == 2 && (a == b || a == b + 1)) }' "$T_TMP/ab" && echo 0 || echo 1) \
	"what it archived is one moment of a context that kept writing ($(tr '\n' ' ' <"$T_TMP/ab"))"
E=$(ctx piped)
vx export "$S" - 2>"$T_TMP/err1" | vx import --name "$E" - >/dev/null 2>"$T_TMP/err2"
is "$?:$(vx list -o name --no-header | grep -c "^$E$")" "0:1" "export to standard output, import from standard input"
cat "$T_TMP/err1" "$T_TMP/err2" | sed 's/^/#   /'
# The writer runs on: every export below copies a context whose files come and go.
vx destroy "$E" >/dev/null
I=$(ctx imp)
fails_with "import without the template is refused" "template 'busybox' does not exist here" \
	v2 import --name "$I" "$T_TMP/s.tar.zst"
is "$(v2 list | wc -l)" 1 "and leaves nothing"
vx export --with-template "$S" "$T_TMP/st.tar"
v2 import --name "$I" "$T_TMP/st.tar"
ok $? "import with the template into another prefix"
v2 start "$I"
is "$(v2 exec "$I" -- sh -c 'cat /root/a; stat -c %u /home/u' | tr '\n' ' ')" "one 1000 " "it starts and has its files"
v2 stop --kill "$I"
touch "$P2/var/lib/vctx/templates/busybox/rootfs/changed"
fails_with "a template that differs is refused" "template 'busybox' here differs" \
	v2 import --name "$(ctx imp2)" "$T_TMP/s.tar.zst"
fails_with "an export never overwrites" "already exists" vx export "$S" "$T_TMP/s.tar.zst"
vx snapshot "$S" keep >/dev/null
vx export --with-snapshots "$S" "$T_TMP/sn.tar" &&
	is "$(tar -tf "$T_TMP/sn.tar" | grep -cx 'snapshots/keep/upper/\|snapshots/keep/vctx.conf')" 2 \
		"export --with-snapshots carries the snapshots" || ok 1 "export --with-snapshots"
# Progress on a terminal only (script(1) gives the command one), never in a pipe or a log.
like "$(script -qec "$VCTX export $S $T_TMP/tty.tar" /dev/null </dev/null | tr '\r\n' '  ')" \
	"exporting $S: [0-9.]+[BKMG] \([0-9.]+[BKMG]/s\).*frozen [0-9.]+ ms" "export shows its progress and the frozen time on a terminal"
TI=$(ctx ttyimp)
like "$(script -qec "$VCTX import --name $TI $T_TMP/tty.tar" /dev/null </dev/null | tr '\r\n' '  ')" \
	"importing $TI: [0-9.]+[BKMG] \([0-9.]+[BKMG]/s\)" "and import its own"
vx destroy "$TI" >/dev/null
like "$(script -qec "$VCTX template build ttyb --from busybox" /dev/null </dev/null | tr '\r\n' '  ')" \
	"building ttyb: [0-9.]+[BKMG] \([0-9.]+[BKMG]/s\)" "and template build its own"
vx template remove ttyb >/dev/null
is "$(vx export "$S" "$T_TMP/quiet.tar" 2>&1)" "" "and nothing at all without a terminal"
SN=$(ctx snimp)
vx import --name "$SN" "$T_TMP/sn.tar" >/dev/null
is "$?:$(vx snapshot list "$SN" | awk 'NR > 1 { print $1 }')" "0:keep" "and import takes them along"
bsn=$(sed -n 's/^id-base = //p' "$VCTX_PREFIX/etc/vctx/$SN.conf")
is "$(stat -c %u "$LIB/contexts/$SN/snapshots/keep/upper/home/u")" $((bsn + 1000)) \
	"their files moved to the new context's id range"
vx restore "$SN" keep && vx start "$SN"
is "$(vx exec "$SN" -- stat -c %u /home/u)" 1000 "a carried snapshot restores"
vx destroy --force "$SN" >/dev/null
mkdir -p "$T_TMP/badsn" && tar -C "$T_TMP/badsn" -xf "$T_TMP/sn.tar" meta context.conf &&
	mkdir -p "$T_TMP/badsn/snapshots/Not-A-Name" && echo x >"$T_TMP/badsn/snapshots/Not-A-Name/x" &&
	tar -C "$T_TMP/badsn" -cf "$T_TMP/badsn.tar" meta context.conf snapshots
fails_with "a snapshot entry that is no snapshot is refused" "is no part of a vctx export" \
	vx import --name "$(ctx badsn)" "$T_TMP/badsn.tar"

# --- interrupted ---------------------------------------------------------------------------
vx exec "$Q" -- dd if=/dev/urandom of=/big bs=1M count=60 2>/dev/null
sum=$(vx exec "$Q" -- md5sum /big)
"$VCTX" snapshot "$Q" k1 & P=$!
"$PROBE" waitpath "$LIB/contexts/$Q/snapshots" .tmp-k1 20; kill -9 $P; wait $P 2>/dev/null
is "$(timeout 10 "$VCTX" exec "$Q" -- md5sum /big)" "$sum" "a killed snapshot leaves the context running, thawed, with its files"
vx snapshot "$Q" k2
is "$(ls -a "$LIB/contexts/$Q/snapshots" | grep -c '^\.tmp-')" 0 "the next snapshot removes what it left"
"$VCTX" clone "$Q" "$(ctx k3)" & P=$!
"$PROBE" waitpath "$LIB/contexts" ".tmp-$P-" 20; kill -9 $P; wait $P 2>/dev/null
vx list | grep -q "^$(ctx k3) "
ok $((!$?)) "a killed clone makes no context"
vx clone "$Q" "$(ctx k4)"
is "$(ls -a "$LIB/contexts" | grep -c '^\.tmp-')" 0 "the next clone removes what it left"
vx stop --kill "$Q"
"$VCTX" restore "$Q" k2 & P=$!
"$PROBE" waitpath "$LIB/contexts/$Q" .tmp-restore 20; kill -9 $P; wait $P 2>/dev/null
vx start "$Q"
is "$(vx exec "$Q" -- md5sum /big)" "$sum" "after a killed restore the context starts with its files"
"$VCTX" export "$Q" "$T_TMP/q.tar" & P=$!
"$PROBE" waitpath "$T_TMP" ".tmp-vctx-" 20; kill -9 $P; wait $P 2>/dev/null
is "$(timeout 10 "$VCTX" exec "$Q" -- md5sum /big)" "$sum" "a killed export leaves the context running with its files"
vx export "$Q" "$T_TMP/q.tar"
is "$(ls -a "$T_TMP" | grep -c '^\.tmp-vctx-')" 0 "the next export removes what the killed one left"
"$VCTX" import --name "$(ctx k5)" "$T_TMP/q.tar" & P=$!
"$PROBE" waitpath "$LIB/contexts" ".tmp-$P-" 20; kill -9 $P; wait $P 2>/dev/null
vx list | grep -q "^$(ctx k5) "
ok $((!$?)) "a killed import makes no context"
vx import --name "$(ctx k6)" "$T_TMP/q.tar" && vx start "$(ctx k6)"
is "$(vx exec "$(ctx k6)" -- md5sum /big):$(ls -a "$LIB/contexts" | grep -c '^\.tmp-')" "$sum:0" \
	"the next import works and removes what the killed one left"
vx stop --kill "$Q" >/dev/null 2>&1
t_done
