#!/bin/bash
# make bench: the cost of tracing, measured side by side in one boot.
# Rounds of alternating modes (none, atstrace, atstrace --hist, bpftrace):
# VFIO map/unmap throughput (atsflr, no resets: every unmap invalidates the
# device-TLB in strict mode) and fio IOPS on the ATS disk. Then per-program
# run time against an empty fentry program on the same hook, and ring
# buffer drops at the lab's highest flagged-invalidation rate.
set -u
. "$ATSTRACE_REPO/lab/guest-lib.sh"

params dev=0000:01:00.0
disk=$(basename "$(ls -d /sys/bus/pci/devices/0000:02:00.0/virtio*/block/* 2>/dev/null | head -1)")
[ -n "$disk" ] || fail "no block device on 0000:02:00.0"
rounds=${BENCH_ROUNDS:-5}
secs=2
out=$RESULTS/bench.ndjson
: >"$out"
bind_vfio "$dev"

tracer_pid=
start_tracer() { # MODE
	local log=$RESULTS/tracer-$1.err i
	case "$1" in
	none) tracer_pid=; return 0 ;;
	atstrace) "$BIN/atstrace" --quiet --json >/dev/null 2>"$log" & ;;
	hist) "$BIN/atstrace" --quiet --json --hist >/dev/null 2>"$log" & ;;
	bpftrace)
		# "Attaching N probes..." comes on stdout, after compiling
		# (tens of seconds under TCG)
		bpftrace "$ATSTRACE_REPO/scenarios/bench/atstrace.bt" >"$log" 2>&1 & ;;
	esac
	tracer_pid=$!
	for i in $(seq 3000); do
		grep -qE '^atstrace: tracing|^Attaching' "$log" 2>/dev/null && return 0
		kill -0 "$tracer_pid" 2>/dev/null || fail "tracer $1 exited: $(tail -2 "$log")"
		sleep 0.1
	done
	fail "tracer $1 did not start"
}

stop_tracer() {
	[ -n "$tracer_pid" ] || return 0
	kill -INT "$tracer_pid"
	wait "$tracer_pid"
}

for round in $(seq "$rounds"); do
	for mode in none atstrace hist bpftrace; do
		start_tracer "$mode"
		"$BIN/atsflr" --reset none --duration "$secs" --output "$RESULTS/flr.json" "$dev" ||
			fail "atsflr failed in mode $mode"
		fio --name=bench --filename="/dev/$disk" --direct=1 --rw=randread --bs=4k \
			--ioengine=psync --time_based --runtime="$secs" --output-format=json \
			--output=/run/tmp/fio.json >/dev/null || fail "fio failed in mode $mode"
		cp /run/tmp/fio.json "$RESULTS/fio.json"
		stop_tracer
		jq -cn --argjson r "$round" --arg m "$mode" \
			--slurpfile f "$RESULTS/flr.json" --slurpfile io "$RESULTS/fio.json" \
			'{round: $r, mode: $m,
			  unmaps_per_s: ($f[0].unmap.ok / $f[0].elapsed_s),
			  unmap_p50_ns: $f[0].unmap.p50_ns,
			  iops: $io[0].jobs[0].read.iops,
			  read_p50_ns: $io[0].jobs[0].read.clat_ns.percentile["50.000000"]}' >>"$out"
		log "round $round $mode: $(tail -1 "$out")"
	done
done

# per-program cost: atstrace's programs vs an empty fentry on the same hook
"$BIN/atsfloor" >"$RESULTS/floor.json" 2>"$RESULTS/floor.err" &
floor_pid=$!
sleep 2
"$BIN/atsflr" --reset none --duration "$secs" --output "$RESULTS/flr.json" "$dev"
kill -INT $floor_pid
wait $floor_pid
"$BIN/atstrace" --quiet --json --stats >"$RESULTS/stats.ndjson" 2>"$RESULTS/stats.err" &
stats_pid=$!
# the workload starts once the programs are attached (loading takes seconds)
for i in $(seq 600); do
	grep -q '^atstrace: tracing' "$RESULTS/stats.err" && break
	kill -0 $stats_pid 2>/dev/null || fail "atstrace --stats exited: $(tail -1 "$RESULTS/stats.err")"
	sleep 0.1
done
"$BIN/atsflr" --reset none --duration "$secs" --output "$RESULTS/flr.json" "$dev"
kill -INT $stats_pid
wait $stats_pid

# bpftrace's own program cost on the same hook, from the kernel's BPF stats
# (its kprobe program on qi_submit_sync): comparable to the per-run figures
# above, and far less noisy than throughput here
sysctl -qw kernel.bpf_stats_enabled=1
start_tracer bpftrace
"$BIN/atsflr" --reset none --duration "$secs" --output "$RESULTS/flr.json" "$dev"
bpftool -j prog show >"$RESULTS/bpftrace-progs.json"
stop_tracer
sysctl -qw kernel.bpf_stats_enabled=0

# ring buffer: every flagged invalidation is an event; the FLR storm with
# two map/unmap threads is the highest rate the lab produces
"$BIN/atstrace" --json --assert -- "$BIN/atsflr" --threads 2 --duration 3 \
	--output "$RESULTS/storm.json" "$dev" >"$RESULTS/storm.ndjson" 2>"$RESULTS/storm.err"
echo $? >"$RESULTS/storm.rc"
log "done"
