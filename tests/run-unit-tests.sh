#!/bin/bash
# Runs the cmocka unit-test binaries given as arguments and prints one total.
# Usage: run-unit-tests.sh TEST... [--arm64 SYSROOT TEST...]; exit 1 if any
# test failed. The tests after --arm64 are arm64 builds, run under
# qemu-aarch64 (user mode) with the cross C library and SYSROOT's cmocka.
set -u
passed=0 failed=0 skipped=0
runner=() label=
while [ $# -gt 0 ]; do
	t=$1
	shift
	if [ "$t" = --arm64 ]; then
		command -v qemu-aarch64 >/dev/null || { echo "unit: qemu-aarch64 is missing (make deps)" >&2; exit 2; }
		runner=(qemu-aarch64 -L /usr/aarch64-linux-gnu -E "LD_LIBRARY_PATH=$1/usr/lib/aarch64-linux-gnu")
		label=arm64/
		shift
		continue
	fi
	out=$(CMOCKA_MESSAGE_OUTPUT=stdout "${runner[@]}" "$t" 2>&1)
	rc=$?
	echo "$out" | grep -E '^\[  (FAILED|ERROR|PASSED|SKIPPED)  *\]|^\[   LINE   \]|^\[==========\]' | sed "s|^|$label$(basename "$t"): |"
	p=$(echo "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p')
	f=$(echo "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p')
	s=$(echo "$out" | sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p')
	passed=$((passed + ${p:-0}))
	skipped=$((skipped + ${s:-0}))
	failed=$((failed + ${f:-0}))
	# a crash or a missing summary is a failure too
	if [ $rc -ne 0 ] && [ -z "$f" ]; then
		echo "$label$(basename "$t"): exited $rc"
		echo "$out" | tail -3 | sed "s|^|$label$(basename "$t"):   |"
		failed=$((failed + 1))
	fi
done
echo "unit: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
