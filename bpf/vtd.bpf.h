/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Part of atstrace.bpf.c: Intel VT-d. qi_submit_sync() submits a batch of
 * descriptors and waits for them before it returns: the call takes an
 * in-flight record at its first ATC invalidation, its return releases it.
 */

/*
 * The descriptors are read where the kernel keeps them, one load each: the
 * batch pointer cast to the kernel's own struct qi_desc (bpf_rdonly_cast()
 * costs no instruction at run time; the load is fault-safe, like every
 * untrusted load), instead of a copy of the whole batch into a scratch
 * buffer first (186 guest instructions a call, measured by make bench).
 */
static __always_inline const struct qi_desc *vtd_desc_at(__u64 batch, __u32 i)
{
	return bpf_rdonly_cast((const void *)(batch + (__u64)i * sizeof(struct qi_desc)),
			       bpf_core_type_id_kernel(struct qi_desc));
}

/* what the loop over one batch's descriptors needs */
struct vtd_batch {
	void *ctx;
	__u64 desc;           /* the batch, as an address */
	struct inflight *fl;  /* the call's record */
	__u32 seg;
};

/*
 * One descriptor: a bpf_loop() body, so the verifier walks it once rather
 * than once per descriptor and per outcome of the ones before (the body
 * changes nothing of the batch, so its states converge at once).
 */
static int vtd_desc(__u32 i, struct vtd_batch *b)
{
	const struct qi_desc *d;
	struct atc_inv inv;

	if (i >= VTD_MAX_BATCH)
		return 1;
	d = vtd_desc_at(b->desc, i);
	if (!atc_inv_decode_vtd(d->qw0, d->qw1, &inv))
		return 0;
	global_inc(G_MAIN_DEVTLB);
	on_atc_inv(b->ctx, b->seg << 16 | inv.sid, &inv, VENDOR_VTD, b->fl);
	return 0;
}

/* whether the batch carries an ATC invalidation: most carry none */
static __always_inline bool vtd_batch_has_atc(__u64 batch, unsigned int count)
{
	for (int i = 0; i < VTD_MAX_BATCH; i++) {
		if (i >= count)
			break;
		if (atc_inv_is_vtd(vtd_desc_at(batch, i)->qw0))
			return true;
	}
	return false;
}

static __always_inline int vtd_submit(void *ctx, __u32 seg, struct qi_desc *desc, unsigned int count)
{
	struct vtd_batch b = { .ctx = ctx, .seg = seg, .desc = (__u64)desc };
	struct task_state *ts = submission_call(); /* every call: its return pops it */

	if (!count)
		return 0;
	if (count > VTD_MAX_BATCH) {
		global_inc(G_BATCH_TRUNCATED);
		count = VTD_MAX_BATCH;
	}
	/* descriptors are the hardware's 256-bit format: fixed layout */
	if (!vtd_batch_has_atc(b.desc, count))
		return 0;
	/* the call's record, taken once it carries an ATC invalidation */
	b.fl = submission_record(ts, INFLIGHT_CALL);
	bpf_loop(count, vtd_desc, &b, 0);
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
	/* before the completion is recorded: still in flight */
	maybe_inject(ctx, INFLIGHT_CALL, false);
	submission_complete(INFLIGHT_CALL);
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
	maybe_inject(ctx, INFLIGHT_CALL, true);
	submission_complete(INFLIGHT_CALL);
	return 0;
}

/*
 * The lean submission hook (vtd_queue.bpf.h): one run per descriptor, under
 * q_lock with IRQs off, its words as scalars, no copy and no completion
 * hook. A descriptor that is not an ATC invalidation costs the type test
 * alone; the range is decoded only for an invalidation that is reported.
 * Made to cost little: a device's counters, the window test, the unit.
 */
SEC("?tp_btf/qi_submit")
int BPF_PROG(vtd_submit_tp, struct intel_iommu *iommu, u64 qw0, u64 qw1, u64 qw2, u64 qw3)
{
	struct dev_counts *c;
	struct atc_inv inv;
	__u32 rid, kind;

	if (!atc_inv_is_vtd(qw0))
		return 0;
	rid = (__u32)iommu->segment << 16 | atc_inv_sid_vtd(qw0);
	/* before the count's barrier: a window opening after it reads this ring */
	vtd_unit_seen(iommu);
	if (!rid_selected(rid))
		return 0;
	c = counts_of(rid);
	if (!c)
		return 0;
	/* no submissions (batches): the tracepoint sees descriptors (vtd_queue.h) */
	COUNT_INC(c->invalidations);
	if (in_window(rid, &kind)) {
		if (atc_inv_decode_vtd(qw0, qw1, &inv))
			window_hit(ctx, rid, c, kind, &inv, VENDOR_VTD);
	} else if (want_inv_events) {
		if (atc_inv_decode_vtd(qw0, qw1, &inv))
			inv_event(rid, &inv, VENDOR_VTD);
	}
	return 0;
}

/*
 * A second vantage point for --assert: intel_iommu:qi_submit fires for every
 * descriptor qi_submit_sync() queues. Device-TLB invalidations that reach
 * the hardware another way, or batches the hook misread, show as a
 * difference between the two counts (and make the verdict INCONCLUSIVE).
 * It also fires again for a batch qi_submit_sync() resubmits after an
 * invalidation time-out, which is itself worth a look.
 */
SEC("?tp_btf/qi_submit")
int BPF_PROG(vtd_qi_submit_tp, struct intel_iommu *iommu, u64 qw0, u64 qw1, u64 qw2, u64 qw3)
{
	struct atc_inv inv;

	if (atc_inv_decode_vtd(qw0, qw1, &inv))
		global_inc(G_TP_DEVTLB);
	return 0;
}
