/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Part of atstrace.bpf.c: Arm SMMUv3, whose commands name devices by
 * StreamID: the submission path, and the StreamIDs learnt at attach.
 */

/* SMMUv3 StreamID -> segment:bus:devfn, filled at attach */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, ATSTRACE_MAX_DEVICES);
	__type(key, struct sid_key);
	__type(value, __u32);
} sid_map SEC(".maps");

/*
 * arm_smmu_cmdq_issue_cmdlist(smmu, cmdq, cmds, n, sync) (static in 6.12,
 * global in 7.x; module BTF) issues n 16-byte commands and, with sync set,
 * waits for a CMD_SYNC behind them: a batch sent without sync completes at
 * the next call with sync on that CPU. The fexit of a sync call is the
 * completion and injection point (IRQs are on again there). Arguments are
 * read untyped: the cmds type differs between versions.
 */
struct smmu_batch {
	void *ctx;
	struct cmd_buf *buf;
	struct inflight *fl;  /* the queue's record */
	__u64 smmu;
};

/* one command: a bpf_loop() body, walked once by the verifier (see vtd_desc) */
static int smmu_cmd(__u32 i, struct smmu_batch *b)
{
	struct sid_key key = { .smmu = b->smmu };
	struct atc_inv inv;
	__u32 *rid;

	if (i >= SMMU_MAX_BATCH)
		return 1;
	if (!atc_inv_decode_smmuv3(b->buf->dw[2 * i], b->buf->dw[2 * i + 1], &inv))
		return 0;
	key.sid = inv.sid;
	rid = bpf_map_lookup_elem(&sid_map, &key);
	if (!rid) {
		global_inc(G_SID_UNKNOWN);
		return 0;
	}
	on_atc_inv(b->ctx, *rid, &inv, VENDOR_SMMUV3, b->fl);
	return 0;
}

static __always_inline bool smmu_batch_has_atc(const struct cmd_buf *buf, __u64 n)
{
	for (int i = 0; i < SMMU_MAX_BATCH; i++) {
		if (i >= n)
			break;
		if ((buf->dw[2 * i] & 0xff) == SMMU_CMD_ATC_INV)
			return true;
	}
	return false;
}

/*
 * Where arm_smmu_cmdq_issue_cmdlist()'s arguments are: user space finds
 * them by name in the module's BTF (the list has changed across releases);
 * 6.12's positions by default.
 */
const volatile __s32 smmu_arg[SMMU_ARGS] = { 0, 2, 3, 4 };

static __always_inline int smmu_submit(void *ctx)
{
	struct smmu_batch b = { .ctx = ctx };
	__u64 cmds = 0, n = 0;

	b.buf = bpf_map_lookup_elem(&cmd_scratch, &zero_key);
	if (!b.buf || bpf_get_func_arg(ctx, smmu_arg[SMMU_ARG_SMMU], &b.smmu) ||
	    bpf_get_func_arg(ctx, smmu_arg[SMMU_ARG_CMDS], &cmds) ||
	    bpf_get_func_arg(ctx, smmu_arg[SMMU_ARG_N], &n))
		return 0;
	n = (__u32)n;
	if (!n)
		return 0;
	if (n > SMMU_MAX_BATCH) {
		global_inc(G_BATCH_TRUNCATED);
		n = SMMU_MAX_BATCH;
	}
	if (read_cmds(b.buf, (void *)cmds, n * 16) || !smmu_batch_has_atc(b.buf, n))
		return 0;
	/* the queue's record, joined once the list carries an ATC invalidation */
	b.fl = submission_record(task_state_get(true), INFLIGHT_QUEUE);
	bpf_loop(n, smmu_cmd, &b, 0);
	return 0;
}

SEC("?fentry/arm_smmu_cmdq_issue_cmdlist")
int BPF_PROG(smmu_submit_fentry)
{
	return smmu_submit(ctx);
}

SEC("?fexit/arm_smmu_cmdq_issue_cmdlist")
int BPF_PROG(smmu_complete_fexit)
{
	__u64 sync = 0;

	if (bpf_get_func_arg(ctx, smmu_arg[SMMU_ARG_SYNC], &sync) || !(sync & 1))
		return 0;
	maybe_inject(ctx, INFLIGHT_QUEUE, false);
	submission_complete(INFLIGHT_QUEUE);
	return 0;
}

/*
 * SMMUv3 names devices by StreamID: record each of the device's StreamIDs
 * (dev->iommu->priv is its struct arm_smmu_master) when an attach succeeds.
 * The type lives in the arm_smmu_v3 module's BTF; elsewhere this is dead
 * code the verifier never walks.
 */
static __always_inline void smmu_learn_streams(struct device *dev, __u32 rid)
{
	struct arm_smmu_master *master;
	struct arm_smmu_stream *streams;
	struct sid_key key = {};
	__u32 n;

	if (!bpf_core_type_exists(struct arm_smmu_master))
		return;
	master = BPF_CORE_READ(dev, iommu, priv);
	if (!master)
		return;
	streams = BPF_CORE_READ(master, streams);
	n = BPF_CORE_READ(master, num_streams);
	key.smmu = (__u64)BPF_CORE_READ(master, smmu);
	for (__u32 i = 0; i < SMMU_MAX_STREAMS; i++) {
		if (i >= n || !streams)
			break;
		key.sid = BPF_CORE_READ(&streams[i], id);
		if (bpf_map_update_elem(&sid_map, &key, &rid, BPF_ANY))
			global_inc(G_SID_MAP_FULL);
	}
}
