// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: the in-flight records (bpf/inflight.h), driven as the BPF
 * programs drive them (bpf/submit.bpf.h, bpf/windows.bpf.h): records per
 * CPU, references per task, the scan a window opening does over every CPU.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <linux/types.h>

#include "inflight.h"
#include "atc_decode.h"
#include "atstrace.h"

#define NCPU 3
#define DEV_A 0x0100 /* 00:01.0, below the bridge of bus 1 */
#define DEV_B 0x0101
#define DEV_C 0x0200

static struct inflight_cpu cpus[NCPU];

static int setup(void **state)
{
	memset(cpus, 0, sizeof(cpus));
	return 0;
}

static struct inflight *record_of(const struct inflight_ref *r)
{
	return r->slot < INFLIGHT_SLOTS ? &cpus[r->cpu].slot[r->slot] : NULL;
}

/* submission_record(): the task's own record of @kind, or a new one on @cpu */
static struct inflight *record(struct inflight_task *t, __u32 cpu, __u32 kind)
{
	struct inflight_ref *r = inflight_top(t, kind);
	__u8 slot;

	if (r)
		return record_of(r);
	if (t->depth >= INFLIGHT_NEST)
		return NULL;
	slot = inflight_take(&cpus[cpu], 0, INFLIGHT_SLOTS);
	if (inflight_push(t, cpu, slot, kind) != INFLIGHT_OK)
		return NULL;
	return &cpus[cpu].slot[slot];
}

/* submission_complete(), from whichever CPU the task runs on now */
static int complete(struct inflight_task *t, __u32 kind)
{
	struct inflight_ref ref;
	int res;

	if (inflight_pop(t, kind, &ref, &res))
		inflight_release(record_of(&ref));
	return res;
}

/* scan_inflight_entry() over every entry of every CPU: submissions counted at a window's open */
static int scan(__u32 lo, __u32 hi)
{
	int n = 0;

	for (int c = 0; c < NCPU; c++)
		for (int i = 0; i < INFLIGHT_SLOTS * INFLIGHT_MAX; i++)
			n += inflight_claim_entry(&cpus[c].slot[i / INFLIGHT_MAX], i % INFLIGHT_MAX,
						  lo, hi) != INFLIGHT_NONE;
	return n;
}

static int busy(void)
{
	int n = 0;

	for (int c = 0; c < NCPU; c++)
		for (int i = 0; i < INFLIGHT_SLOTS; i++)
			n += cpus[c].slot[i].busy;
	return n;
}

/* one device, one entry: its further commands belong to the same submission */
static void test_add_once(void **state)
{
	struct inflight fl = { .busy = 1 };

	assert_int_equal(inflight_add(&fl, DEV_A), INFLIGHT_ADDED);
	assert_int_equal(inflight_add(&fl, DEV_A), INFLIGHT_CARRIED);
	assert_int_equal(inflight_add(&fl, DEV_C), INFLIGHT_ADDED);
	assert_int_equal(fl.n, 2);
	assert_true(inflight_carries(&fl, DEV_C));
	assert_false(inflight_carries(&fl, DEV_B));
}

/* more devices than a record holds: the rest are not tracked, and said so */
static void test_overflow(void **state)
{
	struct inflight fl = { .busy = 1 };

	for (__u32 i = 0; i < INFLIGHT_MAX; i++)
		assert_int_equal(inflight_add(&fl, 0x1000 + i), INFLIGHT_ADDED);
	assert_int_equal(inflight_add(&fl, 0x2000), INFLIGHT_OVERFLOW);
	assert_int_equal(inflight_add(&fl, 0x1000 + INFLIGHT_MAX - 1), INFLIGHT_CARRIED);
	assert_int_equal(fl.n, INFLIGHT_MAX);
}

/* VT-d: a call takes a record at its first ATC invalidation, its return releases it */
static void test_call(void **state)
{
	struct inflight_task t = { 0 };

	inflight_call_enter(&t);
	inflight_add(record(&t, 0, INFLIGHT_CALL), DEV_A);
	inflight_add(record(&t, 0, INFLIGHT_CALL), DEV_A); /* the same record */
	assert_int_equal(busy(), 1);
	assert_int_equal(scan(DEV_A, DEV_A), 1);
	assert_int_equal(scan(DEV_A, DEV_A), 0); /* counted once */
	assert_int_equal(complete(&t, INFLIGHT_CALL), INFLIGHT_OK);
	assert_int_equal(busy(), 0);
	assert_int_equal(t.depth, 0);
	assert_int_equal(t.calls, 0);
}

/*
 * The submitter migrates between submission and completion: the completion
 * on CPU 2 releases the record CPU 0 gave, and nothing stays in flight.
 */
