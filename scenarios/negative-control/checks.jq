# negative-control: fio keeps the ATS disk busy while the other device is
# reset; the disk's invalidations are counted like the oracle, never flagged.
include "judge";
def checks($run; $p; $expect):
	($run.atstrace | summary_record) as $s | ($s.devices[$p.disk] // {}) as $a |
	($run.oracle.devices[$p.disk] // {}) as $o |
	check("fio exit"; $run.rc.fio; eq(0)),
	check("fio I/Os"; $run.fio.jobs[0].read.total_ios + $run.fio.jobs[0].write.total_ios; at_least(1)),
	check_shown("disk invalidations"; $a.invalidations // 0; at_least(1)),
	check("disk invalidations, atstrace vs oracle"; $a.invalidations // 0;
	      within($o.devtlb_descriptors // 0; missed_slack($run.oracle; $s))),
	check_shown("disk invalidations atstrace flagged"; $a | flagged; eq(0)),
	check("disk invalidations the oracle put in a window"; $o | flagged; eq(0)),
	check_shown("reset windows of the other device"; $s.devices[$p.dev] // {} | windows_total; at_least(1));
