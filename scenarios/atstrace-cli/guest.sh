#!/bin/bash
# atstrace's contract with its user on this kernel: the probe plan, clear
# errors with exit 2 (unknown option, malformed BDF, no privileges) before
# anything is attached, and exit 3 for a run that proves nothing. --verify
# puts every program (AMD-Vi's and SMMUv3's too) through this kernel's verifier.
set -u
. "$ATSTRACE_REPO/lab/guest-lib.sh"

params dev=0000:01:00.0
cases=$RESULTS/cases.ndjson
: >"$cases"
record() { # NAME RC: the case's exit code, and what it wrote to NAME.out and NAME.err
	jq -cn --arg name "$1" --argjson rc "$2" --rawfile out "$RESULTS/$1.out" \
		--rawfile err "$RESULTS/$1.err" '{name: $name, rc: $rc, out: $out, err: $err}' >>"$cases"
	log "case $1: exit $2"
}
run() { # NAME CMD...
	local name=$1
	shift
	"$@" >"$RESULTS/$name.out" 2>"$RESULTS/$name.err"
	record "$name" $?
}

run list_probes "$BIN/atstrace" --list-probes
run list_probes_json "$BIN/atstrace" --list-probes --json
run version "$BIN/atstrace" --version
run verify "$BIN/atstrace" --verify
run unknown_option "$BIN/atstrace" --frobnicate
run bad_device "$BIN/atstrace" -D 0000:01:00 -d 1
run bad_duration "$BIN/atstrace" -d soon
run no_privileges setpriv --reuid=65534 --regid=65534 --clear-groups "$BIN/atstrace" -d 1
run vacuous "$BIN/atstrace" --assert -- true
run command_missing "$BIN/atstrace" --assert

# a run that ends badly is never a PASS, whatever it counted
bind_vfio "$dev"
run cmd_fails "$BIN/atstrace" --json --assert -- \
	sh -c "'$BIN/atsflr' --duration 2 $dev >/dev/null 2>&1; exit 1"
# NAME SECONDS: atstrace --json --assert around an FLR storm of SECONDS,
# started in the background ($pid) and waited for until it traces
start_traced() {
	"$BIN/atstrace" --json --assert -- "$BIN/atsflr" --duration "$2" "$dev" \
		>"$RESULTS/$1.out" 2>"$RESULTS/$1.err" &
	pid=$!
	for i in $(seq 600); do grep -q '^atstrace: tracing' "$RESULTS/$1.err" && break; sleep 0.1; done
}
start_traced interrupted 30
sleep 3
kill -INT $pid
wait $pid
record interrupted $?
# SIGTERM, as systemd stops a service: the same graceful end
start_traced terminated 30
sleep 3
kill -TERM $pid
wait $pid
record terminated $?
# a second SIGINT while the first is carried out (stopping the command,
# detaching, draining: hundreds of ms here): exit at once. 100 ms apart, so
# the kernel cannot merge them into one pending signal. What it wrote ends
# mid-line: not kept.
start_traced twice 30
sleep 3
kill -INT $pid
sleep 0.1
kill -INT $pid
wait $pid
rc=$?
: >"$RESULTS/twice.out"
record twice $rc
# (atstrace sent its command SIGTERM as it went)
for i in $(seq 100); do pgrep -x atsflr >/dev/null || break; sleep 0.1; done
# SIGUSR1: the summary so far, twice, and the run goes on to its end
start_traced usr1 6
sleep 2
kill -USR1 $pid
sleep 1
kill -USR1 $pid
wait $pid
record usr1 $?
# a reader that went away: atstrace's output is lost (SIGPIPE ignored, as
# under some supervisors)
bash -c "trap '' PIPE; exec '$BIN/atstrace' --json --assert -- '$BIN/atsflr' --duration 2 $dev" \
	2>"$RESULTS/consumer_gone.err" | true
rc=${PIPESTATUS[0]}
: >"$RESULTS/consumer_gone.out"
record consumer_gone "$rc"
# --ktap for kernel CIs (the host reads each document with the kernel
# tree's own KTAP parser, derive.sh): a real run, one that proves nothing,
# and the option refused without --assert
run ktap_run "$BIN/atstrace" --assert --ktap -- "$BIN/atsflr" --duration 2 "$dev"
run ktap_nothing "$BIN/atstrace" --assert --ktap -- true
run ktap_refused "$BIN/atstrace" --ktap -d 1
run bpf_left_behind bash -c "bpftool prog show 2>/dev/null | grep -c -E 'vtd_submit|amd_|smmu_|method_|attach_exit' || true"
