# The judge engine and its predicates (jq -L lab/judge; include "judge").
#
# A scenario's checks.jq defines
#   def checks($run; $p; $expect): check(NAME; OBSERVED; PREDICATE), ...;
# (check_shown: one whose value a passing run reports). A check is one
# record: its name, the value observed, the predicate and the value it
# expects, and whether it held; the reason of a failing run is generated
# from the failed records, so a check's prose and code cannot drift.

# ------------------------------------------------------------- loading

# A small text file's value: a number or a boolean when it is one.
def scalar: rtrimstr("\n") | tonumber? // (if . == "true" then true elif . == "false" then false else . end);

# The run's files, from judge.sh's named arguments (KIND:NAME).
def load_run:
	reduce ($ARGS.named | to_entries[]) as $e ({rc: {}, err: {}, text: {}};
		($e.key | index(":")) as $i |
		($e.key[:$i]) as $kind | ($e.key[$i + 1:]) as $name |
		if $kind == "ndjson" then .[$name] = $e.value
		elif $kind == "json" then
			.[$name] = (if $name == "params" then ($e.value | add)
				    elif ($e.value | length) == 1 then $e.value[0] else $e.value end)
		elif $kind == "rc" then .rc[$name] = ($e.value | scalar)
		elif $kind == "err" then .err[$name] = $e.value
		else .text[$name] = ($e.value | scalar) end);

# ------------------------------------------------------------- records

def check($name; $observed; pred):
	{name: $name, observed: $observed} + ($observed | pred);
# a check whose value a passing run reports in its one-line reason
def check_shown($name; $observed; pred): check($name; $observed; pred) + {shown: true};

# Applies only when e2e.list expects $e of this kernel.
def only($expect; $e; f): if $expect == $e then f else empty end;
# Checks that can hold only if the run did what they are about: when $cond
# is false (a race the workload did not hit this time, as another observer
# saw), they are replaced by one record that makes the run a SKIP naming
# $why, never a pass. A run that fails another check still fails.
def exercised($cond; $why; f):
	if $cond then f
	else {name: "exercised: \($why)", observed: false, pred: "exercised", expected: true,
	      ok: true, skip: $why} end;

def observations: map({(.name): .observed}) | add // {};

def message:
	"\(.name): \(.observed | tojson | .[:200]), expected \(.pred) \(.expected | tojson | .[:200])";

def show: if type == "string" then . elif type == "number" then (. * 1000 | round / 1000 | tostring) else tojson end;

