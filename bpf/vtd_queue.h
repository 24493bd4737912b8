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
 *  - the tracepoints of one batch fire back to back on one CPU, all with
 *    the same free_head (head), and when the descriptor at position k
 *    fires, entries head..head+k are QI_IN_USE while head+k+1 is still free
 *    (the wait descriptor is queued after the loop). So the first status
 *    after head that is not QI_IN_USE gives the position of the descriptor
 *    being traced, and every entry before it is of the same batch.
 *
 * The includer defines how a ring is read (declared below): an entry's
 * status, and the first word of its descriptor.
 */
#ifndef ATSTRACE_VTD_QUEUE_H
#define ATSTRACE_VTD_QUEUE_H

#include "atc_decode.h"

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

#define VTD_QI_LENGTH 256      /* QI_LENGTH: entries in the ring */
#define VTD_MAX_UNITS 64       /* DMAR units whose rings a window opening reads */
#define VTD_BATCH_MAX 16       /* positions in a batch told apart (QI_MAX_BATCH) */
#define VTD_CALL_DEVICES 16    /* devices one batch's submissions are told apart for */
#define VTD_QUEUE_NONE 0xffffffffu

static __always_inline __s32 vtd_queue_status(const void *ring, __u32 index);
static __always_inline __u64 vtd_queue_qw0(const void *ring, __u32 index);

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

/*
 * The position in its batch of the descriptor the tracepoint fires for, or
 * -1 when it is past VTD_BATCH_MAX.
 */
static __always_inline int vtd_batch_pos(const void *ring, __s32 in_use, __s32 head)
{
	for (int i = 1; i <= VTD_BATCH_MAX; i++)
		if (vtd_queue_status(ring, ((__u32)head + i) % VTD_QI_LENGTH) != in_use)
			return i - 1;
	return -1;
}

/*
 * The devices one CPU's current batch has invalidated so far, to count a
 * submission per device and batch (a batch may carry several of one
 * device's invalidations: PASIDs, split ranges). Only ATC invalidations
 * touch it, so whether it still describes the current batch is decided
 * there.
 */
struct vtd_call {
	__u64 unit;    /* the queue (struct intel_iommu) of the batch it describes */
	__s32 head;    /* that queue's free_head during the batch */
	__u32 last;    /* the ring entry of the last ATC invalidation it took */
	__u32 n;
	__u32 rid[VTD_CALL_DEVICES];
};

enum vtd_first {
	VTD_FIRST,      /* the batch's first invalidation to this device */
	VTD_AGAIN,      /* the batch already had one */
	VTD_UNTRACKED,  /* a batch past what is told apart: counted as first */
};

/*
 * Whether @c describes the batch whose descriptor at position @pos is being
 * traced on @unit at @head. Its last entry must lie before @pos in this
 * batch and hold an ATC invalidation: then that invalidation's tracepoint
 * ran in this batch and left @c as it is. A batch earlier on the same head
 * (the ring wrapped) left an entry this batch has not reached yet (not
 * before @pos) or has since overwritten with another kind of descriptor.
 */
static __always_inline bool vtd_call_current(const struct vtd_call *c, const void *ring,
					     __u64 unit, __s32 head, int pos)
{
	__u32 since = (c->last + VTD_QI_LENGTH - (__u32)head) % VTD_QI_LENGTH;

	if (c->unit != unit || c->head != head || since >= (__u32)pos)
		return false;
	return atc_inv_is_vtd(vtd_queue_qw0(ring, c->last));
}

/* An ATC invalidation to @rid, at position @pos (vtd_batch_pos()) of its batch. */
static __always_inline enum vtd_first vtd_call_first(struct vtd_call *c, const void *ring,
						     __u64 unit, __s32 head, int pos, __u32 rid)
{
	__u32 n;

	if (pos < 0)
		return VTD_UNTRACKED;
	if (!vtd_call_current(c, ring, unit, head, pos))
		c->n = 0;
	c->unit = unit;
	c->head = head;
	c->last = ((__u32)head + pos) % VTD_QI_LENGTH;
	n = c->n;
	for (__u32 i = 0; i < VTD_CALL_DEVICES; i++) {
		if (i >= n)
			break;
		if (c->rid[i] == rid)
			return VTD_AGAIN;
	}
	if (n >= VTD_CALL_DEVICES)
		return VTD_UNTRACKED;
	c->rid[n & (VTD_CALL_DEVICES - 1)] = rid;
	c->n = n + 1;
	return VTD_FIRST;
}

#endif
