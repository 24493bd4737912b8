// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: the --assert verdict (tools/atstrace/atstrace_report.c). A gate
 * never passes silently: every health counter, every way a run can end
 * early, makes it INCONCLUSIVE with the cause named.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <linux/types.h>

#include "atstrace/atstrace_report.h"
#include "reset_window.h"

static struct run_totals t;
static struct atstrace_env env;
static struct run_end end;
static struct verdict v;

/* a clean run: 3 FLR windows, 100 invalidations, none in a window */
static int clean_run(void **state)
{
	memset(&t, 0, sizeof(t));
	memset(&env, 0, sizeof(env));
	memset(&end, 0, sizeof(end));
	env.min_resets = 2;
	t.ndev = 1;
	t.dev[0].c.invalidations = 100;
	t.dev[0].c.windows[WK_FLR] = 3;
	return 0;
}

static int judge(void)
{
	assert_verdict(&t, &env, &end, &v);
	return v.exit_code;
}

static void assert_says(const char *word, const char *cause)
{
	assert_string_equal(v.word, word);
	if (cause && !strstr(v.line, cause))
		fail_msg("\"%s\" does not say \"%s\"", v.line, cause);
}

static void test_pass(void **state)
{
	assert_int_equal(judge(), 0);
	assert_says("PASS", "3 reset windows");
}

static void test_violations_fail(void **state)
{
	t.dev[0].c.in_flight_at_open = 1;
	assert_int_equal(judge(), 1);
	t.dev[0].c.in_flight_at_open = 0;
	t.dev[0].c.in_window = 2;
	assert_int_equal(judge(), 1);
	assert_says("FAIL", "2 in-window");
}

/* invalidations in error recovery fail as any, and the verdict tells them apart */
static void test_recovery_told_apart(void **state)
{
	t.dev[0].c.windows[WK_RECOVERY] = 1;
	t.dev[0].c.in_window = 5;
	t.dev[0].c.in_recovery = 3;
	assert_int_equal(judge(), 1);
	assert_says("FAIL", "5 in-window invalidations (3 of them in error recovery");
	t.dev[0].c.in_recovery = 0;
	judge();
	if (strstr(v.line, "error recovery"))
		fail_msg("\"%s\" names error recovery with none in it", v.line);
	assert_string_equal(window_kind_name(WK_RECOVERY), "recovery");
}

static void test_unbracketed(void **state)
{
	t.dev[0].c.unbracketed = 2;
	assert_int_equal(judge(), 0);
	env.fail_unbracketed = true;
	assert_int_equal(judge(), 1);
}

/* on a bracketing kernel, resets outside brackets and no bracket ever: blind */
static void test_bracket_hooks_silent(void **state)
{
	t.bracketing = true;
	t.dev[0].c.unbracketed = 2;
	assert_int_equal(judge(), 3);
	assert_says("INCONCLUSIVE", "bracket hooks never fired");
	t.dev[0].c.windows[WK_BRACKET] = 1;
	assert_int_equal(judge(), 0);
}

/* resets are windows on the devices traced: a bus reset over none proves nothing */
static void test_min_resets(void **state)
{
	t.dev[0].c.windows[WK_FLR] = 1;
	assert_int_equal(judge(), 3);
	t.global[G_BUS_WINDOWS] = 5;
	assert_int_equal(judge(), 3);
	t.dev[0].c.windows[WK_SECONDARY_BUS] = 1;
	assert_int_equal(judge(), 0);
	t.dev[0].c.invalidations = 0;
	assert_int_equal(judge(), 3);
	assert_says("INCONCLUSIVE", "proved nothing");
	/* no window opened with ATS on (an SMMUv3 without ATS): said so */
	assert_says("INCONCLUSIVE", "ATS was enabled at none of the 2 windows' opens");
	t.dev[0].c.ats_in_window = 1;
	judge();
	if (strstr(v.line, "no ATS"))
		fail_msg("\"%s\" says no ATS when a window opened with ATS on", v.line);
}

