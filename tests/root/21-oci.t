#!/bin/sh
# OCI images (`template build --from oci`): images made here with umoci from the busybox tree,
# as a layout directory and as an oci-archive.  Layers with whiteouts, an opaque directory,
# hard links and owners; an application image (entrypoint, command with quotes and blanks,
# environment, working directory, user) run as the context's init; a system image booting its
# own; a layer that writes through a symlink kept inside the tree; bad input refused.
. "$(dirname "$0")/lib.sh"

plan 43

t_build_busybox
LIB="$VCTX_PREFIX/var/lib/vctx"
BB="$LIB/templates/busybox/rootfs"
L="$T_TMP/layout"
W="$T_TMP/work"
mkdir -p "$W"

# --- the images -------------------------------------------------------------------------------
umoci init --layout "$L" && umoci new --image "$L:app" && umoci unpack --image "$L:app" "$W/app"
ok $? "umoci makes an image layout"
A="$W/app/rootfs"
cp -a "$BB/." "$A/"
mkdir -p "$A/opq" "$A/srv"
echo a >"$A/opq/a" && echo b >"$A/opq/b" && echo gone >"$A/etc/gone"
chown 1000:1000 "$A/srv"
umoci repack --image "$L:app" "$W/app"
# The second layer deletes: whiteouts for a file and for /sbin/init (an application image).
rm "$A/etc/gone" "$A/sbin/init"
umoci repack --image "$L:app" "$W/app"
# The third, made by hand: an opaque directory and two hard links to one file.
mkdir -p "$W/l3/opq" "$W/l3/hl"
: >"$W/l3/opq/.wh..wh..opq" && echo c >"$W/l3/opq/c"
echo same >"$W/l3/hl/one" && ln "$W/l3/hl/one" "$W/l3/hl/two"
tar -C "$W/l3" -cf "$W/l3.tar" opq hl
umoci raw add-layer --image "$L:app" "$W/l3.tar"
SCRIPT='trap "exit 0" TERM; echo "up: $GREETING in $(pwd) as $(id -u):$(id -g), it'"'"'s  two  spaces"; while :; do sleep 3600 & wait $!; done'
umoci config --image "$L:app" --config.entrypoint sh --config.cmd -c --config.cmd "$SCRIPT" \
	--config.env GREETING=hello --config.workingdir /srv --config.user 1000:1000
ok $? "an application image: three layers, entrypoint, command, environment, user"
# A system image: the busybox tree as it is, /sbin/init and all.
umoci new --image "$L:sys" && umoci unpack --image "$L:sys" "$W/sys" && cp -a "$BB/." "$W/sys/rootfs/" &&
	umoci repack --image "$L:sys" "$W/sys"
ok $? "a system image"
tar -C "$L" -cf "$T_TMP/image.tar" .

# --- an application image ----------------------------------------------------------------------
vx template build app --from oci --image "$L" --tag app
ok $? "the application image builds from the layout directory"
T="$LIB/templates/app/rootfs"
ok $([ ! -e "$T/etc/gone" ] && [ ! -e "$T/sbin/init" ] && [ -e "$T/etc/inittab" ] && echo 0 || echo 1) \
	"whiteouts removed what later layers deleted"
is "$(ls "$T/opq" | tr '\n' ' ')" "c " "an opaque directory hides what lower layers had in it"
is "$(stat -c %i "$T/hl/one")" "$(stat -c %i "$T/hl/two")" "hard links stay one file"
is "$(find "$T" -name '.wh.*' | wc -l)" 0 "no whiteout file is left in the tree"
is "$(stat -c %u:%g "$T/srv")" "1000:1000" "owners are the image's"
CONF=$(cat "$LIB/templates/app/template.conf")
like "$CONF" "init = other" "the init is the image's command"
like "$CONF" "init-path = '/bin/sh' '-c' 'trap" "found through the image's PATH, quoted word by word"
like "$CONF" "init-env = GREETING=hello" "the image's environment"
like "$CONF" "init-workdir = /srv" "working directory"
like "$CONF" "init-user = 1000:1000" "and user are recorded"
A1=$(ctx app)
vx create "$A1" --template app >/dev/null && vx start "$A1"
ok $? "a context runs it"
t_wait_console "$A1" "up: " 20
like "$(cat "$LIB/../../log/vctx/$A1/console.log")" "up: hello in /srv as 1000:1000, it's  two  spaces" \
	"with its command's words, environment, working directory and user"
is "$(vx exec "$A1" -- cat /proc/1/comm)" "sh" "the command is pid 1"
vx stop "$A1"
ok $? "it stops on its stop signal"
like "$(vx list)" "$A1 +stopped" "and is stopped"
vx destroy --force "$A1" >/dev/null

# --- a system image, from an oci-archive ----------------------------------------------------------
fails_with "an archive with two images and no --tag: refused, naming them" \
	"holds several images \(app sys\): pick one with --tag" vx template build x --from oci --image "$T_TMP/image.tar"
