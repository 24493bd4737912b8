# soak: FLRs, IOAS replaces, sysfs and hot resets, group open/close races
# for $p.duration seconds under atstrace in interval mode (guest.sh). On a
# kernel with the series: nothing flagged, brackets balanced at the end,
# atstrace equal to the oracle on every device, its intervals consistent
# with its totals, its memory flat after the warm-up; with $p.debug (make
# soak's lockdep + KASAN + kmemleak kernel): lockdep still on and kmemleak
# empty at the end. run.sh fails any kernel splat.
include "judge";
# every counter a summary carries, as [path, value] pairs
def counters: [paths(type == "number") as $q | [$q, getpath($q)]] |
	map(select(.[0] | map(tostring) | join(".") | test("^(devices|bus_resets|recoveries|health|ringbuf_drops|events_shed)")));
# pairs of consecutive summaries where a counter went down
def decreases: [range(1; length) as $i | (.[$i - 1] | counters) as $a | .[$i] as $b |
	$a[] as [$path, $v] | select($v > ($b | getpath($path) // 0)) | $path | map(tostring) | join(".")] | unique;
# the memory samples after the warm-up: growth of a field past its value
# at the first sample of that part
def growth($f; $warm): map(select(.t >= $warm)) |
	if length == 0 then null else (map(.[$f]) | max) - .[0][$f] end;
def hot_sum($f): [.[] | .[$f] // 0] | add // 0;
# a summary with its devices keyed by BDF (as summary_record does)
def by_device: if (.devices | type) == "array" then .devices |= (map({(.device): .}) | add // {}) else . end;
def checks($run; $p; $expect):
	($run.atstrace | records("summary") | map(by_device)) as $sums | ($sums[-1] // {}) as $s |
	(($run.hot_1 // []) + ($run.hot_2 // [])) as $hot | ($run.mem // []) as $mem |
	# the warm-up: half the run, at most five minutes (malloc's per-thread
	# caches keep up to 7 freed chunks per size, so its bytes in use creep
	# for the first several intervals: 32 bytes each, for 7, measured)
	([$p.duration / 2, 300] | min) as $warm | ($run.brackets // {}) as $br |
	($run.text.debug_state // "") as $dbg |
	# the least of each kind of work: one a minute (the debug kernel under
	# TCG runs a fraction of what lab-6.12 does: a stalled worker still fails)
	([$p.duration / 60 | floor, 1] | max) as $permin |
	# the workload ran, all of it, to the end
	check_shown("VFIO session (iommufd) exit"; $run.rc.churn; eq(0)),
	check_shown("VFIO FLRs that succeeded"; $run.churn.reset.ok; at_least($permin)),
	# VFIO_DEVICE_RESET only trylocks the device: busy (EAGAIN) while a
	# sysfs reset holds it, and nothing else
	check_shown("VFIO FLRs that failed, other than busy (EAGAIN)";
	      ($run.churn.reset.failed // 0) - ($run.churn.reset.errors.EAGAIN // 0); eq(0)),
	check_shown("IOAS replaces that succeeded"; $run.churn.replace.ok; at_least($p.duration)),
	check("unmaps that failed"; $run.churn.unmap.failed; eq(0)),
	check_shown("sysfs resets (each its own process): ok, failed"; [$run.sysfs.ok, $run.sysfs.failed];
	      .[0] >= $permin and .[1] == 0 | {pred: "ok >= one a minute, none failed", expected: true, ok: .}),
	check_shown("hot-reset sessions (group open to close): done, refused busy, failed otherwise";
	      [($hot | hot_sum("ok")), ($hot | hot_sum("busy")), ($hot | hot_sum("failed"))];
	      .[0] >= $permin and .[2] == 0 | {pred: "done >= one a minute, no other failure", expected: true, ok: .}),
	check_shown("hot resets that succeeded, failed"; [($hot | hot_sum("resets")), ($hot | hot_sum("reset_failed"))];
	      .[0] >= 1 and .[1] == 0 | {pred: "some, none failed", expected: true, ok: .}),
	# atstrace against the oracle, over the whole run
	check_shown("atstrace exit (stopped by SIGINT)"; $run.rc.atstrace; eq(0)),
	agrees_with_oracle("\($p.dev): "; $s; $run.oracle; $p.dev),
	(($p.hot0, $p.hot1) as $d | (agrees_with_oracle("\($d): "; $s; $run.oracle; $d) | select(.name | test("windows,") | not)),
		check("\($d): bus windows, atstrace vs oracle"; $s.devices[$d].windows.secondary_bus // 0;
		      eq($run.oracle.devices[$d].bus_windows))),
	check_shown("bus resets, atstrace vs oracle"; $s.bus_resets; eq($run.oracle.bus_resets)),
	check("flagged invalidations (every reset bracketed)"; [$s.devices[] | flagged] | add // 0; eq(0)),
	check("unbracketed resets"; [$s.devices[] | .unbracketed_resets // 0] | add // 0; eq(0)),
	check_shown("tool health: what atstrace lost or could not see"; $s.health | if . == null then null else with_entries(select(.value != 0)) end; eq({})),
	no_ringbuf_drops($s),
	oracle_kept_up($run.oracle),
	# brackets balanced: every device's depth back at 0, no done without its prepare
	(($p.dev, $p.hot0, $p.hot1) as $d | ($br[$d] // {}) as $b |
		check_shown("\($d): brackets (prepare, done; failed; unbalanced; depth at the end)";
		      [$b.prepare, $b.done, ($b.prepare_failed // 0) + ($b.done_failed // 0), $b.unbalanced_done, $b.depth_at_end];
		      .[0] >= 1 and .[0] == .[1] and .[2] == 0 and .[3] == 0 and .[4] == 0 |
		      {pred: "prepares == dones >= 1, none failed or unbalanced, depth 0", expected: true, ok: .})),
	# interval mode: a summary per interval, cumulative, whose histograms add up
	check_shown("interval summaries"; $sums | length; at_least($p.duration / $p.interval | floor)),
	check("counters that went down from one summary to the next"; $sums | decreases; eq([])),
	(($p.dev, $p.hot0, $p.hot1) as $d |
		check("\($d): latency samples of every interval's histogram = submissions";
		      [$run.atstrace | records("hist")[] | select(.device == $d and .hist == "inv_latency") | .buckets[].count] | add // 0;
		      eq($s.devices[$d].submissions))),
	# memory flat after the warm-up
	check_shown("memory samples (after the warm-up)"; [$mem | length, ($mem | map(select(.t >= $warm)) | length)];
	      .[1] >= 3 | {pred: "at least 3 after the warm-up", expected: true, ok: .}),
	# ... as atstrace's own summaries report it (malloc's bytes in use: exact,
	# where RSS hides a leak in pages freed earlier and still resident) ...
	($sums | map(.tool // {}) | .[($warm / $p.interval | floor):]) as $late |
	check_shown("atstrace's heap in use, growth over the summaries after the warm-up (bytes)";
	      $late | if length < 2 then null else (map(.heap_bytes) | max) - .[0].heap_bytes end; eq(0)),
	check("atstrace's open fds, growth over the summaries after the warm-up";
	      $late | if length < 2 then null else (map(.fds) | max) - .[0].fds end; eq(0)),
	# ... and from outside (VmRSS without the BPF maps' pages)
	check_shown("atstrace's own RSS growth after the warm-up (kB)"; $mem | growth("rss_own_kb"; $warm); at_most(64)),
	check_shown("locked map memory growth after the warm-up (bytes)"; $mem | growth("memlock"; $warm); at_most(0)),
	check_shown("atstrace memory at the start, at the end"; [$mem[0], $mem[-1]] | map({t, vmrss_kb, rss_own_kb, memlock}); reported),
	# the devices afterwards
	check("ATS on again on every function"; $run.text.ats_after | split("\n") | map(select(length > 0)) |
	      map(select(test(" enable=1 ") | not)) | length; eq(0)),
	check("after the soak: an FLR and traffic (exit)"; $run.rc.after; eq(0)),
	check("after the soak: FLRs that succeeded"; $run.after.reset.ok; at_least(1)),
	# a debug kernel's checkers were on to the end
	if $p.debug == 1 then
		check_shown("lockdep still on at the end (debug_locks)"; $dbg | capture("lockdep_debug_locks (?<v>\\S+)").v; eq("1")),
		check_shown("kmemleak reports"; $dbg | capture("kmemleak_reports (?<v>\\S+)").v; eq("0"))
	else empty end;