/* each health counter alone, on an otherwise clean run */
static void test_every_health_row(void **state)
{
	t.crosscheck = true;
	for (int i = 0; i < health_rows_len; i++) {
		const struct health_row *r = &health_rows[i];

		clean_run(state);
		t.crosscheck = true;
		if (r->global >= 0)
			t.global[r->global] = 7;
		else if (!strcmp(r->name, "program_misses"))
			t.program_misses = 7;
		else if (!strcmp(r->name, "kretprobe_missed"))
			t.global[G_KMETHOD_ENTRIES] = 7; /* seven entries, no return */
		else
			t.global[G_TP_DEVTLB] = 7; /* the tracepoint saw 7, the hook none */
		assert_int_equal(health_value(&t, r), 7);
		if (judge() != 3)
			fail_msg("%s = 7 gave exit %d: %s", r->name, v.exit_code, v.line);
		assert_says("INCONCLUSIVE", r->what);
	}
}

/* the cross-check counts only where its program ran */
static void test_crosscheck(void **state)
{
	t.global[G_TP_DEVTLB] = 4;
	t.global[G_MAIN_DEVTLB] = 5;
	assert_int_equal(judge(), 0);
	t.crosscheck = true;
	assert_int_equal(judge(), 3);
	assert_says("INCONCLUSIVE", "1 device-TLB invalidations");
	t.global[G_TP_DEVTLB] = 5;
	assert_int_equal(judge(), 0);
}

/* kprobe-hooked methods: entries and returns must balance */
static void test_kretprobe_missed(void **state)
{
	t.global[G_KMETHOD_ENTRIES] = 12;
	t.global[G_KMETHOD_EXITS] = 12;
	assert_int_equal(judge(), 0);
	t.global[G_KMETHOD_EXITS] = 11;
	assert_int_equal(judge(), 3);
	assert_says("INCONCLUSIVE", "1 reset methods hooked by kprobes");
	/* more returns than entries (a reset under way at the start) loses nothing */
	t.global[G_KMETHOD_EXITS] = 13;
	assert_int_equal(judge(), 0);
}

/* a run that ended badly is never a PASS */
static void test_run_end(void **state)
{
	end.cmd_status = 1;
	assert_int_equal(judge(), 3);
	assert_says("INCONCLUSIVE", "the command exited 1");
	end.cmd_status = 128 + SIGKILL;
	assert_int_equal(judge(), 3);
	assert_says("INCONCLUSIVE", "killed by signal 9");
	end.cmd_status = 128 + SIGTERM;
	end.stop_signal = SIGINT;
	assert_int_equal(judge(), 3);
	assert_says("INCONCLUSIVE", "stopped by SIGINT");
	clean_run(state);
	end.poll_error = -EBADF;
	assert_int_equal(judge(), 3);
	assert_says("INCONCLUSIVE", "ring buffer failed");
	clean_run(state);
	end.output_error = true;
	assert_int_equal(judge(), 3);
	assert_says("INCONCLUSIVE", "output could not be written");
}

/* what it did see still fails the run, and the blind spots are named too */
static void test_fail_names_causes(void **state)
{
	t.dev[0].c.in_window = 1;
	t.global[G_RINGBUF_DROPS] = 2;
	end.cmd_status = 7;
	assert_int_equal(judge(), 1);
	assert_says("FAIL", "also: 2 events lost");
	assert_says("FAIL", "the command exited 7");
}

/* --ktap: the same verdict as KTAP; *out is freed by the caller */
static int ktap(char **out)
{
	size_t len;
	FILE *f = open_memstream(out, &len);
	int rc;

	assert_non_null(f);
	judge();
	rc = assert_ktap(f, &t, &env, &end, &v);
	fclose(f);
	return rc;
}

static void assert_has(const char *doc, const char *line)
{
	if (!strstr(doc, line))
		fail_msg("KTAP without \"%s\":\n%s", line, doc);
}

/* every "ok" line of @doc says SKIP: nothing is claimed */
static void assert_nothing_ok(const char *doc)
{
	for (const char *p = doc; (p = strstr(p, "\nok ")); p++) {
		const char *eol = strchr(p + 1, '\n');
		const char *skip = strstr(p, "# SKIP");

		if (!skip || (eol && skip > eol))
			fail_msg("an inconclusive run claims a test ok:\n%s", doc);
	}
}

