# smoke: IOMMU on, ATS enabled, the FLR storm runs, the oracle sees it and
# atstrace counts what the oracle counts.
include "judge";
def checks($run; $p; $expect):
	($run.atsflr.devices[] | select(.bdf == $p.dev)) as $d | $run.oracle as $o |
	($run.atstrace | summary_record) as $s |
	check("IOMMU units"; $run.facts.iommus | length; at_least(1)),
	check("ATS enabled on the device"; $d.ats_before.enabled; eq(true)),
	check("atsflr exit"; $run.rc.atsflr; eq(0)),
	check_shown("VFIO_DEVICE_RESETs that succeeded"; $run.atsflr.reset.ok; at_least(1)),
	check("DMA unmaps that succeeded"; $run.atsflr.unmap.ok; at_least(1)),
	check_shown("oracle: device-TLB invalidations to the device"; $o.devices[$p.dev].devtlb_descriptors // 0; at_least(1)),
	check("oracle: reset windows of the device"; $o.devices[$p.dev].windows // 0; at_least(1)),
	oracle_kept_up($o),
	vtd_queue_read($s; 1),
	check_shown("atstrace: device-TLB invalidations to the device"; $s.devices[$p.dev].invalidations // 0;
	      within($o.devices[$p.dev].devtlb_descriptors // 0; missed_slack($o; $s)));
