#!/bin/sh
# Tenant isolation, round 2: nothing the admin hands to vctx exec reaches the tenant, and no
# host code runs inside with the tenant's loader.  Each attack is shown succeeding against a
# runtime without the protection (the control), then failing against vctx.
. "$(dirname "$0")/lib.sh"
plan 62

A=$(ctx iso)
t_build_busybox
vx create "$A" --template busybox && vx start "$A" && t_probe "$A"; ok $? "a busybox context"
INIT=$(vx status "$A" | sed -n 's/^ *init-pid: *//p')

# --- vctx exec hands no descriptor of the caller's to the context ---------------------------
echo "admin secret 4711" > "$T_TMP/admin.log" && chmod 644 "$T_TMP/admin.log"
# The control: a runtime that passes the caller's descriptors (nsenter does) lets the command
# reopen a redirected stdout through /proc/self/fd and read the admin's whole file.
nsenter -t "$INIT" -a -S 0 -G 0 sh -c 'exec 3>&1; cat /proc/self/fd/3 > /tmp/stolen' >> "$T_TMP/admin.log"
like "$(vx exec "$A" -- cat /tmp/stolen)" "admin secret 4711" \
	"control: a passed-in stdout lets the command read the admin's file"
vx exec "$A" -- sh -c 'for f in 0 1 2; do readlink /proc/$$/fd/$f; done' >> "$T_TMP/admin.log" < "$T_TMP/admin.log"
is "$(tail -n 3 "$T_TMP/admin.log" | sed 's/\[[0-9]*\]//' | tr '\n' ' ')" "pipe: pipe: pipe: " \
	"through vctx exec the command's stdin, stdout and stderr are vctx's pipes: nothing to reopen"
# What a command leaves in the background holds nothing of the caller's once exec returns.
vx exec "$A" -- sh -c 'sleep 1000 & echo $! > /tmp/bg' < "$T_TMP/admin.log" >> "$T_TMP/admin.log"
BG=$(vx exec "$A" -- cat /tmp/bg)
is "$(vx exec "$A" -- sh -c "for f in 0 1 2; do readlink /proc/$BG/fd/\$f; done" | sed 's/\[[0-9]*\]//' | tr '\n' ' ')" \
	"/dev/null pipe: pipe: " "a process left behind holds nothing of the caller's (the shell gave it /dev/null; the rest are vctx's closed pipes)"
vx exec "$A" -- kill "$BG"
is "$(vx exec "$A" -- sh -c 'ls /proc/self/fd' | tr '\n' ' ')" "0 1 2 3 " "no descriptor of vctx goes in (3 is ls's own)"
# The streams behave as before.
is "$(vx exec "$A" -- sh -c 'exit 42'; echo $?)" "42" "the exit status is the command's"
is "$(printf 'one\ntwo\n' | vx exec "$A" -- wc -l)" "2" "stdin is relayed, and its end reaches the command"
is "$(vx exec "$A" -- sh -c 'echo out; echo err >&2' 2>&1 >/dev/null)" "err" "stderr stays apart from stdout"
head -c 4000000 /dev/urandom > "$T_TMP/blob"
is "$(vx exec "$A" -- cat < "$T_TMP/blob" | md5sum)" "$(md5sum < "$T_TMP/blob")" "binary data goes through unchanged"
is "$(head -c 1073741824 /dev/zero | vx exec "$A" -- cat | wc -c)" "1073741824" "so does 1 GB"
is "$(vx exec "$A" -- yes | head -n 1)" "y" "a reader that goes away ends the writer inside (SIGPIPE)"
mkfifo "$T_TMP/started"
# (A background job of a script starts with SIGINT ignored, a terminal's foreground job does
# not: perl puts the default back, as the job Ctrl-C is typed at has it.)
perl -e '$SIG{INT} = "DEFAULT"; exec @ARGV' "$VCTX" exec "$A" -- sh -c 'echo up; exec sleep 1000' \
	> "$T_TMP/started" & EX=$!
read -r UP < "$T_TMP/started"
kill -INT $EX; wait $EX
is "$UP $?" "up 130" "Ctrl-C (SIGINT) reaches the command and its status comes back"
is "$(vx exec "$A" -- cat /proc/self/status | sed -n 's/^\(SigIgn\|SigBlk\):\t//p' | tr '\n' ' ')" \
	"0000000000000000 0000000000000000 " "no signal ignored or blocked (vctx ignores SIGPIPE itself)"
