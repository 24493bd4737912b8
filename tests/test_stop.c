// SPDX-License-Identifier: GPL-2.0
/* Unit tests: the stop flag SIGINT and SIGTERM set (tools/lib/stop.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <signal.h>
#include <cmocka.h>

#include "lib/stop.h"

static void test_signals_set_the_flag(void **state)
{
	const int sigs[] = { SIGINT, SIGTERM };

	stop_on_signals();
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		atomic_store(&stop_requested, false);
		assert_int_equal(raise(sigs[i]), 0);
		assert_true(atomic_load(&stop_requested));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_signals_set_the_flag),
	};

	return cmocka_run_group_tests_name("stop", tests, NULL, NULL);
}