static void test_ktap_pass(void **state)
{
	char *doc;

	t.bracketing = true;
	assert_int_equal(ktap(&doc), KSFT_PASS);
	assert_has(doc, "KTAP version 1\n");
	assert_has(doc, "\n1..6\n");
	assert_has(doc, "\nok 1 no_in_window_invalidations\n");
	assert_has(doc, "\nok 3 no_unbracketed_resets\n");
	assert_has(doc, "\nok 6 workload\n");
	if (strstr(doc, "not ok") || strstr(doc, "SKIP"))
		fail_msg("a clean run with a failure or a skip:\n%s", doc);
	free(doc);
	/* unbracketed resets not enforced: that test skips, the run still passes */
	t.dev[0].c.windows[WK_BRACKET] = 3;
	t.dev[0].c.unbracketed = 2;
	assert_int_equal(ktap(&doc), KSFT_PASS);
	assert_has(doc, "ok 3 no_unbracketed_resets # SKIP 2 resets");
	free(doc);
	env.fail_unbracketed = true;
	assert_int_equal(ktap(&doc), KSFT_FAIL);
	assert_has(doc, "not ok 3 no_unbracketed_resets");
	free(doc);
}

static void test_ktap_fail(void **state)
{
	char *doc;

	t.dev[0].c.in_window = 2;
	assert_int_equal(ktap(&doc), KSFT_FAIL);
	assert_has(doc, "\nnot ok 1 no_in_window_invalidations\n# 2 in-window");
	assert_has(doc, "\nok 2 none_in_flight_at_open\n");
	free(doc);
	t.dev[0].c.in_window = 0;
	t.dev[0].c.in_flight_at_open = 1;
	assert_int_equal(ktap(&doc), KSFT_FAIL);
	assert_has(doc, "\nnot ok 2 none_in_flight_at_open\n");
	free(doc);
}

/* a run that proved nothing skips every test it did not fail, with the cause */
static void test_ktap_proved_nothing(void **state)
{
	char *doc;

	t.global[G_RINGBUF_DROPS] = 3;
	assert_int_equal(ktap(&doc), KSFT_SKIP);
	assert_has(doc, "ok 5 tool_health # SKIP 3 events lost");
	assert_has(doc, "ok 1 no_in_window_invalidations # SKIP 3 events lost");
	assert_nothing_ok(doc);
	free(doc);
	clean_run(state);
	env.min_resets = 10;
	assert_int_equal(ktap(&doc), KSFT_SKIP);
	assert_has(doc, "ok 4 enough_resets_seen # SKIP 3 reset windows (at least 10 wanted)");
	assert_has(doc, "ok 1 no_in_window_invalidations # SKIP 3 reset windows on the devices");
	assert_nothing_ok(doc);
	free(doc);
}

/* the workload's failure is its own "not ok"; nothing else is claimed */
static void test_ktap_workload(void **state)
{
	char *doc;

	end.cmd_status = 128 + SIGKILL;
	assert_int_equal(ktap(&doc), KSFT_FAIL);
	assert_has(doc, "\nnot ok 6 workload\n# the command was killed by signal 9");
	assert_has(doc, "ok 5 tool_health # SKIP the command was killed by signal 9");
	assert_nothing_ok(doc);
	free(doc);
}

/* @fn's JSON record for the clean run, in a string freed by the caller */
static char *json_of(void (*fn)(struct json_writer *w, const void *arg), const void *arg)
{
	struct json_writer w;
	char *out = NULL;
	size_t len;
	FILE *f = open_memstream(&out, &len);

	assert_non_null(f);
	json_init(&w, f);
	fn(&w, arg);
	fclose(f);
	return out;
}

static void summary_of(struct json_writer *w, const void *arg)
{
	report_summary_json(w, &t, arg, "PASS", 0);
}

static void event_of(struct json_writer *w, const void *arg)
{
	report_event_json(w, arg, NULL, false);
}

/*
 * Schema version 2 (docs/atstrace.schema.json): devices an array of objects
 * named by "device", every window kind counted even at zero, every health
 * row present, the window kind called "window_kind" in every record.
 */