fails_with "vctx enter refuses a stdin that is not a terminal" "enter needs a terminal" \
	sh -c "echo | '$VCTX' enter '$A'"

# --- no host code runs inside with the tenant's loader ---------------------------------------
# The tenant registers a binfmt_misc handler whose interpreter is /proc/self/exe, and plants
# its own dynamic loader.
vx exec "$A" -- sh -c 'mkdir -p /tmp/bm /lib64 && mount -t binfmt_misc binfmt_misc /tmp/bm &&
	echo ":evil:E::tst::/proc/self/exe:" > /tmp/bm/register && echo x > /tmp/run.tst &&
	chmod 755 /tmp/run.tst && cat > /lib64/ld-linux-x86-64.so.2 && chmod 755 /lib64/ld-linux-x86-64.so.2' \
	< "$T_TOP/tests/fake-loader"
ok $? "the tenant registers /proc/self/exe as an interpreter and plants a loader"
like "$(nsenter -t "$INIT" -a /tmp/run.tst 2>&1)" "the tenant's loader runs host code" \
	"control: a dynamic host program that execs the file runs inside with the tenant's loader"
OUT=$(vx exec "$A" -- /tmp/run.tst 2>&1); RC=$?
like "$OUT" "vctx-exec: refused" "through vctx exec the kernel starts the static vctx-exec instead, which refuses"
is "$(printf '%s\n' "$OUT" | grep -c 'loader runs'):$RC" "0:126" "the tenant's loader never runs"
# --- the tenant's root cannot take over vctx exec's process on its way in ----------------------
# Between joining the context's user namespace and taking root's uid there, the process vctx
# exec sends in has the host's uid 0 (65534 inside) and host descriptors.  A dumpable process
# in that state is the tenant root's to trace (CAP_SYS_PTRACE in its namespace) and, through
# it, to write as host root.  That moment lasts microseconds: the host holds it for a second
# with a seccomp user notification on the setresgid that ends it, while the tenant's root
# tries PTRACE_SEIZE on the newest pids without pause.
race() {	# race COMM COMMAND...: the tenant's racer against COMMAND run on the host
	_c=$1; shift
	rm -f "$T_TMP/race"
	vx exec "$A" -- sh -c "rm -f /tmp/race-stop; exec /probe ptrace-race $_c /tmp/race-stop" \
		> "$T_TMP/race" 2>&1 &
	_r=$!
	t_wait_file "$T_TMP/race" ready 10
	"$@" >/dev/null 2>&1
	vx exec "$A" -- touch /tmp/race-stop
	wait $_r
	tail -n 1 "$T_TMP/race"
}
OUT=$(race vctx "$PROBE" gate setresgid 1000000 "$VCTX" exec "$A" -- true)
is "$OUT" "none" "held a second in the tenant's user namespace with the host's uid, vctx exec's process is out of the tenant root's reach"
is "$("$PROBE" gate setresgid 1000 "$VCTX" exec "$A" -- id -u)" "0" "and the exec it was goes on as before"
# The control: a host process in the same state that stays dumpable (nsenter into the user and
# pid namespaces, keeping the host's credentials) is the tenant root's.
like "$(race sleep nsenter -t "$INIT" -U -p --preserve-credentials /bin/sleep 5)" \
	"^HOST sleep uid 65534 fsuid 65534$" "control: a dumpable host process in that state is traced and killed by the tenant's root"
# --- a config changed for the next start never reaches what vctx exec runs now ----------------
# The admin turns the user namespace off for the next start.  The control: with the change in
# force (that next start) the context's commands run with the host's ids, so an exec that took
# its policy from NAME.conf would run the tenant's own programs as host root, now.
P=$(ctx pol)
vx create "$P" --template busybox && vx start "$P"
IDS='cat /proc/self/uid_map; grep ^CapEff: /proc/self/status'
BEFORE=$(vx exec "$P" -- sh -c "$IDS")
sed -i '/^\[context\]/a userns = no' "$VCTX_PREFIX/etc/vctx/$P.conf"
is "$(vx exec "$P" -- sh -c "$IDS")" "$BEFORE" \
	"after the change, exec still runs in the context's user namespace with init's capabilities"
vx stop --kill "$P" && vx start "$P"
like "$(vx exec "$P" -- cat /proc/self/uid_map)" "^ +0 +0 +4294967295$" \
	"control: started with the change, the context runs on the host's ids"
