# reset-method-probe: writing reset_method only probes. $expect: "none" (the
# series) or "brackets" (upstream 7.x blocks and unblocks on each probe).
include "judge";
def checks($run; $p; $expect):
	($run.text.writes | split("\n") | map(split("=") | {(.[0]): (.[1] | tonumber)}) | add) as $w |
	check("reset_method writes refused (flr, bus, default)"; [$w.flr, $w.bus, $w.default]; eq([0, 0, 0])),
	check("reset_method after the probes"; $run.text.methods_after; eq($run.text.methods_before)),
	check("churn exit"; $run.rc.churn; eq(0)),
	check_shown("FLRs while probing"; $run.probing.flrs; eq(0)),
	check_shown("prepares while probing"; $run.probing.prepares; if $expect == "none" then eq(0) else at_least(1) end),
	check_shown("IOMMU attaches while probing"; $run.probing.attaches; if $expect == "none" then eq(0) else reported end);
