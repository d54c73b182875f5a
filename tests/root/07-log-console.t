#!/bin/sh
# One /dev/log for every context, stamped on the host side and rate-limited; the console:
# attach, log in, detach, reattach, one viewer at a time, kept in a bounded log.
. "$(dirname "$0")/lib.sh"
command -v tmux >/dev/null || { echo "1..0 # SKIP tmux is not installed"; t_abort; exit 0; }
plan 40

# A socket of the test stands in for the host's /dev/log.
export VCTX_HOST_LOG="$T_TMP/hostlog"
mkfifo "$T_TMP/listening"
"$PROBE" unix-listen "$VCTX_HOST_LOG" "$T_TMP/host.txt" > "$T_TMP/listening" & LISTENER=$!
T_EXTRA_CLEANUP="kill $LISTENER 2>/dev/null; tmux -L vctx$$ kill-server 2>/dev/null"
read -r _ < "$T_TMP/listening"
LOGS=$VCTX_PREFIX/var/log/vctx

A=$(ctx la); B=$(ctx lb)
t_build_busybox
vx create "$A" --template busybox && vx create "$B" --template busybox && vx start "$A" && vx start "$B"
ok $? "two busybox contexts"
vx exec "$A" -- logger -t app "hello from A"
vx exec "$B" -- logger -t app "hello from B"
t_wait_file "$T_TMP/host.txt" "*$B $B/app: hello from B" 10
t_wait_file "$T_TMP/host.txt" "*$A $A/app: hello from A" 10
like "$(cat "$T_TMP/host.txt")" "^<13>[A-Z][a-z]{2} [ 0-9]{2} [0-9:]{8} $A $A/app: hello from A$" \
	"the host's syslog gets A's message, stamped with A's name"
like "$(cat "$T_TMP/host.txt")" "^<13>[A-Z][a-z]{2} [ 0-9]{2} [0-9:]{8} $B $B/app: hello from B$" \
	"and B's, stamped with B's"
like "$(cat "$LOGS/$A/syslog")" "$A/app: hello from A" "A's own log file has A's line"
is "$(grep -c "from B" "$LOGS/$A/syslog")" "0" "and not B's"
like "$(cat "$LOGS/$B/syslog")" "$B/app: hello from B" "B's file has B's"

vx exec "$A" -- logger "$B $B/sshd: forged by A"
vx exec "$A" -- sh -c 'echo "<0>kernel: forged" > /dev/null; logger -p kern.crit "kernel panic, honest"'
t_wait_file "$T_TMP/host.txt" "*forged by A" 10
like "$(grep 'forged by A' "$T_TMP/host.txt")" "^<13>[^ ]+ +[0-9]+ [0-9:]+ $A $A/root: $B $B/sshd: forged by A$" \
	"a forged name does not change the stamp"
t_wait_file "$T_TMP/host.txt" "*honest" 10
like "$(grep honest "$T_TMP/host.txt")" "^<10>" "kernel-facility messages become user messages"

# A flood is cut to the rate; the drops are reported; the neighbour still gets through.
t_probe "$A"
vx set "$A" log-rate=100 log-burst=200 > /dev/null && vx restart "$A" && t_probe "$A"
vx exec "$A" -- /probe syslog-flood 100000 flood > "$T_TMP/flood.out" & FLOOD=$!
vx exec "$B" -- logger -t app "B during the flood"
t_wait_file "$T_TMP/host.txt" "*B during the flood" 10; ok $? "the neighbour's message arrives during the flood"
wait $FLOOD
is "$(cat "$T_TMP/flood.out")" "sent 100000" "the flood was sent"
# The relay reports drops once a second and when it closes: after a stop, A's own file
# accounts for every message.
vx stop --kill "$A"
RELAYED=$(grep -c "$A/flood: flood" "$LOGS/$A/syslog")
ok $([ "$RELAYED" -lt 5000 ] && [ "$RELAYED" -ge 200 ] && echo 0 || echo 1) \
	"only a rate-limited share was relayed ($RELAYED of 100000)"
