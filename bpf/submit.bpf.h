/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Part of atstrace.bpf.c: what the three drivers' submission paths share.
 * Each decodes its commands and hands every ATC invalidation to on_atc_inv(),
 * with the submission's in-flight record (inflight.h), which its completion
 * point releases.
 */

/*
 * one SMMUv3 command list (64 x 16 bytes), one copy; VT-d reads its batch
 * in place (vtd.bpf.h). SMMUv3 could too, but cannot run in this lab yet.
 */
struct cmd_buf {
	__u64 dw[2 * SMMU_MAX_BATCH];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct cmd_buf);
} cmd_scratch SEC(".maps");

_Static_assert((INFLIGHT_SLOTS & (INFLIGHT_SLOTS - 1)) == 0, "INFLIGHT_SLOTS: a power of two");

/* a record's start is read only for the latency histogram */
static __always_inline __u64 record_start_ns(void)
{
	return want_hist ? bpf_ktime_get_ns() : 0;
}

/* the record a reference names, on whichever CPU took it */
static __always_inline struct inflight *record_of(const struct inflight_ref *r)
{
	struct inflight_cpu *c;
	__u32 slot = r->slot;

	if (slot >= INFLIGHT_SLOTS)
		return NULL;
	barrier_var(slot);
	c = bpf_map_lookup_percpu_elem(&inflight, &zero_key, r->cpu);
	/* the mask, not the test above, is what the verifier sees bound the index */
	return c ? &c->slot[slot & (INFLIGHT_SLOTS - 1)] : NULL;
}

/*
 * A record of this CPU for a submission of @kind, its reference pushed on
 * the task; NULL (counted) when the CPU has none free or the task nests too
 * deep: the invalidations are still counted, not tracked in flight.
 */
static __always_inline struct inflight *record_take(struct task_state *ts, __u32 kind)
{
	struct inflight_cpu *c = bpf_map_lookup_elem(&inflight, &zero_key);
	__u32 cpu = bpf_get_smp_processor_id();
	__u8 slot = INFLIGHT_NO_SLOT;

	if (ts->subs.depth >= INFLIGHT_NEST) {
		global_inc(G_INFLIGHT_NO_RECORD);
		return NULL;
	}
	if (c)
		slot = inflight_take(c, record_start_ns(), inflight_slots);
	if (inflight_push(&ts->subs, cpu, slot, kind) != INFLIGHT_OK || !c) {
		global_inc(G_INFLIGHT_NO_RECORD);
		return NULL;
	}
	return &c->slot[slot & (INFLIGHT_SLOTS - 1)];
}

/*
 * The submission's record, taken at its first ATC invalidation: a call
 * (VT-d) takes one of its own; a queue (AMD-Vi, SMMUv3) joins the one the
 * task already holds until its wait.
 */
static __always_inline struct inflight *submission_record(struct task_state *ts, __u32 kind)
{
	struct inflight_ref *r;

	if (!ts)
		return NULL;
	r = inflight_top(&ts->subs, kind);
	if (r)
		return record_of(r);
	return record_take(ts, kind);
}

/* A submitting call (VT-d) begins: its depth on the task. */
static __always_inline struct task_state *submission_call(void)
{
	struct task_state *ts = task_state_get(true);

	if (ts)
		inflight_call_enter(&ts->subs);
	return ts;
}

/* The innermost record of @kind the current task holds, if any (for injection). */
static __always_inline struct inflight *submission_current(__u32 kind)
{
	struct task_state *ts = task_state_get(false);
	struct inflight_ref *r = ts ? inflight_top(&ts->subs, kind) : NULL;

	return r ? record_of(r) : NULL;
}

/* The driver's wait returned: the innermost submission of @kind is complete. */
static __always_inline void submission_complete(__u32 kind)
{
	struct task_state *ts = task_state_get(false);
	struct inflight_ref ref;
	struct inflight *fl;
	__u64 dur;
	__u32 n;
	int res;

	if (!ts) {
		if (kind == INFLIGHT_CALL)
			global_inc(G_INFLIGHT_UNBALANCED);
		return;
	}
	if (!inflight_pop(&ts->subs, kind, &ref, &res)) {
		if (res == INFLIGHT_UNBALANCED)
			global_inc(G_INFLIGHT_UNBALANCED);
		return;
	}
	fl = record_of(&ref);
	if (!fl)
		return;
	n = fl->n;
	if (want_hist && n) {
		dur = bpf_ktime_get_ns() - fl->ts;
		for (__u32 i = 0; i < INFLIGHT_MAX; i++)
			if (i < n)
				hist_add(fl->rid[i], H_INV_LATENCY, 0, dur);
	}
	inflight_release(fl);
}

/*
 * Copies a command list of @bytes into @buf in one read. The clamp must
 * bound the very register the helper gets, hence the barrier.
 */
static __always_inline int read_cmds(struct cmd_buf *buf, const void *src, __u64 bytes)
{
	barrier_var(bytes);
	if (bytes > sizeof(buf->dw))
		bytes = sizeof(buf->dw);
	return bpf_probe_read_kernel(buf->dw, bytes, src);
}

/* An invalidation to @rid (counted on @c) seen inside its window of @kind. */
static __always_inline void window_hit(void *ctx, __u32 rid, struct dev_counts *c, __u32 kind,
				       const struct atc_inv *inv, __u32 vendor)
{
	/* when it was seen inside: the event is written later */
	__u64 when = bpf_ktime_get_ns();
	struct dev_key key = { .rid = rid };
	__u64 *hits = bpf_map_lookup_elem(&window_hits, &key);
	__u64 nth = COUNT_INC(c->in_window) + 1;

	if (kind == WK_RECOVERY)
		COUNT_INC(c->in_recovery);
	if (hits)
		__sync_fetch_and_add(hits, 1);
	flag_invalidation(rid, FLAG_IN_WINDOW, kind, inv, vendor, ctx, nth, when);
}

/* One decoded ATC invalidation, at submission. */
static __always_inline void on_atc_inv(void *ctx, __u32 rid, const struct atc_inv *inv,
				       __u32 vendor, struct inflight *fl)
{
	struct dev_counts *c;
	bool first = true;
	__u32 kind;

	if (!rid_selected(rid))
		return;
	c = counts_of(rid);
	if (!c)
		return;
	COUNT_INC(c->invalidations);
	if (fl) {
		switch (inflight_add(fl, rid)) {
		case INFLIGHT_CARRIED:
			first = false;
			break;
		case INFLIGHT_OVERFLOW:
			global_inc(G_INFLIGHT_OVERFLOW);
			break;
		}
	}
	if (first)
		COUNT_INC(c->submissions);
	if (in_window(rid, &kind))
		window_hit(ctx, rid, c, kind, inv, vendor);
	else if (want_inv_events)
		inv_event(rid, inv, vendor);
}
