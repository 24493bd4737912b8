// SPDX-License-Identifier: GPL-2.0
/* ksyms_lookup(): one text symbol's address from a kallsyms file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmocka.h>

#include "atstrace/ksyms.h"

static char path[64];

static void write_kallsyms(const char *text)
{
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/test_ksyms.%d", (int)getpid());
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_lookup(void **state)
{
	(void)state;
	write_kallsyms("ffffffff81000000 T _stext\n"
		       "ffffffff81234560 T dpc_reset_link\n"
		       "ffffffff81234600 t dpc_reset_link_helper\n"
		       "ffffffff82000000 D dpc_data\n"
		       "ffffffffc0001000 t mod_fn\t[mod]\n");
	assert_int_equal(ksyms_lookup(path, "dpc_reset_link"), 0xffffffff81234560ULL);
	assert_int_equal(ksyms_lookup(path, "mod_fn"), 0xffffffffc0001000ULL);
	assert_int_equal(ksyms_lookup(path, "dpc_data"), 0);   /* not text */
	assert_int_equal(ksyms_lookup(path, "dpc_reset"), 0);  /* no prefix match */
	unlink(path);
}

static void test_hidden_or_ambiguous(void **state)
{
	(void)state;
	/* kptr_restrict: every address reads as zero */
	write_kallsyms("0000000000000000 T dpc_reset_link\n");
	assert_int_equal(ksyms_lookup(path, "dpc_reset_link"), 0);
	/* a static of that name in two places: no single answer */
	write_kallsyms("ffffffff81000010 t helper\nffffffff81000020 t helper\n");
	assert_int_equal(ksyms_lookup(path, "helper"), 0);
	/* the same address listed twice is one symbol */
	write_kallsyms("ffffffff81000010 t helper\nffffffff81000010 t helper\n");
	assert_int_equal(ksyms_lookup(path, "helper"), 0xffffffff81000010ULL);
	unlink(path);
	assert_int_equal(ksyms_lookup("/nonexistent/kallsyms", "helper"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_hidden_or_ambiguous),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
