#!/bin/sh
# More Debian on one kernel: bullseye, trixie and sid with systemd, bookworm with OpenRC and
# with runit, side by side, each reaching its own idea of "up" and stopping on its own stop
# signal.
# (bookworm with systemd and sysvinit: 05-distributions.t.)  The trees are cached as there.
. "$(dirname "$0")/lib.sh"
command -v debootstrap >/dev/null || { echo "1..0 # SKIP debootstrap is not installed"; t_abort; exit 0; }
plan 33

t_debian d-bull systemd "" --release bullseye; ok $? "Debian bullseye with systemd"
t_debian d-trixie systemd "" --release trixie; ok $? "Debian trixie with systemd"
t_debian d-sid systemd "" --release sid; ok $? "Debian sid with systemd"
t_debian d-openrc openrc; ok $? "Debian bookworm with OpenRC"
t_debian d-runit runit; ok $? "Debian bookworm with runit"
L=$(vx template list)
like "$L" "d-trixie +debian +trixie +systemd" "template list: trixie, systemd"
like "$L" "d-openrc +debian +bookworm +openrc" "OpenRC"
like "$L" "d-runit +debian +bookworm +runit" "runit"

B=$(ctx bul); T=$(ctx tri); U=$(ctx sid); O=$(ctx orc); R=$(ctx run)
vx create "$B" --template d-bull && vx create "$T" --template d-trixie && vx create "$U" --template d-sid &&
	vx create "$O" --template d-openrc ready=notify && vx create "$R" --template d-runit ready=notify
ok $? "five contexts (OpenRC and runit with ready = notify)"
vx start "$B" && vx start "$T" && vx start "$U" && vx start --ready "$O" && vx start --ready "$R"; ok $? "all five start"
# ready = notify: start --ready returned when each init had reached its own "up".
is "$(vx exec "$O" -- rc-status --runlevel)/$(vx exec "$O" -- pidof -s cron >/dev/null && echo cron)" \
	"default/cron" "OpenRC had started its default runlevel, cron last, when start --ready returned"
is "$(vx exec "$R" -- sh -c 'sv status /etc/service/* | grep -vc "^run: "')" 0 \
	"runit had every service up when start --ready returned"

is "$(t_wait_systemd "$B")" running "bullseye's systemd 247 reaches running"
is "$(vx exec "$B" -- systemctl --failed --no-legend --plain | wc -l)" 0 "with no failed unit (logind too)"
is "$(t_wait_systemd "$T")" running "trixie's systemd reaches running"
is "$(vx exec "$T" -- systemctl --failed --no-legend --plain | wc -l)" 0 "with no failed unit"
is "$(t_wait_systemd "$U")" running "sid's systemd reaches running"
is "$(vx exec "$U" -- systemctl --failed --no-legend --plain | wc -l)" 0 "with no failed unit"
like "$(vx exec "$T" -- sh -c '. /etc/os-release; echo $ID $VERSION_CODENAME')" "^debian trixie$" "$T is trixie"
like "$(vx exec "$U" -- sh -c '. /etc/os-release; echo $PRETTY_NAME')" "sid" "$U is sid"

t_wait_console "$O" "login: " 60; ok $? "OpenRC: a login prompt on the console"
is "$(vx exec "$O" -- runlevel)/$(vx exec "$O" -- rc-status --runlevel)" "N 2/default" \
	"sysvinit's runlevel 2, OpenRC's default runlevel"
is "$(vx exec "$O" -- rc-status --crashed)" "" "no service crashed"

t_wait_console "$R" "login: " 60; ok $? "runit: a login prompt on the console"
is "$(vx exec "$R" -- cat /proc/1/comm)" runit "runit is pid 1"
is "$(vx exec "$R" -- sh -c 'sv status /etc/service/* | grep -vc "^run: "')" 0 \
	"every service it supervises runs (a getty on the console, none on ttys it lacks)"

is "$(vx list | grep -c ' running ')" 5 "five releases and inits run at once"

# Each stops on its own signal: init ends by itself, nothing is killed.
for c in "$B" "$T" "$O" "$R"; do
	vx stop --timeout 60 "$c" >/dev/null
	like "$(grep -E 'init (exited|was killed)' "$VCTX_PREFIX/var/log/vctx/$c/vctx.log" | tail -n 1)" \
		"init (exited with status|was killed by signal (2|1|15))" "$c shut down by itself"
done
# Control: without the step that says so, a context with ready = notify never counts as up.
vx set "$O" start-timeout=3s >/dev/null
vx start --ready "$O" && vx exec "$O" -- rm /usr/local/sbin/vctx-ready &&
	vx stop --timeout 60 "$O" >/dev/null
fails_with "control: with vctx-ready removed, start --ready fails when start-timeout is over" \
	"$O runs but is not up within its start-timeout \(3s\)" vx start --ready "$O"
vx stop --kill "$O" >/dev/null 2>&1
t_done
