/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The reset-window state machine, written once: compiled into the BPF
 * programs (which keep these structs in maps) and into the host unit tests
 * (tests/test_reset_window.c).
 *
 * A device's window, nesting-aware:
 *  - on a kernel with reset bracketing, from the return of the outermost
 *    successful pci_dev_reset_iommu_prepare() to the entry of the matching
 *    pci_dev_reset_iommu_done();
 *  - otherwise, from the hardware reset's start to the device being ready:
 *    FLR starts when Initiate FLR is written to Device Control (after the
 *    pending-transaction wait), other methods at their entry; the window ends when pci_dev_wait() returns inside the
 *    method, or at the method's return when it never waits;
 *    A device that is not ready after its reset stays blocked (the series in
 *    kernel-patch/: pci_dev_reset_iommu_done_unready()): its window stays
 *    open until the done of a later reset that completes;
 *  - on every kernel, a secondary bus reset opens a window on every device
 *    below the bridge, from pci_reset_secondary_bus() to the return of
 *    pci_bridge_wait_for_secondary_bus() in the same task;
 *  - error recovery (AER, DPC: a reset no software asked for): the bus reset
 *    that pcie_do_recovery() issues opens a recovery window instead, which
 *    lasts until pcie_do_recovery() returns: behind a switch, the devices
 *    are unreachable until the port drivers restore the switch, after the
 *    bus wait. DPC's reset began before software knew: its window opens at
 *    pcie_do_recovery()'s entry. On a bracketing kernel a device whose
 *    bracket ends (ready) inside a recovery window leaves that window.
 * Calls with probe=1 never open a window.
 */
#ifndef ATSTRACE_RESET_WINDOW_H
#define ATSTRACE_RESET_WINDOW_H

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

enum window_kind {
	WK_BRACKET,       /* pci_dev_reset_iommu_prepare/done */
	WK_FLR,
	WK_AF_FLR,
	WK_PM,
	WK_BUS_FUNCTION,  /* the "bus" reset method of one device */
	WK_ACPI,
	WK_DEV_SPECIFIC,
	WK_CXL_BUS,
	WK_SECONDARY_BUS, /* a bridge's secondary bus reset (bus, slot, hot reset) */
	WK_RECOVERY,      /* error recovery (AER, DPC), on every device below the bridge */
	WK_NR,
};

/* one device's window (BPF: hash map keyed by RID) */
struct dev_window {
	__u32 depth;
	__u32 kind;      /* of the outermost open window */
	__u64 open_ns;
	__u32 stuck;     /* 1: left blocked by an unready reset (holds depth 1) */
	__u32 pad;
	__u64 released;  /* open_ns of the recovery window its bracket ended in */
};

enum window_step {
	WS_NESTED,     /* depth changed, window stays as it was */
	WS_OPENED,     /* 0 -> 1 */
	WS_CLOSED,     /* 1 -> 0 */
	WS_UNBALANCED, /* leave without enter: ignored */
};

static __always_inline int window_enter(struct dev_window *w, __u32 kind, __u64 now)
{
	if (w->depth++)
		return WS_NESTED;
	w->kind = kind;
	w->open_ns = now;
	return WS_OPENED;
}

/*
 * The end of a bracket. @ready is false when the device was not ready after
 * the reset: the outermost bracket then ends but the window stays open (the
 * device stays blocked); the next outermost ready leave closes it.
 */
static __always_inline int window_leave_as(struct dev_window *w, int ready, __u64 now,
					   __u64 *duration)
{
	if (!w->depth)
		return WS_UNBALANCED;
	if (w->depth != 1 + w->stuck) {
		w->depth--;
		return WS_NESTED;
	}
	if (!ready) {
		w->stuck = 1;
		w->depth = 1;
		return WS_NESTED;
	}
	w->depth = 0;
	w->stuck = 0;
	*duration = now - w->open_ns;
	w->open_ns = 0;
	return WS_CLOSED;
}

static __always_inline int window_leave(struct dev_window *w, __u64 now, __u64 *duration)
{
	return window_leave_as(w, 1, now, duration);
}

/* a bridge's secondary bus reset in progress (BPF: small array) */
enum bus_window_state {
	BUS_WINDOW_FREE,
	BUS_WINDOW_OPEN,
	BUS_WINDOW_FILLING, /* claimed, its range not written yet */
};

struct bus_window {
	__u32 active;    /* enum bus_window_state */
	__u32 tid;       /* the resetting task: its wait for the bus ends it */
	__u32 bridge;    /* RID of the bridge */
	__u32 segment;
	__u32 bus_lo, bus_hi;
	__u64 open_ns;   /* also the window's identity */
	__u32 kind;      /* WK_SECONDARY_BUS or WK_RECOVERY */
	__u32 pad;
};

#define BUS_WINDOWS_MAX 8

static __always_inline bool bus_window_covers(const struct bus_window *b, __u32 rid)
{
	__u32 bus = (rid >> 8) & 0xff;

	return b->active == BUS_WINDOW_OPEN && b->segment == rid >> 16 && bus >= b->bus_lo &&
	       bus <= b->bus_hi;
}

/*
 * Whether bus window @b holds device @rid, whose own window is @w (NULL when
 * it has none): a device restored inside a recovery window has left it.
 */
