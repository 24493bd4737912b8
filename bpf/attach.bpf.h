/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Part of atstrace.bpf.c: IOMMU attach, detach and PASID ops, through
 * generic slots, and the attaches kernel-patch/'s series refuses during a
 * reset.
 */

/* Set by user space before load: what each generic slot is attached to */
const volatile __u32 attach_op[ATTACH_SLOTS];
const volatile __s32 attach_dom_arg[ATTACH_SLOTS];
const volatile __s32 attach_dev_arg[ATTACH_SLOTS];
const volatile __s32 attach_pasid_arg[ATTACH_SLOTS];  /* -1: none */
const volatile __u32 attach_vendor[ATTACH_SLOTS];     /* enum submit_vendor of the op */

/* An attach, detach or PASID op on a selected device, or its refusal. */
static __always_inline void record_attach(__u32 rid, __u32 op, __u32 domain_type, int r,
					  __u32 pasid)
{
	struct dev_counts *c = counts_of(rid);
	struct event *e;

	if (c) {
		COUNT_INC(c->attaches);
		if (r)
			COUNT_INC(c->attach_errors);
		if (r == -16)
			COUNT_INC(c->attach_busy);
	}
	e = event_reserve(EV_ATTACH, rid);
	if (!e)
		return;
	e->attach.op = op;
	e->attach.domain_type = domain_type;
	e->attach.ret = r;
	e->attach.pasid = pasid;
	bpf_ringbuf_submit(e, 0);
}

static __always_inline int on_attach(void *ctx, int slot)
{
	__u64 dom = 0, devp = 0, pasid = ATC_NO_PASID, ret = 0;
	struct iommu_domain *domain;
	struct device *dev;
	struct pci_dev *pdev;
	__u32 rid;
	int r;

	/* an AMD op has waited for its own flushes (device_flush_dte) */
	if (attach_vendor[slot] == VENDOR_AMD)
		submission_complete(INFLIGHT_QUEUE);
	if (bpf_get_func_arg(ctx, attach_dev_arg[slot], &devp) || !devp)
		return 0;
	dev = (struct device *)devp;
	pdev = pdev_of(dev);
	if (!pdev)
		return 0;
	rid = pdev_rid(pdev);
	bpf_get_func_ret(ctx, &ret);
	r = (int)ret;
	/* every device's StreamIDs, reported or not: unknown ones block a PASS */
	if (attach_vendor[slot] == VENDOR_SMMUV3 && !r)
		smmu_learn_streams(dev, rid);
	if (!rid_selected(rid))
		return 0;
	if (attach_dom_arg[slot] >= 0)
		bpf_get_func_arg(ctx, attach_dom_arg[slot], &dom);
	if (attach_pasid_arg[slot] >= 0)
		bpf_get_func_arg(ctx, attach_pasid_arg[slot], &pasid);
	domain = (struct iommu_domain *)dom;
	record_attach(rid, attach_op[slot], domain ? BPF_CORE_READ(domain, type) : 0xffffffff, r,
		      (__u32)pasid);
	return 0;
}

/*
 * SMMUv3's attach sequence (6.10+), which its attach, identity, blocked and
 * PASID attaches all start with arm_smmu_attach_prepare(state, new_domain):
 * a kernel that builds the arm-smmu driver too (Debian's arm64 kernels) has
 * arm_smmu_attach_dev, _identity and _blocked twice, so those ops cannot
 * be hooked by name. This always teaches the device's StreamIDs, and
 * records the attach when the op that runs it is not hooked (user space
 * sets smmu_prepare_records, a mask of smmu_attach_class): each attach is
 * recorded once, by its op or here. A failure before prepare (domain
 * finalise, CD allocation) is not seen here; once prepare succeeds the
 * attach completes.
 */
const volatile __u32 smmu_prepare_records;
const volatile __s32 smmu_prepare_arg[SMMU_PREPARE_ARGS] = { 0, 1 };

SEC("?fexit/arm_smmu_attach_prepare")
int BPF_PROG(smmu_attach_prepare_fexit)
{
	__u64 statep = 0, dom = 0, ret = 0;
	struct arm_smmu_attach_state *state;
	struct iommu_domain *domain;
	struct arm_smmu_master *master;
	struct pci_dev *pdev;
	struct device *dev;
	__u32 rid, ssid, type;
	int r;

	if (!bpf_core_type_exists(struct arm_smmu_attach_state))
		return 0;
	if (bpf_get_func_arg(ctx, smmu_prepare_arg[SMMU_PREPARE_STATE], &statep) || !statep)
		return 0;
	bpf_get_func_arg(ctx, smmu_prepare_arg[SMMU_PREPARE_DOMAIN], &dom);
	bpf_get_func_ret(ctx, &ret);
	r = (int)ret;
	state = (struct arm_smmu_attach_state *)statep;
	master = BPF_CORE_READ(state, master);
	dev = master ? BPF_CORE_READ(master, dev) : NULL;
	pdev = dev ? pdev_of(dev) : NULL;
	if (!pdev)
		return 0;
	rid = pdev_rid(pdev);
	if (!r)
		smmu_learn_streams(dev, rid);
	if (!smmu_prepare_records || !rid_selected(rid))
		return 0;
	ssid = BPF_CORE_READ(state, ssid);
	domain = (struct iommu_domain *)dom;
	type = domain ? BPF_CORE_READ(domain, type) : 0xffffffff;
	if (!(smmu_prepare_records & smmu_attach_class(ssid, type)))
		return 0;
	record_attach(rid, ssid ? OP_SET_PASID : OP_ATTACH, type, r, ssid ? ssid : ATC_NO_PASID);
	return 0;
}

#define ATTACH_SLOT(n) \
SEC("?fexit") int BPF_PROG(attach_exit_##n) { return on_attach(ctx, n); }

SLOTS(ATTACH_SLOTS, ATTACH_SLOT)

/*
 * kernel-patch/'s iommu:dev_reset_attach_rejected: an attach, replace or
 * PASID attach refused with -EBUSY because the group is in reset. The core
 * refuses it before any driver op runs, so only this shows it.
 */
SEC("?tp_btf/dev_reset_attach_rejected")
int BPF_PROG(attach_rejected_tp, struct device *dev, unsigned int depth, u32 pasid, int result)
{
	struct pci_dev *pdev = pdev_of(dev);
	__u32 rid;

	if (!pdev)
		return 0;
	rid = pdev_rid(pdev);
	if (rid_selected(rid))
		record_attach(rid, pasid ? OP_SET_PASID : OP_ATTACH, 0xffffffff, result,
			      pasid ? pasid : ATC_NO_PASID);
	return 0;
}
