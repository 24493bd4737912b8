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

#define VTD_RING_READER
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

/* what the tracepoint program counts */
static unsigned int invalidations[0x10000];

static int setup(void **state)
{
	memset(&q, 0, sizeof(q));
	memset(invalidations, 0, sizeof(invalidations));
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

/* vtd_submit_tp(), for one traced descriptor: what it counts */
static void tracepoint(__u64 qw0)
{
	if (atc_inv_is_vtd(qw0))
		invalidations[SEG << 16 | atc_inv_sid_vtd(qw0)]++;
}

/*
 * The reads vtd_ring_entry() makes, of the model ring. Before each one a
 * submitter on another CPU may take its next step (racer), so a test can
 * put the submitter's writes between the reads in every order.
 */
struct vtd_ring {
	int unused;
};

static const struct vtd_ring model_ring;

static struct {
	const int *steps; /* before read k (0, 1, 2: after the last), how many writes */
	int read;         /* reads made */
	int written;      /* writes made */
	__u32 entry;
	__u64 qw0;        /* what the submitter copies into the entry */
} racer;

static void racer_step(void)
{
	int n = racer.steps ? racer.steps[racer.read] : 0;

	for (; n > 0; n--, racer.written++) {
		if (racer.written == 0)
			q.desc[racer.entry][0] = racer.qw0; /* memcpy() */
		else if (racer.written == 1)
			q.status[racer.entry] = QI_IN_USE;  /* then marked in use */
	}
	racer.read++;
}

static __s32 vtd_ring_status(const struct vtd_ring *r, __u32 index)
{
	(void)r;
	racer_step();
	return status_read(index);
}

static __u64 vtd_ring_qw0(const struct vtd_ring *r, __u32 index)
{
	(void)r;
	racer_step();
	return q.desc[index][0];
}

/* a window opening on lo..hi: the entries it counts as in flight */
static unsigned int scan(__u32 lo, __u32 hi)
{
	unsigned int n = 0;
	__u64 qw0;

	for (__u32 i = 0; i < VTD_QI_LENGTH; i++)
		n += vtd_ring_entry(&model_ring, i, QI_IN_USE, SEG, lo, hi, &qw0) != VTD_QUEUE_NONE;
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
	submit(batch, 3, 2, DEV_A, DEV_A, &seen);
	assert_int_equal(seen, 3);
	assert_int_equal(invalidations[DEV_A], 3);
}

/*
 * A window opens on DEV_A while another CPU submits into an entry that
 * last held a device-TLB invalidation for DEV_A, long completed: whatever
 * the submitter copies there, and however its two writes (the copy, then
 * the in-use mark) fall between the scan's two reads, the entry is DEV_A's
 * in flight only if what is copied is DEV_A's (submitted after the window
 * opened: the tracepoint flags it too). A scan reading the descriptor
 * before the status pairs the old descriptor with the new mark.
 */
static void test_entry_read_against_a_submitter(void **state)
{
	/* writes before the first read, between the reads, after the last */
	static const int orders[][3] = {
		{ 2, 0, 0 }, { 1, 1, 0 }, { 1, 0, 1 }, { 0, 2, 0 }, { 0, 1, 1 }, { 0, 0, 2 },
	};
	const __u64 copied[] = { iotlb(), devtlb(DEV_B), devtlb(DEV_A) };
	__u64 qw0;

	for (size_t c = 0; c < sizeof(copied) / sizeof(copied[0]); c++) {
		for (size_t o = 0; o < sizeof(orders) / sizeof(orders[0]); o++) {
			__u32 rid;

			q.desc[7][0] = devtlb(DEV_A);
			q.status[7] = QI_FREE;
			racer.steps = orders[o];
			racer.read = racer.written = 0;
			racer.entry = 7;
			racer.qw0 = copied[c];
			rid = vtd_ring_entry(&model_ring, 7, QI_IN_USE, SEG, DEV_A, DEV_A, &qw0);
			racer_step(); /* the writes after the last read */
			assert_int_equal(racer.written, 2);
			if (copied[c] != devtlb(DEV_A))
				assert_int_equal(rid, VTD_QUEUE_NONE);
			/* in use with DEV_A's from the first read on: found */
			if (copied[c] == devtlb(DEV_A) && o == 0)
				assert_int_equal(rid, DEV_A);
		}
	}
	racer.steps = NULL;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_entry, setup),
		cmocka_unit_test_setup(test_status_pairs, setup),
		cmocka_unit_test_setup(test_scan_in_flight, setup),
		cmocka_unit_test_setup(test_scan_across_the_end, setup),
		cmocka_unit_test_setup(test_entry_read_against_a_submitter, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
