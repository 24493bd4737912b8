// SPDX-License-Identifier: GPL-2.0
/*
 * atstrace, kernel side. Tracks each PCI device's reset window and flags
 * every ATC (device-TLB) invalidation that is submitted to a device inside
 * its window, or is still in flight when the window opens. Which function
 * each program attaches to is decided by user space from its probe plan
 * (tools/probe_plan.c); programs are declared "?" (not autoloaded) and the
 * plan enables the ones the running kernel can take.
 */
#include "kernel_types.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "atc_decode.h"
#include "log2_hist.h"
#include "reset_window.h"
#include "atstrace.h"

char LICENSE[] SEC("license") = "GPL";

_Static_assert(WK_NR == sizeof(((struct dev_counts *)0)->windows) / sizeof(__u64),
	       "dev_counts.windows must have one slot per window kind");

/* Set by user space before load. */
const volatile bool bracketing;          /* kernel has pci_dev_reset_iommu_prepare() */
const volatile bool want_hist;
const volatile bool want_open_events;    /* -v: report window openings too */
const volatile bool want_events = true;  /* false with --quiet: counts only */
const volatile __u32 max_stacks = 5;     /* flagged invalidations sent with a stack */
const volatile __u32 nr_cpus = 1;
const volatile __u32 n_filter;           /* 0: every device */
const volatile __u32 filter_rid[ATSTRACE_MAX_FILTER];
/* generic slots: what each one is attached to */
const volatile __u32 method_kind[METHOD_SLOTS];
const volatile __s32 method_probe_arg[METHOD_SLOTS];  /* -1: no probe argument */
const volatile __u32 attach_op[ATTACH_SLOTS];
const volatile __s32 attach_dom_arg[ATTACH_SLOTS];
const volatile __s32 attach_dev_arg[ATTACH_SLOTS];
const volatile __s32 attach_pasid_arg[ATTACH_SLOTS];  /* -1: none */
const volatile __u32 attach_vendor[ATTACH_SLOTS];     /* enum submit_vendor of the op */
/* --inject-delay: spin at an invalidation's completion point */
const volatile __u64 inject_delay_ns;                 /* 0: off */
const volatile __u32 inject_prob_ppm = 1000000;
const volatile __u64 inject_max;                      /* 0: no limit */
const volatile __u64 inject_budget_ns = 200000000;    /* per CPU per second */
const volatile bool inject_in_kretprobe;              /* --unsafe */
const volatile __u32 n_inject;                        /* 0: every device */
const volatile __u32 inject_rid[ATSTRACE_MAX_FILTER];

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, ATSTRACE_MAX_DEVICES);
	__type(key, struct dev_key);
	__type(value, struct dev_counts);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, G_NR);
	__type(key, __u32);
	__type(value, __u64);
} global_counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, ATSTRACE_MAX_DEVICES);
	__type(key, struct dev_key);
	__type(value, struct dev_window);
} windows SEC(".maps");

/* in-window hits per open window, reported when it closes */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, ATSTRACE_MAX_DEVICES);
	__type(key, struct dev_key);
	__type(value, __u64);
} window_hits SEC(".maps");

/* one entry holding every slot: loops index the value, not the map */
struct bus_windows_state {
	struct bus_window w[BUS_WINDOWS_MAX];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct bus_windows_state);
} bus_windows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, struct task_frames);
} frames SEC(".maps");

/* the submission running on each CPU (VT-d waits with IRQs off: one per CPU) */
struct inflight {
	__u64 ts;
	__u32 n;
	__u32 rid[INFLIGHT_MAX];
	__u8 counted[INFLIGHT_MAX]; /* already counted as in flight at a window's open */
};

struct inflight_state {
	struct inflight cpu[ATSTRACE_MAX_CPUS];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct inflight_state);
} inflight SEC(".maps");

/* SMMUv3 StreamID -> segment:bus:devfn, filled at attach */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, ATSTRACE_MAX_DEVICES);
	__type(key, struct sid_key);
	__type(value, __u32);
} sid_map SEC(".maps");

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

