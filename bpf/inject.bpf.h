/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Part of atstrace.bpf.c: --inject-delay, a bounded spin at an invalidation's
 * completion point. Each driver's completion program calls maybe_inject()
 * before it releases the completing submission's record.
 */

/* Set by user space before load: spin at an invalidation's completion point */
const volatile __u64 inject_delay_ns;                 /* 0: off */
/* space, interval, probability (seeded or not): inject_rule.h */
const volatile struct inject_rule inject_rule = { .prob_ppm = INJECT_PPM_ALL };
const volatile __u64 inject_max;                      /* times; 0: no limit */
/* task filters: only completions in a task of this name, or of this cgroup */
const volatile bool inject_by_comm;
const volatile char inject_comm[TASK_COMM_LEN];
const volatile bool inject_by_cgroup;
const volatile __u64 inject_cgroup_id;                /* the cgroup (v2) ... */
const volatile __u32 inject_cgroup_level;             /* ... at this depth from the root */
const volatile bool inject_stacks;                    /* -v: each record with a stack */
const volatile __u64 inject_budget_ns = 200000000;    /* per CPU per second */
const volatile __u64 inject_total_budget_ns = 200000000; /* all CPUs together, per second */
const volatile bool inject_in_kretprobe;              /* --unsafe */
const volatile __u32 n_inject;                        /* 0: every device */
const volatile __u32 inject_rid[ATSTRACE_MAX_FILTER];

/* eligible completions so far: the n of inject_rule_picks() */
__u64 inject_calls;

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

/* whether the submission carries a selected device; *rid: the first one */
static __always_inline bool inject_selected(const struct inflight *fl, __u32 *rid)
{
	if (!fl->n)
		return false;
	*rid = fl->rid[0];
	if (!n_inject)
		return true;
	for (__u32 j = 0; j < ATSTRACE_MAX_FILTER; j++)
		if (j < n_inject && inflight_carries(fl, inject_rid[j])) {
			*rid = inject_rid[j];
			return true;
		}
	return false;
}

/* --inject-comm and --inject-cgroup: the task that waits for the completion */
static __always_inline bool inject_task_selected(void)
{
	if (inject_by_comm) {
		char comm[TASK_COMM_LEN];

		bpf_get_current_comm(comm, sizeof(comm));
		for (int i = 0; i < TASK_COMM_LEN; i++) {
			if (comm[i] != inject_comm[i])
				return false;
			if (!comm[i])
				break;
		}
	}
	/* in that cgroup or below it: its ancestor at that depth is the cgroup */
	if (inject_by_cgroup &&
	    bpf_get_current_ancestor_cgroup_id(inject_cgroup_level) != inject_cgroup_id)
		return false;
	return true;
}

/* one record per delayed completion */
static __always_inline void inject_record(void *ctx, __u32 rid, __u64 spent, __u64 call)
{
	struct event *e = event_reserve(EV_INJECTED, rid);

	if (!e)
		return;
	e->inj.delay_ns = spent;
	e->inj.call = call;
	e->inj.nstack = inject_stacks ?
			bpf_get_stack(ctx, e->inj.stack, sizeof(e->inj.stack), 0) : 0;
	bpf_ringbuf_submit(e, 0);
}

/*
 * Delay the completion of a submission that carried an ATC invalidation for
 * a selected device: a bounded spin, like a device slow to answer. The
 * kernel already waits here with IRQs off (qi_submit_sync's caller may hold
 * the domain's cache_lock); the cap, the per-CPU budget and the count limit
 * keep the spin far below every watchdog.
 */
static __always_inline void maybe_inject(void *ctx, __u32 kind, bool kretprobe)
{
	struct inject_rule rule = inject_rule;
	struct inject_budget *b, *g;
	__u64 now, deadline, *total, *beat, spent, call;
	struct inflight *fl;
	__u32 rid = 0;

	if (!inject_delay_ns)
		return;
	fl = submission_current(kind);
	if (!fl)
		return;
	if (!inject_selected(fl, &rid) || !inject_task_selected())
		return;
	if (kretprobe && !inject_in_kretprobe)
		return;
	call = __sync_fetch_and_add(&inject_calls, 1) + 1;
	if (!inject_rule_picks(&rule, call, bpf_get_prandom_u32()))
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
	inject_record(ctx, rid, spent, call);
	{
		__u32 idx = G_INJECTED_NS;
		__u64 *v = bpf_map_lookup_elem(&global_counts, &idx);

		if (v)
			*v += spent;
	}
}
