#!/bin/sh
# The house in layers: every #include "LAYER/x.h" points to the file's own layer or one below
# it (vctx/README.md).  A new upward edge fails here, with the file and the line.
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
rank() {
	case $1 in
	cli) echo 5 ;; ops) echo 4 ;; supervisor) echo 3 ;; kernel | vnet) echo 2 ;; core) echo 1 ;;
	*) echo 0 ;;
	esac
}
layer() {	# the layer a file is in
	case $1 in
	vnet/*) echo vnet ;; vctx/*/*) f=${1#vctx/}; echo "${f%%/*}" ;; *) echo none ;;
	esac
}
files=$(ls vctx/*/*.[ch] vnet/*.[ch])
echo "1..3"
bad=$(for f in $files; do
	l=$(layer "$f"); r=$(rank "$l")
	grep -n '^#include "[a-z]*/' "$f" | while IFS= read -r line; do
		to=$(printf '%s\n' "$line" | sed 's/.*#include "\([a-z]*\)\/.*/\1/')
		t=$(rank "$to")
		# Up, or sideways between the two mechanism layers.
		if [ "$t" -gt "$r" ] || { [ "$t" -eq "$r" ] && [ "$to" != "$l" ]; }; then
			echo "$f:${line%%:*}: $l includes $to"
		fi
	done
done)
if [ -z "$bad" ]; then echo "ok 1 - no include points up a layer"; else
	echo "not ok 1 - no include points up a layer"; printf '%s\n' "$bad" | sed 's/^/#   /'; fi
loose=$(ls vctx/*.[ch] 2>/dev/null)
if [ -z "$loose" ]; then echo "ok 2 - every source file is in a layer's folder"; else
	echo "not ok 2 - every source file is in a layer's folder"; printf '#   %s\n' $loose; fi
plain=$(grep -ln '^#include "[a-z_-]*\.h"' $files | grep -v '^vctx/kernel/exec-helper.c$')
if [ -z "$plain" ]; then echo "ok 3 - every project include names its layer"; else
	echo "not ok 3 - every project include names its layer"; printf '#   %s\n' $plain; fi
