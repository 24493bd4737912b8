// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: VT-d's invalidation queue as atstrace reads it
 * (bpf/vtd_queue.h), driven as qi_submit_sync() drives the ring: a batch
 * copied entry by entry, each marked in use and traced, a wait descriptor,
 * free_head moved, and the entries freed once the wait is done. The
 * tracepoint's logic (bpf/vtd.bpf.h) and a window opening's ring scan
 * (bpf/vtd_queue.bpf.h) run at the points the kernel would run them.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <linux/types.h>

#include "vtd_queue.h"

enum { QI_FREE, QI_IN_USE, QI_DONE, QI_ABORT };

#define SEG 0
#define DEV_A 0x0100
#define DEV_B 0x0200

/* one unit's queue, in the kernel's layout (128-bit descriptors here) */
static struct {
	__u64 desc[VTD_QI_LENGTH][2];
	__s32 status[VTD_QI_LENGTH];
	__s32 head;
} q;

/* what the tracepoint program counts (one CPU) */
static struct vtd_call call;
static unsigned int submissions[0x10000], invalidations[0x10000], untracked;

static int setup(void **state)
{
	memset(&q, 0, sizeof(q));
	memset(&call, 0, sizeof(call));
	memset(submissions, 0, sizeof(submissions));
	memset(invalidations, 0, sizeof(invalidations));
	untracked = 0;
	return 0;
}

static __u64 devtlb(__u32 sid) { return (__u64)sid << 32 | VTD_DESC_TYPE_DEVTLB; }
static __u64 pasid_devtlb(__u32 sid) { return (__u64)sid << 16 | VTD_DESC_TYPE_PASID_DEVTLB; }
static __u64 iotlb(void) { return 0x2; }

/* the status as the BPF program reads it: the aligned pair, one 64-bit load */
static __s32 status_read(__u32 index)
{
	__u64 pair;

	memcpy(&pair, &q.status[index & ~1u], sizeof(pair));
	return vtd_status_of_pair(pair, index);
}

/* vtd_queue.h's ring readers, on the fake queue */
static __s32 vtd_queue_status(const void *ring, __u32 index)
{
	(void)ring;
	return status_read(index);
}

static __u64 vtd_queue_qw0(const void *ring, __u32 index)
{
	(void)ring;
	return q.desc[index][0];
}

/* vtd_submit_tp(), for one traced descriptor */
static void tracepoint(__u64 qw0)
{
	__u32 rid;

	if (!atc_inv_is_vtd(qw0))
		return;
	rid = SEG << 16 | atc_inv_sid_vtd(qw0);
	invalidations[rid]++;
	switch (vtd_call_first(&call, &q, 1, q.head, vtd_batch_pos(&q, QI_IN_USE, q.head), rid)) {
	case VTD_AGAIN:
		break;
	case VTD_UNTRACKED:
		untracked++;
		/* fallthrough */
	case VTD_FIRST:
		submissions[rid]++;
		break;
	}
}

/* a window opening on lo..hi: the entries it counts as in flight */
static unsigned int scan(__u32 lo, __u32 hi)
{
	unsigned int n = 0;

	for (__u32 i = 0; i < VTD_QI_LENGTH; i++)
		n += vtd_queue_entry(status_read(i), QI_IN_USE, q.desc[i][0], SEG, lo, hi) !=
		     VTD_QUEUE_NONE;
	return n;
}

/*
 * qi_submit_sync(): @open_at, if in 0..count-1, is the descriptor after
 * whose tracepoint a window opens on another CPU (its scan's count goes to
 * *@seen); the entries stay in use until the wait is done.
 */
static void submit(const __u64 *batch, int count, int open_at, __u32 lo, __u32 hi,
		   unsigned int *seen)
{
	int index = q.head, wait = (index + count) % VTD_QI_LENGTH;

	for (int i = 0; i < count; i++) {
		int e = (index + i) % VTD_QI_LENGTH;

		q.desc[e][0] = batch[i];
		q.desc[e][1] = 0;
		q.status[e] = QI_IN_USE;
		tracepoint(batch[i]);
		if (i == open_at)
			*seen = scan(lo, hi);
	}
	q.status[wait] = QI_IN_USE;
	q.desc[wait][0] = 0x5; /* the wait descriptor */
	q.head = (q.head + count + 1) % VTD_QI_LENGTH;
	/* the hardware completes; the waiter frees the batch and its wait */
	for (int i = 0; i <= count; i++)
		q.status[(index + i) % VTD_QI_LENGTH] = QI_FREE;
}

