#!/bin/bash
# The --ktap documents, read by a parser no one here wrote: the kernel
# tree's own (tools/testing/kunit/kunit.py parse, from linux-source in the
# lab's kernel tree). Writes ktap-NAME.json (the parser's result) and
# ktap-NAME.txt (its report, with its exit code last).
set -euo pipefail
# absolute: kunit.py changes to the kernel tree's top before it opens files
run=$(readlink -f "$1")
top=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
kunit=
for t in "$top"/build/kernels/*.tree; do
	[ -f "$t/tools/testing/kunit/kunit.py" ] && kunit=$t/tools/testing/kunit/kunit.py && break
done
[ -n "$kunit" ] || { echo "atstrace-cli: no kernel tree with tools/testing/kunit (make kernel)" >&2; exit 1; }
for name in ktap_run ktap_nothing; do
	out=$run/$name.out
	[ -f "$out" ] || continue
	set +e
	python3 "$kunit" parse --json="$run/ktap-$name.json" "$out" >"$run/ktap-$name.txt" 2>&1
	echo "exit $?" >>"$run/ktap-$name.txt"
	set -e
done
