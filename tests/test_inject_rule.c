// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: which completions --inject-delay delays (bpf/inject_rule.h,
 * compiled into the BPF programs too): space, interval and probability as
 * the kernel's fault injection orders them, and the seeded draws.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <linux/types.h>

#include "inject_rule.h"

/* the calls 1..@n the rule picks, as a bitmap in @out (n <= 256) */
static int picks(const struct inject_rule *r, int n, __u8 *out)
{
	int k = 0;

	for (int i = 1; i <= n; i++) {
		int p = inject_rule_picks(r, i, 0);

		out[i] = p;
		k += p;
	}
	return k;
}

static void test_space_then_interval(void **state)
{
	struct inject_rule r = { .space = 10, .interval = 4, .prob_ppm = INJECT_PPM_ALL };
	__u8 got[257];

	/* 14, 18, ... : the 4th, 8th, ... call after the first 10 */
	assert_int_equal(picks(&r, 30, got), 5);
	for (int i = 1; i <= 30; i++)
		assert_int_equal(got[i], i > 10 && (i - 10) % 4 == 0);
	/* interval 0 and 1 both mean every call */
	r.interval = 1;
	assert_int_equal(picks(&r, 30, got), 20);
	r.interval = 0;
	assert_int_equal(picks(&r, 30, got), 20);
}

static void test_probability_unseeded(void **state)
{
	struct inject_rule r = { .interval = 1, .prob_ppm = 250000 };

	/* the random draw decides: below the probability picks */
	assert_true(inject_rule_picks(&r, 1, 249999));
	assert_false(inject_rule_picks(&r, 1, 250000));
	assert_true(inject_rule_picks(&r, 1, 1000000 + 5));
}

static void test_seeded_reproducible(void **state)
{
	struct inject_rule a = { .prob_ppm = 300000, .seeded = 1, .seed = 42 };
	struct inject_rule b = a, c = a;
	int n = 200000, same = 1, differ = 0, picked = 0;

	c.seed = 43;
	for (int i = 1; i <= n; i++) {
		/* the random input is ignored once seeded */
		int pa = inject_rule_picks(&a, i, i * 7u);
		int pb = inject_rule_picks(&b, i, 0);

		same &= pa == pb;
		differ += pa != inject_rule_picks(&c, i, 0);
		picked += pa;
	}
	assert_true(same);
	/* another seed, other calls: about 2 p (1 - p) of them differ */
	assert_true(differ > n / 3);
	/* the share picked is the probability, to within 1 % of n */
	assert_true(picked > n * 29 / 100 && picked < n * 31 / 100);
	/* with space and interval, the draw is for the call's own number */
	a.space = 5;
	a.interval = 2;
	for (int i = 1; i <= 100; i++)
		assert_int_equal(inject_rule_picks(&a, i, 0),
				 i > 5 && (i - 5) % 2 == 0 && inject_rule_picks(&b, i, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_space_then_interval),
		cmocka_unit_test(test_probability_unseeded),
		cmocka_unit_test(test_seeded_reproducible),
	};

	return cmocka_run_group_tests_name("inject_rule", tests, NULL, NULL);
}
