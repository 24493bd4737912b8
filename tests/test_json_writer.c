// SPDX-License-Identifier: GPL-2.0
/* Unit tests: the JSON writer (tools/lib/json_writer.c) and op_stats output. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/json_writer.h"
#include "atsflr/op_stats.h"

static char *buf;
static size_t len;

static FILE *open_mem(void)
{
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	return f;
}

static void test_nesting_and_commas(void **state)
{
	struct json_writer w;
	FILE *f = open_mem();

	json_init(&w, f);
	json_object_begin(&w);
	json_kv_u64(&w, "a", 1);
	json_key(&w, "list");
	json_array_begin(&w);
	json_u64(&w, 1);
	json_string(&w, "x");
	json_object_begin(&w);
	json_object_end(&w);
	json_array_end(&w);
	json_kv_bool(&w, "t", true);
	json_kv_i64(&w, "n", -5);
	json_key(&w, "nothing");
	json_null(&w);
	json_object_end(&w);
	fclose(f);
	assert_string_equal(buf, "{\"a\":1,\"list\":[1,\"x\",{}],\"t\":true,\"n\":-5,\"nothing\":null}\n");
	free(buf);
}

static void test_top_level_documents(void **state)
{
	struct json_writer w;
	FILE *f = open_mem();

	json_init(&w, f);
	json_object_begin(&w);
	json_kv_u64(&w, "a", 1);
	json_object_end(&w);
	json_object_begin(&w);
	json_object_end(&w);
	fclose(f);
	assert_string_equal(buf, "{\"a\":1}\n{}\n");
	free(buf);
}

static void test_escaping(void **state)
{
	struct json_writer w;
	FILE *f = open_mem();

	json_init(&w, f);
	json_array_begin(&w);
	json_string(&w, "q\"b\\n\nt\t\x01");
	json_string(&w, NULL);
	json_double(&w, 0.5);
	json_array_end(&w);
	fclose(f);
	assert_string_equal(buf, "[\"q\\\"b\\\\n\\nt\\t\\u0001\",null,0.5]\n");
	free(buf);
}

static void test_op_stats(void **state)
{
	struct op_stats a = { 0 }, b = { 0 };
	struct json_writer w;
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
	f = open_mem();
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
		cmocka_unit_test(test_nesting_and_commas),
		cmocka_unit_test(test_top_level_documents),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_op_stats),
		cmocka_unit_test(test_op_stats_quantiles),
	};

	return cmocka_run_group_tests_name("json_writer", tests, NULL, NULL);
}
