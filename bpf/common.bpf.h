/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Part of atstrace.bpf.c: the configuration, maps and helpers every concern
 * uses. Included first.
 */

/* Set by user space before load. */
const volatile bool want_hist;
const volatile bool want_events = true;  /* false with --quiet: counts only */
const volatile bool want_inv_events;     /* --timeline: every invalidation an event */
const volatile __u32 max_stacks = 5;     /* flagged invalidations sent with a stack */
const volatile __u32 nr_cpus = 1;        /* possible CPUs: no cap */
const volatile __u32 n_filter;           /* 0: every device */
/* fewer than there are only to test the loss paths (ATSTRACE_TEST_LIMITS) */
const volatile __u32 inflight_slots = INFLIGHT_SLOTS;
const volatile __u32 bus_slots = BUS_WINDOWS_MAX;
const volatile __u32 filter_rid[ATSTRACE_MAX_FILTER];

/*
 * Each device's counters: one entry shared by every CPU, added to
 * atomically, so the same memory whatever the number of CPUs (with the
 * per-CPU copies before, atstrace locked 569 MiB at 256 possible CPUs). Submissions to a device
 * already serialise on its IOMMU's queue lock, so the counters' cache line
 * moves with a line that moves anyway.
 *
 * The entry is found without hashing (a hash lookup cost a submission 190
 * guest instructions, measured by make bench): a slot of the counts array,
 * which dev_slots gives straight from a segment-0 RID (bus << 8 | devfn:
 * the whole of most hosts) and seg_slots, a hash, for any other segment.
 * A device gets its slot at its first count; slot_rid says whose each is.
 * Slot 0 is none.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1 << 16);
	__type(key, __u32);
	__type(value, __u32);
} dev_slots SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, ATSTRACE_MAX_DEVICES);
	__type(key, struct dev_key);
	__type(value, __u32);
} seg_slots SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, ATSTRACE_MAX_DEVICES + 1);
	__type(key, __u32);
	__type(value, struct dev_counts);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, ATSTRACE_MAX_DEVICES + 1);
	__type(key, __u32);
	__type(value, struct slot_owner);
} slot_rid SEC(".maps");

__u32 slots_used; /* slots handed out: 1..slots_used (more once they ran out) */
/* fewer than there are only to test the loss paths (ATSTRACE_TEST_LIMITS) */
const volatile __u32 count_slots = ATSTRACE_MAX_DEVICES;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, G_NR);
	__type(key, __u32);
	__type(value, __u64);
} global_counts SEC(".maps");

/*
 * Each CPU's in-flight records (inflight.h), one entry: a window opening
 * reads every CPU's with bpf_map_lookup_percpu_elem(), however many there are.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct inflight_cpu);
} inflight SEC(".maps");

/*
 * What one task is inside: its reset methods (reset_window.h), the
 * in-flight records it holds (inflight.h), the start of its prepare or
 * done. Task storage: freed with the task, however many tasks there are.
 */
struct task_state {
	struct task_frames frames;
	struct inflight_task subs;
	__u64 bracket_start;
	__u32 recovery;        /* inside pcie_do_recovery() for a reset (nesting) */
	__u32 recovery_seen;   /* ... and its reset opened a window */
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct task_state);
} task_states SEC(".maps");

/* shared, atomic like counts; user space sizes it to 1 entry without --hist */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4 * ATSTRACE_MAX_DEVICES);
	__type(key, struct hist_key);
	__type(value, struct hist);
} hists SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, RINGBUF_SIZE);
} events SEC(".maps");

static const __u32 zero_key;

static __always_inline void global_inc(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&global_counts, &idx);

	if (v)
		(*v)++;
}

static __always_inline void global_add(__u32 idx, __u64 n)
{
	__u64 *v = bpf_map_lookup_elem(&global_counts, &idx);

	if (v)
		*v += n;
}