static __always_inline bool bus_window_holds(const struct bus_window *b, __u32 rid,
					     const struct dev_window *w)
{
	if (!bus_window_covers(b, rid))
		return false;
	return b->kind != WK_RECOVERY || !w || w->released != b->open_ns;
}

/* A device's bracket ended ready inside recovery window @b: it leaves it. */
static __always_inline void recovery_release(struct dev_window *w, const struct bus_window *b,
					     __u32 rid)
{
	if (b->kind == WK_RECOVERY && bus_window_covers(b, rid))
		w->released = b->open_ns;
}

/*
 * Per task: the reset methods it is inside (they nest: a device-specific
 * reset may call pcie_flr). BPF: task storage.
 */
enum frame_phase {
	FRAME_PENDING, /* FLR: Initiate FLR not written yet, no window */
	FRAME_OPEN,    /* hardware reset running: window open */
	FRAME_READY,   /* pci_dev_wait returned: window already closed */
	FRAME_IGNORED, /* probe=1: never opens */
	FRAME_DONE_EARLY, /* bracketing: done came before the device was ready */
};

#define RESET_FRAMES_MAX 4 /* a power of two: indexes are masked with it */
_Static_assert((RESET_FRAMES_MAX & (RESET_FRAMES_MAX - 1)) == 0, "RESET_FRAMES_MAX");

struct reset_frame {
	__u32 rid;
	__u32 kind;
	__u32 phase;
	__u32 pad;
};

struct task_frames {
	__u32 depth;
	__u32 pad;
	struct reset_frame f[RESET_FRAMES_MAX];
};

/*
 * A reset method was entered. Returns the frame when the hardware window
 * starts now (the caller opens it), NULL otherwise.
 */
static __always_inline struct reset_frame *frame_push(struct task_frames *t, __u32 rid,
						       __u32 kind, bool probe)
{
	struct reset_frame *f;
	__u32 d = t->depth;

	if (d >= RESET_FRAMES_MAX)
		return NULL;
	t->depth = d + 1;
	f = &t->f[d & (RESET_FRAMES_MAX - 1)];
	f->rid = rid;
	f->kind = kind;
	f->phase = probe ? FRAME_IGNORED : kind == WK_FLR ? FRAME_PENDING : FRAME_OPEN;
	return f->phase == FRAME_OPEN ? f : NULL;
}

static __always_inline struct reset_frame *frame_top(struct task_frames *t)
{
	__u32 d = t->depth;

	if (d == 0 || d > RESET_FRAMES_MAX)
		return NULL;
	/* masked: the compiler may compute the address before the check above */
	return &t->f[(d - 1) & (RESET_FRAMES_MAX - 1)];
}

/* The top frame moves from phase @from to @to; NULL when it is not in @from. */
static __always_inline struct reset_frame *frame_advance(struct task_frames *t, __u32 from,
							  __u32 to)
{
	struct reset_frame *f = frame_top(t);

	if (!f || f->phase != from)
		return NULL;
	f->phase = to;
	return f;
}

/*
 * A bracketing kernel's done for @rid, inside a reset method of that device
 * whose hardware reset has started (FLR, AF FLR, PM: the methods that wait
 * with pci_dev_wait()) and not yet seen ready: marked FRAME_DONE_EARLY.
 * Only a pci_dev_wait() that returns later in the same method proves that
 * the bracket ended before the device was ready (frame_ready_after_done):
 * a device with Immediate Readiness, or a kernel whose pci_dev_wait() is
 * not hooked, never gets there, so nothing is claimed for them. Returns
 * whether the frame was marked.
 */
static __always_inline bool frame_done_early(struct task_frames *t, __u32 rid)
{
	struct reset_frame *f = frame_top(t);

	if (!f || f->rid != rid || f->phase != FRAME_OPEN)
		return false;
	if (f->kind != WK_FLR && f->kind != WK_AF_FLR && f->kind != WK_PM)
		return false;
	f->phase = FRAME_DONE_EARLY;
	return true;
}

/*
 * pci_dev_wait() returned after the bracket's done: the rest of the reset
 * ran outside any bracket. Returns the frame (the caller counts it).
 */
static __always_inline struct reset_frame *frame_ready_after_done(struct task_frames *t)
{
	return frame_advance(t, FRAME_DONE_EARLY, FRAME_READY);
}

/* Initiate FLR was written to Device Control: the FLR's hardware reset starts. */
static __always_inline struct reset_frame *frame_flr_written(struct task_frames *t)
{
	return frame_advance(t, FRAME_PENDING, FRAME_OPEN);
}

/* pci_dev_wait() returned: the device is ready, the window closes. */
static __always_inline struct reset_frame *frame_device_ready(struct task_frames *t)
{
	return frame_advance(t, FRAME_OPEN, FRAME_READY);
}

/*
 * The method returned. Pops its frame; returns it when its window is still
 * open (the caller closes it), NULL otherwise. *popped says whether a frame
 * of this kind was on top (a missed entry leaves nothing to pop).
 */
static __always_inline struct reset_frame *frame_pop(struct task_frames *t, __u32 kind,
						      bool *popped)
{
	struct reset_frame *f = frame_top(t);

	*popped = false;
	if (!f || f->kind != kind)
		return NULL;
	*popped = true;
	t->depth--;
	return f->phase == FRAME_OPEN ? f : NULL;
}

#endif
