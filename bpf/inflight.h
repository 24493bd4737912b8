/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The in-flight set, written once: compiled into the BPF programs (which keep
 * one set per CPU in a map) and into the host unit tests
 * (tests/test_inflight.c).
 *
 * A set holds the devices the ATC invalidations of one submission target,
 * from the submission until the IOMMU driver's wait for it returns. A window
 * that opens on a device meanwhile counts each submission still in flight to
 * it, once: sent before the window, it may complete inside it.
 */
#ifndef ATSTRACE_INFLIGHT_H
#define ATSTRACE_INFLIGHT_H

#include "atstrace.h"

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

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

/* A submission that waits before it returns (VT-d) starts a set of its own. */
static __always_inline void inflight_begin(struct inflight *fl, __u64 now)
{
	fl->n = 0;
	fl->ts = now;
}

/*
 * AMD-Vi and SMMUv3 queue commands one call at a time and wait later, in
 * another call: the set of this CPU starts with its first ATC command and
 * grows until that wait returns.
 */
static __always_inline void inflight_join(struct inflight *fl, __u64 now)
{
	if (!fl->n)
		fl->ts = now;
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
	INFLIGHT_OVERFLOW, /* the set is full: not tracked, each command counts anew */
};

/* An ATC invalidation to @rid joins the submission: a set holds a device once. */
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
 * The wait returned: the set empties. Returns how many devices it held; their
 * RIDs stay in fl->rid[] (and the start in fl->ts) for the caller.
 */
static __always_inline __u32 inflight_end(struct inflight *fl)
{
	__u32 n = fl->n;

	fl->n = 0;
	return n;
}

/*
 * A window opens on @rid: whether this set carries it and has not been
 * counted for it yet; it is counted now. A set holds a device once, so there
 * is at most one to count.
 */
static __always_inline bool inflight_claim(struct inflight *fl, __u32 rid)
{
	__u32 n = fl->n;

	for (__u32 i = 0; i < INFLIGHT_MAX; i++) {
		if (i >= n)
			break;
		if (fl->rid[i] != rid || fl->counted[i])
			continue;
		fl->counted[i] = 1;
		return true;
	}
	return false;
}

/*
 * The scan a window opening on @rid does: the body runs once for each of the
 * first @nr_cpus CPUs whose submission is in flight to it and not yet
 * counted, with @cpu its index. (The inverted if keeps a caller's else
 * from binding to it.)
 */
#define inflight_for_each_claim(s, nr_cpus, rid, cpu)				\
	for ((cpu) = 0; (cpu) < ATSTRACE_MAX_CPUS && (cpu) < (nr_cpus); (cpu)++)	\
		if (!inflight_claim(&(s)->cpu[(cpu)], (rid))) {} else

#endif
