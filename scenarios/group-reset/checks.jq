# group-reset (stages A, B, C in guest.sh): two functions in one IOMMU group.
# $expect: "bracketed" (the series) or "unbracketed".
include "judge";
def balanced($name; $oracle; $t; $pairs):
	check("B: \($name) windows"; $oracle | windows_total; at_least($pairs)),
	check("B: \($name) prepares traced, against its windows"; $t.tp_prepare; eq($oracle | windows_total)),
	check("B: \($name) dones traced, against its windows"; $t.tp_done; eq($oracle | windows_total)),
	check("B: \($name) bracket depth at the end"; $t.depth_at_end; eq(0));
def checks($run; $p; $expect):
	($run.text.groups | split("\n")) as $g |
	($run.oracle_a.devices[$p.f0] // {}) as $a0 | ($run.oracle_a.devices[$p.f1] // {}) as $a1 |
	($run.oracle.devices[$p.f0] // {}) as $b0 | ($run.oracle.devices[$p.f1] // {}) as $b1 |
	check("IOMMU groups of the two functions"; $g | length; eq(2)),
	check("distinct IOMMU groups among them"; $g | unique | length; eq(1)),
	check("A: atsflr exit"; $run.rc.atsflr_a; eq(0)),
	check("A: resets that succeeded"; $run.atsflr_a.reset.ok; at_least(5)),
	check_shown("A: function 0 windows"; $a0 | windows_total; at_least(5)),
	check("A: function 1 windows (only VFIO open and close reset it)"; $a1 | windows_total; at_most(2)),
	check_shown("A: function 1 invalidations while function 0 was in reset"; $run.reset_trace_a.other_devtlb_in_window; at_least(1)),
	check_shown("A: function 0 flagged"; $a0 | flagged; if $expect == "bracketed" then eq(0) else at_least(1) end),
	check("B: churn exit"; $run.rc.churn; eq(0)),
	check_shown("B: concurrent resets that succeeded"; $run.text.concurrent_resets_ok; eq(2 * $p.reset_pairs)),
	check("C: atsflr exit on a new container"; $run.rc.atsflr_c; eq(0)),
	check("C: unmaps"; $run.atsflr_c.unmap.ok; at_least(1)),
	check_shown("C: ATS enabled on both functions"; [$run.atsflr_c.devices[].ats_after.enabled]; eq([true, true])),
	only($expect; "bracketed";
		check("B: flagged on both functions"; ($b0 | flagged) + ($b1 | flagged); eq(0)),
		balanced("function 0"; $b0; $run.reset_trace_b_f0; $p.reset_pairs),
		balanced("function 1"; $b1; $run.reset_trace_b_f1; $p.reset_pairs));
