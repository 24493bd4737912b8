/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What Intel VT-d's own invalidation queue says, written once: compiled
 * into the BPF programs (bpf/vtd.bpf.h, bpf/vtd_queue.bpf.h) and into the
 * host unit tests (tests/test_vtd_queue.c).
 *
 * qi_submit_sync() (dmar.c, the same since 5.x and in 7.2) takes q_lock
 * with IRQs off, copies its batch into the ring (struct q_inval: desc, one
 * entry per 1 << shift bytes; desc_status, one int per entry) from
 * free_head on, marks each entry QI_IN_USE and fires intel_iommu:qi_submit
 * for it, then queues a wait descriptor, moves free_head past the batch and
 * writes the tail register. It waits for the wait descriptor and only then
 * marks the batch's entries QI_FREE. So:
 *
 *  - an entry is QI_IN_USE from just before the tracepoint sees it until
 *    the hardware has completed it: a window opening meanwhile finds it in
 *    the ring, and a window that opened before the tracepoint fired is
 *    seen by the tracepoint itself. No completion hook is needed to know
 *    what is in flight;
 *  - the tracepoint sees descriptors, not calls: which descriptors went
 *    out together is not known without more reads of the ring on every
 *    one, so submissions (batches) are counted only where a completion
 *    hook keeps a record per call (--inflight calls).
 */
#ifndef ATSTRACE_VTD_QUEUE_H
#define ATSTRACE_VTD_QUEUE_H

#include "atc_decode.h"

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

#define VTD_QI_LENGTH 256      /* QI_LENGTH: entries in the ring */
#define VTD_MAX_UNITS 64       /* DMAR units whose rings a window opening reads */
#define VTD_QUEUE_NONE 0xffffffffu

/*
 * One status of a ring read as part of a 64-bit pair (entries 2n, 2n+1;
 * little endian: the even entry in the low half).
 */
static __always_inline __s32 vtd_status_of_pair(__u64 pair, __u32 index)
{
	return (__s32)(index & 1 ? pair >> 32 : pair & 0xffffffffu);
}

/*
 * A ring entry a window opening on RIDs lo..hi finds: the RID (segment <<
 * 16 | SID) of a device-TLB invalidation still in flight to a device in
 * the range, or VTD_QUEUE_NONE. @in_use: QI_IN_USE's value in the running
 * kernel (from its BTF).
 */
static __always_inline __u32 vtd_queue_entry(__s32 status, __s32 in_use, __u64 qw0, __u32 segment,
					     __u32 lo, __u32 hi)
{
	__u32 rid;

	if (status != in_use || !atc_inv_is_vtd(qw0))
		return VTD_QUEUE_NONE;
	rid = (segment & 0xffff) << 16 | atc_inv_sid_vtd(qw0);
	return rid >= lo && rid <= hi ? rid : VTD_QUEUE_NONE;
}

#ifdef VTD_RING_READER
/*
 * The two reads of a ring entry, supplied by an includer that defines
 * VTD_RING_READER, for its struct vtd_ring (the BPF programs read the
 * kernel's ring, the unit tests a model of it that a submitter writes
 * between the reads).
 */
struct vtd_ring;
static __s32 vtd_ring_status(const struct vtd_ring *r, __u32 index);
static __u64 vtd_ring_qw0(const struct vtd_ring *r, __u32 index);

#define vtd_read_barrier() __asm__ __volatile__("" ::: "memory")

/*
 * Ring entry @index as a window opening on lo..hi reads it, while other
 * CPUs may be submitting: vtd_queue_entry() of it, its qw0 in *@qw0.
 *
 * The status is read before the descriptor. qi_submit_sync() copies a
 * descriptor into a free entry and only then marks it in use (x86 keeps
 * both orders: stores among stores, loads among loads; the barrier keeps
 * the compiler from swapping the reads). So an entry found in use holds,
 * when its descriptor is read, the descriptor that was in use, or one
 * copied in since the window opened, which the tracepoint flags anyway.
 * Read the other way round, a descriptor the ring kept from long ago for a
 * device in the window pairs with the in-use status of another copied over
 * it between the two reads: a flag on a correct kernel (CI, hot-reset on
 * lab-6.12, 2026-12-06).
 */
static __always_inline __u32 vtd_ring_entry(const struct vtd_ring *r, __u32 index, __s32 in_use,
					    __u32 segment, __u32 lo, __u32 hi, __u64 *qw0)
{
	__s32 status = vtd_ring_status(r, index);

	vtd_read_barrier();
	*qw0 = vtd_ring_qw0(r, index);
	return vtd_queue_entry(status, in_use, *qw0, segment, lo, hi);
}
#endif /* VTD_RING_READER */

#endif