vx stop --kill "$P"; vx destroy "$P"
ok $? "that context goes"
# --- an archive from elsewhere sets no policy and writes nothing as host root ---------------
vx export "$A" "$T_TMP/real.tar"
SUM=$(tar -xOf "$T_TMP/real.tar" meta | sed -n 's/^template-sum = //p')
# mkarchive FILE ENTRY...: a tar the test writes entry by entry (perl's Archive::Tar):
#   NAME:TYPE:UID:GID:MODE[:LINK|MAJOR,MINOR]   TYPE f d l c b h; a file holds its name
mkarchive() {
	perl -MArchive::Tar -e '
		my $f = shift; my $t = Archive::Tar->new;
		$t->add_data("meta", "format = 1\nname = evil\ntemplate = busybox\n" .
			"template-sum = '"$SUM"'\nid-base = 1048576\n");
		$t->add_data("context.conf", $ENV{CONF});
		my %ty = (f => 0, h => 1, l => 2, c => 3, b => 4, d => 5);
		for (@ARGV) {
			my ($n, $y, $u, $g, $m, $x) = split /:/;
			my %o = (type => $ty{$y}, uid => $u, gid => $g, mode => oct($m));
			$o{linkname} = $x if $y eq "l" || $y eq "h";
			@o{"devmajor", "devminor"} = split /,/, $x if $y eq "c" || $y eq "b";
			$t->add_data($n, $y eq "f" ? "$n\n" : "", \%o);
		}
		$t->write($f) or die;' "$@"
}
export CONF="[context]
template = busybox
id-base = 1048576
userns = no
[network]
mode = macvlan
link = eth9
gateway = 198.51.100.1
[security]
seccomp = none
cap-keep = sys_module sys_rawio
devices = tun fuse
[storage]
bind = /etc:/host-etc
"
B=1048576
mkarchive "$T_TMP/policy.tar" "upper:d:$B:$B:755" "upper/root:d:$B:$B:700" \
	"upper/root/mine:f:$B:$B:4755" "upper/rootshell:f:0:0:4755" "upper/shadowgrp:f:$B:42:2755"
# The control: with --trust-config the archive's policy is taken as it stands.
vx import --trust-config --name "$(ctx trusted)" "$T_TMP/policy.tar" 2>/dev/null
like "$(grep -E '^(userns|seccomp|bind|cap-keep) ' "$VCTX_PREFIX/etc/vctx/$(ctx trusted).conf" | tr '\n' ' ')" \
	"userns = no seccomp = none cap-keep = sys_module sys_rawio bind = /etc:/host-etc" \
	"control: --trust-config takes userns = no, seccomp = none, cap-keep and a bind of /etc from the archive"
vx destroy "$(ctx trusted)"
OUT=$(vx import --name "$(ctx imp)" "$T_TMP/policy.tar" address=198.51.100.77/24 2>&1); RC=$?
is "$RC" "0" "an archive that asks for host root imports"
like "$OUT" "not taken from the archive.*: userns, seccomp, cap-keep, devices, bind, link, mode, gateway \(--trust-config keeps them\)" \
	"saying in one line which of its keys were not taken"
like "$OUT" "2 files were owned outside the archive's id range" "and which files lost their owners"
IC="$VCTX_PREFIX/etc/vctx/$(ctx imp).conf"
is "$(grep -cE '^(userns|seccomp|cap-keep|devices|bind|link|mode|gateway) ' "$IC")" "0" \
	"its config keeps none of those keys"
like "$(grep '^address' "$IC")" "198.51.100.77/24" "KEY=VALUE settings apply, as for create and clone"
IB=$(sed -n 's/^id-base = //p' "$IC")
L="$VCTX_PREFIX/var/lib/vctx/contexts/$(ctx imp)/upper"
is "$(stat -c '%u:%g %a' "$L/root/mine" "$L/rootshell" "$L/shadowgrp" | tr '\n' ' ')" \
	"$IB:$IB 4755 $((IB + 65534)):$((IB + 65534)) 755 $IB:$((IB + 65534)) 755 " \
	"its own files move to its new range; one of host root's is its nobody's, without set-id"
vx set "$(ctx imp)" address= >/dev/null && vx start "$(ctx imp)"
is "$(vx exec "$(ctx imp)" -- sh -c 'cat /proc/self/uid_map; grep ^Seccomp: /proc/1/status' | tr -s ' \t\n' ' ')" \
	" 0 $IB 65536 Seccomp: 2 " "it runs in a user namespace under the default filter"
