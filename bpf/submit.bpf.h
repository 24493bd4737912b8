/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Part of atstrace.bpf.c: what the three drivers' submission paths share.
 * Each decodes its commands and hands every ATC invalidation to on_atc_inv(),
 * within this CPU's in-flight set (inflight.h), which its completion point
 * ends.
 */

/* one command list (SMMUv3, 64 x 16 bytes) or VT-d batch (16 x 32), one copy */
struct cmd_buf {
	__u64 dw[2 * SMMU_MAX_BATCH];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct cmd_buf);
} cmd_scratch SEC(".maps");

/* a set's start is read only for the latency histogram */
static __always_inline __u64 set_start_ns(void)
{
	return want_hist ? bpf_ktime_get_ns() : 0;
}

static __always_inline struct inflight *submission_begin(void)
{
	struct inflight *fl = this_cpu_inflight();

	if (fl)
		inflight_begin(fl, set_start_ns());
	return fl;
}

static __always_inline struct inflight *submission_join(void)
{
	struct inflight *fl = this_cpu_inflight();

	if (fl)
		inflight_join(fl, set_start_ns());
	return fl;
}

/* The driver's wait returned: what this CPU had in flight is complete. */
static __always_inline void submission_complete(void)
{
	struct inflight *fl = this_cpu_inflight();
	__u64 dur;
	__u32 n;

	if (!fl)
		return;
	n = inflight_end(fl);
	if (!n || !want_hist)
		return;
	dur = bpf_ktime_get_ns() - fl->ts;
	for (__u32 i = 0; i < INFLIGHT_MAX; i++)
		if (i < n)
			hist_add(fl->rid[i], H_INV_LATENCY, dur);
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
	c->invalidations++;
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
		c->submissions++;
	if (in_window(rid, &kind)) {
		struct dev_key key = { .rid = rid };
		__u64 *hits = bpf_map_lookup_elem(&window_hits, &key);

		c->in_window++;
		if (hits)
			__sync_fetch_and_add(hits, 1);
		flag_invalidation(rid, FLAG_IN_WINDOW, kind, inv, vendor, ctx, c->in_window);
	}
}
