#!/bin/bash
# The long soak (make soak: 30 minutes on lab-6.12-debug; make test: one
# minute on lab-6.12). On the switch machine, until the deadline:
#  - a VFIO session on 0000:03:00.0 through iommufd: two map/unmap threads,
#    an FLR (VFIO_DEVICE_RESET) every second, the device moved between two
#    IOASes every 50 ms (IOMMU_HWPT replace);
#  - sysfs resets of the same device, each from a process of its own;
#  - two workers racing for the group of 0000:04:00.0 and .1 (one VFIO
#    group, legacy container): each opens it, maps, hot-resets the bus below
#    dn1 (VFIO_DEVICE_PCI_HOT_RESET) for 2 s and closes it, again and again;
#    the loser of a race is refused (EBUSY) and retries;
#  - atstrace --hist in interval mode the whole time (one summary per
#    interval), its memory sampled from outside: VmRSS and the locked memory
#    of every map it holds (the kernel's memlock figure in fdinfo);
#  - the oracle, its buffer drained into the file as it goes.
# Afterwards: ATS of each function, one FLR and traffic on the device, the
# bracket depth of each device (the series' tracepoints, derive.sh), and on
# a debug kernel lockdep's state and a kmemleak scan. Judged by checks.jq;
# run.sh fails any kernel splat.
set -u
. "$ATSTRACE_REPO/lab/guest-lib.sh"

params dev=0000:03:00.0 hot0=0000:04:00.0 hot1=0000:04:00.1
params duration="$(kparam soak_duration 60)" interval="$(kparam soak_interval 2)" \
	sample="$(kparam soak_sample 2)" debug="$(kparam soak_debug 0)" hot_workers=2
for d in $dev $hot0 $hot1; do bind_vfio "$d"; done
dmesg -c >/dev/null

