# Reads an oracle.trace (tracefs text: atsora kprobe events plus iommu
# tracepoints) and prints one JSON object about device DEV (awk -v dev=BDF):
# its FLR spans (pcie_flr entry to return), the prepares entered, its bracket windows (return of a
# successful prepare to the entry of done), the IOMMU driver attaches
# (iommu:attach_device_to_domain) inside each, the attaches refused
# (iommu:dev_reset_attach_rejected, each inside a bracket: prepare's entry to
# the end of done) and the bracket events. An attach made by
# prepare (between its entry and return) is a block, one made by done (between
# its entry and the end of the FLR) a restore; any other attach between the
# outermost prepare's entry and its done changed the device's domain in the
# middle of its reset (attaches_in_bracket_other). Before prepare, pcie_flr
# only waits for pending transactions: an attach there is legitimate. With -v other=BDF,
# also counts the VT-d device-TLB invalidations (descriptor types 3 and 8) to
# that other device while DEV is inside a window or an FLR.
# The lab resets one device at a time from one task, so entry/return events
# pair in order.
function hex(s,   i, c, v) {
	v = 0; s = tolower(s); sub(/^0x/, "", s)
	for (i = 1; i <= length(s); i++) { c = index("0123456789abcdef", substr(s, i, 1)); v = v * 16 + c - 1 }
	return v
}
function field(name,   i) {
	for (i = 1; i <= NF; i++) if (index($i, name "=") == 1) return substr($i, length(name) + 2)
	return ""
}
# the source-id of a device-TLB descriptor from its qw0 (hex text), or -1
function devtlb_sid(qw,   t) {
	sub(/^0x/, "", qw); qw = substr("0000000000000000" qw, length(qw) + 1)
	t = hex(substr(qw, 16, 1)) + 16 * int(hex(substr(qw, 14, 1)) / 2)
	if (t == 3) return hex(substr(qw, 5, 4))
	if (t == 8) return hex(substr(qw, 9, 4))
	return -1
}
BEGIN {
	split(dev, p, /[:.]/); want_bus = hex(p[2]); want_devfn = hex(p[3]) * 8 + hex(p[4])
	if (other != "") { split(other, p, /[:.]/); other_sid = hex(p[2]) * 256 + hex(p[3]) * 8 + hex(p[4]) }
	dev_re = "device=" dev "( |$)"
}
/ qisub: / {
	if (other == "" || !(in_win || in_flr)) next
	n = field("count") + 0
	for (i = 0; i < n && i < 16; i++) if (devtlb_sid(field("d" i)) == other_sid) other_in_win++
	next
}
/ flr: / { if (hex(field("bus")) == want_bus && field("devfn") + 0 == want_devfn) { in_flr = 1; flrs++ } next }
/ flr_r: / { in_done = 0; if (in_flr) { in_flr = 0; if (field("ret") + 0 == 0) flr_ok++ } next }
/ prep: / { if (hex(field("bus")) == want_bus && field("devfn") + 0 == want_devfn) { depth++; pending = 1; prepares++ } next }
/ prep_r: / { if (pending) { pending = 0; if (field("ret") + 0 == 0) { if (depth == 1) { in_win = 1; windows++ } } else depth-- } next }
/ done: / { if (hex(field("bus")) == want_bus && field("devfn") + 0 == want_devfn) { if (depth == 1) in_win = 0; if (depth > 0) depth--; dones++; in_done = 1 } next }
/ attach_device_to_domain: / {
	if ($0 !~ dev_re) next
	attaches++
	if (in_win) attach_in_window++
	if (pending) attach_block++
	else if (in_done) attach_restore++
	else if (depth > 0) attach_in_bracket_other++
	if (in_flr) attach_in_flr++
	next
}
# a refusal is right while the group is in recovery: from inside prepare
# (before its return is traced) to inside done (after its entry), so it is
# judged against the whole bracket, not the window
/ dev_reset_attach_rejected: / { if ($0 ~ dev_re) { rejected++; if (!(pending || in_win || in_done)) rejected_outside++ } next }
/ dev_reset_prepare: / { if ($0 ~ dev_re && field("pasid") == "0") { tp_prepare++; if (field("depth") + 0 > max_depth) max_depth = field("depth") + 0 } next }
/ dev_reset_done: / { if ($0 ~ dev_re && field("pasid") == "0") { in_done = 0; tp_done++; if (field("result") + 0 != 0) tp_done_err++ } next }
END {
	printf "{\"flrs\":%d,\"flrs_ok\":%d,\"prepares\":%d,\"windows\":%d,\"dones\":%d,\"depth_at_end\":%d,", flrs, flr_ok, prepares, windows, dones, depth
	printf "\"attaches\":%d,\"attaches_in_flr\":%d,\"attaches_in_window\":%d,", attaches, attach_in_flr, attach_in_window
	printf "\"attaches_block\":%d,\"attaches_restore\":%d,\"attaches_in_bracket_other\":%d,", attach_block, attach_restore, attach_in_bracket_other
	printf "\"other_devtlb_in_window\":%d,", other_in_win
	printf "\"rejected\":%d,\"rejected_outside_bracket\":%d,", rejected, rejected_outside
	printf "\"tp_prepare\":%d,\"tp_done\":%d,\"tp_done_errors\":%d,\"tp_max_depth\":%d}\n", tp_prepare, tp_done, tp_done_err, max_depth
}
