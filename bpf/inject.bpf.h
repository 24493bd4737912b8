/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Part of atstrace.bpf.c: --inject-delay, a bounded spin at an invalidation's
 * completion point. Each driver's completion program calls maybe_inject()
 * before it releases the completing submission's record.
 */

/* Set by user space before load: spin at an invalidation's completion point */
const volatile __u64 inject_delay_ns;                 /* 0: off */
const volatile __u32 inject_prob_ppm = 1000000;
const volatile __u64 inject_max;                      /* 0: no limit */
const volatile __u64 inject_budget_ns = 200000000;    /* per CPU per second */
const volatile __u64 inject_total_budget_ns = 200000000; /* all CPUs together, per second */
const volatile bool inject_in_kretprobe;              /* --unsafe */
const volatile __u32 n_inject;                        /* 0: every device */
const volatile __u32 inject_rid[ATSTRACE_MAX_FILTER];

/* injection: this CPU's budget window, and the run's total */
struct inject_budget {
	__u64 second_start;
	__u64 used_ns;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct inject_budget);
} inject_budget SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} inject_total SEC(".maps");

/*
 * The budget of all CPUs together: a spin holds a driver lock (VT-d: the
 * domain's cache_lock, IRQs off), so other CPUs wait behind it with IRQs
 * off too, against no per-CPU budget of theirs.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct inject_budget);
} inject_global SEC(".maps");

/* Reserves @ns of the budget of all CPUs for this second; false when spent. */
static __always_inline bool global_budget_take(struct inject_budget *g, __u64 now, __u64 ns)
{
	__u64 start = g->second_start;

	if (now - start >= 1000000000ULL &&
	    __sync_val_compare_and_swap(&g->second_start, start, now) == start)
		__sync_lock_test_and_set(&g->used_ns, 0);
	if (__sync_fetch_and_add(&g->used_ns, ns) + ns <= inject_total_budget_ns)
		return true;
	__sync_fetch_and_add(&g->used_ns, -ns);
	return false;
}

/*
 * User space writes its clock here every poll (100 ms). A process killed
 * with SIGKILL stops beating at once, while its links can take seconds to
 * be torn down: injection stops on the missing heartbeat, not the teardown.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} heartbeat SEC(".maps");

static int spin_until(__u32 index, void *ctx)
{
	return bpf_ktime_get_ns() >= *(__u64 *)ctx; /* 1 stops the loop */
}

static __always_inline bool inject_selected(const struct inflight *fl)
{
	if (!fl->n)
		return false;
	if (!n_inject)
		return true;
	for (__u32 j = 0; j < ATSTRACE_MAX_FILTER; j++)
		if (j < n_inject && inflight_carries(fl, inject_rid[j]))
			return true;
	return false;
}

/*
 * Delay the completion of a submission that carried an ATC invalidation for
 * a selected device: a bounded spin, like a device slow to answer. The
 * kernel already waits here with IRQs off (qi_submit_sync's caller may hold
 * the domain's cache_lock); the cap, the per-CPU budget and the count limit
 * keep the spin far below every watchdog.
 */
static __always_inline void maybe_inject(__u32 kind, bool kretprobe)
{
	struct inject_budget *b, *g;
	__u64 now, deadline, *total, *beat, spent;
	struct inflight *fl;

	if (!inject_delay_ns)
		return;
	fl = submission_current(kind);
	if (!fl || !inject_selected(fl))
		return;
	if (kretprobe && !inject_in_kretprobe)
		return;
	if (inject_prob_ppm < 1000000 && bpf_get_prandom_u32() % 1000000 >= inject_prob_ppm)
		return;
	b = bpf_map_lookup_elem(&inject_budget, &zero_key);
	total = bpf_map_lookup_elem(&inject_total, &zero_key);
	beat = bpf_map_lookup_elem(&heartbeat, &zero_key);
	g = bpf_map_lookup_elem(&inject_global, &zero_key);
	if (!b || !total || !beat || !g)
		return;
	now = bpf_ktime_get_ns();
	if (now - *beat > HEARTBEAT_TIMEOUT_NS) {
		global_inc(G_INJECT_ORPHANED);
		return;
	}
	if (now - b->second_start >= 1000000000ULL) {
		b->second_start = now;
		b->used_ns = 0;
	}
	if (b->used_ns + inject_delay_ns > inject_budget_ns) {
		global_inc(G_INJECT_OVER_BUDGET);
		return;
	}
	if (inject_max && __sync_fetch_and_add(total, 1) >= inject_max) {
		global_inc(G_INJECT_OVER_MAX);
		return;
	}
	if (!global_budget_take(g, now, inject_delay_ns)) {
		global_inc(G_INJECT_OVER_TOTAL);
		return;
	}
	deadline = now + inject_delay_ns;
	bpf_loop(1 << 23, spin_until, &deadline, 0);
	spent = bpf_ktime_get_ns() - now;
	b->used_ns += spent;
	global_inc(G_INJECTED);
	{
		__u32 idx = G_INJECTED_NS;
		__u64 *v = bpf_map_lookup_elem(&global_counts, &idx);

		if (v)
			*v += spent;
	}
}
