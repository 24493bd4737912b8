/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The in-flight records, written once: compiled into the BPF programs (which
 * keep them in maps) and into the host unit tests (tests/test_inflight.c).
 *
 * A record holds the devices the ATC invalidations of one submission
 * target, from the submission until the IOMMU driver's wait for it returns.
 * A window that opens on a device meanwhile counts each submission still in
 * flight to it, once: sent before the window, it may complete inside it.
 *
 * Records are per call, not per CPU: each CPU has INFLIGHT_SLOTS of them
 * (BPF: a per-CPU array, read from every CPU when a window opens), and the
 * submitting task keeps a stack of references to the ones it holds (BPF:
 * task storage, freed with the task). The completion finds its record
 * through the task, so a submitter that migrated between submission and
 * completion (6.12 VT-d waits with preemption on in places) releases the
 * right one, and a submission nested in another on the same task (an IRQ,
 * the queue-full loop) takes a record of its own instead of resetting the
 * outer one.
 */
#ifndef ATSTRACE_INFLIGHT_H
#define ATSTRACE_INFLIGHT_H

#include "atstrace.h"

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

struct inflight {
	__u64 ts;
	__u32 busy;                 /* held by a submission */
	__u32 n;
	__u32 rid[INFLIGHT_MAX];
	__u8 counted[INFLIGHT_MAX]; /* already counted as in flight at a window's open */
};

/* one CPU's records */
struct inflight_cpu {
	struct inflight slot[INFLIGHT_SLOTS];
};

/*
 * How a submission completes: VT-d waits in the call that submits (its return
 * completes the record it took); AMD-Vi and SMMUv3 queue commands call by
 * call and wait later, in another call (the record grows until the wait).
 */
enum inflight_kind {
	INFLIGHT_CALL = 1,
	INFLIGHT_QUEUE,
};

#define INFLIGHT_NO_SLOT 0xff

struct inflight_ref {
	__u32 cpu;
	__u8 slot;      /* INFLIGHT_NO_SLOT: the CPU had none free (counted) */
	__u8 kind;      /* enum inflight_kind */
	__u16 call;     /* INFLIGHT_CALL: the task's call depth that took it */
};

/* per task: the records it holds, innermost last */
struct inflight_task {
	__u32 calls;    /* submitting calls (INFLIGHT_CALL) the task is inside */
	__u32 depth;
	struct inflight_ref ref[INFLIGHT_NEST];
};

enum inflight_result {
	INFLIGHT_OK,
	INFLIGHT_NO_RECORD,  /* every record of the CPU is held: not tracked */
	INFLIGHT_TOO_DEEP,   /* the task nests deeper than INFLIGHT_NEST: not tracked */
	INFLIGHT_UNBALANCED, /* a completion with no submitting call open */
};

/*
 * Takes a free record of this CPU for a submission, among its first @slots
 * (INFLIGHT_SLOTS but in a test of the loss paths); INFLIGHT_NO_SLOT when
 * all are held. Only programs of this CPU take records, and one program
 * does not nest in itself on a CPU, so no atomic is needed; other CPUs only
 * mark records counted or release the one they hold.
 */
static __always_inline __u8 inflight_take(struct inflight_cpu *c, __u64 now, __u32 slots)
{
	for (__u32 i = 0; i < INFLIGHT_SLOTS; i++) {
		struct inflight *fl = &c->slot[i];

		if (i >= slots)
			break;
		if (fl->busy)
			continue;
		fl->n = 0;
		fl->ts = now;
		fl->busy = 1;
		return i;
	}
	return INFLIGHT_NO_SLOT;
}

static __always_inline void inflight_release(struct inflight *fl)
{
	fl->n = 0;
	fl->busy = 0;
}

/* The task's innermost reference, when it is of @kind (and, for a call, its own). */
static __always_inline struct inflight_ref *inflight_top(struct inflight_task *t, __u32 kind)
{
	__u32 d = t->depth;
	struct inflight_ref *r;

	if (d == 0 || d > INFLIGHT_NEST)
		return (struct inflight_ref *)0;
	r = &t->ref[d - 1];
	if (r->kind != kind || (kind == INFLIGHT_CALL && r->call != t->calls))
		return (struct inflight_ref *)0;
	return r;
}