/*
 * Windows open right now (device and bus): while there are none, which is
 * nearly always, a submission needs no window lookup at all.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __s64);
} open_windows SEC(".maps");

static const __u32 zero_key;

static __always_inline void open_windows_add(__s64 d)
{
	__s64 *n = bpf_map_lookup_elem(&open_windows, &zero_key);

	if (n)
		__sync_fetch_and_add(n, d);
}

static __always_inline struct bus_window *bus_windows_get(void)
{
	struct bus_windows_state *s = bpf_map_lookup_elem(&bus_windows, &zero_key);

	return s ? s->w : NULL;
}

static __always_inline struct inflight *inflight_get(__u32 cpu)
{
	struct inflight_state *s = bpf_map_lookup_elem(&inflight, &zero_key);

	if (!s || cpu >= ATSTRACE_MAX_CPUS)
		return NULL;
	return &s->cpu[cpu];
}

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

/* start time of prepare/done per task, for their duration histograms */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u64);
} bracket_start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 4 * ATSTRACE_MAX_DEVICES);
	__type(key, struct hist_key);
	__type(value, struct hist);
} hists SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, RINGBUF_SIZE);
} events SEC(".maps");

/* ------------------------------------------------------------------ helpers */

static __always_inline void global_inc(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&global_counts, &idx);

	if (v)
		(*v)++;
}

static __always_inline bool rid_selected(__u32 rid)
{
	if (!n_filter)
		return true;
	for (int i = 0; i < ATSTRACE_MAX_FILTER; i++)
		if (i < n_filter && filter_rid[i] == rid)
			return true;
	return false;
}

static __always_inline struct dev_counts *counts_of(__u32 rid)
{
	struct dev_key key = { .rid = rid };
	struct dev_counts zero = {}, *c;

	c = bpf_map_lookup_elem(&counts, &key);
	if (c)
		return c;
	bpf_map_update_elem(&counts, &key, &zero, BPF_NOEXIST);
	return bpf_map_lookup_elem(&counts, &key);
}

static __always_inline void hist_add(__u32 rid, __u32 kind, __u64 value)
{
	struct hist_key key = { .rid = rid, .kind = kind };
	static const struct hist zero;
	struct hist *h;
	__u32 slot;

	if (!want_hist)
		return;
	h = bpf_map_lookup_elem(&hists, &key);
	if (!h) {
		bpf_map_update_elem(&hists, &key, &zero, BPF_NOEXIST);
		h = bpf_map_lookup_elem(&hists, &key);
		if (!h)
			return;
	}
	slot = log2_slot(value);
	if (slot < HIST_SLOTS)
		h->slots[slot]++;
}

static __always_inline struct event *event_reserve(__u32 type, __u32 rid)
{
	struct event *e;

	if (!want_events)
		return NULL;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		global_inc(G_RINGBUF_DROPS);
		return NULL;
	}
	e->type = type;
	e->rid = rid;
	e->ts = bpf_ktime_get_ns();
	e->tid = (__u32)bpf_get_current_pid_tgid();
	e->cpu = bpf_get_smp_processor_id();
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	return e;
}

/* segment:bus:devfn of a struct pci_dev */
static __always_inline __u32 pdev_rid(struct pci_dev *pdev)
{
	struct pci_bus *bus = BPF_CORE_READ(pdev, bus);
	__u32 seg;

	if (bpf_core_field_exists(bus->domain_nr)) {
		seg = BPF_CORE_READ(bus, domain_nr);
	} else {
		struct pci_sysdata *sd = BPF_CORE_READ(bus, sysdata);

		seg = BPF_CORE_READ(sd, domain);
	}
	return (seg & 0xffff) << 16 | (__u32)BPF_CORE_READ(bus, number) << 8 |
	       (BPF_CORE_READ(pdev, devfn) & 0xff);
}

static __always_inline __u32 pdev_ats_enabled(struct pci_dev *pdev)
{
	return BPF_CORE_READ_BITFIELD_PROBED(pdev, ats_enabled);
}

