# inject-vocabulary: --inject-delay's kernel fault-injection options pick
# exactly the completions they name; every delayed one is a record.
include "judge";
def injections($ev): $ev | records("injection");
def calls($ev): [injections($ev)[].call];
def delayed($ev): ($ev | summary_record).injection.delayed;
def checks($run; $p; $expect):
	($p.delay_us * 1000) as $delay |
	# space N, interval K, times T: calls N+K, N+2K, ... N+T*K
	[range(1; $p.times + 1) | $p.space + . * $p.interval] as $named |
	check_shown("space + interval + times: the calls delayed"; calls($run.atstrace_interval) | length;
	      eq($p.times)),
	check("space + interval + times: exactly the calls they name"; calls($run.atstrace_interval); eq($named)),
	check("space + interval + times: records, against the summary's count";
	      injections($run.atstrace_interval) | length; eq(delayed($run.atstrace_interval))),
	check("eligible completions beyond the last one delayed";
	      ($run.atstrace_interval | summary_record).injection.eligible; at_least($named[-1])),
	check("each record delayed by at least the request";
	      [injections($run.atstrace_interval)[] | select(.delay_ns < $delay)] | length; eq(0)),
	check("-v: each record with a stack through the VT-d driver";
	      [injections($run.atstrace_interval)[] | .stack // [] | map(select(test("qi_|iotlb|intel_iommu|iommu"))) | length > 0] | unique;
	      eq([true])),
	check_shown("seeded probability: calls delayed"; calls($run.atstrace_seed_a) | length; eq($p.seed_times)),
	check("seeded probability: the same seed delays the same calls";
	      calls($run.atstrace_seed_b); eq(calls($run.atstrace_seed_a))),
	check("seeded probability: another seed delays other calls";
	      calls($run.atstrace_seed_c) == calls($run.atstrace_seed_a); eq(false)),
	# about 1 in 1/P: the last of T picks lies near T/P
	check("seeded probability: the share of calls picked (last call / times)";
	      (calls($run.atstrace_seed_a)[-1] // 0) * $p.prob / $p.seed_times; between(0.5; 2)),
	check("--inject-comm, another task's name: completions eligible";
	      ($run.atstrace_comm_other | summary_record).injection.eligible; eq(0)),
	check_shown("--inject-comm, its own name: completions delayed"; delayed($run.atstrace_comm_self); at_least(10)),
	check("--inject-comm: every record's task"; [injections($run.atstrace_comm_self)[].task] | unique; eq(["atsother"])),
	check_shown("--inject-cgroup, inside it: completions delayed"; delayed($run.atstrace_cgroup_in); at_least(10)),
	check("--inject-cgroup, outside it: completions eligible";
	      ($run.atstrace_cgroup_out | summary_record).injection.eligible; eq(0)),
	check("--inject-cgroup, outside it: the workload's unmaps traced";
	      [($run.atstrace_cgroup_out | summary_record).devices[].invalidations] | add // 0; at_least(100)),
	refused("--inject-cgroup on a directory that is no cgroup"; {rc: $run.rc.bad_cgroup, err: $run.err.bad_cgroup};
		"not a cgroup v2 directory"),
	refused("--inject-interval 0"; {rc: $run.rc.bad_interval, err: $run.err.bad_interval}; "invalid");