/* A submitting call (INFLIGHT_CALL) starts; its record is taken only once it carries one. */
static __always_inline void inflight_call_enter(struct inflight_task *t)
{
	t->calls++;
}

/*
 * Pushes a reference to (@cpu, @slot); @slot may be INFLIGHT_NO_SLOT, so the
 * completion still pops what its submission pushed.
 */
static __always_inline int inflight_push(struct inflight_task *t, __u32 cpu, __u8 slot, __u32 kind)
{
	__u32 d = t->depth;
	struct inflight_ref *r;

	if (d >= INFLIGHT_NEST)
		return INFLIGHT_TOO_DEEP;
	r = &t->ref[d];
	r->cpu = cpu;
	r->slot = slot;
	r->kind = kind;
	r->call = kind == INFLIGHT_CALL ? t->calls : 0;
	t->depth = d + 1;
	return slot == INFLIGHT_NO_SLOT ? INFLIGHT_NO_RECORD : INFLIGHT_OK;
}

/*
 * The wait of the innermost submission of @kind returned: pops its reference
 * into *@out (false when there is none: a queue that carried no ATC
 * invalidation, a call that carried none). A call also leaves its depth.
 */
static __always_inline bool inflight_pop(struct inflight_task *t, __u32 kind,
					 struct inflight_ref *out, int *result)
{
	struct inflight_ref *r = inflight_top(t, kind);

	*result = INFLIGHT_OK;
	if (r) {
		*out = *r;
		t->depth--;
	}
	if (kind == INFLIGHT_CALL) {
		if (t->calls)
			t->calls--;
		else
			*result = INFLIGHT_UNBALANCED;
	}
	return r && r->slot != INFLIGHT_NO_SLOT;
}

static __always_inline bool inflight_carries(const struct inflight *fl, __u32 rid)
{
	__u32 n = fl->n;

	for (__u32 i = 0; i < INFLIGHT_MAX; i++) {
		if (i >= n)
			break;
		if (fl->rid[i] == rid)
			return true;
	}
	return false;
}

enum inflight_add {
	INFLIGHT_ADDED,    /* the submission's first command to this device */
	INFLIGHT_CARRIED,  /* it already carries one: the same submission */
	INFLIGHT_OVERFLOW, /* the record is full: not tracked, each command counts anew */
};

/* An ATC invalidation to @rid joins the submission: a record holds a device once. */
static __always_inline int inflight_add(struct inflight *fl, __u32 rid)
{
	__u32 n = fl->n;

	if (inflight_carries(fl, rid))
		return INFLIGHT_CARRIED;
	if (n >= INFLIGHT_MAX)
		return INFLIGHT_OVERFLOW;
	fl->rid[n] = rid;
	fl->counted[n] = 0;
	fl->n = n + 1;
	return INFLIGHT_ADDED;
}

/*
 * A window opens on the RIDs @lo..@hi (one device: lo == hi; below a bridge:
 * inflight_bus_range()). A record holds a device once.
 */
#define INFLIGHT_NONE 0xffffffffu

/* entry @i of the record, if it is in the range and not counted yet: counted now */
static __always_inline __u32 inflight_claim_entry(struct inflight *fl, __u32 i, __u32 lo, __u32 hi)
{
	if (!fl->busy || i >= INFLIGHT_MAX || i >= fl->n)
		return INFLIGHT_NONE;
	if (fl->rid[i] < lo || fl->rid[i] > hi || fl->counted[i])
		return INFLIGHT_NONE;
	fl->counted[i] = 1;
	return fl->rid[i];
}

/* the RIDs below a bridge: segment @seg, buses @bus_lo..@bus_hi, every devfn */
static __always_inline void inflight_bus_range(__u32 seg, __u32 bus_lo, __u32 bus_hi,
					       __u32 *lo, __u32 *hi)
{
	*lo = seg << 16 | (bus_lo & 0xff) << 8;
	*hi = seg << 16 | (bus_hi & 0xff) << 8 | 0xff;
}

#endif