vx stop --kill "$(ctx imp)"
# Device nodes, paths out of the tree, a write through a symlink: refused, nothing left.
refused() {
	_what=$1; shift
	mkarchive "$T_TMP/bad.tar" "upper:d:$B:$B:755" "$@"
	fails_with "$_what is refused in one line" "cannot import .*bad.tar: $PAT" \
		vx import --name "$(ctx bad)" "$T_TMP/bad.tar"
}
PAT="entry 'upper/sda' is a device node \(8:0\)"; refused "a block device" "upper/sda:b:$B:$B:660:8,0"
PAT="entry 'upper/mem' is a device node \(1:1\)"; refused "a character device" "upper/mem:c:$B:$B:660:1,1"
PAT="entry 'upper/\\.\\./.*' leaves the archive's tree"; refused "a path with .." "upper/../../../../../../tmp/vctx-evil-$$:f:0:0:4755"
PAT="Cannot extract through symlink|symlink"; refused "a write through a symlink" \
	"upper/x:l:$B:$B:777:/tmp" "upper/x/vctx-evil-$$:f:0:0:4755"
ok $([ ! -e "/tmp/vctx-evil-$$" ] && [ ! -e "$VCTX_PREFIX/etc/vctx/$(ctx bad).conf" ] &&
	[ -z "$(ls -a "$VCTX_PREFIX/var/lib/vctx/contexts" | grep '^\.tmp-')" ] && echo 0 || echo 1) \
	"none of them wrote anything, on the host or in vctx's storage"
# The control: a plain tar extraction as root writes the device node.
mkarchive "$T_TMP/bad.tar" "upper:d:$B:$B:755" "upper/sda:b:0:0:660:8,0"
mkdir "$T_TMP/plain" && tar -C "$T_TMP/plain" --numeric-owner -xpf "$T_TMP/bad.tar"
is "$(stat -c '%F %u' "$T_TMP/plain/upper/sda")" "block special file 0" \
	"control: tar as root makes the archive's block device, owned by host root"
rm -rf "$T_TMP/plain"
cat "$T_TMP/real.tar" | vx import --name "$(ctx piped)" - 2>/dev/null
is "$?:$(vx list | grep -c "^$(ctx piped) ")" "0:1" "an archive on stdin imports (vctx import -)"
fails_with "a name that exists is refused before the layer is written" "context '$(ctx piped)' already exists" \
	vx import --name "$(ctx piped)" "$T_TMP/real.tar"

# --- the host's layout is not visible inside ------------------------------------------------
# The control: overlayfs shows the layer names it is given, so paths would show the layout.
mkdir -p "$T_TMP/ov/l" "$T_TMP/ov/u" "$T_TMP/ov/w" "$T_TMP/ov/m"
like "$(unshare -m sh -c "mount --make-rprivate / && mount -t overlay x -o lowerdir=$T_TMP/ov/l,upperdir=$T_TMP/ov/u,workdir=$T_TMP/ov/w $T_TMP/ov/m && grep ' $T_TMP/ov/m ' /proc/self/mountinfo")" \
	"lowerdir=$T_TMP/ov/l" "control: an overlay mounted by path shows the host's paths"
MI=$(vx exec "$A" -- cat /proc/1/mountinfo /proc/self/mountinfo)
like "$(printf '%s\n' "$MI" | grep ' / / ')" "lowerdir=/proc/self/fd/[0-9]+,upperdir=/proc/self/fd/[0-9]+,workdir=/proc/self/fd/[0-9]+" \
	"the context's root names its layers by descriptor"
is "$(printf '%s\n' "$MI" | grep -cE "$VCTX_PREFIX|/run/vctx|/var/lib/vctx|/var/log/vctx")" "0" \
	"no path of the host's vctx layout appears in init's or a command's mount table"
like "$(printf '%s\n' "$MI" | grep ' /dev/console ' | head -n 1)" "^[0-9]+ [0-9]+ [0-9]+:[0-9]+ /0 /dev/console .* devpts " \
	"the console is pty 0 of a devpts"
# Its own /dev/pts, and /dev/shm a directory of its /dev tmpfs: no superblock more than these.
dev_of() { printf '%s\n' "$MI" | awk -v m="$1" '$5 == m { print $3; exit }'; }
is "$(dev_of /dev/console) $(dev_of /dev/shm)" "$(dev_of /dev/pts) $(dev_of /dev)" \
	"the console is a pty of the context's own devpts; /dev/shm is of its /dev tmpfs"
