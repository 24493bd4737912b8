# timeline: the Trace Event Format file, against atstrace's own summary;
# and --hist-by, in interval mode too, against the summary's counts.
# $expect: "flagged" (invalidations land in windows) or "clean".
include "judge";
def checks($run; $p; $expect):
	($run.atstrace | summary_record) as $s | ($s.devices[$p.dev] // {}) as $a |
	($run.timeline // []) as $tl |
	([$tl[] | select(.ph == "M" and .name == "thread_name" and .args.name == $p.dev) | .tid][0]) as $tid |
	[$tl[] | select(.tid == $tid and .ph != "M")] as $mine |
	[$mine[] | select(.ph == "X" and (.cat | split(",") | index("window")))] as $slices |
	[$mine[] | select(.ph == "i" and (.cat | startswith("invalidation")))] as $invs |
	[$invs[] | select(.cat == "invalidation,flagged")] as $flagged |
	check("atstrace exit"; $run.rc.atstrace; eq({flagged: 1, clean: 0}[$expect])),
	check("nothing lost: events shed, ring buffer drops"; [$s.events_shed, $s.ringbuf_drops]; eq([0, 0])),
	check("every event a metadata, complete or instant event, with pid 1 and a thread id";
	      [$tl[] | select((.ph | IN("M", "X", "i") | not) or .pid != 1 or
		(.ph != "M" and ((.tid | type) != "number" or (.ts | type) != "number" or .ts < 0)) or
		(.ph == "X" and ((.dur | type) != "number" or .dur < 0)) or
		(.ph == "i" and .s != "t"))] | length; eq(0)),
	check("one process, named"; [$tl[] | select(.ph == "M" and .name == "process_name")] | length; eq(1)),
	check("one track per device, named by its BDF";
	      [$tl[] | select(.ph == "M" and .name == "thread_name") | .args.name] | (length == (unique | length)); eq(true)),
	check_shown("reset-window slices on the device's track, against the summary's windows";
	      $slices | length; eq($a | windows_total)),
	# one instant per invalidation; one flagged in flight at a window's open
	# is an instant more, about an invalidation already shown
	check_shown("invalidation instants, against the summary's invalidations";
	      [$invs[] | select(.name | test("IN FLIGHT") | not)] | length; eq($a.invalidations)),
	check("flagged instants, against the summary's flagged"; $flagged | length; eq($a | flagged)),
	only($expect; "flagged"; check("flagged instants"; $flagged | length; at_least(1))),
	# an instant is when its submission saw the window open, a slice's end
	# when the closing CPU read its clock, just before it closed it: the two
	# CPUs race by the few instructions in between (here microseconds of TCG)
	check_shown("in-window instants outside every window slice of the device by more than 20 us";
	      [$flagged[] | select(.name | test("IN RESET WINDOW")) | .ts as $t |
		select([$slices[] | select(.ts - 20 <= $t and $t <= .ts + .dur + 20)] | length == 0)] | length; eq(0)),
	check("injected-delay slices, against the summary's delays";
	      [$mine[] | select(.ph == "X" and .cat == "injection")] | length; eq($s.injection.delayed)),
	check("attach instants, against the summary's attaches";
	      [$mine[] | select(.ph == "i" and .cat == "attach")] | length; eq($a.attaches)),
	# the same file as Chromium DevTools' trace engine reads it (derive.sh):
	# its tracks, its slices (what its flame chart draws) and instants
	($run.devtools // {}) as $dt |
	([$dt.processes[]?.threads[]? | select(.name == $p.dev)][0] // {}) as $dth |
	def dt_count(o; f): [o // {} | to_entries[] | select(.key | f) | .value] | add // 0;
	check_shown("DevTools' trace engine: events it kept, of the file's"; [$dt.events_kept, $dt.events_in];
	      eq([$tl | length, $tl | length])),
	check("DevTools' trace engine: one process, atstrace's, and the device's track by its BDF";
	      [($dt.processes // []) | length, ($dt.processes[0].name // "" | startswith("atstrace on ")),
	       $dth.name]; eq([1, true, $p.dev])),
	# a unit slip (ns or ms written as us) scales every time the engine shows
	check("DevTools' trace engine: the time its slices span, s, against the workload's";
	      ($dt.bounds_us.max // 0) - ($dt.bounds_us.min // 0) | . / 1e6;
	      between($run.atsflr.elapsed_s / 2; $run.atsflr.elapsed_s + 2)),
	check("DevTools' trace engine: reset-window slices on the device's track, against the summary's windows";
	      dt_count($dth.slices; startswith("reset window")); eq($a | windows_total)),
	check("DevTools' trace engine: the device's window time, us, against the file's";
	      dt_count($dth.slice_us; startswith("reset window")) * 1000 | round;
	      eq([$slices[].dur] | add // 0 | . * 1000 | round)),
	check("DevTools' trace engine: injected-delay slices, against the summary's delays";
	      [$dt.processes[]?.threads[]? | .slices["injected delay"] // 0] | add // 0; eq($s.injection.delayed)),
	check("DevTools' trace engine: invalidation instants on the device's track, against the summary's";
	      dt_count($dth.instants; . == "ATC invalidation" or . == "ATC invalidation IN RESET WINDOW");
	      eq($a.invalidations)),
	check("DevTools' trace engine: flagged instants, against the summary's flagged";
	      dt_count($dth.instants; startswith("ATC invalidation IN ")); eq($a | flagged)),
	check("DevTools' trace engine: attach instants, against the summary's attaches";
	      dt_count($dth.instants; startswith("attach ")); eq($a.attaches)),
	# --hist-by kind, interval mode: every interval's histograms (and the
	# partial last one) add up to what the final summary counted
	($run.hist_kind | records("summary")) as $ks | ($ks[-1] // {}) as $kf |
	($run.hist_kind | records("hist")) as $kh |
	def count_of(f): [$kh[] | select(f) | .buckets[].count] | add // 0;
	check_shown("--hist-by kind: intervals printed"; $ks | length; at_least(3)),
	check("--hist-by kind: every histogram by kind";
	      [$kh[] | .by] | unique; eq(["kind"])),
	check("--hist-by kind: latency samples of all devices, against the submissions";
	      count_of(.hist == "inv_latency" and (has("window_kind") | not));
	      eq([$kf.devices[]?.submissions] | add)),
	check("--hist-by kind: window samples per window kind, against the windows counted";
	      [$kh[] | select(.hist == "window") | {k: .window_kind, n: ([.buckets[].count] | add)}] |
		group_by(.k) | map({(.[0].k): (map(.n) | add)}) | add;
	      eq([$kf.devices[]?.windows | to_entries[] | select(.value > 0)] | group_by(.key) |
		 map({(.[0].key): (map(.value) | add)}) | add)),
	check("--hist-by kind: stopped by SIGINT, an exit of 0"; $run.rc.hist_kind; eq(0)),
	# --hist-by vendor: the VT-d driver's one latency histogram
	($run.hist_vendor | summary_record) as $vs |
	check("--hist-by vendor: latency histograms, by driver";
	      [$run.hist_vendor | records("hist")[] | select(.hist == "inv_latency") |
		{vendor, n: ([.buckets[].count] | add)}];
	      eq([{vendor: "vtd", n: ([$vs.devices[].submissions] | add)}]));
