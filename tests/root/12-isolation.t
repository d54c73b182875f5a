#!/bin/sh
# Tenant isolation, round 2: nothing the admin hands to vctx exec reaches the tenant, and no
# host code runs inside with the tenant's loader.  Each attack is shown succeeding against a
# runtime without the protection (the control), then failing against vctx.
. "$(dirname "$0")/lib.sh"
plan 24

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
	"the console is pty 0 of a devpts of its own"
like "$(printf '%s\n' "$MI" | grep ' /dev/log ' | head -n 1)" "^[0-9]+ [0-9]+ [0-9]+:[0-9]+ /log /dev/log .* tmpfs vctx-sockets " \
	"/dev/log comes from a tmpfs of its supervisor's"
t_done
