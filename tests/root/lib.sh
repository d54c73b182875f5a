# tests/root/lib.sh — sourced by every root integration test (POSIX sh, TAP output).
#
# Each test file gets its own prefix directory, its own cgroup parent and unique names, and
# on exit stops and destroys whatever it made.  The last test of every file checks that
# nothing is left: no mount, cgroup, link, loop device or process of the test.

set -u
T_TOP=$(cd "$(dirname "$0")/../.." && pwd)
VCTX="$T_TOP/vctx/vctx"
VNET="$T_TOP/vnet/vnet"
PROBE="$T_TOP/tests/probe"
T_NAME=$(basename "$0" .t)
T_NUM=0
T_FAILED=0
T_PLANNED=0

if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP root integration tests need root"
	exit 0
fi

export VCTX_TEMPLATE_DIR="$T_TOP/templates"
export VCTX_PREFIX="$(mktemp -d /var/tmp/vctx-test.XXXXXX)"
export VCTX_CGROUP_PARENT="vctx-t$$"
# Supervisors rest in vctx-supervise at once, not after a second: every test then also runs
# against a supervisor that has to wake up for what it does (supervisor/handover.h).  Set it
# to 1000 to run the tests as a real host's supervisors behave.
export VCTX_SUPERVISE_REST_MS=${VCTX_SUPERVISE_REST_MS:-0}
T_TMP="$VCTX_PREFIX/tmp"
mkdir -p "$T_TMP"

vx() { "$VCTX" "$@"; }

plan() {
	T_PLANNED=$1
	echo "1..$1"
}

# ok STATUS DESCRIPTION
ok() {
	T_NUM=$((T_NUM + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $T_NUM - $2"
	else
		echo "not ok $T_NUM - $2"
		T_FAILED=$((T_FAILED + 1))
	fi
}

# is GOT WANT DESCRIPTION
is() {
	if [ "$1" = "$2" ]; then
		ok 0 "$3"
	else
		ok 1 "$3"
		printf '#   got:  %s\n#   want: %s\n' "$1" "$2"
	fi
}

# like GOT PATTERN DESCRIPTION (grep -E pattern)
like() {
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		ok 0 "$3"
	else
		ok 1 "$3"
		printf '#   got:  %s\n#   want: /%s/\n' "$1" "$2" | head -n 20
	fi
}

# unlike GOT PATTERN DESCRIPTION
unlike() {
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		ok 1 "$3"
		printf '#   got:  %s\n#   not:  /%s/\n' "$1" "$2" | head -n 20
	else
		ok 0 "$3"
	fi
}

# fails_with DESCRIPTION PATTERN COMMAND...: non-zero exit, one line on stderr matching
fails_with() {
	_d=$1 _p=$2
	shift 2
	_out=$("$@" 2>&1 >/dev/null)
	_rc=$?
	if [ $_rc -ne 0 ] && [ "$(printf '%s\n' "$_out" | wc -l)" -eq 1 ] &&
		printf '%s\n' "$_out" | grep -Eq -- "$_p"; then
		ok 0 "$_d"
	else
		ok 1 "$_d"
		printf '#   rc=%s stderr: %s\n#   want: /%s/\n' "$_rc" "$_out" "$_p"
	fi
}

diag() { printf '# %s\n' "$*"; }

# A fresh context name per test file: NAME-<pid> keeps parallel runs apart.
ctx() { echo "$1-$$"; }

t_build_busybox() {
	vx template build "${1:-busybox}" --from busybox >/dev/null
}

# The real installation's cgroup parent: a test that runs vctx without its own
# VCTX_CGROUP_PARENT would make it.
T_DEFAULT_CG=$(ls -d /sys/fs/cgroup/*/vctx /sys/fs/cgroup/vctx 2>/dev/null | wc -l)

# Host-side objects of this test's contexts, one per line (empty when there are none).
t_leaks() {
	[ "$(ls -d /sys/fs/cgroup/*/vctx /sys/fs/cgroup/vctx 2>/dev/null | wc -l)" -le "$T_DEFAULT_CG" ] ||
		echo "cgroup: the real installation's parent 'vctx' (a command ran without VCTX_CGROUP_PARENT)"
	grep -F "$VCTX_PREFIX" /proc/self/mountinfo | sed 's/^/mount: /'
	find /sys/fs/cgroup -maxdepth 3 -type d \( -name "$VCTX_CGROUP_PARENT" \
		-o -name "${T_EXTRA_CGROUP:-$VCTX_CGROUP_PARENT}" \) 2>/dev/null |
		while read -r d; do
			find "$d" -mindepth 1 -type d | sed 's/^/cgroup: /'
		done
	for p in /proc/[0-9]*; do
		if tr '\0' ' ' 2>/dev/null <"$p/cmdline" | grep -qF -- "$VCTX_PREFIX"; then
			echo "process: ${p#/proc/} $(tr '\0' ' ' 2>/dev/null <"$p/cmdline")"
		fi
	done
	ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1 |
		grep -E "^(v[xy]-|v[0-9a-f]{6})" | grep -F "$$" | sed 's/^/link: /'
	losetup -a 2>/dev/null | grep -F "$VCTX_PREFIX" | sed 's/^/loop: /'
	nft list tables 2>/dev/null | grep -F "$$" | sed 's/^/nftables: /'
}

t_cleanup() {
	for n in $(vx list --json 2>/dev/null | tr ',' '\n' | sed -n 's/.*"name":"\([^"]*\)".*/\1/p'); do
		vx destroy --force "$n" >/dev/null 2>&1
	done
	for t in $(ls "$VCTX_PREFIX/var/lib/vctx/templates" 2>/dev/null); do
		vx template remove "$t" >/dev/null 2>&1
	done
	for d in $(find /sys/fs/cgroup -maxdepth 2 -type d -name "$VCTX_CGROUP_PARENT" 2>/dev/null); do
		rmdir "$d" 2>/dev/null
	done
	[ -z "${T_EXTRA_CLEANUP:-}" ] || eval "$T_EXTRA_CLEANUP"
}

# The last test of each file: stop and destroy everything, then nothing may be left.
t_done() {
	t_cleanup
	_left=$(t_leaks)
	if [ -z "$_left" ]; then
		ok 0 "nothing left behind on the host"
	else
		ok 1 "nothing left behind on the host"
		printf '%s\n' "$_left" | sed 's/^/#   /'
	fi
	rm -rf "$VCTX_PREFIX"
	trap - EXIT INT TERM
	[ "$T_PLANNED" -eq "$T_NUM" ] || diag "planned $T_PLANNED tests, ran $T_NUM"
	[ "$T_FAILED" -eq 0 ]
	exit $?
}

t_abort() {
	t_cleanup
	rm -rf "$VCTX_PREFIX"
}
trap t_abort EXIT
trap 'exit 1' INT TERM

# t_wait_file FILE TEXT [SECONDS]: wait (inotify, no sleeping) until FILE holds TEXT, in a
# complete line or not (a login prompt ends without a newline).
t_wait_file() {
	"$PROBE" waitfor "$1" "$2" "${3:-30}"
}

t_wait_console() {
	t_wait_file "$VCTX_PREFIX/var/log/vctx/$1/console.log" "$2" "${3:-30}"
}

# t_probe NAME: copy the static probe into a running context as /probe.
t_probe() {
	vx exec "$1" -- sh -c 'cat > /probe && chmod 755 /probe' < "$PROBE"
}

# t_json NAME FIELD: a number from `vctx status --json` ("memory.peak" style paths work
# for one level of nesting).
t_json() {
	_j=$(vx status --json "$1")
	case $2 in
	*.*) printf '%s\n' "$_j" | sed -n "s/.*\"${2%%.*}\":{[^}]*\"${2#*.}\":\([0-9]*\).*/\1/p" ;;
	*) printf '%s\n' "$_j" | sed -n "s/.*\"$2\":\([0-9]*\).*/\1/p" ;;
	esac
}

