#!/bin/bash
# atstrace's contract with its user on this kernel: the probe plan, clear
# errors with exit 2 (unknown option, malformed BDF, no privileges) before
# anything is attached, and exit 3 for a run that proves nothing. --verify
# puts every program (AMD-Vi's and SMMUv3's too) through this kernel's verifier.
set -u
. "$ATSTRACE_REPO/lab/guest-lib.sh"

cases=$RESULTS/cases.ndjson
: >"$cases"
run() { # NAME CMD...
	local name=$1 rc
	shift
	"$@" >"$RESULTS/$name.out" 2>"$RESULTS/$name.err"
	rc=$?
	jq -cn --arg name "$name" --argjson rc "$rc" --rawfile out "$RESULTS/$name.out" \
		--rawfile err "$RESULTS/$name.err" '{name: $name, rc: $rc, out: $out, err: $err}' >>"$cases"
	log "case $name: exit $rc"
}

run list_probes "$BIN/atstrace" --list-probes
run verify "$BIN/atstrace" --verify
run unknown_option "$BIN/atstrace" --frobnicate
run bad_device "$BIN/atstrace" -D 0000:01:00 -d 1
run bad_duration "$BIN/atstrace" -d soon
run no_privileges setpriv --reuid=65534 --regid=65534 --clear-groups "$BIN/atstrace" -d 1
run vacuous "$BIN/atstrace" --assert -- true
run command_missing "$BIN/atstrace" --assert
run bpf_left_behind bash -c "bpftool prog show 2>/dev/null | grep -c -E 'vtd_submit|amd_|smmu_|method_|attach_exit' || true"