DROPS=$(sed -n "s/.*vctx: \([0-9]*\) messages of $A dropped.*/\1/p" "$LOGS/$A/syslog" |
	awk '{ n += $1 } END { print n + 0 }')
is "$((DROPS + RELAYED))" "100000" "the reported drops account for the rest ($DROPS dropped)"
REPORTS=$(grep -c "messages of $A dropped" "$LOGS/$A/syslog")
ok $([ "$REPORTS" -ge 1 ] && [ "$REPORTS" -le 10 ] && echo 0 || echo 1) \
	"in a few reports, not one per message ($REPORTS)"
vx set "$A" log-rate= log-burst= > /dev/null && vx start "$A"

# Real clients: util-linux logger and a Debian context's systemd.
t_debian deb-systemd systemd openssh-server
D=$(ctx ld); G=$(ctx lg)
vx create "$D" --template deb-systemd && vx start "$D"
is "$(t_wait_systemd "$D")" "running" "systemd boots with the host serving /dev/log"
vx exec "$D" -- logger -t debian "util-linux logger"
t_wait_file "$T_TMP/host.txt" "*$D $D/debian: util-linux logger" 10; ok $? "util-linux logger reaches the host"
vx create "$G" --template deb-systemd syslog=guest && vx start "$G" && t_wait_systemd "$G" > /dev/null
vx exec "$G" -- logger -t guestlog "kept inside"
like "$(vx exec "$G" -- journalctl -t guestlog -o cat --no-pager)" "kept inside" \
	"with syslog=guest journald owns /dev/log"
is "$(grep -c 'kept inside' "$T_TMP/host.txt")" "0" "and the host gets nothing"
vx create "$(ctx lh)" --template busybox syslog=guest && vx start "$(ctx lh)"
# busybox syslogd returns before its child has bound /dev/log; the child logs "syslogd
# started" only after binding it, so that line is the event to wait for.
MSGS="$VCTX_PREFIX/var/lib/vctx/contexts/$(ctx lh)/upper/var/log/messages"
vx exec "$(ctx lh)" -- syslogd && t_wait_file "$MSGS" "*syslogd started*" 10 &&
	vx exec "$(ctx lh)" -- logger -t bb "to busybox syslogd" &&
	t_wait_file "$MSGS" "*to busybox syslogd*" 10
like "$(vx exec "$(ctx lh)" -- cat /var/log/messages)" "to busybox syslogd" "busybox syslogd serves a guest's /dev/log"

# The console, driven from tmux like a person would.
TM="tmux -L vctx$$"
$TM new-session -d -s c -x 120 -y 30
$TM pipe-pane -o -t c "cat >> $T_TMP/pane.txt"
$TM send-keys -t c "VCTX_PREFIX=$VCTX_PREFIX $VCTX console $A" Enter
t_wait_file "$T_TMP/pane.txt" "attached to the console of $A" 10; ok $? "vctx console attaches"
$TM send-keys -t c Enter
t_wait_file "$T_TMP/pane.txt" "$A login: " 10; ok $? "a getty login prompt"
$TM send-keys -t c root Enter
t_wait_file "$T_TMP/pane.txt" "root@$A" 10; ok $? "root logs in"
$TM send-keys -t c 'echo console-$((6*7))' Enter
t_wait_file "$T_TMP/pane.txt" "console-42" 10; ok $? "a command runs on the console"
like "$(script -qec "VCTX_PREFIX=$VCTX_PREFIX $VCTX console $A" /dev/null </dev/null 2>&1)" "has a viewer already" \
	"a second viewer is told the console is taken"
fails_with "vctx console refuses a stdin that is not a terminal" "console needs a terminal" \
	vx console "$A"
