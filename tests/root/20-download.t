#!/bin/sh
# Images from an image server in LXC's format (`template build --from download`): a server
# run by the test (python3's http.server, tests/httpd.py) in a network namespace of its own,
# serving images built here from the busybox template and signed with a throwaway key.  A
# good image builds, boots and is cached; a bad checksum, a bad signature, a bad index and a
# cut download are each refused with one line and leave nothing.
. "$(dirname "$0")/lib.sh"

plan 45

t_build_busybox
LIB="$VCTX_PREFIX/var/lib/vctx"
CACHE="$VCTX_PREFIX/var/cache/vctx/download"
SRV="$T_TMP/srv"
NS="vx-dl-$$"
ARCH=$(dpkg --print-architecture)
export GNUPGHOME="$T_TMP/gnupg"
OTHER="$T_TMP/gnupg-other"
T_EXTRA_CLEANUP='kill $HTTPD_PID 2>/dev/null; wait $HTTPD_PID 2>/dev/null; ip netns del $NS 2>/dev/null; gpgconf --homedir "$GNUPGHOME" --kill all 2>/dev/null; gpgconf --homedir "$OTHER" --kill all 2>/dev/null'
HTTPD_PID=

# Two throwaway signing keys: the one the admin trusts, and another.
mkdir -m 700 "$GNUPGHOME" "$OTHER"
for h in "$GNUPGHOME" "$OTHER"; do
	gpg --homedir "$h" --batch --quiet --passphrase '' \
		--quick-gen-key "vctx test $(basename "$h") <test@example.org>" ed25519 sign never 2>/dev/null
done
KEYRING="$T_TMP/trusted.gpg"
gpg --homedir "$GNUPGHOME" --batch --export >"$KEYRING"
ok $([ -s "$KEYRING" ] && echo 0 || echo 1) "a throwaway signing key and its keyring"
sign() { gpg --homedir "${2:-$GNUPGHOME}" --batch --yes --armor --detach-sign -o "$1.asc" "$1"; }

# The image: the busybox template's tree with an os-release of its own.
TREE="$T_TMP/tree"
cp -a "$LIB/templates/busybox/rootfs" "$TREE"
printf 'ID=vxtest\nVERSION_ID=7\nVERSION_CODENAME=seven\nPRETTY_NAME="vctx test 7"\n' >"$TREE/etc/os-release"
tar --numeric-owner -C "$TREE" -cf - . | xz -0 -T1 >"$T_TMP/rootfs.tar.xz"
mkdir "$T_TMP/meta"
echo $(($(date +%s) + 86400 * 30)) >"$T_TMP/meta/expiry"
echo "vctx test image" >"$T_TMP/meta/create-message"
tar -C "$T_TMP/meta" -cJf "$T_TMP/meta.tar.xz" .

# publish RELEASE [asc]: one build of vxtest/RELEASE on the server, listed in the index,
# signed through SHA256SUMS (or, with "asc", each file, as LXC's server does).
mkdir -p "$SRV/meta/1.0"
: >"$SRV/meta/1.0/index-system"
publish() {
	_d="images/vxtest/$1/$ARCH/default/20261202_08:00"
	mkdir -p "$SRV/$_d"
	cp "$T_TMP/rootfs.tar.xz" "$T_TMP/meta.tar.xz" "$SRV/$_d/"
	if [ "${2:-}" = asc ]; then
		sign "$SRV/$_d/rootfs.tar.xz" && sign "$SRV/$_d/meta.tar.xz"
	else
		(cd "$SRV/$_d" && sha256sum meta.tar.xz rootfs.tar.xz >SHA256SUMS) && sign "$SRV/$_d/SHA256SUMS"
	fi
	echo "vxtest;$1;$ARCH;default;20261202_08:00;/$_d/" >>"$SRV/meta/1.0/index-system"
	sign "$SRV/meta/1.0/index-system"
	IMG="$SRV/$_d"
}
publish seven
publish badsum
publish badsig
publish cut
publish lxc asc
publish lxcbad asc

# The server, in a network namespace of the test's own.
ip netns add "$NS" && ip -n "$NS" link set lo up
ip netns exec "$NS" /usr/bin/python3 -u "$T_TOP/tests/httpd.py" "$SRV" 127.0.0.1 >"$T_TMP/httpd.log" 2>&1 &
HTTPD_PID=$!
t_wait_file "$T_TMP/httpd.log" "listening" 20
ok $? "the image server listens in its own network namespace"
URL="http://127.0.0.1:$(sed -n 's/^listening //p' "$T_TMP/httpd.log")"
# dl NAME OPTIONS...: build NAME from the test's server, inside its namespace.
dl() {
	_n=$1
	shift
	ip netns exec "$NS" "$VCTX" template build "$_n" --from download "$@"
}
gets() { grep -c "^GET $1 200" "$T_TMP/httpd.log"; }
# Nothing of a refused build: no template, no staging, the cache as it was.
nothing_left() {
	is "$(ls -A "$LIB/templates" | grep -v "^\.[a-z0-9]*\.lock$" | tr '\n' ' ')$(cd "$CACHE" 2>/dev/null && find . -mindepth 6 -maxdepth 6 | cut -d/ -f1,3- | sort | tr '\n' ' ')" \
		"$1" "$2"
}

