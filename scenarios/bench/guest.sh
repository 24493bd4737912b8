#!/bin/bash
# make bench: the cost of tracing, measured side by side in one boot.
#
# throughput: rounds of alternating modes (none, atstrace, atstrace --inflight
#   calls (the hooks atstrace used before its lean VT-d hook), atstrace --hist,
#   the bpftrace script, an empty fentry on the same hook, an empty program on
#   the lean hook's tracepoint), each running the
#   VFIO map/unmap storm (atsflr, no resets: every unmap invalidates the
#   device-TLB in strict mode) and, with bench_fio=1, fio on the ATS disk.
#   On the icount machine guest time is instruction time: the storm's
#   figures repeat; fio's I/O completes in host time and does not.
# stats: the kernel's per-program run time of each tracer on the same hook
#   (atstrace, atstrace --hist, the empty fentry, bpftrace), and the memory
#   atstrace's maps lock, with and without --hist.
# storm: ring buffer drops at the lab's highest flagged-invalidation rate.
#
# Parameters (kernel command line, atstrace.NAME=): bench_rounds,
# bench_secs, bench_modes, bench_fio, bench_parts, bench_stats_rounds.
set -u
. "$ATSTRACE_REPO/lab/guest-lib.sh"

params dev=$LAB_DEV \
	rounds="$(kparam bench_rounds 5)" secs="$(kparam bench_secs 2)" \
	modes="$(kparam bench_modes none,atstrace,calls,hist,bpftrace,floor,tpfloor)" \
	fio="$(kparam bench_fio 1)" parts="$(kparam bench_parts throughput,stats,storm)" \
	stats_rounds="$(kparam bench_stats_rounds 2)" \
	icount_shift="$(kparam icount_shift -1)" machine="${MACHINE:-default}" \
	possible_cpus="$(($(cut -d- -f2 /sys/devices/system/cpu/possible) + 1))" \
	online_cpus="$(nproc)"
has_part() { [[ ,$parts, == *,$1,* ]]; }

disk=$(basename "$(ls -d /sys/bus/pci/devices/0000:02:00.0/virtio*/block/* 2>/dev/null | head -1)")
[ -n "$disk" ] || fail "no block device on 0000:02:00.0"
bind_vfio "$dev"

tracer_pid=
start_tracer() { # MODE [EXTRA ATSTRACE OPTIONS]
	local mode=$1 log=$RESULTS/tracer-$1.err i
	shift
	: >"$log"
	case "$mode" in
	none) tracer_pid=; return 0 ;;
	atstrace) "$BIN/atstrace" --quiet --json "$@" >"$RESULTS/tracer.out" 2>"$log" & ;;
	# the hooks atstrace used before the lean VT-d hook: a record per call,
	# released at fexit (what --hist and injection still use)
	calls) "$BIN/atstrace" --quiet --json --inflight calls "$@" >"$RESULTS/tracer.out" 2>"$log" & ;;
	hist) "$BIN/atstrace" --quiet --json --hist "$@" >"$RESULTS/tracer.out" 2>"$log" & ;;
	floor) "$BIN/atsfloor" "$@" >"$RESULTS/tracer.out" 2>"$log" & ;;
	# the same on the lean hook's tracepoint: what its dispatch costs
	tpfloor) "$BIN/atsfloor" --tracepoint "$@" >"$RESULTS/tracer.out" 2>"$log" & ;;
	bpftrace)
		# "Attaching N probes..." comes on stdout, after compiling
		# (tens of seconds under TCG)
		bpftrace "$ATSTRACE_REPO/scenarios/bench/atstrace.bt" >"$log" 2>&1 & ;;
	*) fail "unknown bench mode $mode" ;;
	esac
	tracer_pid=$!
	for i in $(seq 3000); do
		grep -qE '^atstrace: tracing|^atsfloor: attached|^Attaching' "$log" 2>/dev/null && break
		kill -0 "$tracer_pid" 2>/dev/null || fail "tracer $mode exited: $(tail -2 "$log")"
		sleep 0.1
	done
	[ "$i" -lt 3000 ] || fail "tracer $mode did not start"
	[ "$mode" = bpftrace ] || return 0
	# bpftrace prints "Attaching" before it attaches: wait for its three
	# probes to be attached (their perf events)
	for i in $(seq 3000); do
		[ "$(bpftool -j perf show 2>/dev/null | jq --argjson p "$tracer_pid" \
			'[.[] | select(.pid == $p)] | length')" -ge 3 ] && return 0
		kill -0 "$tracer_pid" 2>/dev/null || fail "bpftrace exited: $(tail -2 "$log")"
		sleep 0.1
	done
	fail "bpftrace did not attach its probes"
}

stop_tracer() {
	[ -n "$tracer_pid" ] || return 0
	kill -INT "$tracer_pid"
	wait "$tracer_pid" || fail "tracer exited $? when stopped"
	tracer_pid=
}

# the buffer in a huge page (reserved by the append file): the same pages,
# pinned and mapped as one run, in every mode
# (atsflr has failed at start-up now and then on the icount machine, its
# output empty: the failure is logged, kept in storm-failures.log, and the
# run done once more; a second failure stops the bench)
storm() { # OUTPUT: the map/unmap storm, no resets
	local try
	for try in 1 2; do
		"$BIN/atsflr" --reset none --hugetlb --duration "$secs" --output "$1" "$dev" \
			2>"$RESULTS/atsflr.err" && return 0
		log "atsflr failed (try $try): $(tail -2 "$RESULTS/atsflr.err" | tr '\n' ' ')"
		{ echo "try $try:"; cat "$RESULTS/atsflr.err" "$1"; } >>"$RESULTS/storm-failures.log" 2>/dev/null
	done
	fail "atsflr failed twice: $(tail -2 "$RESULTS/atsflr.err" | tr '\n' ' ')"
}