static __always_inline struct dev_window *window_of(__u32 rid)
{
	struct dev_key key = { .rid = rid };
	struct dev_window zero = {}, *w;

	w = bpf_map_lookup_elem(&windows, &key);
	if (w)
		return w;
	bpf_map_update_elem(&windows, &key, &zero, BPF_NOEXIST);
	return bpf_map_lookup_elem(&windows, &key);
}

static __always_inline bool in_bus_window(__u32 rid)
{
	struct bus_window *bw = bus_windows_get();

	if (!bw)
		return false;
	for (int i = 0; i < BUS_WINDOWS_MAX; i++)
		if (bus_window_covers(&bw[i], rid))
			return true;
	return false;
}

static __always_inline bool in_window(__u32 rid, __u32 *kind)
{
	struct dev_key key = { .rid = rid };
	__s64 *open = bpf_map_lookup_elem(&open_windows, &zero_key);
	struct dev_window *w;

	if (open && *open <= 0)
		return false;
	w = bpf_map_lookup_elem(&windows, &key);

	if (w && w->depth) {
		*kind = w->kind;
		return true;
	}
	*kind = WK_SECONDARY_BUS;
	return in_bus_window(rid);
}

/* ----------------------------------------------- invalidation submit/complete */

/*
 * Flagged invalidations can come by the tens of thousands a second; window
 * and attach events must never be lost to them. Past half the ring buffer
 * they are shed (counted, never silently), and only the first few per
 * device and CPU carry a stack. The counts in maps stay exact either way.
 */
static __always_inline void flag_invalidation(__u32 rid, __u32 reason, __u32 kind,
					      const struct atc_inv *inv, __u32 vendor, void *ctx,
					      __u64 nth)
{
	struct event *e;

	if (!want_events)
		return;
	if (bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) > RINGBUF_SIZE / 2) {
		global_inc(G_EVENTS_SHED);
		return;
	}
	e = event_reserve(EV_INV_FLAGGED, rid);
	if (!e)
		return;
	e->inv.reason = reason;
	e->inv.window_kind = kind;
	e->inv.pasid = inv ? inv->pasid : ATC_NO_PASID;
	e->inv.addr = inv ? inv->addr : 0;
	e->inv.size = inv ? inv->size : 0;
	e->inv.vendor = vendor;
	e->inv.nstack = ctx && nth <= max_stacks ?
			bpf_get_stack(ctx, e->inv.stack, sizeof(e->inv.stack), 0) : 0;
	bpf_ringbuf_submit(e, 0);
}