static void test_migration(void **state)
{
	struct inflight_task t = { 0 }, other = { 0 };

	inflight_call_enter(&t);
	inflight_add(record(&t, 0, INFLIGHT_CALL), DEV_A);
	/* meanwhile another task submits on CPU 2, where t goes next */
	inflight_call_enter(&other);
	inflight_add(record(&other, 2, INFLIGHT_CALL), DEV_C);
	assert_int_equal(complete(&t, INFLIGHT_CALL), INFLIGHT_OK);
	assert_false(cpus[0].slot[0].busy);
	assert_true(cpus[2].slot[0].busy); /* the other task's, untouched */
	assert_int_equal(scan(DEV_A, DEV_A), 0);
	assert_int_equal(scan(DEV_C, DEV_C), 1);
}

/*
 * A submission nested in another on the same task (an IRQ, the queue-full
 * loop): it takes a record of its own, and the outer one is still in flight
 * after it completes.
 */
static void test_nested_call(void **state)
{
	struct inflight_task t = { 0 };

	inflight_call_enter(&t);
	inflight_add(record(&t, 1, INFLIGHT_CALL), DEV_A);
	inflight_call_enter(&t);                        /* nested, carries none */
	assert_int_equal(complete(&t, INFLIGHT_CALL), INFLIGHT_OK);
	inflight_call_enter(&t);                        /* nested, carries DEV_C */
	inflight_add(record(&t, 1, INFLIGHT_CALL), DEV_C);
	assert_int_equal(busy(), 2);
	assert_int_equal(complete(&t, INFLIGHT_CALL), INFLIGHT_OK);
	assert_int_equal(busy(), 1);
	assert_int_equal(scan(DEV_A, DEV_A), 1);       /* the outer one, still in flight */
	assert_int_equal(scan(DEV_C, DEV_C), 0);
	assert_int_equal(complete(&t, INFLIGHT_CALL), INFLIGHT_OK);
	assert_int_equal(busy(), 0);
}

/* AMD-Vi, SMMUv3: commands queued call by call join one record until the wait */
static void test_queue(void **state)
{
	struct inflight_task t = { 0 };

	assert_int_equal(complete(&t, INFLIGHT_QUEUE), INFLIGHT_OK); /* a wait with nothing queued */
	inflight_add(record(&t, 0, INFLIGHT_QUEUE), DEV_A);
	inflight_add(record(&t, 2, INFLIGHT_QUEUE), DEV_C); /* migrated: still the same record */
	assert_int_equal(busy(), 1);
	assert_true(inflight_carries(&cpus[0].slot[0], DEV_C));
	assert_int_equal(complete(&t, INFLIGHT_QUEUE), INFLIGHT_OK);
	assert_int_equal(busy(), 0);
}

/*
 * SMMUv3: a batch of more CMD_ATC_INVs than one list holds, split as
 * arm_smmu_cmdq_batch_add() does (a full list issued without CMD_SYNC, the
 * rest with it), each command built from the architecture's fields and
 * decoded as smmu_cmd() does: one record until the synced list returns.
 */
static void smmu_list(struct inflight_task *t, __u32 cpu, const __u64 (*cmds)[2], int n,
		      int *decoded)
{
	struct atc_inv inv;

	for (int i = 0; i < n && i < SMMU_MAX_BATCH; i++) {
		if (!atc_inv_decode_smmuv3(cmds[i][0], cmds[i][1], &inv))
			continue;
		inflight_add(record(t, cpu, INFLIGHT_QUEUE), inv.sid == 0x100 ? DEV_A : DEV_C);
		(*decoded)++;
	}
}

static void test_smmu_split_batch(void **state)
{
	__u64 cmds[SMMU_MAX_BATCH + 6][2];
	struct inflight_task t = { 0 };
	int decoded = 0;

	/* CMD_ATC_INV: opcode 0x40, SSV[11], SSID[31:12], SID[63:32]; SIZE[5:0], ADDR[63:12] */
	for (int i = 0; i < SMMU_MAX_BATCH + 6; i++) {
		__u32 sid = i < SMMU_MAX_BATCH ? 0x100 : 0x200;

		cmds[i][0] = SMMU_CMD_ATC_INV | (__u64)sid << 32;
		cmds[i][1] = (__u64)(0x40000000 + i * 0x1000);
	}
	smmu_list(&t, 0, cmds, SMMU_MAX_BATCH, &decoded);       /* sync=false: still queued */
	assert_int_equal(decoded, SMMU_MAX_BATCH);
	assert_int_equal(scan(DEV_A, DEV_A), 1);                 /* in flight at a window's open */
	smmu_list(&t, 1, cmds + SMMU_MAX_BATCH, 6, &decoded);    /* the rest, after a migration */
	assert_int_equal(decoded, SMMU_MAX_BATCH + 6);
	assert_int_equal(busy(), 1);                             /* one record for both lists */
	assert_true(inflight_carries(&cpus[0].slot[0], DEV_C));
	assert_int_equal(complete(&t, INFLIGHT_QUEUE), INFLIGHT_OK); /* the synced list's return */
	assert_int_equal(busy(), 0);
	assert_int_equal(scan(DEV_C, DEV_C), 0);
}