like "$(printf '%s\n' "$MI" | grep ' /dev/log ' | head -n 1)" "^[0-9]+ [0-9]+ [0-9]+:[0-9]+ /log /dev/log .* tmpfs vctx-sockets " \
	"/dev/log comes from a tmpfs of its supervisor's"
# --- 9. export's first copy: a directory swapped for a symlink to the host mid-copy ------------
# The first pass copies a running context, so its tree can change under the walk; a path-walking
# copy then follows the new symlink.  fanotify holds the copy's open of d/sub while the swap is
# made: a deterministic window instead of a race.
X=$(ctx swap)
UP="$VCTX_PREFIX/var/lib/vctx/contexts/$X/upper"
vx create "$X" --template busybox >/dev/null && vx start "$X" &&
	vx exec "$X" -- sh -c 'mkdir -p /d/sub && echo data >/d/sub/x'
mkdir -p "$T_TMP/secret" && echo TOPSECRET >"$T_TMP/secret/x"
SWAP="mv $UP/d/sub $UP/d/sub.old && ln -s $T_TMP/secret $UP/d/sub"
UNSWAP="rm $UP/d/sub && mv $UP/d/sub.old $UP/d/sub"
"$PROBE" fangate "$UP/d/sub" "$SWAP" >"$T_TMP/gate1" 2>&1 &
G=$!
t_wait_file "$T_TMP/gate1" "*" 10 >/dev/null
if grep -q '^ready' "$T_TMP/gate1"; then
	mkdir "$T_TMP/ctl" && cp -a "$UP" "$T_TMP/ctl/" 2>/dev/null
	wait $G
	is "$(cat "$T_TMP/ctl/upper/d/sub/x" 2>/dev/null)" TOPSECRET \
		"control: cp -a by path, with d/sub swapped for a symlink mid-copy, copies a host file"
	sh -c "$UNSWAP"
	"$PROBE" fangate "$UP/d/sub" "$SWAP" >"$T_TMP/gate2" 2>&1 &
	G=$!
	t_wait_file "$T_TMP/gate2" ready 10
	vx export "$X" "$T_TMP/swap.tar"
	rc=$?
	wait $G
	is "$rc:$(grep -c '^released' "$T_TMP/gate2")" "0:1" "the export went through the same swap mid-copy"
	is "$(tar -xOf "$T_TMP/swap.tar" 2>/dev/null | grep -c TOPSECRET)" 0 \
		"and its archive holds nothing of the host's (the copy's own root has no such path)"
	like "$(tar -tvf "$T_TMP/swap.tar" upper/d/sub 2>/dev/null)" "^l.* upper/d/sub -> $T_TMP/secret" \
		"the tenant's symlink is archived as a symlink"
else
	wait $G
	for i in 1 2 3 4; do ok 0 "# SKIP no fanotify permission events: $(cat "$T_TMP/gate1")"; done
fi

# --- sync() inside writes back the context's own file systems, not the host's ---------------
# Two file systems of the host's, each on a loop device of the test: F, which no context
# uses, and B, a context's bind.  Without a journal or lazy init, a page written to one goes
# to its device only at a sync or once it is 30 s old (the kernel's dirty_expire): the
# device's count of sectors written says whether a sync reached it.
T_EXTRA_CLEANUP='for m in F B; do umount "$T_TMP/$m" 2>/dev/null; done
	for d in $(losetup -j "$T_TMP/F.img" -O NAME -n; losetup -j "$T_TMP/B.img" -O NAME -n); do losetup -d "$d"; done'
for m in F B; do
	truncate -s 16M "$T_TMP/$m.img" && mkfs.ext4 -q -O ^has_journal -E lazy_itable_init=0 "$T_TMP/$m.img" &&
		mkdir "$T_TMP/$m" && mount -o loop "$T_TMP/$m.img" "$T_TMP/$m" || echo "cannot make $m"
done
written() { awk '{print $7}' "/sys/block/${1#/dev/}/stat"; }
FDEV=$(losetup -j "$T_TMP/F.img" -O NAME -n)
BDEV=$(losetup -j "$T_TMP/B.img" -O NAME -n)
# init answers each word on the FIFO go with a sync() and the word back on done.
mkfifo -m 666 "$T_TMP/B/go" "$T_TMP/B/done"
printf '#!/bin/sh\nwhile read -r w < /mnt/b/go; do echo "$w" > /root/data; sync; echo "$w" > /mnt/b/done; done\n' \
	> "$T_TMP/B/init" && chmod 755 "$T_TMP/B/init"
