# attach-during-reset: iommufd replaces during an FLR storm. $expect:
# "bracketed" (refused inside a reset; only block and restore attach) or "unbracketed".
include "judge";
def checks($run; $p; $expect):
	$run.reset_trace as $t | $run.atsflr as $f |
	($run.atstrace | summary_record | .devices[$p.dev] // {}) as $a |
	($f.replace.errors.EBUSY // 0) as $ebusy |
	check("atsflr exit"; $run.rc.atsflr; eq(0)),
	check("resets that succeeded"; $f.reset.ok; at_least(5)),
	check("replace errors other than EBUSY"; [$f.replace.errors | to_entries[] | select(.key != "EBUSY") | .value] | add // 0; eq(0)),
	check_shown("FLRs traced"; $t.flrs; at_least(5)),
	check("FLRs traced that succeeded"; $t.flrs_ok; eq($t.flrs)),
	check("atstrace exit"; $run.rc.atstrace; eq(0)),
	check_shown("refused attaches atstrace counted, against atsflr's EBUSYs"; $a.attach_busy // -1; eq($ebusy)),
	# unbracketed, replaces land in the middle of FLRs
	check_shown("driver attaches inside FLRs"; $t.attaches_in_flr; if $expect == "bracketed" then reported else at_least(1) end),
	if $expect == "bracketed" then
		check_shown("replaces refused with EBUSY"; $ebusy; at_least(1)),
		check("refusals traced, against the EBUSYs"; $t.rejected; eq($ebusy)),
		check("refusals outside a bracket (prepare's entry to done's end)"; $t.rejected_outside_bracket; eq(0)),
		check("driver attaches inside windows"; $t.attaches_in_window; eq(0)),
		check("driver attaches inside brackets but block and restore"; $t.attaches_in_bracket_other; eq(0)),
		# not always equal: a transition that must succeed may move the group
		# to or from its blocking domain inside a window
		check("blocks (prepare's attaches)"; $t.attaches_block; at_least(1)),
		check("restores (done's attaches)"; $t.attaches_restore; at_least(1)),
		check("bracket windows, against the FLRs"; $t.windows; eq($t.flrs)),
		check("dones, against the windows"; $t.dones; eq($t.windows)),
		check("bracket depth at the end"; $t.depth_at_end; eq(0)),
		check("windows, atstrace vs oracle"; $a | windows_total; eq($t.windows)),
		check("replaces that succeeded (outside windows)"; $f.replace.ok; at_least(1))
	else
		check_shown("replaces refused with EBUSY"; $ebusy; eq(0))
	end;