if has_part throughput; then
	out=$RESULTS/bench.ndjson
	: >"$out"
	for round in $(seq "$rounds"); do
		for mode in ${modes//,/ }; do
			case "$mode" in
			floor | tpfloor) start_tracer "$mode" --no-stats ;;
			*) start_tracer "$mode" ;;
			esac
			storm "$RESULTS/flr.json"
			echo '{}' >"$RESULTS/fio.json"
			if [ "$fio" = 1 ]; then
				fio --name=bench --filename="/dev/$disk" --direct=1 --rw=randread --bs=4k \
					--ioengine=psync --time_based --runtime="$secs" --output-format=json \
					--output=/run/tmp/fio.json >/dev/null || fail "fio failed in mode $mode"
				cp /run/tmp/fio.json "$RESULTS/fio.json"
			fi
			stop_tracer
			jq -cn --argjson r "$round" --arg m "$mode" \
				--slurpfile f "$RESULTS/flr.json" --slurpfile io "$RESULTS/fio.json" \
				'{round: $r, mode: $m,
				  unmaps: $f[0].unmap.ok, elapsed_s: $f[0].elapsed_s,
				  unmaps_per_s: ($f[0].unmap.ok / $f[0].elapsed_s),
				  unmap_p50_ns: $f[0].unmap.p50_ns, unmap_mean_ns: $f[0].unmap.mean_ns,
				  iops: ($io[0].jobs[0].read.iops // null),
				  read_p50_ns: ($io[0].jobs[0].read.clat_ns.percentile["50.000000"] // null)}' >>"$out"
			cp "$RESULTS/flr.json" "$RESULTS/flr-$round-$mode.json"
			log "round $round $mode: $(tail -1 "$out")"
		done
	done
fi

# The kernel's run-time statistics per program, every tracer on the same
# hook (qi_submit_sync), and the memory atstrace's maps lock.
stats_row() { # ROUND MODE FILE: one line of stats.ndjson from a tracer's output
	jq -cn --argjson r "$1" --arg m "$2" --slurpfile s "$3" --slurpfile f "$RESULTS/flr.json" \
		'($s | map(select(.type == "program_stats" or .type == "floor"))[0]) as $p |
		 ($s | map(select(.type == "summary"))[0]) as $sum |
		 {round: $r, mode: $m, unmaps: $f[0].unmap.ok, programs: $p.programs,
		  maps: $p.maps, bytes_memlock: $p.bytes_memlock, possible_cpus: $p.possible_cpus,
		  invalidations: (if $sum then [$sum.devices[].invalidations] | add else null end)}' >>"$RESULTS/stats.ndjson"
}
if has_part stats; then
	: >"$RESULTS/stats.ndjson"
	for round in $(seq "$stats_rounds"); do
		for mode in atstrace calls hist floor tpfloor; do
			start_tracer "$mode" $(case "$mode" in *floor) ;; *) echo --stats ;; esac)
			storm "$RESULTS/flr.json"
			stop_tracer
			cp "$RESULTS/tracer.out" "$RESULTS/stats-$round-$mode.ndjson"
			stats_row "$round" "$mode" "$RESULTS/stats-$round-$mode.ndjson"
		done
		# bpftrace's own program cost on the same hook, from the kernel's
		# BPF stats (its kprobe program on qi_submit_sync)
		sysctl -qw kernel.bpf_stats_enabled=1
		[ "$(sysctl -n kernel.bpf_stats_enabled)" = 1 ] || fail "cannot enable BPF statistics"
		start_tracer bpftrace
		storm "$RESULTS/flr.json"
		bpftool -j prog show >"$RESULTS/bpftrace-progs-$round.json"
		stop_tracer
		sysctl -qw kernel.bpf_stats_enabled=0
		jq -c '{type: "floor", programs: [.[] | select(.type == "kprobe" and (.name | test("qi_sub")))
		        | {name, run_cnt: (.run_cnt // 0), run_time_ns: (.run_time_ns // 0),
		           ns_per_run: (if (.run_cnt // 0) > 0 then .run_time_ns / .run_cnt else 0 end)}]}' \
			"$RESULTS/bpftrace-progs-$round.json" >"$RESULTS/stats-$round-bpftrace.ndjson"
		stats_row "$round" bpftrace "$RESULTS/stats-$round-bpftrace.ndjson"
		log "stats round $round: $(jq -c '[.mode, [.programs[]? | .ns_per_run | round]]' \
			"$RESULTS/stats.ndjson" | tail -4 | tr '\n' ' ')"
	done
fi

# the memory atstrace's maps lock, alone (no workload): a boot with
# another count of possible CPUs (the default machine's two) runs it too
if has_part memlock; then
	: >"$RESULTS/memlock.ndjson"
	for mode in atstrace hist; do
		start_tracer "$mode" --stats
		stop_tracer
		jq -c --arg m "$mode" 'select(.type == "program_stats") |
			{mode: $m, possible_cpus, bytes_memlock, maps}' "$RESULTS/tracer.out" \
			>>"$RESULTS/memlock.ndjson"
		log "memlock $mode: $(jq -r .bytes_memlock "$RESULTS/memlock.ndjson" | tail -1) bytes"
	done
fi

# ring buffer: every flagged invalidation is an event; the FLR storm with
# two map/unmap threads is the highest rate the lab produces
if has_part storm; then
	"$BIN/atstrace" --json --assert -- "$BIN/atsflr" --threads 2 --duration 3 \
		--output "$RESULTS/storm.json" "$dev" >"$RESULTS/storm.ndjson" 2>"$RESULTS/storm.err"
	echo $? >"$RESULTS/storm.rc"
fi
log "done"