$TM send-keys -t c C-a q
t_wait_file "$T_TMP/pane.txt" "detached from the console of $A" 10; ok $? "Ctrl-a q detaches"
$TM send-keys -t c "VCTX_PREFIX=$VCTX_PREFIX $VCTX console $A" Enter
$TM send-keys -t c 'echo again-$((2*3))' Enter
t_wait_file "$T_TMP/pane.txt" "again-6" 10; ok $? "reattaching finds the same shell"
$TM send-keys -t c C-a q
like "$(cat "$LOGS/$A/console.log")" "console-42" "the console log has the session"
like "$(vx logs --console "$A")" "again-6" "vctx logs --console shows it"
like "$(vx logs "$A")" "$A/app: hello from A" "vctx logs shows the syslog"
"$VCTX" logs -f "$A" > "$T_TMP/follow.txt" & FOLLOW=$!
vx exec "$A" -- logger -t app "followed"
t_wait_file "$T_TMP/follow.txt" "followed" 10; ok $? "vctx logs -f follows"
kill $FOLLOW

# start -F: in the foreground, attached; detaching leaves it running.
F=$(ctx lf)
vx create "$F" --template busybox
$TM send-keys -t c "VCTX_PREFIX=$VCTX_PREFIX $VCTX start -F $F" Enter
t_wait_file "$T_TMP/pane.txt" "$F login: " 10; ok $? "start -F shows the console at once"
$TM send-keys -t c C-a q
t_wait_file "$T_TMP/pane.txt" "detached from the console of $F" 10
like "$(vx list)" "$F +running" "and the context runs on after detaching"

# A tenant's terminal escapes reach neither the log files nor the admin's terminal: the
# control (--raw) shows the bytes the tenant sent.
ESC=$(printf '\033')
vx exec "$A" -- sh -c 'logger -t evil "$(printf "\033]0;owned\007\033[2Jwiped\rback\302\233end")"'
t_wait_file "$LOGS/$A/syslog" "*wiped*" 10
is "$(grep -c "$ESC" "$LOGS/$A/syslog")" "0" "no escape character reaches the context's syslog file"
like "$(grep wiped "$LOGS/$A/syslog")" "evil: #033]0;owned#007#033\[2Jwiped#015back#302#233end$" \
	"controls, CR and an encoded C1 CSI are written as #ooo"
t_wait_file "$T_TMP/host.txt" "*wiped*" 10
is "$(grep wiped "$T_TMP/host.txt" | grep -c "$ESC")" "0" "nor the host's syslog"
vx exec "$A" -- sh -c 'printf "\033[31mred-alert\033[0m\n" > /dev/console'
t_wait_file "$LOGS/$A/console.log" "*red-alert*" 10
like "$(vx logs --console "$A" | grep red-alert)" "#033\[31mred-alert#033\[0m$" \
	"vctx logs --console prints the console's escapes as text, CR LF as a line end"
like "$(vx logs --console --raw "$A" | grep red-alert)" "$ESC\[31mred-alert" \
	"--raw prints them as the tenant sent them (the control)"
vx exec "$A" -- sh -c 'printf "\033[31mraw-line\n" > /dev/console'
t_wait_file "$LOGS/$A/console.log" "*raw-line*" 10
is "$(grep -c "$ESC\[31mraw-line" "$LOGS/$A/console.log")" "1" "the console log itself keeps the transcript raw"

# Bounded: a noisy console keeps at most two files of 1 MiB.
vx exec "$A" -- sh -c 'i=0; while [ $i -lt 3000 ]; do echo "line $i of a noisy console, padded to be long enough to fill"; i=$((i+1)); done > /dev/console'
vx exec "$A" -- sh -c 'head -c 2500000 /dev/zero | tr "\0" x > /dev/console; echo end-of-noise > /dev/console'
t_wait_file "$LOGS/$A/console.log" "end-of-noise" 20
ok $([ "$(stat -c %s "$LOGS/$A/console.log")" -le 1048576 ] && [ -f "$LOGS/$A/console.log.1" ] && echo 0 || echo 1) \
	"the console log is bounded (one older file kept)"
t_done
