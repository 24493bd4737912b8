// SPDX-License-Identifier: GPL-2.0
/* Unit tests: the in-flight set (bpf/inflight.h), as the BPF programs run it. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <linux/types.h>

#include "inflight.h"

/* VT-d: each submission starts a set of its own */
static void test_begin(void **state)
{
	struct inflight fl = { 0 };

	inflight_begin(&fl, 100);
	assert_int_equal(inflight_add(&fl, 0x0100), INFLIGHT_ADDED);
	assert_int_equal(inflight_add(&fl, 0x0200), INFLIGHT_ADDED);
	inflight_begin(&fl, 200);
	assert_int_equal(fl.n, 0);
	assert_int_equal(fl.ts, 200);
	assert_false(inflight_carries(&fl, 0x0100));
}

/* one device, one entry: its further commands belong to the same submission */
static void test_add_once(void **state)
{
	struct inflight fl = { 0 };

	inflight_begin(&fl, 0);
	assert_int_equal(inflight_add(&fl, 0x0100), INFLIGHT_ADDED);
	assert_int_equal(inflight_add(&fl, 0x0100), INFLIGHT_CARRIED);
	assert_int_equal(inflight_add(&fl, 0x0200), INFLIGHT_ADDED);
	assert_int_equal(inflight_add(&fl, 0x0100), INFLIGHT_CARRIED);
	assert_int_equal(fl.n, 2);
	assert_true(inflight_carries(&fl, 0x0200));
	assert_false(inflight_carries(&fl, 0x0300));
}

/* AMD-Vi, SMMUv3: the set starts with the first command and grows until the wait */
static void test_join(void **state)
{
	struct inflight fl = { 0 };

	inflight_join(&fl, 100);
	assert_int_equal(fl.ts, 100);
	inflight_add(&fl, 0x0100);
	inflight_join(&fl, 150); /* a later call: the start stays */
	inflight_add(&fl, 0x0200);
	assert_int_equal(fl.ts, 100);
	assert_int_equal(fl.n, 2);
	assert_int_equal(inflight_end(&fl), 2);
	inflight_join(&fl, 300); /* the next set starts anew */
	assert_int_equal(fl.ts, 300);
}

/* the wait returned: the set empties, its devices and start stay readable */
static void test_end(void **state)
{
	struct inflight fl = { 0 };

	inflight_begin(&fl, 100);
	inflight_add(&fl, 0x0100);
	inflight_add(&fl, 0x0200);
	assert_int_equal(inflight_end(&fl), 2);
	assert_int_equal(fl.rid[0], 0x0100);
	assert_int_equal(fl.rid[1], 0x0200);
	assert_int_equal(fl.ts, 100);
	assert_int_equal(fl.n, 0);
	assert_false(inflight_carries(&fl, 0x0100));
	assert_int_equal(inflight_end(&fl), 0);
}

static void test_overflow(void **state)
{
	struct inflight fl = { 0 };

	inflight_begin(&fl, 0);
	for (__u32 i = 0; i < INFLIGHT_MAX; i++)
		assert_int_equal(inflight_add(&fl, 0x0100 + i), INFLIGHT_ADDED);
	assert_int_equal(fl.n, INFLIGHT_MAX);
	/* untracked: every command of it counts, as a submission and an overflow */
	assert_int_equal(inflight_add(&fl, 0x0900), INFLIGHT_OVERFLOW);
	assert_int_equal(inflight_add(&fl, 0x0900), INFLIGHT_OVERFLOW);
	assert_int_equal(fl.n, INFLIGHT_MAX);
	assert_false(inflight_carries(&fl, 0x0900));
	/* the devices it holds are still the same submission */
	assert_int_equal(inflight_add(&fl, 0x0100 + INFLIGHT_MAX - 1), INFLIGHT_CARRIED);
}

/* a window opening counts a submission in flight to its device once */
static void test_claim(void **state)
{
	struct inflight fl = { 0 };

	inflight_begin(&fl, 0);
	inflight_add(&fl, 0x0100);
	inflight_add(&fl, 0x0200);
	assert_false(inflight_claim(&fl, 0x0300));
	assert_true(inflight_claim(&fl, 0x0200));
	assert_false(inflight_claim(&fl, 0x0200)); /* a nested or second window */
	assert_true(inflight_claim(&fl, 0x0100));
	/* a device the same CPU targets again in its next submission counts again */
	inflight_end(&fl);
	assert_false(inflight_claim(&fl, 0x0100)); /* complete: nothing in flight */
	inflight_begin(&fl, 0);
	inflight_add(&fl, 0x0100);
	assert_true(inflight_claim(&fl, 0x0100));
}

/* the scan over CPUs: only the first nr_cpus, each carrying the device, once */
static void test_scan(void **state)
{
	static struct inflight_state s;
	int hits[ATSTRACE_MAX_CPUS] = { 0 };
	__u32 cpu, n = 0;

	inflight_add(&s.cpu[0], 0x0100);
	inflight_add(&s.cpu[1], 0x0200);
	inflight_add(&s.cpu[2], 0x0200);
	inflight_add(&s.cpu[2], 0x0100);
	inflight_add(&s.cpu[3], 0x0100); /* beyond nr_cpus */
	inflight_for_each_claim(&s, 3, 0x0100, cpu) {
		hits[cpu]++;
		n++;
	}
	assert_int_equal(n, 2);
	assert_int_equal(hits[0], 1);
	assert_int_equal(hits[2], 1);
	assert_int_equal(hits[1], 0);
	assert_int_equal(hits[3], 0);
	/* a second window on it: nothing new in flight */
	n = 0;
	inflight_for_each_claim(&s, 3, 0x0100, cpu)
		n++;
	assert_int_equal(n, 0);
	/* the last CPU there is */
	inflight_add(&s.cpu[ATSTRACE_MAX_CPUS - 1], 0x0100);
	inflight_for_each_claim(&s, ATSTRACE_MAX_CPUS, 0x0100, cpu)
		hits[cpu]++;
	assert_int_equal(hits[3], 1);
	assert_int_equal(hits[ATSTRACE_MAX_CPUS - 1], 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_begin),
		cmocka_unit_test(test_add_once),
		cmocka_unit_test(test_join),
		cmocka_unit_test(test_end),
		cmocka_unit_test(test_overflow),
		cmocka_unit_test(test_claim),
		cmocka_unit_test(test_scan),
	};

	return cmocka_run_group_tests_name("inflight", tests, NULL, NULL);
}
