/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Part of atstrace.bpf.c: reset windows (reset_window.h), bus windows and
 * upstream's bracketing. Opening a window counts the submissions in flight
 * to the device (inflight.h); the submission paths ask in_window().
 */

/* Set by user space before load. */
const volatile bool bracketing;          /* kernel has pci_dev_reset_iommu_prepare() */
const volatile bool want_open_events;    /* -v: report window openings too */
const volatile __u64 dpc_reset_fn;       /* dpc_reset_link()'s address, 0: none */
/* generic slots: what each one is attached to (the kprobe slots follow the fentry ones) */
const volatile __u32 method_kind[METHOD_SLOTS + KMETHOD_SLOTS];
const volatile __s32 method_probe_arg[METHOD_SLOTS + KMETHOD_SLOTS];  /* -1: no probe argument */

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

/*
 * Windows open right now (device and bus): while there are none, which is
 * nearly always, a submission needs no window lookup at all. A global, one
 * load away (no map lookup); changed atomically, a full barrier, before a
 * window's opening reads what is in flight.
 */
__s64 open_windows;

static __always_inline void open_windows_add(__s64 d)
{
	__sync_fetch_and_add(&open_windows, d);
}

static __always_inline struct bus_window *bus_windows_get(void)
{
	struct bus_windows_state *s = bpf_map_lookup_elem(&bus_windows, &zero_key);

	return s ? s->w : NULL;
}

static __always_inline struct dev_window *window_of(__u32 rid)
{
	struct dev_key key = { .rid = rid };
	struct dev_window zero = {};

	return map_entry(&windows, &key, &zero, G_WINDOWS_FULL);
}

/* the first bus or recovery window that holds rid (own window w, or NULL) */
static __always_inline bool in_bus_window(__u32 rid, const struct dev_window *w, __u32 *kind)
{
	struct bus_window *bw = bus_windows_get();

	if (!bw)
		return false;
	for (int i = 0; i < BUS_WINDOWS_MAX; i++) {
		if (bus_window_holds(&bw[i], rid, w)) {
			*kind = bw[i].kind;
			return true;
		}
	}
	return false;
}

/*
 * The kind of the window rid is in, or -1. A global function: the verifier
 * checks it once, on its own, rather than at every descriptor of every
 * submission path (7.x's verifier ran out of instructions on the inlined
 * bus and recovery window loops in qi_submit_sync's program).
 */
__noinline int rid_window_kind(__u32 rid)
{
	struct dev_key key = { .rid = rid };
	struct dev_window *w;
	__u32 kind = 0;

	w = bpf_map_lookup_elem(&windows, &key);
	if (w && w->depth)
		return w->kind;
	return in_bus_window(rid, w, &kind) ? (int)kind : -1;
}

/* no window open anywhere (nearly always): no call, no lookup */
static __always_inline bool in_window(__u32 rid, __u32 *kind)
{
	int k;

	if (*(volatile __s64 *)&open_windows <= 0)
		return false;
	k = rid_window_kind(rid);
	if (k < 0)
		return false;
	*kind = k;
	return true;
}

/* ---------------------------------------------------------- reset windows */

/* a window opening on RIDs lo..hi (one device, or every device below a bridge) */
struct scan_ctx {
	__u32 lo, hi;
	__u32 kind;
	bool at_reset;  /* a recovery window opened by the bus reset itself */
};

#define INFLIGHT_ENTRIES (INFLIGHT_SLOTS * INFLIGHT_MAX) /* per CPU */

/*
 * One entry of one CPU's in-flight records, read from wherever the window
 * opens: a submission still in flight to a device of the window is counted,
 * once. One entry per loop step keeps the body the verifier walks small
 * (7.x walks a callback until its states converge).
 */