static void test_entry(void **state)
{
	/* in use, a device-TLB invalidation, in range: its RID */
	assert_int_equal(vtd_queue_entry(QI_IN_USE, QI_IN_USE, devtlb(DEV_A), 0, DEV_A, DEV_A), DEV_A);
	assert_int_equal(vtd_queue_entry(QI_IN_USE, QI_IN_USE, pasid_devtlb(DEV_A), 0, 0, 0xffff),
			 DEV_A);
	/* the segment is part of the RID */
	assert_int_equal(vtd_queue_entry(QI_IN_USE, QI_IN_USE, devtlb(DEV_A), 1, 0, 0xffff),
			 VTD_QUEUE_NONE);
	assert_int_equal(vtd_queue_entry(QI_IN_USE, QI_IN_USE, devtlb(DEV_A), 1, 0x10000, 0x1ffff),
			 0x10000 | DEV_A);
	/* done, free or aborted entries are not in flight */
	assert_int_equal(vtd_queue_entry(QI_FREE, QI_IN_USE, devtlb(DEV_A), 0, 0, 0xffff),
			 VTD_QUEUE_NONE);
	assert_int_equal(vtd_queue_entry(QI_DONE, QI_IN_USE, devtlb(DEV_A), 0, 0, 0xffff),
			 VTD_QUEUE_NONE);
	assert_int_equal(vtd_queue_entry(QI_ABORT, QI_IN_USE, devtlb(DEV_A), 0, 0, 0xffff),
			 VTD_QUEUE_NONE);
	/* in use but not an ATC invalidation, or another device */
	assert_int_equal(vtd_queue_entry(QI_IN_USE, QI_IN_USE, iotlb(), 0, 0, 0xffff),
			 VTD_QUEUE_NONE);
	assert_int_equal(vtd_queue_entry(QI_IN_USE, QI_IN_USE, devtlb(DEV_B), 0, DEV_A, DEV_A),
			 VTD_QUEUE_NONE);
	/* QI_IN_USE's value comes from the kernel, not from this enum */
	assert_int_equal(vtd_queue_entry(QI_IN_USE, 7, devtlb(DEV_A), 0, 0, 0xffff), VTD_QUEUE_NONE);
	assert_int_equal(vtd_queue_entry(7, 7, devtlb(DEV_A), 0, 0, 0xffff), DEV_A);
}

static void test_status_pairs(void **state)
{
	q.status[10] = QI_IN_USE;
	q.status[11] = QI_DONE;
	q.status[255] = QI_ABORT;
	assert_int_equal(status_read(10), QI_IN_USE);
	assert_int_equal(status_read(11), QI_DONE);
	assert_int_equal(status_read(254), QI_FREE);
	assert_int_equal(status_read(255), QI_ABORT);
}

/* a submission per device and batch, however many invalidations it carries */
static void test_submissions_per_batch(void **state)
{
	const __u64 one[] = { iotlb(), devtlb(DEV_A) };
	const __u64 twice[] = { devtlb(DEV_A), iotlb(), pasid_devtlb(DEV_A) };
	const __u64 two[] = { devtlb(DEV_A), devtlb(DEV_B), devtlb(DEV_A) };

	submit(one, 2, -1, 0, 0, NULL);
	assert_int_equal(submissions[DEV_A], 1);
	submit(twice, 3, -1, 0, 0, NULL);
	assert_int_equal(submissions[DEV_A], 2);
	assert_int_equal(invalidations[DEV_A], 3);
	submit(two, 3, -1, 0, 0, NULL);
	assert_int_equal(submissions[DEV_A], 3);
	assert_int_equal(submissions[DEV_B], 1);
	assert_int_equal(invalidations[DEV_A], 5);
	assert_int_equal(untracked, 0);
}