def verdict($all):
	# a name twice is the judge's own bug (a pipe that multiplied the list)
	($all + ([$all | group_by(.name)[] | select(length > 1) | .[0].name] |
		if length > 0 then [{name: "check names unique", observed: ., pred: "==", expected: [], ok: false}]
		else [] end)) as $checks |
	($checks | map(select(.ok | not))) as $bad |
	($checks | map(select(.skip))) as $unexercised |
	{verdict: (if ($checks | length) > 0 and ($bad | length) == 0 then
			(if ($unexercised | length) > 0 then "skip" else "pass" end)
		   else "fail" end),
	 reason: (if ($checks | length) == 0 then "the scenario ran no check"
		  elif ($bad | length) == 0 and ($unexercised | length) > 0 then
			"not exercised: " + ($unexercised | map(.skip) | join("; ")) +
			" (the other \($checks | length - ($unexercised | length)) checks passed)"
		  elif ($bad | length) == 0 then
			"\($checks | length) checks passed; " +
			($checks | map(select(.shown) | "\(.name): \(.observed | show)") | join(", "))
		  else $bad | map(message) | join("; ") end),
	 observed: ($checks | observations),
	 expected: ($checks | map({(.name): "\(.pred) \(.expected | tojson)"}) | add // {}),
	 checks: $checks};

# ------------------------------------------------------------- predicates
# Each runs on the observed value and returns {pred, expected, ok}. A null
# observation (a file or field the run did not produce) fails every
# comparison.

def eq($x): {pred: "==", expected: $x, ok: (. == $x)};
def ne($x): {pred: "!=", expected: $x, ok: (. != null and . != $x)};
def at_least($x): {pred: ">=", expected: $x, ok: (. != null and . >= $x)};
def at_most($x): {pred: "<=", expected: $x, ok: (. != null and . <= $x)};
def between($lo; $hi): {pred: "between", expected: [$lo, $hi],
			ok: (. != null and . >= $lo and . <= $hi)};
# two observers' counts agree but for what either one demonstrably missed
def within($ref; $slack): {pred: "within \($slack) of", expected: $ref,
			   ok: (. != null and $ref != null and ((. - $ref) | fabs) <= $slack)};
def matches($re): {pred: "matching", expected: $re,
		   ok: (type == "string" and test($re; "i"))};
# reported, not judged (a figure the headline and the reader need)
def reported: {pred: "reported", expected: null, ok: true};

# ------------------------------------------------------------- run helpers

# atstrace's summary, its devices (an array, each named by "device") keyed
# by BDF for the checks
def summary_record: (map(select(.type == "summary"))[0] // {}) |
	if (.devices | type) == "array" then .devices |= (map({(.device): .}) | add // {}) else . end;
def records($type): map(select(.type == $type));
def flagged: (.in_window // 0) + (.in_flight_at_open // 0);
# every scenario whose run has atstrace NDJSON: each record as
# docs/atstrace.schema.json describes it (judge.sh ran schema-check.py)
def schema_checks($run): ($run.schema_check // {streams: [], error_count: 0}) as $c |
	if ($c.streams | length) == 0 and $c.error_count == 0 then empty
	else check("atstrace NDJSON valid against docs/atstrace.schema.json";
		   {streams: ($c.streams | length), records: $c.records, errors: $c.errors};
		   .errors | eq([])) end;
# atstrace counts windows per kind, the oracle in one number
def windows_total: .windows // 0 | if type == "object" then ([.[]] | add // 0) else . end;
# a device's own reset windows, without the bus resets (and recoveries) above it
def function_windows: .windows // 0 | if type == "object" then (del(.secondary_bus, .recovery) | [.[]] | add // 0) else . end;
# "0000:01:00.0" -> 256: a BDF's requester ID (bus << 8 | device << 3 | function)
def bdf_rid: capture("^[0-9a-fA-F]{4}:(?<b>[0-9a-fA-F]{2}):(?<d>[0-9a-fA-F]{2})\\.(?<f>[0-7])$") |
	[.b, .d, .f] | map(ascii_downcase | explode | reduce .[] as $c (0; . * 16 + ($c | if . >= 97 then . - 87 else . - 48 end))) |
	.[0] * 256 + .[1] * 8 + .[2];
def median: sort | if length == 0 then null elif length % 2 == 1 then .[length / 2 | floor]
		   else (.[length / 2 - 1] + .[length / 2]) / 2 end;

# Invalidation descriptors two observers may count differently because one of
# them missed whole qi_submit_sync calls: a kprobe hit nested in another
# handler (the oracle) or a BPF program nested in itself (atstrace). A call
# carries 16 descriptors at most, an SMMUv3 command list 64 commands. (-1:
# the oracle had no such probe.)
def missed_slack($oracle; $summary):
	(if ($oracle.smmu_cmdq.lists // 0) > 0 then 64 else 16 end) as $per_call |
	16 * ([$oracle.qi_submit_missed // 0, 0] | max) + 64 * ([$oracle.smmu_cmdlist_missed // 0, 0] | max) +
	$per_call * ($summary.submit_recursion_misses // 0);

# The largest gap between the two observers' edges of one window that a
# correct tool can show on the run's machine (run.sh's machine.json): 50 ms
# (see agrees_with_oracle), plus, on single-threaded TCG with more than one
# vCPU, QEMU's round-robin kick period for each other vCPU (100 ms of
# QEMU's virtual clock, TCG_KICK_PERIOD in QEMU 7.2: a vCPU stopped between
# the two probes waits while the others run their slices). Measured: 57 ms
# in the 30-minute soak on lab-6.12-debug (two vCPUs, single-threaded).
def edge_gap_bound_ms: ($ARGS.named["json:machine"][0] // {}) as $m |
	50 + (if $m.tcg == "single" and ($m.cpus // 1) > 1 then 100 * ($m.cpus - 1) else 0 end);

# ------------------------------------------------------------- named checks

# atstrace against the oracle for one device: invalidations equal but for
# missed submissions, windows equal, flagged inside the oracle's edge band
# (submissions near a window edge on another CPU, see README).
def agrees_with_oracle($prefix; $summary; $oracle; $dev):
	($summary.devices[$dev] // {}) as $a | ($oracle.devices[$dev] // {}) as $o |
	($o | flagged) as $of |
	check_shown("\($prefix)invalidations, atstrace vs oracle"; $a.invalidations // 0;
	      within($o.devtlb_descriptors // 0; missed_slack($oracle; $summary))),
	check_shown("\($prefix)windows, atstrace vs oracle"; $a | function_windows; eq($o | windows_total)),
	check_shown("\($prefix)flagged, atstrace vs the oracle's edge band"; $a | flagged;
	      between($of - ($o.edge_in // 0); $of + ($o.edge_out // 0))),
	# The band widens by the gap between the two observers' window edges,
	# so the gap itself is bounded: a window atstrace opens or closes late
	# (at the device's ready instead of the FLR write: 110 ms) would
	# otherwise widen the band over everything it missed. The largest gap
	# in a whole make test was 3.2 ms, 9 ms with a kernel build beside it;
	# an FLR's window lasts at least its 100 ms wait (edge_gap_bound_ms:
	# more on single-threaded TCG).
	if ($oracle.observer_windows // 0) > 0 then
		check("\($prefix)window edges, atstrace vs oracle: largest gap (ms)";
		      ($oracle.max_observer_gap_ns // 0) / 1e6; at_most(edge_gap_bound_ms))
	else empty end;

# atstrace with VT-d's lean hook (no --hist, no injection: the qi_submit
# tracepoint alone) reads the invalidation queues of the units at every
# window's opening for what is still in flight. Proof the rings were read:
# device-TLB invalidations found in them whatever their status, per ring
# read, at least $min. Not proof they were read where the descriptors are:
# how many a ring holds depends on the traffic (hot-reset 59.5-82 a ring,
# smoke 65.6-85, reset-soak 23-27, whose replaces and resets flush other
# caches), and a scan that reads descriptors at the wrong size still finds
# 51 (mutant vtd-ring-wrong-size survives). The scenarios ask for 1.
def vtd_queue_read($summary; $min):
	check("VT-d in flight read from the invalidation queues (lean hook)";
	      $summary.vtd_queue != null; eq(true)),
	check("VT-d rings read at window openings"; $summary.vtd_queue.rings_read // 0; at_least(1)),
	check("device-TLB invalidations found per ring read";
	      if ($summary.vtd_queue.rings_read // 0) > 0
	      then $summary.vtd_queue.devtlb_in_rings / $summary.vtd_queue.rings_read else 0 end;
	      at_least($min));
def no_ringbuf_drops($summary): check("events lost to a full ring buffer"; $summary.ringbuf_drops; eq(0));
def oracle_kept_up($oracle):
	check("oracle trace events lost"; $oracle.overrun; eq(0)),
	check("oracle events its tables could not hold"; $oracle.events_lost; eq(0));
# a tool's refusal: exit 2 and a message naming the problem
def refused($name; $case; $re):
	check("\($name): exit"; $case.rc; eq(2)),
	check("\($name): message"; $case.err // $case.stderr; matches($re));
# NDJSON records with a .name (a guest's table of cases), keyed by it
def by_name: map({(.name): .}) | add // {};