static int scan_inflight_entry(__u32 i, void *data)
{
	struct scan_ctx *s = data;
	__u32 cpu = i / INFLIGHT_ENTRIES, k = i % INFLIGHT_ENTRIES;
	struct inflight_cpu *c = bpf_map_lookup_percpu_elem(&inflight, &zero_key, cpu);
	struct dev_counts *dc;
	__u32 rid;

	if (!c)
		return 1; /* past the possible CPUs */
	rid = inflight_claim_entry(&c->slot[(k / INFLIGHT_MAX) & (INFLIGHT_SLOTS - 1)],
				   k % INFLIGHT_MAX, s->lo, s->hi);
	if (rid == INFLIGHT_NONE || !rid_selected(rid))
		return 0;
	dc = counts_of(rid);
	if (dc)
		COUNT_INC(dc->in_flight_at_open);
	flag_invalidation(rid, FLAG_IN_FLIGHT_AT_OPEN, s->kind, NULL, VENDOR_VTD, NULL, 0, 0);
	return 0;
}

static __always_inline void count_in_flight(__u32 lo, __u32 hi, __u32 kind)
{
	struct scan_ctx s = { .lo = lo, .hi = hi, .kind = kind };

	bpf_loop(nr_cpus * INFLIGHT_ENTRIES, scan_inflight_entry, &s, 0);
	vtd_count_in_flight(lo, hi, kind);
}

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
	if (bpf_map_update_elem(&window_hits, &key, &zero, BPF_ANY))
		global_inc(G_WINDOWS_FULL);
	if (!rid_selected(rid))
		return;
	c = counts_of(rid);
	if (!c)
		return;
	if (kind < WK_NR)
		COUNT_INC(c->windows[kind]);
	ats = pdev ? pdev_ats_enabled(pdev) : 0;
	if (ats)
		COUNT_INC(c->ats_in_window);
	count_in_flight(rid, rid, kind);
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
	/* restored (its bracket ended) inside an error recovery: it leaves it */
	if (ready && bracketing) {
		struct bus_window *bw = bus_windows_get();

		for (int i = 0; bw && i < BUS_WINDOWS_MAX; i++)
			recovery_release(w, &bw[i], rid);
	}
	if (!rid_selected(rid))
		return;
	hist_add(rid, H_WINDOW, kind, dur);
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
 * Bracketing kernel: (part of) a hardware reset of @rid ran with ATS on and
 * no bracket open: counted, and an event.
 */
static __always_inline void unbracketed_reset(__u32 rid, __u32 kind, struct pci_dev *pdev)
{
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
			COUNT_INC(c->unbracketed);
		e = event_reserve(EV_UNBRACKETED, rid);
		if (e) {
			e->win.kind = kind;
			e->win.ats_enabled = 1;
			bpf_ringbuf_submit(e, 0);
		}
	}
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
	unbracketed_reset(rid, kind, pdev);
}

static __always_inline struct task_frames *frames_of_current(bool create)
{
	struct task_state *ts = task_state_get(create);

	return ts ? &ts->frames : NULL;
}

/* the task is inside pcie_do_recovery() for a reset (frozen) */
static __always_inline bool task_in_recovery(void)
{
	struct task_state *ts = task_state_get(false);

	return ts && ts->recovery;
}

/* a reset window opened inside this task's recovery: the recovery was seen */
static __always_inline void recovery_saw_reset(void)
{
	struct task_state *ts = task_state_get(false);

	if (ts && ts->recovery)
		ts->recovery_seen = 1;
}

/*
 * The bus is ready again: close this task's bus windows of @kind. The wait
 * for the secondary bus is inlined into some callers (Debian's 7.2 build), so
 * the outer calls that reset a bus close them too (generic slots, see the
 * probe plan): whichever returns first ends the window. Recovery windows end
 * when the recovery returns.
 */
static __always_inline int close_task_bus_windows(__u32 kind)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct bus_window *bw = bus_windows_get();
	struct event *e;

	for (int i = 0; bw && i < BUS_WINDOWS_MAX; i++) {
		struct bus_window *b = &bw[i];
		__u64 now;

		if (b->active != BUS_WINDOW_OPEN || b->tid != tid || b->kind != kind)
			continue;
		now = bpf_ktime_get_ns();
		b->active = 0;
		open_windows_add(-1);
		e = event_reserve(EV_BUS_WINDOW_CLOSE, b->bridge);
		if (e) {
			e->ts = now;
			e->win.kind = kind;
			e->win.duration = now - b->open_ns;
			e->win.bus_lo = b->bus_lo;
			e->win.bus_hi = b->bus_hi;
			bpf_ringbuf_submit(e, 0);
		}
	}
	return 0;
}

