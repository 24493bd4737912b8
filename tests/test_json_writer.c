// SPDX-License-Identifier: GPL-2.0
/* Unit tests: the JSON writer (tools/lib/json_writer.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/json_writer.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nesting_and_commas),
		cmocka_unit_test(test_top_level_documents),
		cmocka_unit_test(test_escaping),
	};

	return cmocka_run_group_tests_name("json_writer", tests, NULL, NULL);
}
