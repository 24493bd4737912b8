// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: the histogram printer's slot ranges (tools/atstrace/hist_print.c)
 * against the log2 bucketing the BPF side uses (bpf/log2_hist.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <linux/types.h>

#include "atstrace/hist_print.h"
#include "log2_hist.h"

static void test_log2_slots(void **state)
{
	uint64_t lo, hi;

	assert_int_equal(log2_slot(0), 0);
	assert_int_equal(log2_slot(1), 0);
	assert_int_equal(log2_slot(2), 1);
	assert_int_equal(log2_slot(3), 1);
	assert_int_equal(log2_slot(1024), 10);
	assert_int_equal(log2_slot(2047), 10);
	assert_int_equal(log2_slot(1ULL << 40), 40);
	assert_int_equal(log2_slot(UINT64_MAX), 63);
	/* the printer's ranges agree with the bucketing, slot by slot */
	for (int s = 1; s < 63; s++) {
		hist_slot_range(s, &lo, &hi);
		assert_int_equal(log2_slot(lo), s);
		assert_int_equal(log2_slot(hi), s);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_log2_slots),
	};

	return cmocka_run_group_tests_name("hist_print", tests, NULL, NULL);
}