# t_cgfile NAME FILE: a context's cgroup file on the host, whichever hierarchy has it.
t_cgfile() {
	for _d in /sys/fs/cgroup/*/"$VCTX_CGROUP_PARENT/$1" /sys/fs/cgroup/"$VCTX_CGROUP_PARENT/$1"; do
		[ -f "$_d/$2" ] && { cat "$_d/$2"; return 0; }
	done
	return 1
}

# t_debian NAME INIT [PACKAGES [OPTION ...]]: a Debian template.  Built with debootstrap unless
# a cached tree from an earlier run is at hand (VCTX_TEST_CACHE; VCTX_TEST_NO_CACHE=1 ignores
# it), in which case it is imported through the tarball builder.  A fresh build is cached,
# named after what made it (the builder's text, the packages, the options).
T_CACHE=${VCTX_TEST_CACHE:-/var/cache/vctx-tests}
t_debian() {
	_n=$1 _i=$2 _p=${3:-}
	shift 2; [ $# -eq 0 ] || shift
	_k=$(cat "$T_TOP/templates/debian" "$T_TOP/templates/lib.sh" | cksum | cut -d' ' -f1)
	_c="$T_CACHE/debian-$_i-$(printf '%s %s %s' "$_k" "$_p" "$*" | cksum | cut -d' ' -f1).tar"
	if [ -z "${VCTX_TEST_NO_CACHE:-}" ] && [ -f "$_c" ]; then
		vx template build "$_n" --from tarball --file "$_c" >/dev/null 2>&1
		return
	fi
	vx template build "$_n" --from debian --init "$_i" ${_p:+--include "$_p"} "$@" \
		>/dev/null 2>&1 || return 1
	mkdir -p "$T_CACHE" &&
		tar -C "$VCTX_PREFIX/var/lib/vctx/templates/$_n/rootfs" --numeric-owner --xattrs \
			-cf "$_c.tmp" . && mv "$_c.tmp" "$_c"
}

# t_wait_systemd NAME: until the guest's systemd has finished booting; prints its state.
t_wait_systemd() {
	t_wait_console "$1" "login: " 120 &&
		vx exec "$1" -- timeout 60 systemctl is-system-running --wait
}