/* The current task's state; NULL (counted) when there is none to be had. */
static __always_inline struct task_state *task_state_get(bool create)
{
	struct task_state *s;

	s = bpf_task_storage_get(&task_states, bpf_get_current_task_btf(), 0,
				 create ? BPF_LOCAL_STORAGE_GET_F_CREATE : 0);
	if (!s && create)
		global_inc(G_TASK_STATE_LOST);
	return s;
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

/* one of a device's counters, shared by every CPU */
#define COUNT_INC(field) __sync_fetch_and_add(&(field), 1)

/* @key's entry of a hash map, created from @zero if need be; a full map counts @full */
static __always_inline void *map_entry(void *map, const void *key, const void *zero, __u32 full)
{
	void *v = bpf_map_lookup_elem(map, key);

	if (v)
		return v;
	bpf_map_update_elem(map, key, zero, BPF_NOEXIST);
	v = bpf_map_lookup_elem(map, key);
	if (!v)
		global_inc(full);
	return v;
}

/* where @rid's slot is published (NULL: another segment's, not yet) */
static __always_inline __u32 *slot_ref(__u32 rid)
{
	struct dev_key key = { .rid = rid };
	__u32 idx = rid & 0xffff;

	if (rid >> 16)
		return bpf_map_lookup_elem(&seg_slots, &key);
	return bpf_map_lookup_elem(&dev_slots, &idx);
}

/*
 * A new slot for @rid, published in *@sp (dev_slots) or seg_slots; 0 when
 * they ran out (counted: its counts are lost). Two CPUs counting a new
 * device at once each take one: the first published wins, the other's
 * stays unused (never valid, never published).
 */
static __noinline __u32 slot_take(__u32 rid, __u32 *sp)
{
	__u32 n = __sync_fetch_and_add(&slots_used, 1) + 1, old;
	struct dev_key key = { .rid = rid };
	struct slot_owner *o;

	if (n > count_slots || n > ATSTRACE_MAX_DEVICES)
		goto full;
	o = bpf_map_lookup_elem(&slot_rid, &n);
	if (!o)
		goto full;
	/* the owner is written before the slot is published (a full barrier) */
	__sync_lock_test_and_set(&o->rid, rid);
	if (rid >> 16) {
		if (bpf_map_update_elem(&seg_slots, &key, &n, BPF_NOEXIST)) {
			/* another CPU published it first, or the table is full */
			sp = bpf_map_lookup_elem(&seg_slots, &key);
			if (!sp || !*sp)
				goto full;
			return *sp;
		}
	} else {
		if (!sp)
			goto full;
		old = __sync_val_compare_and_swap(sp, 0, n);
		if (old)
			return old;
	}
	__sync_fetch_and_add(&o->valid, 1); /* for user space: a slot to read */
	return n;
full:
	global_inc(G_COUNTS_FULL);
	return 0;
}

static __always_inline struct dev_counts *counts_of(__u32 rid)
{
	__u32 *sp = slot_ref(rid), slot;

	slot = sp ? *(volatile __u32 *)sp : 0;
	if (!slot)
		slot = slot_take(rid, sp);
	if (!slot)
		return NULL;
	return bpf_map_lookup_elem(&counts, &slot);
}

static __always_inline void hist_add(__u32 rid, __u32 kind, __u32 sub, __u64 value)
{
	struct hist_key key = { .rid = rid, .kind = kind, .sub = sub };
	static const struct hist zero;
	struct hist *h;
	__u32 slot;

	if (!want_hist)
		return;
	h = map_entry(&hists, &key, &zero, G_HISTS_FULL);
	if (!h)
		return;
	slot = log2_slot(value);
	if (slot < HIST_SLOTS)
		__sync_fetch_and_add(&h->slots[slot], 1);
	__sync_fetch_and_add(&h->sum, value);
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

/*
 * --timeline: every invalidation outside a window too, as an event of its
 * own (the flagged ones are flag_invalidation's). Shed like those.
 */
static __always_inline void inv_event(__u32 rid, const struct atc_inv *inv, __u32 vendor)
{
	struct event *e;

	if (bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) > RINGBUF_SIZE / 2) {
		global_inc(G_EVENTS_SHED);
		return;
	}
	e = event_reserve(EV_INV_SEEN, rid);
	if (!e)
		return;
	e->inv.reason = 0;
	e->inv.pasid = inv ? inv->pasid : ATC_NO_PASID;
	e->inv.addr = inv ? inv->addr : 0;
	e->inv.size = inv ? inv->size : 0;
	e->inv.vendor = vendor;
	e->inv.nstack = 0;
	bpf_ringbuf_submit(e, 0);
}

/*
 * Flagged invalidations can come by the tens of thousands a second; window
 * and attach events must never be lost to them. Past half the ring buffer
 * they are shed (counted, never silently), and only the first few per
 * device and CPU carry a stack. The counts in maps stay exact either way.
 */
/* @when: the time the window was seen open (0: the event's own) */
static __always_inline void flag_invalidation(__u32 rid, __u32 reason, __u32 kind,
					      const struct atc_inv *inv, __u32 vendor, void *ctx,
					      __u64 nth, __u64 when)
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
	if (when)
		e->ts = when;
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

/*
 * What pci_ats_supported() says: the reset bracket applies to this device.
 * For any other, prepare and done return at once (no tracepoint), so they
 * open and close nothing; the PCI core still calls them for every device
 * below a reset bridge, switch ports included.
 */
static __always_inline bool pdev_bracketable(struct pci_dev *pdev)
{
	if (!bpf_core_field_exists(pdev->ats_cap))
		return true;
	return BPF_CORE_READ(pdev, ats_cap) && !BPF_CORE_READ_BITFIELD_PROBED(pdev, untrusted);
}

extern const void pci_bus_type __ksym;

/* the pci_dev of a struct device, or NULL for a device on another bus */
static __always_inline struct pci_dev *pdev_of(struct device *dev)
{
	if (!dev || BPF_CORE_READ(dev, bus) != &pci_bus_type)
		return NULL;
	return (struct pci_dev *)((void *)dev - bpf_core_field_offset(struct pci_dev, dev));
}

/*
 * Generic slots, as many as atstrace.h declares: SLOTS(METHOD_SLOTS, m)
 * expands to m(0) ... m(METHOD_SLOTS - 1), so the programs the loader names
 * by slot exist by construction.
 */
#define SLOTS(n, m) SLOTS_(n, m)
#define SLOTS_(n, m) SLOTS_##n(m)
#define SLOTS_4(m) m(0) m(1) m(2) m(3)
#define SLOTS_8(m) SLOTS_4(m) m(4) m(5) m(6) m(7)
#define SLOTS_12(m) SLOTS_8(m) m(8) m(9) m(10) m(11)

#if METHOD_SLOTS % 4 || ATTACH_SLOTS % 4 || BUS_END_SLOTS % 4 || KMETHOD_SLOTS % 4 || \
	METHOD_SLOTS > 12 || ATTACH_SLOTS > 12 || BUS_END_SLOTS > 12 || KMETHOD_SLOTS > 12
#error "a slot count in atstrace.h that SLOTS() cannot expand: add its SLOTS_<n>"
#endif
