# aer-failed: an AER recovery that fails (a function without a driver) on the
# series: the functions it reset stay blocked, a kernel driver is refused,
# VFIO's reset at close restores the other function, atstrace keeps the
# driverless one in its window to the end. lab-6.12 only: on a kernel
# without the series the refused bind would bind a driver to a device whose
# registers the failed recovery left reset (and virtio's reset poll on it
# never ends).
include "judge";
def count($d; $re): [$d | scan($re)] | length;
def checks($run; $p; $expect):
	($run.atstrace | summary_record) as $s | $run.text.dmesg as $d |
	($run.atstrace | records("window")) as $closes |
	check("the monitor injected it"; $run.text.monitor; matches("OK id: \($p.port) ")),
	check("fatal error reported"; $d; matches("AER: Uncorrect[a-z]* \\(Fatal\\) error")),
	check_shown("recoveries that failed, for want of a driver";
	      [count($d; "AER: device recovery failed"), count($d; "\($p.nodrv): AER: can't recover \\(no error_detected callback\\)")];
	      eq([1, 1])),
	check_shown("functions kept blocked after the failed reset";
	      count($d; "(\($p.dev)|\($p.nodrv)): not ready after reset; DMA stays blocked until a reset succeeds"); eq(2)),
	check_shown("ATS Enable of \($p.dev): blocked, then after VFIO's reset";
	      [$run.text.ats_blocked, $run.text.ats_restored] | map(capture("enable=(?<e>[0-9a-z]+)").e? // null);
	      eq(["0", "1"])),
	check_shown("a kernel driver for the blocked \($p.nodrv)"; $run.text.bind_driver | rtrimstr("\n"); eq("")),
	check("... refused by the IOMMU core, with the reason";
	      $d; matches("\($p.nodrv): DMA is blocked by a reset in progress or one that did not complete")),
	check_shown("restored by VFIO's reset at close: \($p.dev) only";
	      [count($d; "\($p.dev): ready after reset; DMA restored"), count($d; "\($p.nodrv): ready after reset; DMA restored")];
	      eq([1, 0])),
	check_shown("\($p.dev) pings on its own driver afterwards"; $run.net_after.after.ping_exit; eq(0)),
	check("traffic exit"; $run.rc.churn; eq(0)),
	check_shown("atstrace exit"; $run.rc.atstrace; eq(0)),
	check("invalidations to the blocked functions inside windows"; [$s.devices[$p.dev, $p.nodrv] | flagged?] | add // 0; eq(0)),
	check("invalidations to \($p.dev)"; $s.devices[$p.dev].invalidations // 0; at_least(1)),
	check("invalidations outside the recovery"; $s.devices[$p.outside].invalidations // 0; at_least(1)),
	# the driverless function's window never closed; the other's stayed open
	# from the failed recovery to VFIO's reset (its open's reset: ~0.1 s)
	check_shown("windows in atstrace: \($p.dev)'s closes over 1 s long, \($p.nodrv)'s closes";
	      [($closes | map(select(.device == $p.dev and .duration_ns > 1000000000)) | length),
	       ($closes | map(select(.device == $p.nodrv)) | length)];
	      eq([1, 0])),
	check("tool health: what atstrace lost or could not see";
	      $s.health | if . == null then null else with_entries(select(.value != 0)) end; eq({})),
	oracle_kept_up($run.oracle);
