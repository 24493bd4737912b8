# post-reset-health: after resets the NIC is back on virtio-net, ATS as before,
# packets moving; the same network check ran before any reset. $expect
# "noats": an IOMMU that never enables ATS (QEMU's SMMUv3): ATS off before
# and after.
include "judge";
def moved: .gateway_lladdr != "" and .rx_packets > 0 and .tx_packets > 0;
def checks($run; $p; $expect):
	$run.net_before.before as $b | $run.net_after.after as $a |
	check_shown("FLRs that succeeded"; $run.flr.reset.ok; at_least(1)),
	check_shown("hot resets that succeeded"; $run.hot.reset.ok; at_least(1)),
	check_shown("sysfs resets that succeeded"; $run.text.sysfs_resets_ok; eq($p.sysfs_resets)),
	check("packets through the NIC before any reset (gateway learnt, rx, tx)"; $b | moved; eq(true)),
	check("driver after the resets"; $a.driver; eq("virtio-pci")),
	check_shown("ATS control after the resets"; $a.ats; matches(if $expect == "noats" then "^enable=0 " else "^enable=1 " end)),
	check("ATS control after, against before"; $a.ats; eq($b.ats)),
	check("packets through the NIC after the resets (gateway learnt, rx, tx)"; $a | moved; eq(true)),
	check_shown("after: gateway, ping exit, rx, tx"; [$a.gateway_lladdr, $a.ping_exit, $a.rx_packets, $a.tx_packets]; reported);
