// SPDX-License-Identifier: GPL-2.0
/* Unit tests: the JSON writer (tools/lib/json_writer.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <cmocka.h>

#include "lib/json_writer.h"

/* Each case writes through a fresh writer; what it wrote must match byte for byte. */
static void nesting_and_commas(struct json_writer *w)
{
	json_object_begin(w);
	json_kv_u64(w, "a", 1);
	json_key(w, "list");
	json_array_begin(w);
	json_u64(w, 1);
	json_string(w, "x");
	json_object_begin(w);
	json_object_end(w);
	json_array_end(w);
	json_kv_bool(w, "t", true);
	json_kv_i64(w, "n", -5);
	json_key(w, "nothing");
	json_null(w);
	json_object_end(w);
}

/* NDJSON: each top-level value its own line, no comma between them */
static void top_level_documents(struct json_writer *w)
{
	json_object_begin(w);
	json_kv_u64(w, "a", 1);
	json_object_end(w);
	json_object_begin(w);
	json_object_end(w);
}

static void escaping(struct json_writer *w)
{
	json_array_begin(w);
	json_string(w, "q\"b\\n\nt\t\x01");
	json_string(w, NULL);
	json_double(w, 0.5);
	json_array_end(w);
}

/* the integer limits, and what JSON cannot hold (non-finite doubles) as null */
static void number_limits(struct json_writer *w)
{
	json_object_begin(w);
	json_kv_u64(w, "u", UINT64_MAX);
	json_kv_i64(w, "i", INT64_MIN);
	json_kv_double(w, "third", 1.0 / 3);
	json_kv_double(w, "nan", NAN);
	json_kv_double(w, "inf", -INFINITY);
	json_kv_bool(w, "f", false);
	json_kv_string(w, "s", NULL);
	json_object_end(w);
}

static const struct json_case {
	const char *name;
	void (*write)(struct json_writer *w);
	const char *expected;
} cases[] = {
	{ "nesting_and_commas", nesting_and_commas,
	  "{\"a\":1,\"list\":[1,\"x\",{}],\"t\":true,\"n\":-5,\"nothing\":null}\n" },
	{ "top_level_documents", top_level_documents, "{\"a\":1}\n{}\n" },
	{ "escaping", escaping, "[\"q\\\"b\\\\n\\nt\\t\\u0001\",null,0.5]\n" },
	{ "number_limits", number_limits,
	  "{\"u\":18446744073709551615,\"i\":-9223372036854775808,\"third\":0.333333,"
	  "\"nan\":null,\"inf\":null,\"f\":false,\"s\":null}\n" },
};

static void test_case(void **state)
{
	const struct json_case *c = *state;
	struct json_writer w;
	char *buf;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	json_init(&w, f);
	c->write(&w);
	fclose(f);
	assert_string_equal(buf, c->expected);
	free(buf);
}

#define NCASES (sizeof(cases) / sizeof(cases[0]))

int main(void)
{
	struct CMUnitTest tests[NCASES];

	for (size_t i = 0; i < NCASES; i++)
		tests[i] = (struct CMUnitTest){ .name = cases[i].name, .test_func = test_case,
						.initial_state = (void *)&cases[i] };
	return _cmocka_run_group_tests("json_writer", tests, NCASES, NULL, NULL);
}