/*
 * The map/unmap storm: the same two-descriptor batch over and over, so the
 * ring wraps and batches begin at the same head with the same contents.
 * Each is a submission of its own (a test of free_head alone, or of the
 * descriptors' contents, would merge them).
 */
static void test_same_batch_after_wrap(void **state)
{
	const __u64 batch[] = { iotlb(), devtlb(DEV_A) };

	for (int i = 0; i < 3 * VTD_QI_LENGTH; i++)
		submit(batch, 2, -1, 0, 0, NULL);
	assert_int_equal(submissions[DEV_A], 3 * VTD_QI_LENGTH);
	assert_int_equal(invalidations[DEV_A], 3 * VTD_QI_LENGTH);
}

/*
 * A batch whose only invalidation comes after another batch's at the same
 * head: the one before had DEV_A at k = 1, this one at k = 2.
 */
static void test_batches_of_other_shapes(void **state)
{
	const __u64 a[] = { iotlb(), devtlb(DEV_A) };
	const __u64 b[] = { iotlb(), iotlb(), devtlb(DEV_A) };

	for (int i = 0; i < 2 * VTD_QI_LENGTH; i++) {
		submit(a, 2, -1, 0, 0, NULL);
		submit(b, 3, -1, 0, 0, NULL);
	}
	assert_int_equal(submissions[DEV_A], 4 * VTD_QI_LENGTH);
}

/*
 * Batches at the same head whose ATC invalidations sit at other positions:
 * the state an earlier batch left must not be taken for this one's, whether
 * its entry lies ahead (not reached yet) or behind (overwritten by an IOTLB
 * descriptor), and two invalidations to one device in one batch are one
 * submission even when the ring wrapped under the first.
 */
static void test_batches_at_the_same_head(void **state)
{
	const __u64 late[] = { iotlb(), iotlb(), devtlb(DEV_A) };
	const __u64 early[] = { devtlb(DEV_A), iotlb(), iotlb() };
	const __u64 twice[] = { iotlb(), devtlb(DEV_A), devtlb(DEV_A) };
	const __u64 pad[] = { iotlb(), iotlb(), iotlb() };
	int n = 0;

	for (int round = 0; round < 64; round++) {
		/* each batch takes 4 entries: 64 of them wrap the ring once */
		submit(round & 1 ? late : early, 3, -1, 0, 0, NULL);
		submit(twice, 3, -1, 0, 0, NULL);
		submit(pad, 3, -1, 0, 0, NULL);
		n += 2;
	}
	assert_int_equal(submissions[DEV_A], n);
	assert_int_equal(invalidations[DEV_A], n + n / 2);
}

/* other CPUs' batches without ATC invalidations until the ring is back at @head */
static void pad_to(__s32 head)
{
	const __u64 one[] = { iotlb() }, two[] = { iotlb(), iotlb() };

	while (q.head != head) {
		if ((head - q.head + VTD_QI_LENGTH) % VTD_QI_LENGTH % 2)
			submit(two, 2, -1, 0, 0, NULL); /* three entries with its wait */
		else
			submit(one, 1, -1, 0, 0, NULL);
	}
}

/*
 * The next batch with an ATC invalidation at exactly the head of the last
 * one (the ring went round once in between): the last batch's entry is
 * behind this one's position and now holds an IOTLB descriptor, or is
 * ahead of it and still holds the last batch's device-TLB invalidation.
 * Either way a new submission.
 */
static void test_same_head_after_a_lap(void **state)
{
	const __u64 behind_old[] = { iotlb(), devtlb(DEV_A) };
	const __u64 behind_new[] = { iotlb(), iotlb(), devtlb(DEV_A) };
	const __u64 ahead_old[] = { iotlb(), iotlb(), devtlb(DEV_A) };
	const __u64 ahead_new[] = { devtlb(DEV_A), iotlb() };
	__s32 head = q.head;

	submit(behind_old, 2, -1, 0, 0, NULL);
	pad_to(head);
	submit(behind_new, 3, -1, 0, 0, NULL);
	assert_int_equal(submissions[DEV_A], 2);
	head = q.head;
	submit(ahead_old, 3, -1, 0, 0, NULL);
	pad_to(head);
	submit(ahead_new, 2, -1, 0, 0, NULL);
	assert_int_equal(submissions[DEV_A], 4);
	assert_int_equal(invalidations[DEV_A], 4);
}