static void test_json_records(void **state)
{
	struct event e = { .type = EV_BUS_WINDOW_CLOSE, .rid = 0x0010,
			   .win = { .kind = WK_SECONDARY_BUS, .bus_lo = 1, .bus_hi = 2 } };
	char *doc, key[64];

	t.dev[0].rid = 0x0100;
	doc = json_of(summary_of, &end);
	assert_has(doc, "\"schema_version\":2,\"type\":\"summary\",\"devices\":[{\"device\":\"0000:01:00.0\"");
	for (int k = 0; k < WK_NR; k++) {
		snprintf(key, sizeof(key), "\"%s\":%d", window_kind_name(k), k == WK_FLR ? 3 : 0);
		assert_has(doc, key);
	}
	for (int i = 0; i < health_rows_len; i++) {
		snprintf(key, sizeof(key), "\"%s\":", health_rows[i].name);
		assert_has(doc, key);
	}
	assert_has(doc, "\"verdict\":\"PASS\",\"exit_code\":0}\n");
	free(doc);

	doc = json_of(event_of, &e);
	assert_has(doc, "\"type\":\"bus_window\",\"device\":\"0000:00:02.0\","
			"\"window_kind\":\"secondary_bus\",\"bus_lo\":1,\"bus_hi\":2");
	free(doc);
	e.type = EV_UNBRACKETED;
	e.win.kind = WK_FLR;
	doc = json_of(event_of, &e);
	assert_has(doc, "\"type\":\"unbracketed_reset\",\"device\":\"0000:00:02.0\","
			"\"window_kind\":\"flr\"");
	free(doc);
}

/*
 * SMMUv3 StreamIDs: listed once each, only for a device with counts, at
 * most SMMU_MAX_STREAMS; absent from a device that has none (VT-d, AMD-Vi).
 */
static void test_streamids(void **state)
{
	char *doc;

	t.dev[0].rid = 0x0100;
	doc = json_of(summary_of, &end);
	assert_null(strstr(doc, "streamids"));
	free(doc);
	totals_add_streamid(&t, 0x0100, 0x100);
	totals_add_streamid(&t, 0x0100, 0x100);
	totals_add_streamid(&t, 0x0200, 0x200);	/* no counts: not a device of the run */
	totals_add_streamid(&t, 0x0100, 0x10000);
	assert_int_equal(t.dev[0].nsids, 2);
	doc = json_of(summary_of, &end);
	assert_has(doc, "\"attach_busy\":0,\"streamids\":[256,65536]}");
	free(doc);
	for (__u32 sid = 0; sid < 2 * SMMU_MAX_STREAMS; sid++)
		totals_add_streamid(&t, 0x0100, sid);
	assert_int_equal(t.dev[0].nsids, SMMU_MAX_STREAMS);
	(void)state;
}

/*
 * atstrace's own footprint: written as "tool" once it was read (any
 * summary of a real run), never a field of made-up zeros.
 */
static void test_tool_memory(void **state)
{
	char *doc;

	t.dev[0].rid = 0x0100;
	doc = json_of(summary_of, &end);
	assert_null(strstr(doc, "\"tool\""));
	free(doc);
	t.mem = (struct tool_memory){ .heap_bytes = 6401024, .rss_bytes = 24219648, .fds = 100 };
	doc = json_of(summary_of, &end);
	assert_has(doc, "\"tool\":{\"heap_bytes\":6401024,\"rss_bytes\":24219648,\"fds\":100}");
	free(doc);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_pass, clean_run),
		cmocka_unit_test_setup(test_violations_fail, clean_run),
		cmocka_unit_test_setup(test_recovery_told_apart, clean_run),
		cmocka_unit_test_setup(test_unbracketed, clean_run),
		cmocka_unit_test_setup(test_bracket_hooks_silent, clean_run),
		cmocka_unit_test_setup(test_min_resets, clean_run),
		cmocka_unit_test_setup(test_every_health_row, clean_run),
		cmocka_unit_test_setup(test_crosscheck, clean_run),
		cmocka_unit_test_setup(test_kretprobe_missed, clean_run),
		cmocka_unit_test_setup(test_run_end, clean_run),
		cmocka_unit_test_setup(test_fail_names_causes, clean_run),
		cmocka_unit_test_setup(test_ktap_pass, clean_run),
		cmocka_unit_test_setup(test_ktap_fail, clean_run),
		cmocka_unit_test_setup(test_ktap_proved_nothing, clean_run),
		cmocka_unit_test_setup(test_ktap_workload, clean_run),
		cmocka_unit_test_setup(test_tool_memory, clean_run),
		cmocka_unit_test_setup(test_json_records, clean_run),
		cmocka_unit_test_setup(test_streamids, clean_run),
	};

	return cmocka_run_group_tests_name("atstrace_report", tests, NULL, NULL);
}