/* A reset method was entered: its device (first argument) and probe flag. */
static __always_inline int method_enter(void *ctx, int slot, struct pci_dev *pdev, bool probe)
{
	struct task_frames *t = frames_of_current(true);
	struct reset_frame *f;
	__u32 kind = method_kind[slot];

	if (!t)
		return 0;
	/* deeper than a task's frames: this method's window would go unseen */
	if (t->depth >= RESET_FRAMES_MAX)
		global_inc(G_TASK_STATE_LOST);
	f = frame_push(t, pdev_rid(pdev), kind, probe);
	if (!probe)
		recovery_saw_reset(); /* an RCiEP's recovery is its FLR */
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
		close_task_bus_windows(WK_SECONDARY_BUS);
	return 0;
}

static __always_inline int method_entry(void *ctx, int slot)
{
	__u64 dev = 0, arg = 0;
	bool probe = false;

	if (bpf_get_func_arg(ctx, 0, &dev))
		return 0;
	if (method_probe_arg[slot] >= 0 && !bpf_get_func_arg(ctx, method_probe_arg[slot], &arg))
		probe = arg & 1;
	return method_enter(ctx, slot, (struct pci_dev *)dev, probe);
}

/* The same from a kprobe: the probe flag is the second argument or none. */
static __always_inline int method_kentry(struct pt_regs *regs, int slot)
{
	bool probe = method_probe_arg[slot] == 1 && (PT_REGS_PARM2(regs) & 1);

	return method_enter(regs, slot, (struct pci_dev *)PT_REGS_PARM1(regs), probe);
}

