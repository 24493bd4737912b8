/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Part of atstrace.bpf.c: Intel VT-d. qi_submit_sync() submits a batch of
 * descriptors and waits for them before it returns: its entry starts this
 * CPU's in-flight set, its return completes it.
 */

static __always_inline int vtd_submit(void *ctx, __u32 seg, struct qi_desc *desc, unsigned int count)
{
	struct cmd_buf *buf = bpf_map_lookup_elem(&cmd_scratch, &zero_key);
	struct inflight *fl = submission_begin();

	if (!buf || !count)
		return 0;
	if (count > VTD_MAX_BATCH)
		count = VTD_MAX_BATCH;
	/* descriptors are the hardware's 256-bit format: fixed layout */
	if (read_cmds(buf, desc, (__u64)count * 32))
		return 0;
	for (int i = 0; i < VTD_MAX_BATCH; i++) {
		struct atc_inv inv;

		if (i >= count)
			break;
		if (atc_inv_decode_vtd(buf->dw[4 * i], buf->dw[4 * i + 1], &inv))
			on_atc_inv(ctx, seg << 16 | inv.sid, &inv, VENDOR_VTD, fl);
	}
	return 0;
}

SEC("?fentry/qi_submit_sync")
int BPF_PROG(vtd_submit_fentry, struct intel_iommu *iommu, struct qi_desc *desc, unsigned int count)
{
	/* a typed argument: a direct (faulting-safe) load, no helper call */
	return vtd_submit(ctx, iommu->segment, desc, count);
}

SEC("?fexit/qi_submit_sync")
int BPF_PROG(vtd_complete_fexit)
{
	maybe_inject(false); /* before the completion is recorded: still in flight */
	submission_complete();
	return 0;
}

SEC("?kprobe/qi_submit_sync")
int BPF_KPROBE(vtd_submit_kprobe, struct intel_iommu *iommu, struct qi_desc *desc, unsigned int count)
{
	return vtd_submit(ctx, BPF_CORE_READ(iommu, segment), desc, count);
}

SEC("?kretprobe/qi_submit_sync")
int BPF_KRETPROBE(vtd_complete_kretprobe)
{
	maybe_inject(true);
	submission_complete();
	return 0;
}
