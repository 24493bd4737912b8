#!/bin/bash
# The arm64 builds of the tools (make arm64: build/arm64/bin/) run under
# qemu-aarch64 (user mode) and answer like the host's builds: the same
# output and exit code for --help (and atstrace --version). Their BPF work
# needs an arm64 kernel (the lab's); this checks that each binary is a
# static arm64 program that starts, parses its options and exits.
#
#   check-arm64-binaries.sh   prints one line a tool and "arm64 binaries: N agree, N differ"
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
agree=0 differ=0
for tool in atstrace atsflr atsoracle atsfloor; do
	host=$top/build/bin/$tool arm=$top/build/arm64/bin/$tool
	for args in --help --version; do
		[ $args = --version ] && [ $tool != atstrace ] && continue
		if ! file -b "$arm" 2>/dev/null | grep -q 'ARM aarch64, .*statically linked'; then
			echo "arm64: $tool: not a static arm64 executable: $(file -b "$arm" 2>&1)"
			differ=$((differ + 1))
			continue 2
		fi
		want=$("$host" $args 2>&1; echo "exit $?")
		got=$(qemu-aarch64 "$arm" $args 2>&1; echo "exit $?")
		if [ "$want" = "$got" ]; then
			echo "arm64: $tool $args: as on the host (${got##*$'\n'})"
			agree=$((agree + 1))
		else
			echo "arm64: $tool $args differs from the host's:"
			diff <(echo "$want") <(echo "$got") | head -5
			differ=$((differ + 1))
		fi
	done
done
echo "arm64 binaries: $agree agree, $differ differ"
[ $differ -eq 0 ]