/* the position of the descriptor being traced, from the statuses alone */
static void test_position(void **state)
{
	q.head = 254;
	q.status[254] = QI_IN_USE;
	assert_int_equal(vtd_batch_pos(&q, QI_IN_USE, q.head), 0);
	q.status[255] = QI_IN_USE;
	q.status[0] = QI_IN_USE;
	assert_int_equal(vtd_batch_pos(&q, QI_IN_USE, q.head), 2);
	/* past what is told apart */
	for (int i = 0; i < VTD_QI_LENGTH; i++)
		q.status[i] = QI_IN_USE;
	assert_int_equal(vtd_batch_pos(&q, QI_IN_USE, q.head), -1);
}

/* more devices in a batch than are told apart: each extra counted, and said */
static void test_untracked(void **state)
{
	__u64 batch[VTD_CALL_DEVICES + 2];

	for (int i = 0; i < VTD_CALL_DEVICES + 2; i++)
		batch[i] = devtlb(0x0300 + i);
	submit(batch, VTD_CALL_DEVICES + 2, -1, 0, 0, NULL);
	assert_int_equal(untracked, 2);
	for (int i = 0; i < VTD_CALL_DEVICES + 2; i++)
		assert_int_equal(submissions[0x0300 + i], 1);
}

/*
 * A window opening while a batch is in the ring finds its invalidations,
 * those already copied, to the window's devices only; once the batch is
 * freed nothing is in flight.
 */
static void test_scan_in_flight(void **state)
{
	const __u64 batch[] = { devtlb(DEV_A), iotlb(), devtlb(DEV_B), devtlb(DEV_A) };
	unsigned int seen = 99;

	submit(batch, 4, 0, DEV_A, DEV_A, &seen);
	assert_int_equal(seen, 1);
	submit(batch, 4, 3, DEV_A, DEV_A, &seen);
	assert_int_equal(seen, 2);
	submit(batch, 4, 3, DEV_B, DEV_B, &seen);
	assert_int_equal(seen, 1);
	/* a bus window: every device below the bridge */
	submit(batch, 4, 3, 0x0000, 0xffff, &seen);
	assert_int_equal(seen, 3);
	/* completed and freed: the ring still holds them, not in flight */
	assert_int_equal(scan(0, 0xffff), 0);
}

/* a batch that wraps the ring's end */
static void test_scan_across_the_end(void **state)
{
	const __u64 batch[] = { devtlb(DEV_A), devtlb(DEV_A), devtlb(DEV_A) };
	const __u64 pad[] = { iotlb() };
	unsigned int seen = 0;

	while (q.head != VTD_QI_LENGTH - 2)
		submit(pad, 1, -1, 0, 0, NULL);
	memset(submissions, 0, sizeof(submissions));
	submit(batch, 3, 2, DEV_A, DEV_A, &seen);
	assert_int_equal(seen, 3);
	assert_int_equal(submissions[DEV_A], 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_entry, setup),
		cmocka_unit_test_setup(test_status_pairs, setup),
		cmocka_unit_test_setup(test_submissions_per_batch, setup),
		cmocka_unit_test_setup(test_same_batch_after_wrap, setup),
		cmocka_unit_test_setup(test_batches_of_other_shapes, setup),
		cmocka_unit_test_setup(test_batches_at_the_same_head, setup),
		cmocka_unit_test_setup(test_same_head_after_a_lap, setup),
		cmocka_unit_test_setup(test_position, setup),
		cmocka_unit_test_setup(test_untracked, setup),
		cmocka_unit_test_setup(test_scan_in_flight, setup),
		cmocka_unit_test_setup(test_scan_across_the_end, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
