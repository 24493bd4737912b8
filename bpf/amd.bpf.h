/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Part of atstrace.bpf.c: AMD-Vi. Every command goes through
 * __iommu_queue_command_sync(), which only queues it; the wait is a later
 * COMPLETION_WAIT (iommu_completion_wait, a compiler clone that fentry
 * cannot name). The callers that flush device TLBs wait before they return,
 * with the domain lock held and IRQs off: amd_iommu_domain_flush_pages()
 * (unmap, flush-all), amd_iommu_dev_flush_pasid_pages() and
 * amd_iommu_update_and_flush_device_table() (a page table grown). Their fexit is
 * the completion point and the injection point; an attach op's return
 * completes the full-ATC flushes of device_flush_dte() (see on_attach).
 */

SEC("?fentry/__iommu_queue_command_sync")
int BPF_PROG(amd_submit_fentry, struct amd_iommu *iommu, struct iommu_cmd *cmd)
{
	struct amd_iommu_pci_seg *ps = BPF_CORE_READ(iommu, pci_seg);
	__u32 seg = BPF_CORE_READ(ps, id);
	struct iommu_cmd c;
	struct atc_inv inv;

	if (bpf_probe_read_kernel(&c, sizeof(c), cmd))
		return 0;
	if (atc_inv_decode_amd(c.data[0], c.data[1], c.data[2], c.data[3], &inv))
		on_atc_inv(ctx, seg << 16 | inv.sid, &inv, VENDOR_AMD,
			   submission_record(task_state_get(true), INFLIGHT_QUEUE));
	return 0;
}

/* a completion point: the queued commands of this task are done */
static __always_inline int amd_complete(void *ctx)
{
	maybe_inject(ctx, INFLIGHT_QUEUE, false);
	submission_complete(INFLIGHT_QUEUE);
	return 0;
}

SEC("?fexit/amd_iommu_domain_flush_pages")
int BPF_PROG(amd_complete_pages_fexit)
{
	return amd_complete(ctx);
}

SEC("?fexit/amd_iommu_dev_flush_pasid_pages")
int BPF_PROG(amd_complete_pasid_fexit)
{
	return amd_complete(ctx);
}

/*
 * A page table that grows a level rewrites and flushes every DTE of the
 * domain, device TLBs included, and waits (domain_flush_complete) with the
 * domain lock held and IRQs off, before it returns.
 */
SEC("?fexit/amd_iommu_update_and_flush_device_table")
int BPF_PROG(amd_complete_update_fexit)
{
	return amd_complete(ctx);
}
