// SPDX-License-Identifier: GPL-2.0
/* Unit tests: atstrace's argument parsing (tools/atstrace/atstrace_cli.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <cmocka.h>

#include "atstrace/atstrace_cli.h"

static struct atstrace_env env;

static int parse(int argc, char **argv)
{
	/* errors go to stderr; keep the test output readable */
	FILE *saved = stderr;
	int r;

	stderr = fopen("/dev/null", "w");
	r = atstrace_parse_args(argc, argv, &env);
	fclose(stderr);
	stderr = saved;
	return r;
}

#define ARGS(...) (char *[]){ "atstrace", __VA_ARGS__, NULL }
#define NARGS(...) (int)(sizeof((char *[]){ "atstrace", __VA_ARGS__ }) / sizeof(char *))
#define PARSE(...) parse(NARGS(__VA_ARGS__), ARGS(__VA_ARGS__))

static void test_defaults(void **state)
{
	char *argv[] = { "atstrace", NULL };

	assert_int_equal(parse(1, argv), 0);
	assert_int_equal(env.ndevices, 0);
	assert_int_equal(env.duration_ns, 0);
	assert_int_equal(env.min_resets, 1);
	assert_int_equal(env.max_stacks, 5);
	assert_false(env.json);
	assert_false(env.assert_mode);
}

static void test_options(void **state)
{
	assert_int_equal(PARSE("-D", "0000:01:00.0", "--device", "02:00.1", "-d", "500ms", "-T", "-j",
			       "--hist", "-q", "--stacks", "2", "-v"), 0);
	assert_int_equal(env.ndevices, 2);
	assert_int_equal(env.devices[1].bus, 2);
	assert_int_equal(env.devices[1].devfn, 1);
	assert_int_equal(env.duration_ns, 500000000ULL);
	assert_true(env.timestamps && env.json && env.hist && env.quiet && env.verbose);
	assert_int_equal(env.max_stacks, 2);
}

static void test_interval_count(void **state)
{
	assert_int_equal(PARSE("5", "3"), 0);
	assert_int_equal(env.interval_ns, 5000000000ULL);
	assert_int_equal(env.count, 3);
	assert_int_equal(PARSE("0"), 2);
	assert_int_equal(PARSE("5", "0"), 2);
	assert_int_equal(PARSE("5", "3", "1"), 2);
	assert_int_equal(PARSE("x"), 2);
}

static void test_assert_mode(void **state)
{
	char *argv[] = { "atstrace", "--assert", "--min-resets", "10", "--fail-unbracketed", "--",
			 "atsflr", "-d", "3", "0000:01:00.0", NULL };

	assert_int_equal(parse(10, argv), 0);
	assert_true(env.assert_mode);
	assert_true(env.fail_unbracketed);
	assert_int_equal(env.min_resets, 10);
	/* the command keeps its own options */
	assert_string_equal(env.command[0], "atsflr");
	assert_string_equal(env.command[1], "-d");
	assert_int_equal(PARSE("--assert"), 2);
	assert_int_equal(PARSE("--assert", "true"), 2); /* no "--" */
}

static void test_errors(void **state)
{
	assert_int_equal(PARSE("--frobnicate"), 2);
	assert_int_equal(PARSE("-D", "01:00"), 2);
	assert_int_equal(PARSE("-D"), 2);
	assert_int_equal(PARSE("-d", "soon"), 2);
	assert_int_equal(PARSE("-d", "0"), 2);
	assert_int_equal(PARSE("--min-resets", "-1"), 2);
	assert_int_equal(PARSE("-D", "1:0.0", "-D", "1:0.1"), 2);
	assert_int_equal(PARSE("-D", "00:00.0", "-D", "00:00.1", "-D", "00:00.2", "-D", "00:00.3",
			       "-D", "00:00.4", "-D", "00:00.5", "-D", "00:00.6", "-D", "00:00.7",
			       "-D", "00:01.0"), 2);
	assert_int_equal(PARSE("-h"), 1);
}

/* the kernel fault-injection vocabulary, and what it refuses */
static void test_inject_vocabulary(void **state)
{
	assert_int_equal(PARSE("--inject-delay", "100us", "--inject-times", "5", "--inject-space",
			       "100", "--inject-interval", "4", "--inject-comm", "atsflr",
			       "--inject-cgroup", "/sys/fs/cgroup/x", "--inject-prob", "0.5",
			       "--inject-seed", "7"), 0);
	assert_int_equal(env.inject_max, 5);
	assert_int_equal(env.inject_space, 100);
	assert_int_equal(env.inject_interval, 4);
	assert_string_equal(env.inject_comm, "atsflr");
	assert_string_equal(env.inject_cgroup, "/sys/fs/cgroup/x");
	assert_true(env.inject_seeded);
	assert_int_equal(env.inject_seed, 7);
	/* --inject-max and --inject-times are one limit */
	assert_int_equal(PARSE("--inject-delay", "1us", "--inject-max", "5", "--inject-times", "5"), 0);
	assert_int_equal(PARSE("--inject-delay", "1us", "--inject-max", "5", "--inject-times", "6"), 2);
	assert_int_equal(PARSE("--inject-delay", "1us", "--inject-interval", "0"), 2);
	assert_int_equal(PARSE("--inject-delay", "1us", "--inject-space", "-1"), 2);
	assert_int_equal(PARSE("--inject-delay", "1us", "--inject-comm", "a-name-of-16-chr"), 2);
	assert_int_equal(PARSE("--inject-delay", "1us", "--inject-comm", ""), 2);
	assert_int_equal(PARSE("--inject-delay", "1us", "--inject-cgroup", ""), 2);
	/* a seed without a probability below 1 seeds nothing */
	assert_int_equal(PARSE("--inject-delay", "1us", "--inject-seed", "7"), 2);
	/* none of them without --inject-delay */
	assert_int_equal(PARSE("--inject-space", "3"), 2);
	assert_int_equal(PARSE("--inject-comm", "x"), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_interval_count),
		cmocka_unit_test(test_assert_mode),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_inject_vocabulary),
	};

	return cmocka_run_group_tests_name("atstrace_cli", tests, NULL, NULL);
}
