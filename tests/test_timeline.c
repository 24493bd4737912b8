// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: the Trace Event Format timeline (tools/atstrace/timeline.c):
 * a window closing at ts with duration d is a slice from ts - d, times in
 * microseconds to the nanosecond, one named track per device, instants
 * thread-scoped, the array closed at the end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "atstrace/timeline.h"
#include "reset_window.h"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, 1 << 16);

	assert_non_null(f);
	assert_non_null(buf);
	assert_true(fread(buf, 1, (1 << 16) - 1, f) > 0);
	fclose(f);
	return buf;
}

static int count(const char *doc, const char *s)
{
	int n = 0;

	for (const char *p = doc; (p = strstr(p, s)); p += strlen(s))
		n++;
	return n;
}

static void assert_has(const char *doc, const char *s)
{
	if (!strstr(doc, s))
		fail_msg("timeline without \"%s\":\n%s", s, doc);
}

static void test_events(void **state)
{
	char path[] = "/tmp/atstrace-timeline-XXXXXX";
	struct event w = { .type = EV_WINDOW_CLOSE, .rid = 0x0100, .ts = 3000123456ULL,
			   .comm = "atsflr", .win = { .kind = WK_FLR, .duration = 2000000,
						      .hits = 2 } };
	struct event inv = { .type = EV_INV_FLAGGED, .rid = 0x0100, .ts = 2999000001ULL,
			     .inv = { .reason = FLAG_IN_WINDOW, .window_kind = WK_FLR } };
	struct event seen = { .type = EV_INV_SEEN, .rid = 0x0200, .ts = 5 };
	struct event open = { .type = EV_WINDOW_OPEN, .rid = 0x0100, .ts = 1 };
	struct timeline *tl;
	char *doc;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	close(fd);
	tl = timeline_open(path, "atstrace on test");
	assert_non_null(tl);
	timeline_event(tl, &open);   /* nothing: the close writes the slice */
	timeline_event(tl, &w);
	timeline_event(tl, &inv);
	timeline_event(tl, &seen);
	assert_int_equal(timeline_close(tl), 0);
	doc = slurp(path);
	unlink(path);
	assert_int_equal(strncmp(doc, "[{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":1,"
				 "\"args\":{\"name\":\"atstrace on test\"}}", 73), 0);
	/* one track per device, named once */
	assert_int_equal(count(doc, "\"thread_name\""), 2);
	assert_has(doc, "{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":257,"
			"\"args\":{\"name\":\"0000:01:00.0\"}}");
	/* closed at 3000123.456 us after 2000 us: from 2998123.456 */
	assert_has(doc, "{\"name\":\"reset window (flr)\",\"cat\":\"window\",\"ph\":\"X\","
			"\"ts\":2998123.456,\"pid\":1,\"tid\":257,\"dur\":2000.000,");
	assert_has(doc, "\"in_window\":2");
	assert_has(doc, "{\"name\":\"ATC invalidation IN RESET WINDOW\",\"cat\":\"invalidation,flagged\","
			"\"ph\":\"i\",\"ts\":2999000.001,\"pid\":1,\"tid\":257,\"s\":\"t\",");
	assert_has(doc, "{\"name\":\"ATC invalidation\",\"cat\":\"invalidation\",\"ph\":\"i\","
			"\"ts\":0.005,\"pid\":1,\"tid\":513,");
	assert_int_equal(count(doc, "\"ph\":\"X\""), 1);
	/* the array ends */
	assert_string_equal(doc + strlen(doc) - 3, "}]\n");
	free(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_events),
	};

	return cmocka_run_group_tests_name("timeline", tests, NULL, NULL);
}