/* a completion whose call was never seen is reported, and changes nothing */
static void test_unbalanced(void **state)
{
	struct inflight_task t = { 0 };

	assert_int_equal(complete(&t, INFLIGHT_CALL), INFLIGHT_UNBALANCED);
	assert_int_equal(t.calls, 0);
	assert_int_equal(t.depth, 0);
}

/*
 * A CPU with every record held: the submission is not tracked (the caller
 * counts it), and its return still pops only what it pushed.
 */
static void test_no_record(void **state)
{
	struct inflight_task t = { 0 }, u = { 0 };

	for (int i = 0; i < INFLIGHT_SLOTS; i++) {
		struct inflight_task *o = i ? &u : &t;

		inflight_call_enter(o);
		assert_non_null(record(o, 0, INFLIGHT_CALL));
		if (o == &u)
			break;
	}
	cpus[0].slot[2].busy = cpus[0].slot[3].busy = 1; /* held by others */
	inflight_call_enter(&t);
	assert_null(record(&t, 0, INFLIGHT_CALL));
	assert_int_equal(t.depth, 2);                  /* its placeholder */
	assert_int_equal(complete(&t, INFLIGHT_CALL), INFLIGHT_OK);
	assert_true(cpus[0].slot[0].busy);             /* the outer record stays */
	assert_int_equal(complete(&t, INFLIGHT_CALL), INFLIGHT_OK);
	assert_false(cpus[0].slot[0].busy);
}

/* deeper than INFLIGHT_NEST: not tracked, and the outer references stay */
static void test_too_deep(void **state)
{
	struct inflight_task t = { 0 };

	for (int i = 0; i < INFLIGHT_NEST; i++) {
		inflight_call_enter(&t);
		assert_non_null(record(&t, i % NCPU, INFLIGHT_CALL));
	}
	inflight_call_enter(&t);
	assert_null(record(&t, 0, INFLIGHT_CALL));
	assert_int_equal(t.depth, INFLIGHT_NEST);
	for (int i = 0; i <= INFLIGHT_NEST; i++)
		assert_int_equal(complete(&t, INFLIGHT_CALL), INFLIGHT_OK);
	assert_int_equal(busy(), 0);
	assert_int_equal(t.calls, 0);
}

/* a bus window counts every device of a record below the bridge, each once */
static void test_bus_range(void **state)
{
	struct inflight_task t = { 0 };
	__u32 lo, hi;

	inflight_call_enter(&t);
	inflight_add(record(&t, 1, INFLIGHT_CALL), DEV_A);
	inflight_add(record(&t, 1, INFLIGHT_CALL), DEV_B);
	inflight_add(record(&t, 1, INFLIGHT_CALL), DEV_C);
	inflight_bus_range(0, 1, 1, &lo, &hi);
	assert_int_equal(lo, 0x0100);
	assert_int_equal(hi, 0x01ff);
	assert_int_equal(scan(lo, hi), 2);
	assert_int_equal(scan(DEV_A, DEV_A), 0);       /* already counted */
	assert_int_equal(scan(DEV_C, DEV_C), 1);
	inflight_bus_range(1, 1, 1, &lo, &hi);         /* another segment */
	assert_int_equal(scan(lo, hi), 0);
}

/* a released record counts for nothing, whatever it still holds */
static void test_released(void **state)
{
	struct inflight_task t = { 0 };

	inflight_call_enter(&t);
	inflight_add(record(&t, 0, INFLIGHT_CALL), DEV_A);
	complete(&t, INFLIGHT_CALL);
	cpus[0].slot[0].n = 1; /* stale contents */
	assert_int_equal(scan(DEV_A, DEV_A), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_add_once, setup),
		cmocka_unit_test_setup(test_overflow, setup),
		cmocka_unit_test_setup(test_call, setup),
		cmocka_unit_test_setup(test_migration, setup),
		cmocka_unit_test_setup(test_nested_call, setup),
		cmocka_unit_test_setup(test_queue, setup),
		cmocka_unit_test_setup(test_smmu_split_batch, setup),
		cmocka_unit_test_setup(test_unbalanced, setup),
		cmocka_unit_test_setup(test_no_record, setup),
		cmocka_unit_test_setup(test_too_deep, setup),
		cmocka_unit_test_setup(test_bus_range, setup),
		cmocka_unit_test_setup(test_released, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
