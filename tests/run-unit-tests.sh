#!/bin/bash
# Runs the cmocka unit-test binaries given as arguments and prints one total.
# Usage: run-unit-tests.sh TEST... ; exit 1 if any test failed.
set -u
passed=0 failed=0
for t in "$@"; do
	out=$(CMOCKA_MESSAGE_OUTPUT=stdout "$t" 2>&1)
	rc=$?
	echo "$out" | grep -E '^\[  (FAILED|ERROR|PASSED)  *\]|^\[   LINE   \]|^\[==========\]' | sed "s|^|$(basename "$t"): |"
	p=$(echo "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p')
	f=$(echo "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p')
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0}))
	# a crash or a missing summary is a failure too
	if [ $rc -ne 0 ] && [ -z "$f" ]; then
		echo "$(basename "$t"): exited $rc"
		failed=$((failed + 1))
	fi
done
echo "unit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