/* One decoded ATC invalidation, at submission. */
static __always_inline void on_atc_inv(void *ctx, __u32 rid, const struct atc_inv *inv,
				       __u32 vendor, struct inflight *fl)
{
	struct dev_counts *c;
	__u32 kind, n, i;
	bool first = true;

	if (!rid_selected(rid))
		return;
	c = counts_of(rid);
	if (!c)
		return;
	c->invalidations++;
	if (fl) {
		n = fl->n;
		for (i = 0; i < INFLIGHT_MAX; i++)
			if (i < n && fl->rid[i] == rid)
				first = false;
		if (first) {
			if (n < INFLIGHT_MAX) {
				fl->rid[n] = rid;
				fl->counted[n] = 0;
				fl->n = n + 1;
			} else {
				global_inc(G_INFLIGHT_OVERFLOW);
			}
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

static __always_inline struct inflight *inflight_begin(void)
{
	struct inflight *fl = inflight_get(bpf_get_smp_processor_id());

	if (fl) {
		fl->n = 0;
		if (want_hist) /* the start is read only for the latency histogram */
			fl->ts = bpf_ktime_get_ns();
	}
	return fl;
}

/*
 * AMD-Vi and SMMUv3 queue commands one call at a time and wait later, in
 * another call: the set of this CPU starts with its first ATC command and
 * grows until that wait returns.
 */
static __always_inline struct inflight *inflight_join(void)
{
	struct inflight *fl = inflight_get(bpf_get_smp_processor_id());

	if (fl && !fl->n && want_hist)
		fl->ts = bpf_ktime_get_ns();
	return fl;
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

static int spin_until(__u32 index, void *ctx)
{
	return bpf_ktime_get_ns() >= *(__u64 *)ctx; /* 1 stops the loop */
}

static __always_inline bool inject_selected(const struct inflight *fl)
{
	__u32 n = fl->n;

	if (!n)
		return false;
	if (!n_inject)
		return true;
	for (__u32 i = 0; i < INFLIGHT_MAX; i++) {
		if (i >= n)
			break;
		for (__u32 j = 0; j < ATSTRACE_MAX_FILTER; j++)
			if (j < n_inject && inject_rid[j] == fl->rid[i])
				return true;
	}
	return false;
}

/*
 * Delay the completion of a submission that carried an ATC invalidation for
 * a selected device: a bounded spin, like a device slow to answer. The
 * kernel already waits here with IRQs off (qi_submit_sync's caller may hold
 * the domain's cache_lock); the cap, the per-CPU budget and the count limit
 * keep the spin far below every watchdog.
 */
static __always_inline void maybe_inject(bool kretprobe)
{
	struct inflight *fl = inflight_get(bpf_get_smp_processor_id());
	struct inject_budget *b;
	__u64 now, deadline, *total, *beat, spent;

	if (!inject_delay_ns || !fl || !inject_selected(fl))
		return;
	if (kretprobe && !inject_in_kretprobe)
		return;
	if (inject_prob_ppm < 1000000 && bpf_get_prandom_u32() % 1000000 >= inject_prob_ppm)
		return;
	b = bpf_map_lookup_elem(&inject_budget, &zero_key);
	total = bpf_map_lookup_elem(&inject_total, &zero_key);
	beat = bpf_map_lookup_elem(&heartbeat, &zero_key);
	if (!b || !total || !beat)
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

static __always_inline void inflight_end(void)
{
	struct inflight *fl = inflight_get(bpf_get_smp_processor_id());
	__u64 dur;
	__u32 n;

	if (!fl || !fl->n)
		return;
	if (want_hist) {
		dur = bpf_ktime_get_ns() - fl->ts;
		n = fl->n;
		for (__u32 i = 0; i < INFLIGHT_MAX; i++)
			if (i < n)
				hist_add(fl->rid[i], H_INV_LATENCY, dur);
	}
	fl->n = 0;
}

static __always_inline int vtd_submit(void *ctx, __u32 seg, struct qi_desc *desc, unsigned int count)
{
	struct cmd_buf *buf = bpf_map_lookup_elem(&cmd_scratch, &zero_key);
	struct inflight *fl = inflight_begin();

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
	inflight_end();
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
	inflight_end();
	return 0;
}

/*
 * AMD-Vi: every command goes through __iommu_queue_command_sync(), which
 * only queues it; the wait is a later COMPLETION_WAIT (iommu_completion_wait,
 * a compiler clone that fentry cannot name). The callers that flush device
 * TLBs wait before they return, with the domain lock held and IRQs off:
 * amd_iommu_domain_flush_pages() (unmap, flush-all) and
 * amd_iommu_dev_flush_pasid_pages(). Their fexit is the completion point and
 * the injection point; an attach op's return completes the full-ATC flushes
 * of device_flush_dte() (see on_attach).
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
		on_atc_inv(ctx, seg << 16 | inv.sid, &inv, VENDOR_AMD, inflight_join());
	return 0;
}

SEC("?fexit/amd_iommu_domain_flush_pages")
int BPF_PROG(amd_complete_pages_fexit)
{
	maybe_inject(false);
	inflight_end();
	return 0;
}

SEC("?fexit/amd_iommu_dev_flush_pasid_pages")
int BPF_PROG(amd_complete_pasid_fexit)
{
	maybe_inject(false);
	inflight_end();
	return 0;
}

/*
 * Arm SMMUv3: arm_smmu_cmdq_issue_cmdlist(smmu, cmdq, cmds, n, sync) (static
 * in 6.12, global in 7.x; module BTF) issues n 16-byte commands and, with
 * sync set, waits for a CMD_SYNC behind them: a batch sent without sync
 * completes at the next call with sync on that CPU. The fexit of a sync call
 * is the completion and injection point (IRQs are on again there).
 * Arguments are read untyped: the cmds type differs between versions.
 */
static __always_inline int smmu_submit(void *ctx)
{
	struct cmd_buf *buf = bpf_map_lookup_elem(&cmd_scratch, &zero_key);
	__u64 smmu = 0, cmds = 0, n = 0;
	struct inflight *fl = NULL;

	if (!buf || bpf_get_func_arg(ctx, 0, &smmu) || bpf_get_func_arg(ctx, 2, &cmds) ||
	    bpf_get_func_arg(ctx, 3, &n))
		return 0;
	n = (__u32)n;
	if (!n)
		return 0;
	if (n > SMMU_MAX_BATCH)
		n = SMMU_MAX_BATCH;
	if (read_cmds(buf, (void *)cmds, n * 16))
		return 0;
	for (int i = 0; i < SMMU_MAX_BATCH; i++) {
		struct sid_key key = { .smmu = smmu };
		struct atc_inv inv;
		__u32 *rid;

		if (i >= n)
			break;
		if (!atc_inv_decode_smmuv3(buf->dw[2 * i], buf->dw[2 * i + 1], &inv))
			continue;
		key.sid = inv.sid;
		rid = bpf_map_lookup_elem(&sid_map, &key);
		if (!rid) {
			global_inc(G_SID_UNKNOWN);
			continue;
		}
		if (!fl)
			fl = inflight_join();
		on_atc_inv(ctx, *rid, &inv, VENDOR_SMMUV3, fl);
	}
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

	if (bpf_get_func_arg(ctx, 4, &sync) || !(sync & 1))
		return 0;
	maybe_inject(false);
	inflight_end();
	return 0;
}

/* ---------------------------------------------------------- reset windows */

/* A window opens on rid: count it and every submission still in flight to it. */
static __always_inline void open_window(void *ctx, __u32 rid, __u32 kind, struct pci_dev *pdev)
{
	struct dev_window *w = window_of(rid);
	struct dev_key key = { .rid = rid };
	struct dev_counts *c;
	struct event *e;
	__u64 zero = 0, now = bpf_ktime_get_ns();
	__u32 ats;

	if (!w || window_enter(w, kind, now) != WS_OPENED)
		return;
	open_windows_add(1);
	bpf_map_update_elem(&window_hits, &key, &zero, BPF_ANY);
	if (!rid_selected(rid))
		return;
	c = counts_of(rid);
	if (!c)
		return;
	if (kind < WK_NR)
		c->windows[kind]++;
	ats = pdev ? pdev_ats_enabled(pdev) : 0;
	if (ats)
		c->ats_in_window++;
	struct inflight_state *all = bpf_map_lookup_elem(&inflight, &zero_key);

	for (int cpu = 0; all && cpu < ATSTRACE_MAX_CPUS; cpu++) {
		struct inflight *fl = &all->cpu[cpu];
		__u32 n;

		if (cpu >= nr_cpus)
			break;
		n = fl->n;
		for (__u32 i = 0; i < INFLIGHT_MAX; i++) {
			if (i >= n)
				break;
			if (fl->rid[i] != rid || fl->counted[i])
				continue;
			fl->counted[i] = 1;
			c->in_flight_at_open++;
			flag_invalidation(rid, FLAG_IN_FLIGHT_AT_OPEN, kind, NULL, VENDOR_VTD, NULL, 0);
		}
	}
	if (want_open_events) {
		e = event_reserve(EV_WINDOW_OPEN, rid);
		if (e) {
			e->ts = now;
			e->win.kind = kind;
			e->win.ats_enabled = ats;
			bpf_ringbuf_submit(e, 0);
		}
	}
}

static __always_inline void close_window_as(__u32 rid, int ready)
{
	struct dev_key key = { .rid = rid };
	struct dev_window *w = bpf_map_lookup_elem(&windows, &key);
	__u64 dur = 0, *hits, now = bpf_ktime_get_ns();
	struct event *e;
	__u32 kind;

	if (!w) {
		global_inc(G_UNBALANCED);
		return;
	}
	kind = w->kind;
	switch (window_leave_as(w, ready, now, &dur)) {
	case WS_UNBALANCED:
		global_inc(G_UNBALANCED);
		return;
	case WS_NESTED:
		return;
	}
	open_windows_add(-1);
	if (!rid_selected(rid))
		return;
	hist_add(rid, H_WINDOW, dur);
	e = event_reserve(EV_WINDOW_CLOSE, rid);
	if (!e)
		return;
	hits = bpf_map_lookup_elem(&window_hits, &key);
	e->ts = now; /* when the window closed, not when this event was written */
	e->win.kind = kind;
	e->win.duration = dur;
	e->win.hits = hits ? *hits : 0;
	bpf_ringbuf_submit(e, 0);
}

static __always_inline void close_window(__u32 rid)
{
	close_window_as(rid, 1);
}

/*
 * The hardware reset of a device starts: on a bracketing kernel it must be
 * inside a bracket when ATS is on; otherwise it opens the window.
 */
static __always_inline void hw_reset_start(void *ctx, __u32 rid, __u32 kind, struct pci_dev *pdev)
{
	if (!bracketing) {
		open_window(ctx, rid, kind, pdev);
		return;
	}
	if (pdev && pdev_ats_enabled(pdev)) {
		struct dev_key key = { .rid = rid };
		struct dev_window *w = bpf_map_lookup_elem(&windows, &key);
		struct dev_counts *c;
		struct event *e;

		if (w && w->depth)
			return;
		if (!rid_selected(rid))
			return;
		c = counts_of(rid);
		if (c)
			c->unbracketed++;
		e = event_reserve(EV_UNBRACKETED, rid);
		if (e) {
			e->win.kind = kind;
			e->win.ats_enabled = 1;
			bpf_ringbuf_submit(e, 0);
		}
	}
}

static __always_inline struct task_frames *frames_of_current(bool create)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct task_frames zero = {}, *t;

	t = bpf_map_lookup_elem(&frames, &tid);
	if (t || !create)
		return t;
	bpf_map_update_elem(&frames, &tid, &zero, BPF_NOEXIST);
	return bpf_map_lookup_elem(&frames, &tid);
}

static __always_inline int close_task_bus_windows(void);

static __always_inline int method_entry(void *ctx, int slot)
{
	struct task_frames *t = frames_of_current(true);
	struct reset_frame *f;
	struct pci_dev *pdev;
	__u64 arg = 0;
	bool probe = false;
	__u32 kind = method_kind[slot];

	if (!t || bpf_get_func_arg(ctx, 0, &arg))
		return 0;
	pdev = (struct pci_dev *)arg;
	if (method_probe_arg[slot] >= 0 && !bpf_get_func_arg(ctx, method_probe_arg[slot], &arg))
		probe = arg & 1;
	f = frame_push(t, pdev_rid(pdev), kind, probe);
	if (f)
		hw_reset_start(ctx, f->rid, kind, pdev);
	return 0;
}

static __always_inline int method_exit(void *ctx, int slot)
{
	struct task_frames *t = frames_of_current(false);
	struct reset_frame *f;
	bool popped;

	if (!t)
		return 0;
	f = frame_pop(t, method_kind[slot], &popped);
	if (f && !bracketing)
		close_window(f->rid);
	if (method_kind[slot] == WK_BUS_FUNCTION || method_kind[slot] == WK_CXL_BUS)
		close_task_bus_windows();
	return 0;
}

/* Generic slots: user space points each at one reset method. */
#define METHOD_SLOT(n)							\
SEC("?fentry") int BPF_PROG(method_entry_##n) { return method_entry(ctx, n); } \
SEC("?fexit") int BPF_PROG(method_exit_##n) { return method_exit(ctx, n); }

METHOD_SLOT(0)
METHOD_SLOT(1)
METHOD_SLOT(2)
METHOD_SLOT(3)
METHOD_SLOT(4)
METHOD_SLOT(5)
METHOD_SLOT(6)
METHOD_SLOT(7)

#define PCI_EXP_DEVCTL 8
#define PCI_EXP_DEVCTL_BCR_FLR 0x8000

/*
 * pcie_flr() writes Initiate FLR once pending transactions have drained:
 * the hardware reset starts there. (pci_wait_for_pending_transaction() is
 * inlined into pcie_flr() by GCC, so its return cannot mark the point.)
 */
SEC("?fentry/pcie_capability_clear_and_set_word_unlocked")
int BPF_PROG(flr_write_fentry, struct pci_dev *pdev, int pos, u16 clear, u16 set)
{
	struct task_frames *t;
	struct reset_frame *f;

	if (pos != PCI_EXP_DEVCTL || !(set & PCI_EXP_DEVCTL_BCR_FLR))
		return 0;
	t = frames_of_current(false);
	f = t ? frame_flr_written(t) : NULL;
	if (f)
		hw_reset_start(ctx, f->rid, f->kind, pdev);
	return 0;
}

/* pci_dev_wait() returned inside a method: the device is ready. */
SEC("?fexit/pci_dev_wait")
int BPF_PROG(device_ready_fexit)
{
	struct task_frames *t = frames_of_current(false);
	struct reset_frame *f = t ? frame_device_ready(t) : NULL;

	if (f && !bracketing)
		close_window(f->rid);
	return 0;
}

/* A bridge asserts secondary bus reset: every device below it is in a window. */
SEC("?fentry/pci_reset_secondary_bus")
int BPF_PROG(bus_reset_fentry, struct pci_dev *bridge)
{
	struct pci_bus *sub = BPF_CORE_READ(bridge, subordinate);
	__u32 brid = pdev_rid(bridge), tid = (__u32)bpf_get_current_pid_tgid();
	struct event *e;

	struct bus_window *bw = bus_windows_get();

	if (!sub || !bw)
		return 0;
	for (int i = 0; i < BUS_WINDOWS_MAX; i++) {
		struct bus_window *b = &bw[i];

		if (b->active)
			continue;
		b->tid = tid;
		b->bridge = brid;
		b->segment = brid >> 16;
		b->bus_lo = BPF_CORE_READ(sub, busn_res.start) & 0xff;
		b->bus_hi = BPF_CORE_READ(sub, busn_res.end) & 0xff;
		b->open_ns = bpf_ktime_get_ns();
		b->active = 1;
		open_windows_add(1);
		global_inc(G_BUS_WINDOWS);
		e = event_reserve(EV_BUS_WINDOW_OPEN, brid);
		if (e) {
			e->win.kind = WK_SECONDARY_BUS;
			e->win.bus_lo = b->bus_lo;
			e->win.bus_hi = b->bus_hi;
			bpf_ringbuf_submit(e, 0);
		}
		return 0;
	}
	return 0;
}

/*
 * The bus is ready again: close this task's bus windows. The wait for the
 * secondary bus is inlined into some callers (Debian's 7.2 build), so the
 * outer calls that reset a bus close them too (generic slots, see the probe
 * plan): whichever returns first ends the window.
 */
static __always_inline int close_task_bus_windows(void)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct bus_window *bw = bus_windows_get();
	struct event *e;

	for (int i = 0; bw && i < BUS_WINDOWS_MAX; i++) {
		struct bus_window *b = &bw[i];
		__u64 now;

		if (!b->active || b->tid != tid)
			continue;
		now = bpf_ktime_get_ns();
		b->active = 0;
		open_windows_add(-1);
		e = event_reserve(EV_BUS_WINDOW_CLOSE, b->bridge);
		if (e) {
			e->ts = now;
			e->win.kind = WK_SECONDARY_BUS;
			e->win.duration = now - b->open_ns;
			e->win.bus_lo = b->bus_lo;
			e->win.bus_hi = b->bus_hi;
			bpf_ringbuf_submit(e, 0);
		}
	}
	return 0;
}

#define BUS_END_SLOT(n) \
SEC("?fexit") int BPF_PROG(bus_end_exit_##n) { return close_task_bus_windows(); }

BUS_END_SLOT(0)
BUS_END_SLOT(1)
BUS_END_SLOT(2)
BUS_END_SLOT(3)

extern const void pci_bus_type __ksym;

/* the pci_dev of a struct device, or NULL for a device on another bus */
static __always_inline struct pci_dev *pdev_of(struct device *dev)
{
	if (!dev || BPF_CORE_READ(dev, bus) != &pci_bus_type)
		return NULL;
	return (struct pci_dev *)((void *)dev - bpf_core_field_offset(struct pci_dev, dev));
}

/* ------------------------------------------------- upstream's bracketing */

static __always_inline void bracket_begin(void)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 now = bpf_ktime_get_ns();

	if (want_hist)
		bpf_map_update_elem(&bracket_start, &tid, &now, BPF_ANY);
}

static __always_inline void bracket_end(__u32 rid, __u32 kind)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 *t0;

	if (!want_hist)
		return;
	t0 = bpf_map_lookup_elem(&bracket_start, &tid);
	if (!t0)
		return;
	hist_add(rid, kind, bpf_ktime_get_ns() - *t0);
	bpf_map_delete_elem(&bracket_start, &tid);
}

SEC("?fentry/pci_dev_reset_iommu_prepare")
int BPF_PROG(prepare_fentry)
{
	bracket_begin();
	return 0;
}

/* The window opens when the outermost prepare has succeeded. */
SEC("?fexit/pci_dev_reset_iommu_prepare")
int BPF_PROG(prepare_fexit, struct pci_dev *pdev, int ret)
{
	__u32 rid = pdev_rid(pdev);

	bracket_end(rid, H_PREPARE);
	if (ret == 0)
		open_window(ctx, rid, WK_BRACKET, pdev);
	return 0;
}

/*
 * kernel-patch/'s iommu:dev_reset_prepare fires as prepare returns, once per
 * PASID it dropped and last for the device itself (PASID 0) with the
 * result: the same point as prepare's fexit, without a trampoline. It does
 * not fire for a device prepare leaves alone (no ATS, no IOMMU).
 */
SEC("?tp_btf/dev_reset_prepare")
int BPF_PROG(prepare_tp, struct device *dev, unsigned int depth, u32 pasid, int result)
{
	struct pci_dev *pdev = pdev_of(dev);
	__u32 rid;

	if (pasid || !pdev)
		return 0;
	rid = pdev_rid(pdev);
	bracket_end(rid, H_PREPARE);
	if (result == 0)
		open_window(ctx, rid, WK_BRACKET, pdev);
	return 0;
}

/* ... and closes when done starts: done's own restore flushes are legitimate. */
SEC("?fentry/pci_dev_reset_iommu_done")
int BPF_PROG(done_fentry, struct pci_dev *pdev)
{
	close_window(pdev_rid(pdev));
	bracket_begin();
	return 0;
}

SEC("?fexit/pci_dev_reset_iommu_done")
int BPF_PROG(done_fexit, struct pci_dev *pdev)
{
	bracket_end(pdev_rid(pdev), H_DONE);
	return 0;
}

/* kernel-patch/'s series: not ready after the reset, the device stays blocked */
SEC("?fentry/pci_dev_reset_iommu_done_unready")
int BPF_PROG(done_unready_fentry, struct pci_dev *pdev)
{
	close_window_as(pdev_rid(pdev), 0);
	return 0;
}

/* --------------------------------------------------------- IOMMU attach */

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
		bpf_map_update_elem(&sid_map, &key, &rid, BPF_ANY);
	}
}

/* An attach, detach or PASID op on a selected device, or its refusal. */
static __always_inline void record_attach(__u32 rid, __u32 op, __u32 domain_type, int r,
					  __u32 pasid)
{
	struct dev_counts *c = counts_of(rid);
	struct event *e;

	if (c) {
		c->attaches++;
		if (r)
			c->attach_errors++;
		if (r == -16)
			c->attach_busy++;
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
		inflight_end();
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

#define ATTACH_SLOT(n) \
SEC("?fexit") int BPF_PROG(attach_exit_##n) { return on_attach(ctx, n); }

ATTACH_SLOT(0)
ATTACH_SLOT(1)
ATTACH_SLOT(2)
ATTACH_SLOT(3)
ATTACH_SLOT(4)
ATTACH_SLOT(5)
ATTACH_SLOT(6)
ATTACH_SLOT(7)
ATTACH_SLOT(8)
ATTACH_SLOT(9)
ATTACH_SLOT(10)
ATTACH_SLOT(11)

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
