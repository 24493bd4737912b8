// SPDX-License-Identifier: GPL-2.0
/* Unit tests: an operation's counters, quantiles and JSON (tools/atsflr/op_stats.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "atsflr/op_stats.h"
#include "lib/json_writer.h"

static void test_op_stats(void **state)
{
	struct op_stats a = { 0 }, b = { 0 };
	struct json_writer w;
	size_t len;
	char *buf;
	FILE *f;

	op_stats_add(&a, 0, 100);
	op_stats_add(&a, 0, 300);
	op_stats_add(&a, -16 /* EBUSY */, 5);
	op_stats_add(&b, 0, 50);
	op_stats_add(&b, -16, 1);
	op_stats_add(&b, -9999, 1);
	op_stats_merge(&a, &b);
	assert_int_equal(a.ok, 3);
	assert_int_equal(a.failed, 3);
	assert_int_equal(a.min_ns, 50);
	assert_int_equal(a.max_ns, 300);
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	json_init(&w, f);
	json_object_begin(&w);
	op_stats_json(&w, "reset", &a);
	json_object_end(&w);
	fclose(f);
	assert_string_equal(buf, "{\"reset\":{\"ok\":3,\"failed\":3,\"errors\":{\"EBUSY\":2,\"E>=134\":1},"
				 "\"min_ns\":50,\"mean_ns\":150,\"p50_ns\":100,\"p90_ns\":288,"
				 "\"p99_ns\":288,\"max_ns\":300}}\n");
	free(buf);
}

/* Quantiles are bucket lower bounds: within 1/16 below the true value. */
static void test_op_stats_quantiles(void **state)
{
	static struct op_stats s, t;
	const double qs[] = { 0.01, 0.25, 0.5, 0.9, 0.99, 1.0 };

	assert_int_equal(op_stats_quantile(&s, 0.5), 0);
	for (uint64_t v = 1; v <= 100000; v++)
		op_stats_add(&s, 0, v * 1000);
	for (size_t i = 0; i < sizeof(qs) / sizeof(qs[0]); i++) {
		double want = qs[i] * 100000 * 1000, got = (double)op_stats_quantile(&s, qs[i]);

		assert_true(got <= want);
		assert_true(got >= want * (1 - 1.0 / 16));
	}
	/* exact small values, and a 90/10 mix whose median is the majority */
	for (int i = 0; i < 9; i++)
		op_stats_add(&t, 0, 7);
	op_stats_add(&t, 0, 5000000);
	assert_int_equal(op_stats_quantile(&t, 0.5), 7);
	assert_int_equal(op_stats_quantile(&t, 0.9), 7);
	assert_in_range(op_stats_quantile(&t, 0.95), 5000000 - 5000000 / 16, 5000000);
	assert_in_range(op_stats_quantile(&t, 1.0), 5000000 - 5000000 / 16, 5000000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_op_stats),
		cmocka_unit_test(test_op_stats_quantiles),
	};

	return cmocka_run_group_tests_name("op_stats", tests, NULL, NULL);
}
