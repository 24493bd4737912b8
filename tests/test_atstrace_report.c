// SPDX-License-Identifier: GPL-2.0
/* Unit tests: the --assert verdict (tools/atstrace/atstrace_report.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <linux/types.h>

#include "atstrace/atstrace_report.h"

static void test_verdict(void **state)
{
	static struct run_totals t;
	struct atstrace_env env = { .min_resets = 2 };
	struct verdict v;

	memset(&t, 0, sizeof(t));
	t.ndev = 1;
	t.dev[0].c.invalidations = 100;
	t.dev[0].c.windows[1] = 3;
	assert_verdict(&t, &env, 0, &v);
	assert_int_equal(v.exit_code, 0);
	assert_string_equal(v.word, "PASS");

	t.dev[0].c.in_flight_at_open = 1;
	assert_verdict(&t, &env, 0, &v);
	assert_int_equal(v.exit_code, 1);

	t.dev[0].c.in_flight_at_open = 0;
	t.dev[0].c.unbracketed = 2;
	assert_verdict(&t, &env, 0, &v);
	assert_int_equal(v.exit_code, 0);
	env.fail_unbracketed = true;
	assert_verdict(&t, &env, 0, &v);
	assert_int_equal(v.exit_code, 1);

	env.fail_unbracketed = false;
	t.dev[0].c.windows[1] = 1;          /* fewer resets than asked */
	assert_verdict(&t, &env, 0, &v);
	assert_int_equal(v.exit_code, 3);
	t.global[G_BUS_WINDOWS] = 1;        /* bus windows count as resets */
	assert_verdict(&t, &env, 0, &v);
	assert_int_equal(v.exit_code, 0);
	t.dev[0].c.invalidations = 0;       /* nothing to judge */
	assert_verdict(&t, &env, 0, &v);
	assert_int_equal(v.exit_code, 3);
	assert_non_null(strstr(v.line, "INCONCLUSIVE"));
	/* SMMUv3 invalidations it could not place forbid a PASS */
	t.dev[0].c.invalidations = 100;
	assert_verdict(&t, &env, 0, &v);
	assert_int_equal(v.exit_code, 0);
	t.global[G_SID_UNKNOWN] = 4;
	assert_verdict(&t, &env, 0, &v);
	assert_int_equal(v.exit_code, 3);
	assert_non_null(strstr(v.line, "StreamIDs"));
	t.global[G_SID_UNKNOWN] = 0;
	t.dev[0].c.invalidations = 0;
	/* a violation wins over a vacuous run */
	t.dev[0].c.in_window = 1;
	assert_verdict(&t, &env, 7, &v);
	assert_int_equal(v.exit_code, 1);
	assert_non_null(strstr(v.line, "command exited 7"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verdict),
	};

	return cmocka_run_group_tests_name("atstrace_report", tests, NULL, NULL);
}