/* Generic slots: user space points each at one reset method. */
#define METHOD_SLOT(n)							\
SEC("?fentry") int BPF_PROG(method_entry_##n) { return method_entry(ctx, n); } \
SEC("?fexit") int BPF_PROG(method_exit_##n) { return method_exit(ctx, n); }

SLOTS(METHOD_SLOTS, METHOD_SLOT)

/*
 * Kprobe slots, for a method the kernel has only as an LTO-renamed copy
 * (name.llvm.N: the same code and arguments, but no BTF function of that
 * name for a trampoline). User space attaches them by symbol. A kretprobe
 * has a fixed number of instances: a return it had none for is missed, and
 * its method's frame stays. Entries and returns are counted, and user space
 * compares them once the command is done.
 */
#define KMETHOD_SLOT(n)							\
SEC("?kprobe") int method_kentry_##n(struct pt_regs *ctx)		\
{ global_inc(G_KMETHOD_ENTRIES); return method_kentry(ctx, METHOD_SLOTS + n); } \
SEC("?kretprobe") int method_kexit_##n(struct pt_regs *ctx)		\
{ global_inc(G_KMETHOD_EXITS); return method_exit(ctx, METHOD_SLOTS + n); }

SLOTS(KMETHOD_SLOTS, KMETHOD_SLOT)

#define PCI_EXP_DEVCTL 8
#define PCI_EXP_DEVCTL_BCR_FLR 0x8000

/*
 * pcie_flr() writes Initiate FLR once pending transactions have drained:
 * the hardware reset starts there. (pci_wait_for_pending_transaction() is
 * inlined into pcie_flr() by GCC, so its return cannot mark the point.)
 *
 * The write is also a second vantage point on the method hooks: an FLR
 * initiated while no traced reset method runs on this task comes from a
 * method the plan could not hook (pcie_flr() inlined into a caller while
 * its out-of-line copy is the one traced, a caller that writes the bit
 * itself) or from one already under way when tracing began. Without
 * bracketing its window goes unseen: counted, and --assert is
 * inconclusive. With bracketing the bracket decides, as for any method.
 */
SEC("?fentry/pcie_capability_clear_and_set_word_unlocked")
int BPF_PROG(flr_write_fentry, struct pci_dev *pdev, int pos, u16 clear, u16 set)
{
	struct task_frames *t;
	struct reset_frame *f;

	if (pos != PCI_EXP_DEVCTL || !(set & PCI_EXP_DEVCTL_BCR_FLR))
		return 0;
	t = frames_of_current(false);
	if (!t || !t->depth) {
		if (bracketing)
			hw_reset_start(ctx, pdev_rid(pdev), WK_FLR, pdev);
		else if (rid_selected(pdev_rid(pdev)))
			global_inc(G_FLR_UNHOOKED);
		return 0;
	}
	f = frame_flr_written(t);
	if (f)
		hw_reset_start(ctx, f->rid, f->kind, pdev);
	return 0;
}

/*
 * pci_dev_wait() returned inside a method: the device is ready. On a
 * bracketing kernel whose done came before this (frame_done_early), the
 * reset ran on without a bracket from done to here: unbracketed.
 */
SEC("?fexit/pci_dev_wait")
int BPF_PROG(device_ready_fexit, struct pci_dev *pdev)
{
	struct task_frames *t = frames_of_current(false);
	struct reset_frame *f = t ? frame_device_ready(t) : NULL;

	if (f && !bracketing)
		close_window(f->rid);
	else if (!f && t && bracketing && (f = frame_ready_after_done(t)))
		unbracketed_reset(f->rid, f->kind, pdev);
	return 0;
}

/*
 * Every device atstrace counts below the bridge is in the new window. In an
 * error recovery on a bracketing kernel, one that is not bracketed when the
 * bus is reset was reset unbracketed.
 */
static long count_bus_window(void *map, __u32 *slot, struct dev_counts *c, struct scan_ctx *s)
{
	struct slot_owner *o = bpf_map_lookup_elem(&slot_rid, slot);
	struct dev_key key[1];
	struct dev_window *w;
	__u32 *sp;

	if (*slot > slots_used)
		return 1; /* past the slots handed out */
	if (!*slot || !o || o->rid < s->lo || o->rid > s->hi)
		return 0;
	/* the device's own slot, not one a race left unused */
	sp = slot_ref(o->rid);
	if (!sp || *sp != *slot)
		return 0;
	key->rid = o->rid;
	COUNT_INC(c->windows[s->kind < WK_NR ? s->kind : WK_SECONDARY_BUS]);
	if (s->at_reset && bracketing) {
		w = bpf_map_lookup_elem(&windows, key);
		if (!w || !w->depth)
			COUNT_INC(c->unbracketed);
	}
	return 0;
}

/*
 * Every device below @bridge is in a window of @kind, until this task ends it.
 * @at_reset: a recovery window opened by the recovery's bus reset, when every
 * device below must already be bracketed on a bracketing kernel.
 */
static __always_inline void open_bus_window(struct pci_dev *bridge, __u32 kind, bool at_reset)
{
	struct pci_bus *sub = BPF_CORE_READ(bridge, subordinate);
	__u32 brid = pdev_rid(bridge), tid = (__u32)bpf_get_current_pid_tgid();
	struct bus_window *bw = bus_windows_get();
	struct scan_ctx s = { .kind = kind, .at_reset = at_reset };
	struct event *e;

	if (!sub || !bw)
		return;
	for (int i = 0; i < BUS_WINDOWS_MAX; i++) {
		struct bus_window *b = &bw[i];

		if (i >= bus_slots)
			break;
		/* two bridges resetting at once must not take one slot */
		if (__sync_val_compare_and_swap(&b->active, 0, BUS_WINDOW_FILLING))
			continue;
		b->tid = tid;
		b->bridge = brid;
		b->segment = brid >> 16;
		b->bus_lo = BPF_CORE_READ(sub, busn_res.start) & 0xff;
		b->bus_hi = BPF_CORE_READ(sub, busn_res.end) & 0xff;
		b->open_ns = bpf_ktime_get_ns();
		b->kind = kind;
		__sync_fetch_and_add(&b->active, BUS_WINDOW_OPEN - BUS_WINDOW_FILLING);
		open_windows_add(1);
		if (kind == WK_RECOVERY) {
			global_inc(G_RECOVERY_WINDOWS);
			recovery_saw_reset();
		}
		inflight_bus_range(b->segment, b->bus_lo, b->bus_hi, &s.lo, &s.hi);
		bpf_for_each_map_elem(&counts, count_bus_window, &s, 0);
		count_in_flight(s.lo, s.hi, kind);
		e = event_reserve(EV_BUS_WINDOW_OPEN, brid);
		if (e) {
			e->win.kind = kind;
			e->win.bus_lo = b->bus_lo;
			e->win.bus_hi = b->bus_hi;
			bpf_ringbuf_submit(e, 0);
		}
		return;
	}
	global_inc(G_BUS_SLOTS_FULL);
}

/*
 * A bridge asserts secondary bus reset: every device below it is in a window;
 * when error recovery issued it, a recovery window.
 */
SEC("?fentry/pci_reset_secondary_bus")
int BPF_PROG(bus_reset_fentry, struct pci_dev *bridge)
{
	bool rec = task_in_recovery();

	global_inc(G_BUS_WINDOWS);
	open_bus_window(bridge, rec ? WK_RECOVERY : WK_SECONDARY_BUS, rec);
	return 0;
}

#define PCI_CHANNEL_IO_FROZEN 2 /* pci_channel_io_frozen: recovery resets */

/*
 * Error recovery (AER, DPC, EDR) of everything below a bridge. Its bus reset
 * opens the recovery window (above); DPC's reset began in hardware before
 * software knew, so its window opens here, on the DPC port's secondary bus.
 */
SEC("?fentry/pcie_do_recovery")
int BPF_PROG(recovery_fentry, struct pci_dev *dev, unsigned int state)
{
	struct task_state *ts;
	__u64 reset = 0;

	if (state != PCI_CHANNEL_IO_FROZEN)
		return 0;
	/* the reset callback, as a number (a function pointer is no BTF pointer) */
	bpf_get_func_arg(ctx, 2, &reset);
	ts = task_state_get(true);
	if (!ts) {
		global_inc(G_TASK_STATE_LOST);
		return 0;
	}
	ts->recovery++;
	global_inc(G_RECOVERIES);
	if (dpc_reset_fn && reset == dpc_reset_fn)
		open_bus_window(dev, WK_RECOVERY, false);
	return 0;
}

/* ... and the recovery's end ends its windows */
SEC("?fexit/pcie_do_recovery")
int BPF_PROG(recovery_fexit)
{
	struct task_state *ts = task_state_get(false);

	if (!ts || !ts->recovery)
		return 0;
	if (--ts->recovery)
		return 0;
	close_task_bus_windows(WK_RECOVERY);
	/* a reset it did not see (an untraced path): its window went unseen */
	if (!ts->recovery_seen)
		global_inc(G_RECOVERY_UNSEEN);
	ts->recovery_seen = 0;
	return 0;
}

#define BUS_END_SLOT(n) \
SEC("?fexit") int BPF_PROG(bus_end_exit_##n) { return close_task_bus_windows(WK_SECONDARY_BUS); }

SLOTS(BUS_END_SLOTS, BUS_END_SLOT)

/* ------------------------------------------------- upstream's bracketing */

/* prepare's and done's durations, for their histograms */
static __always_inline void bracket_begin(void)
{
	struct task_state *ts;

	if (!want_hist)
		return;
	ts = task_state_get(true);
	if (ts)
		ts->bracket_start = bpf_ktime_get_ns();
}

static __always_inline void bracket_end(__u32 rid, __u32 kind)
{
	struct task_state *ts;

	if (!want_hist)
		return;
	ts = task_state_get(false);
	if (!ts || !ts->bracket_start)
		return;
	hist_add(rid, kind, 0, bpf_ktime_get_ns() - ts->bracket_start);
	ts->bracket_start = 0;
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
	if (ret == 0 && pdev_bracketable(pdev))
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

/*
 * ... and closes when done starts: done's own restore flushes are
 * legitimate, once the device is ready. A done inside an FLR, AF FLR or PM
 * reset whose device has not been seen ready yet is marked: if the
 * method's pci_dev_wait() returns after it, the bracket ended too early
 * (device_ready_fexit counts the reset unbracketed).
 */
SEC("?fentry/pci_dev_reset_iommu_done")
int BPF_PROG(done_fentry, struct pci_dev *pdev)
{
	if (pdev_bracketable(pdev)) {
		struct task_frames *t = frames_of_current(false);
		__u32 rid = pdev_rid(pdev);

		if (t)
			frame_done_early(t, rid);
		close_window(rid);
	}
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
	if (pdev_bracketable(pdev))
		close_window_as(pdev_rid(pdev), 0);
	return 0;
}