# atstrace's memory, every $sample seconds: its RSS (VmRSS), split into
# the pages of BPF maps it mapped (the ring buffer, whose pages are touched
# one by one until the producer has gone round once) and its own (heap,
# stack, text: what a leak grows), and the locked memory of every map it
# holds (the kernel's memlock figure in fdinfo)
mem_sample() { # PID START
	local t rss lock
	rss=$(awk '/^[0-9a-f]+-[0-9a-f]+ / { bpf = ($6 ~ /^anon_inode:bpf/) }
		   /^Rss:/ { if (bpf) b += $2; else o += $2 }
		   END { if (NR) printf "\"rss_own_kb\":%d,\"rss_bpf_kb\":%d", o, b }' \
		"/proc/$1/smaps" 2>/dev/null)
	[ -n "$rss" ] || return 1
	lock=$(cat /proc/"$1"/fdinfo/* 2>/dev/null | awk '/^memlock:/ { n += $2 } END { print n + 0 }')
	t=$(awk -v s="$2" '{ printf "%.1f", $1 - s }' /proc/uptime)
	echo "{\"t\":$t,$rss,\"vmrss_kb\":$(awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"),\"memlock\":$lock}"
}
# one racer for the group below dn1: a 2 s session of hot resets, again
hot_worker() { # N DEADLINE
	local n=$1 end=$2 i=0 rc
	while [ "$(cut -d. -f1 /proc/uptime)" -lt "$end" ]; do
		i=$((i + 1))
		"$BIN/atsflr" --mode legacy --reset hot --reset-interval 300ms --rate 20 --duration 2 \
			--output "/run/tmp/hot-$n.json" "$hot0" "$hot1" 2>"/run/tmp/hot-$n.err"
		rc=$?
		if [ $rc = 0 ]; then
			jq -c '{ok: 1, resets: .reset.ok, reset_failed: .reset.failed,
				unmaps: .unmap.ok, unmap_failed: .unmap.failed}' "/run/tmp/hot-$n.json"
		elif grep -q 'Device or resource busy' "/run/tmp/hot-$n.err"; then
			echo '{"busy":1}'
			sleep 0.$((RANDOM % 5))
		else
			jq -cn --arg e "$(tail -1 "/run/tmp/hot-$n.err")" --argjson rc $rc '{failed: 1, rc: $rc, error: $e}'
		fi
	done >"$RESULTS/hot-$n.ndjson"
}

ORACLE_STREAM=1 ORACLE_TRACEPOINTS="iommu/dev_reset_prepare iommu/dev_reset_done" oracle_start
atstrace_start --hist "$interval"
start=$(cut -d' ' -f1 /proc/uptime)
end=$(($(cut -d. -f1 /proc/uptime) + duration))
log "soak: ${duration}s of FLRs, replaces, sysfs and hot resets, atstrace every ${interval}s"
# ... and a line of progress a minute for whoever waits on the host (make
# soak shows progress.log as it grows): atstrace's last summary so far
progress_line() {
	# the last whole summary line (the file is being written: never slurped)
	grep '"type":"summary"' "$RESULTS/atstrace.ndjson" | tail -2 | jq -rR \
		--arg t "$(awk -v s="$start" '{ printf "%d", $1 - s }' /proc/uptime)" --arg d "$duration" \
		--arg n "$(grep -c '"type":"summary"' "$RESULTS/atstrace.ndjson")" \
		'fromjson? // empty |
		 "soak: \($t)/\($d) s: \($n) summaries, windows \([.devices[]?.windows // {} | .[]] | add // 0), bus resets \(.bus_resets // 0), invalidations \([.devices[]?.invalidations] | add // 0), flagged \([.devices[]? | (.in_window // 0) + (.in_flight_at_open // 0)] | add // 0), heap \(.tool.heap_bytes // 0) B"' |
		tail -1
}
(
	next=60
	while [ "$(cut -d. -f1 /proc/uptime)" -lt "$end" ] && mem_sample "$ATSTRACE_PID" "$start"; do
		sleep "$sample"
		if [ "$(awk -v s="$start" '{ printf "%d", $1 - s }' /proc/uptime)" -ge $next ]; then
			progress_line >>"$RESULTS/progress.log"
			next=$((next + 60))
		fi
	done >"$RESULTS/mem.ndjson"
) &
sampler=$!
"$BIN/atsflr" --mode iommufd --threads 2 --rate 25 --reset-interval 1s --replace-interval 50ms \
	--duration "$duration" --output "$RESULTS/churn.json" "$dev" 2>"$RESULTS/churn.err" &
churn=$!
vfio_wait_open $churn
(
	ok=0 failed=0
	while [ "$(cut -d. -f1 /proc/uptime)" -lt "$end" ]; do
		if sh -c "echo 1 >/sys/bus/pci/devices/$dev/reset" 2>>"$RESULTS/sysfs.err"; then
			ok=$((ok + 1))
		else
			failed=$((failed + 1))
		fi
		sleep 0.5
	done
	echo "{\"ok\":$ok,\"failed\":$failed}" >"$RESULTS/sysfs.json"
) &
sysfs=$!
hot=()
for n in $(seq "$hot_workers"); do
	hot_worker "$n" "$end" &
	hot+=($!)
done
wait $churn
echo $? >"$RESULTS/churn.rc"
wait $sysfs "${hot[@]}" $sampler
mem_sample "$ATSTRACE_PID" "$start" >>"$RESULTS/mem.ndjson"
atstrace_stop
oracle_stop
log "soak over: $(jq -c .reset "$RESULTS/churn.json") FLRs, sysfs $(cat "$RESULTS/sysfs.json")"

# the devices afterwards: ATS on, and one more session resets and maps
for d in $dev $hot0 $hot1; do
	echo "$d $(ats_ctrl "$d")"
done >"$RESULTS/ats-after.txt"
"$BIN/atsflr" --mode iommufd --duration 1 --output "$RESULTS/after.json" "$dev" 2>"$RESULTS/after.err"
echo $? >"$RESULTS/after.rc"
dmesg >"$RESULTS/dmesg-soak.txt"
# a debug kernel's own checkers: lockdep still on (it turns itself off for
# good after its first report, or when it runs out of room), kmemleak's
# scan (twice: an object is reported once it stayed unreferenced across one)
{
	if [ -r /proc/lockdep_stats ]; then
		awk '/debug_locks:/ { print "lockdep_debug_locks", $2 }' /proc/lockdep_stats
	else
		echo "lockdep_debug_locks absent"
	fi
	if [ -w /sys/kernel/debug/kmemleak ]; then
		echo scan >/sys/kernel/debug/kmemleak
		sleep 1
		echo scan >/sys/kernel/debug/kmemleak
		cat /sys/kernel/debug/kmemleak >"$RESULTS/kmemleak.txt"
		echo "kmemleak_reports $(grep -c '^unreferenced object' "$RESULTS/kmemleak.txt")"
	else
		echo "kmemleak_reports absent"
	fi
} >"$RESULTS/debug-state.txt"
log "done"