vx template build sys --from oci --image "$T_TMP/image.tar" --tag sys
ok $? "the system image builds from an oci-archive"
like "$(vx template list)" "sys +[a-z]+ +[a-z0-9.]+ +busybox" "it keeps its own init"
S1=$(ctx sys)
vx create "$S1" --template sys >/dev/null && vx start "$S1"
ok $? "a context boots it"
t_wait_console "$S1" "login: " 30
ok $? "its init runs its inittab"
vx destroy --force "$S1" >/dev/null
# An image whose os-release is an absolute link: inside the tree it names the tree's file,
# on the host the host's, which the build must not read.
umoci tag --image "$L:sys" osr && umoci unpack --image "$L:osr" "$W/osr" &&
	ln -sfn /etc/os-release "$W/osr/rootfs/etc/os-release" && umoci repack --image "$L:osr" "$W/osr"
like "$(sed -n 's/^ID=//p' /etc/os-release)" "[a-z]" "control: followed on the host, the link reads the host's ID"
vx template build osr --from oci --image "$L" --tag osr >/dev/null
like "$(vx template list)" "osr +unknown +unknown +busybox" "the build does not read a host file through it"
vx template remove osr && umoci rm --image "$L:osr"

# --- a layer that writes through a symlink -------------------------------------------------------
mkdir -p "$T_TMP/outside" "$W/e1" "$W/e2/evil"
ln -s "$T_TMP/outside" "$W/e1/evil"
echo pwned >"$W/e2/evil/pwned"
tar -C "$W/e1" -cf "$W/e1.tar" evil && tar -C "$W/e2" -cf "$W/e2.tar" evil/pwned
umoci tag --image "$L:app" evil && umoci raw add-layer --image "$L:evil" "$W/e1.tar" &&
	umoci raw add-layer --image "$L:evil" "$W/e2.tar"
ok $? "an image whose second layer writes through the first's symlink to a host directory"
mkdir "$W/naive"
tar -C "$W/naive" -xf "$W/e1.tar" && tar -C "$W/naive" -xf "$W/e2.tar"
ok $([ -f "$T_TMP/outside/pwned" ] && echo 0 || echo 1) "control: unpacked layer by layer with plain tar, it writes on the host"
rm -f "$T_TMP/outside/pwned"
vx template build evil --from oci --image "$L" --tag evil >/dev/null 2>&1
ok $([ ! -e "$T_TMP/outside/pwned" ] && echo 0 || echo 1) "through vctx it writes nothing outside the tree"
is "$(readlink "$LIB/templates/evil/rootfs/evil")" "$T_TMP/outside" "the symlink is in the tree"
is "$(cat "$LIB/templates/evil/rootfs/$T_TMP/outside/pwned")" "pwned" "and the file behind it too, as the context will see it"

# --- refusals ------------------------------------------------------------------------------------
fails_with "no image: usage" "needs --image" vx template build x --from oci
fails_with "a missing file: one line" "cannot read $T_TMP/nope" vx template build x --from oci --image "$T_TMP/nope"
fails_with "a directory that is no layout: one line" "is not an OCI image layout" \
	vx template build x --from oci --image "$W"
fails_with "a tag the layout lacks: one line naming those it has" "has no image 'nope' \(it has: app evil sys\)" \
	vx template build x --from oci --image "$L" --tag nope
fails_with "a bad tag: usage" "bad --tag '\.\./x'" vx template build x --from oci --image "$L" --tag ../x
umoci new --image "$L:empty" && umoci unpack --image "$L:empty" "$W/empty" && cp -a "$BB/." "$W/empty/rootfs/" &&
	rm "$W/empty/rootfs/sbin/init" && umoci repack --image "$L:empty" "$W/empty"
fails_with "an image with neither init nor command: one line" "has neither /sbin/init nor an entrypoint or command" \
	vx template build x --from oci --image "$L" --tag empty
umoci tag --image "$L:app" nopath && umoci config --image "$L:nopath" --config.entrypoint nosuch
fails_with "a command that is not in the image: one line" "runs 'nosuch', which is not in its PATH" \
	vx template build x --from oci --image "$L" --tag nopath
umoci tag --image "$L:app" ctl && umoci config --image "$L:ctl" --config.env "BAD=a
b"
fails_with "a newline in the environment: one line" "has a control character in its command, environment" \
	vx template build x --from oci --image "$L" --tag ctl
is "$(ls -A "$LIB/templates" | grep -v '^\.[a-z0-9]*\.lock$' | tr '\n' ' ')" "app busybox evil sys " "refused builds left nothing"

# --- template.conf's new keys are checked ----------------------------------------------------------
cp -a "$LIB/templates/app" "$LIB/templates/app2"
echo "init-user = 1000" >>"$LIB/templates/app2/template.conf"
fails_with "init-user without a group: refused" "init-user must be UID:GID" vx create x --template app2
sed -i '$d' "$LIB/templates/app2/template.conf"
echo "init-env = 1X=y" >>"$LIB/templates/app2/template.conf"
fails_with "an environment name that is no name: refused" "init-env must be KEY=VALUE" vx create x --template app2
rm -rf "$LIB/templates/app2"

t_done