# --- refused before anything is fetched -----------------------------------------------------
fails_with "no keyring: refused, unsigned images are never taken" "no keyring to check images with" \
	dl x --server "$URL" --dist vxtest --release seven
fails_with "no server: refused" "no image server" dl x --keyring "$KEYRING" --dist vxtest --release seven
fails_with "a --dist that is a path: refused" "bad --dist '\.\./x'" \
	dl x --server "$URL" --keyring "$KEYRING" --dist ../x --release seven
fails_with "a server that is not http(s): refused" "bad server 'file:///etc'" \
	dl x --server file:///etc --keyring "$KEYRING" --dist vxtest --release seven
fails_with "an image the server does not have: one line naming what it has" \
	"has no image vxtest/eight/$ARCH/default \(for vxtest: seven/" \
	dl x --server "$URL" --keyring "$KEYRING" --dist vxtest --release eight
nothing_left "busybox " "and nothing was kept"

# --- a good image -----------------------------------------------------------------------------
out=$(dl img --server "$URL" --keyring "$KEYRING" --dist vxtest --release seven 2>&1)
ok $? "a signed image builds"
like "$(vx template list)" "img +vxtest +seven" "the template's distribution and release come from the image"
is "$(gets "/images/vxtest/seven/$ARCH/default/20261202_08:00/rootfs.tar.xz")" 1 "rootfs.tar.xz was fetched once"
ok $([ -f "$CACHE"/*/vxtest/seven/"$ARCH"/default/20261202_08:00/rootfs.tar.xz ] && echo 0 || echo 1) \
	"the verified download is cached"
ok $([ ! -e "$LIB/templates/img/download" ] && [ ! -e "$LIB/templates/img/rootfs/download" ] && echo 0 || echo 1) \
	"the template holds no download"
C=$(ctx dl)
vx create "$C" --template img >/dev/null && vx start "$C"
ok $? "a context from it starts"
like "$(vx exec "$C" -- cat /etc/os-release)" "PRETTY_NAME=\"vctx test 7\"" "and runs the image's tree"
vx destroy --force "$C" >/dev/null

# --- the cache ----------------------------------------------------------------------------------
out=$(dl img2 --server "$URL" --keyring "$KEYRING" --dist vxtest --release seven 2>&1)
ok $? "the same image again builds"
like "$out" "vxtest/seven/$ARCH/default build 20261202_08:00 from the cache" "from the cache"
is "$(gets "/images/vxtest/seven/$ARCH/default/20261202_08:00/rootfs.tar.xz")" 1 "rootfs.tar.xz was not fetched again"
printf 'server = %s\nkeyring = %s\n' "$URL" "$KEYRING" >"$VCTX_PREFIX/etc/vctx/download.conf"
dl img3 --dist vxtest --release seven >/dev/null 2>&1
ok $? "server and keyring from download.conf"
# A cached build is checked again before use.
f=$(echo "$CACHE"/*/vxtest/seven/"$ARCH"/default/20261202_08:00/rootfs.tar.xz)
echo x >>"$f"
fails_with "a cached file altered on disk: refused" "rootfs.tar.xz of vxtest/seven/$ARCH/default does not match its signed checksum" \
	dl x --dist vxtest --release seven
rm -rf "$CACHE"/*/vxtest/seven

# --- progress on a terminal ----------------------------------------------------------------------
out=$(ip netns exec "$NS" script -qec "$VCTX template build img4 --from download --dist vxtest --release seven" /dev/null </dev/null | tr '\r\n' '  ')
like "$out" "downloading .*rootfs.tar.xz.*100\.0%" "a terminal sees the download's progress"
ok $([ -d "$LIB/templates/img4/rootfs" ] && echo 0 || echo 1) "and the template is built"

# --- refusals ---------------------------------------------------------------------------------------
CACHED="busybox img img2 img3 img4 ./vxtest/seven/$ARCH/default/20261202_08:00 "

# A file altered after SHA256SUMS was signed.
publish badsum
printf 'evil\n' >"$T_TMP/evil" && tar -C "$T_TMP" -cJf "$IMG/rootfs.tar.xz" evil
gpgv --keyring "$KEYRING" "$IMG/SHA256SUMS.asc" "$IMG/SHA256SUMS" 2>/dev/null
ok $? "control: the altered image's SHA256SUMS carries a good signature"
fails_with "a file that does not match its signed checksum: refused" \
	"rootfs.tar.xz of vxtest/badsum/$ARCH/default does not match its signed checksum" dl x --dist vxtest --release badsum
nothing_left "$CACHED" "and nothing was kept, nothing cached"

# SHA256SUMS signed by a key the admin does not trust.
publish badsig
sign "$IMG/SHA256SUMS" "$OTHER"
(cd "$IMG" && sha256sum -c --quiet SHA256SUMS)
ok $? "control: every file matches that SHA256SUMS"
fails_with "SHA256SUMS signed by an unknown key: refused" \
	"SHA256SUMS of vxtest/badsig/$ARCH/default is not signed by a key of $KEYRING" dl x --dist vxtest --release badsig
is "$(gets "/images/vxtest/badsig/$ARCH/default/20261202_08:00/rootfs.tar.xz")" 0 "the image itself was never fetched"
nothing_left "$CACHED" "nothing was kept"

# A download cut half way.
publish cut
echo "/images/vxtest/cut/$ARCH/default/20261202_08:00/rootfs.tar.xz" >"$SRV/.truncate"
(cd "$IMG" && sha256sum -c --quiet SHA256SUMS) && gpgv --keyring "$KEYRING" "$IMG/SHA256SUMS.asc" "$IMG/SHA256SUMS" 2>/dev/null
ok $? "control: the image on the server is whole and signed"
fails_with "a download cut half way: refused" "cannot download rootfs.tar.xz of vxtest/cut/$ARCH/default: curl: \(18\)" \
	dl x --dist vxtest --release cut
nothing_left "$CACHED" "nothing was kept"
rm "$SRV/.truncate"

# The index signed by another key.
cp "$SRV/meta/1.0/index-system.asc" "$T_TMP/index.asc"
sign "$SRV/meta/1.0/index-system" "$OTHER"
fails_with "an index signed by an unknown key: refused" "the index of $URL is not signed by a key" \
	dl x --dist vxtest --release seven
# ... or pointing out of the server's tree.
cp "$SRV/meta/1.0/index-system" "$T_TMP/index"
echo "vxtest;up;$ARCH;default;1;/../../../etc/" >>"$SRV/meta/1.0/index-system"
sign "$SRV/meta/1.0/index-system"
fails_with "an index whose path climbs out: refused" "names a bad path '/\.\./\.\./\.\./etc/'" \
	dl x --dist vxtest --release up
echo "vxtest;up2;$ARCH;default;../1;/x/" >>"$SRV/meta/1.0/index-system"
sign "$SRV/meta/1.0/index-system"
fails_with "an index whose build names a directory: refused" "names a bad build '\.\./1'" \
	dl x --dist vxtest --release up2
cp "$T_TMP/index" "$SRV/meta/1.0/index-system" && sign "$SRV/meta/1.0/index-system"
nothing_left "$CACHED" "nothing was kept"

# --- LXC's own layout: a signature beside each file ---------------------------------------------
dl lxc --dist vxtest --release lxc >/dev/null 2>&1
ok $? "an image signed file by file (LXC's server) builds"
publish lxcbad asc
sign "$IMG/rootfs.tar.xz" "$OTHER"
fails_with "a file signed by an unknown key: refused" \
	"rootfs.tar.xz of vxtest/lxcbad/$ARCH/default is not signed by a key of" dl x --dist vxtest --release lxcbad
rm "$IMG/rootfs.tar.xz.asc"
fails_with "a file with no signature at all: refused" "has neither SHA256SUMS nor a signature of rootfs.tar.xz" \
	dl x --dist vxtest --release lxcbad
CACHED="busybox img img2 img3 img4 lxc ./vxtest/lxc/$ARCH/default/20261202_08:00 ./vxtest/seven/$ARCH/default/20261202_08:00 "
nothing_left "$CACHED" "nothing was kept"

# --- the server gone: the cache serves ------------------------------------------------------------
kill "$HTTPD_PID" && wait "$HTTPD_PID" 2>/dev/null
HTTPD_PID=
out=$(dl img5 --dist vxtest --release seven 2>&1)
ok $? "with the server gone, the cached build builds"
like "$out" "cannot be reached .*taking the cached build 20261202_08:00" "and says so"
fails_with "an image never cached, server gone: one line" "cannot fetch the index of $URL: curl: \(7\)" \
	dl x --dist vxtest --release badsum

ip netns del "$NS"
ok $? "the test's network namespace is removed"
t_done