S=$(ctx sync)
vx create "$S" --template busybox disk=64M init=/mnt/b/init "bind=$T_TMP/B:/mnt/b" && vx start "$S"
ok $? "a context on its own disk image, with a bind"
SINIT=$(vx status "$S" | sed -n 's/^ *init-pid: *//p')
DDEV=$(losetup -j "$VCTX_PREFIX/var/lib/vctx/contexts/$S/disk.img" -O NAME -n)
is "$(sed -n 's/^Seccomp_filters:\t//p' "/proc/$SINIT/status") $(vx exec "$S" -- sed -n 's/^Seccomp_filters:\t//p' /proc/self/status)" \
	"2 2" "init and a command of vctx exec have two filters: the default one, and the one that hands sync() to the supervisor"
is "$(vx exec "$S" -- sh -c 'ls -l /proc/1/fd/ /proc/$$/fd/' | grep -c seccomp)" 0 \
	"no listener is left inside: neither init nor a command of vctx exec holds one"
# One round: a page for F and B each, then the word to init; what each device wrote meanwhile.
sync_round() {
	echo "$1" > "$T_TMP/F/page-$1" && echo "$1" > "$T_TMP/B/page-$1"
	f0=$(written "$FDEV"); b0=$(written "$BDEV"); d0=$(written "$DDEV")
	echo "$1" > "$T_TMP/B/go"
	got=$(cat "$T_TMP/B/done")
	echo "$got disk:$(($(written "$DDEV") > d0)) bind:$(($(written "$BDEV") > b0))" \
		"host:$(($(written "$FDEV") > f0))"
}
is "$(sync_round one)" "one disk:1 bind:1 host:0" \
	"init's sync() writes back the context's disk and its bind, and no other file system of the host's"
echo two > "$T_TMP/F/page-two"
f0=$(written "$FDEV"); d0=$(written "$DDEV")
vx exec "$S" -- sh -c 'echo two > /root/exec; sync'
is "disk:$(($(written "$DDEV") > d0)) host:$(($(written "$FDEV") > f0))" "disk:1 host:0" \
	"so does the sync() of a command of vctx exec"
# A context whose supervisor does not say it takes them (one of a vctx from before): exec
# loads no listener that nobody would answer.
SST="$VCTX_PREFIX/run/vctx/$S/state"
grep -v '^syncs=' "$SST" > "$T_TMP/state" && cp "$T_TMP/state" "$SST"
is "$(vx exec "$S" -- sed -n 's/^Seccomp_filters:\t//p' /proc/self/status)" 1 \
	"exec's sync() goes where init's does: without the supervisor's word, to the kernel"
# With its supervisor killed nobody answers: init's sync() returns at once (ENOSYS, which
# sync(3) hides), having written nothing back; nothing waits on it.
kill -9 "$(sed -n 's/^supervisor=//p' "$SST")"
flock "$VCTX_PREFIX/run/vctx/$S/supervisor.lock" true
echo five > "$T_TMP/F/page-five" && echo five > "$T_TMP/B/page-five"
f0=$(written "$FDEV"); b0=$(written "$BDEV")
echo five > "$T_TMP/B/go"
is "$(timeout 20 cat "$T_TMP/B/done") bind:$(($(written "$BDEV") > b0)) host:$(($(written "$FDEV") > f0))" \
	"five bind:0 host:0" "with its supervisor killed, init's sync() returns at once and writes nothing back"
vx stop "$S"; ok $? "and stop cleans up the orphaned context"
vx set "$S" sync=host && vx start "$S"
SINIT=$(vx status "$S" | sed -n 's/^ *init-pid: *//p')
DDEV=$(losetup -j "$VCTX_PREFIX/var/lib/vctx/contexts/$S/disk.img" -O NAME -n)
is "$(sed -n 's/^Seccomp_filters:\t//p' "/proc/$SINIT/status") $(vx exec "$S" -- sed -n 's/^Seccomp_filters:\t//p' /proc/self/status)" \
	"1 1" "control: with sync = host, one filter, in init and in what vctx exec runs"
is "$(sync_round three)" "three disk:1 bind:1 host:1" \
	"control: and the tenant's sync() writes back every file system of the host's"
vx stop --kill "$S"
fails_with "sync takes context or host" "invalid sync 'all': use context or host" vx set "$S" sync=all

t_done
