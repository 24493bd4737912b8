# atstrace-cli: plan, --verify, errors, runs that end badly, nothing left attached.
# $expect "series": the series' tracepoints are preferred (tp_btf) and verified.
include "judge";
def number($s; $re): [$s | capture($re)][0].n // null | if . then tonumber else null end;
def checks($run; $p; $expect):
	($run.cases | by_name) as $c | $c.list_probes.out as $plan | $c.verify.out as $v |
	check("--list-probes: exit"; $c.list_probes.rc; eq(0)),
	check_shown("--list-probes: rows that attach"; $plan | split("\n") | map(select(test(" attach"))) | length; at_least(5)),
	check("--list-probes: a required row missing"; $plan | test("MISSING \\(required\\)"); eq(false)),
	# the JSON header carries the same plan, and the version --version prints
	($c.list_probes_json.out | fromjson? // {}) as $h |
	check("--list-probes --json: exit"; $c.list_probes_json.rc; eq(0)),
	check("--list-probes --json: the header's plan rows, against the text plan's";
	      [$h.probe_plan[]?.event] | length; eq($plan | split("\n") | .[2:] | map(select(length > 0)) | length)),
	check("--list-probes --json: rows that attach, against the text plan's";
	      [$h.probe_plan[]? | select(.status | startswith("attach"))] | length;
	      eq($plan | split("\n") | .[2:] | map(select(test("^\\S+ +\\S+ +\\S+ +attach"))) | length)),
	check_shown("--version"; $c.version.out | rtrimstr("\n"); eq("atstrace \($h.version // "?")")),
	check("--verify: exit"; $c.verify.rc; eq(0)),
	check("--verify: programs in the object"; number($v; "programs of (?<n>[0-9]+)"); at_least(1)),
	# every program verified or named as not verifiable here (its tracepoint
	# or driver is absent); SMMUv3's against a stand-in
	check_shown("--verify: verified + not verifiable"; number($v; "verified: (?<n>[0-9]+) programs") +
		number($v; "not verified [^:]*: (?<n>[0-9]+)"); eq(number($v; "programs of (?<n>[0-9]+)"))),
	check("--verify: SMMUv3 programs verified"; $v | test("smmu_submit_fentry") and test("smmu_complete_fexit"); eq(true)),
	# AER and DPC recovery windows: against pcie_do_recovery itself, no stand-in
	check("--verify: error-recovery programs verified on the kernel's own function";
	      $v | test("(stand-in|not verified)[^\n]*recovery_f"); eq(false)),
	only($expect; "series";
		check("the series' tp_btf rows that attach"; $plan | split("\n") |
			map(select(test("^[a-z_]+ +tp_btf +dev_reset_[a-z_]+ +attach$"))) | length; eq(2)),
		check("the series' tracepoint programs not verified"; $v | test("not verified[^\n]*_tp"); eq(false))),
	refused("unknown option"; $c.unknown_option; "unknown option"),
	refused("malformed BDF"; $c.bad_device; "invalid device"),
	refused("malformed duration"; $c.bad_duration; "invalid duration"),
	refused("missing privileges"; $c.no_privileges; "permission denied"),
	check("--assert -- true: exit"; $c.vacuous.rc; eq(3)),
	check("--assert -- true: verdict"; $c.vacuous.out; matches("INCONCLUSIVE")),
	check("--assert without a command: exit"; $c.command_missing.rc; eq(2)),
	# FAIL where the kernel lets invalidations into windows, INCONCLUSIVE where not
	((["cmd_fails", "the command exited 1"], ["interrupted", "stopped by SIGINT"],
	  ["terminated", "stopped by SIGTERM"], ["consumer_gone", "output could not be written"])
	 as [$case, $cause] |
		check("\($case): exit (never a PASS)"; $c[$case].rc; between(1; 3)),
		check("\($case): exit (not a tool error)"; $c[$case].rc; ne(2)),
		check("\($case): the verdict names the cause"; $c[$case].err; matches($cause))),
	check("a second SIGINT: exit at once, 128 + SIGINT"; $c.twice.rc; eq(130)),
	# SIGUSR1: two summaries so far, then the final one with its verdict
	($c.usr1.out | split("\n") | map(fromjson? | select(.type == "summary"))) as $sums |
	check_shown("SIGUSR1 twice: summaries (two so far, the final one)"; $sums | length; eq(3)),
	check("SIGUSR1: the summaries so far carry no verdict"; [$sums[:2][] | has("verdict")]; eq([false, false])),
	check("SIGUSR1: the run went on to a verdict"; $c.usr1.rc; between(0; 1)),
	check("SIGUSR1: invalidations so far, never going down";
	      [$sums[] | [.devices[].invalidations] | add // 0] | . == sort and .[0] > 0; eq(true)),
	# --ktap: KTAP alone on standard output, kselftest's exit codes, read
	# by the kernel tree's own parser (derive.sh)
	($c.ktap_run.out | [capture("\n# atstrace: (?<w>[A-Z]+):")][0].w // "none") as $word |
	check("--ktap: standard output starts as KTAP version 1";
	      $c.ktap_run.out | startswith("KTAP version 1\n"); eq(true)),
	check_shown("--ktap: exit, against the verdict it states (\($word))"; $c.ktap_run.rc;
	      eq({PASS: 0, FAIL: 1, INCONCLUSIVE: 4}[$word])),
	check("--ktap: tests the kernel's KTAP parser read"; [$run.ktap_ktap_run.test_cases[]?] | length; eq(6)),
	check("--ktap: the kernel's parser finds a failed test exactly when atstrace exits 1";
	      [$run.ktap_ktap_run.test_cases[]? | select(.status == "FAIL")] | length > 0;
	      eq($c.ktap_run.rc == 1)),
	check("--ktap, a run that proves nothing: exit"; $c.ktap_nothing.rc; eq(4)),
	check("--ktap, a run that proves nothing: tests the kernel's parser read as skipped";
	      [$run.ktap_ktap_nothing.test_cases[]? | select(.status == "SKIP")] | length; eq(6)),
	refused("--ktap without --assert"; $c.ktap_refused; "needs --assert"),
	check_shown("programs left attached after exit"; $c.bpf_left_behind.out | gsub("\\s"; "") | tonumber? // -1; eq(0));
