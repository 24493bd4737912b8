// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: the Prometheus textfile (tools/atstrace/prom_textfile.c).
 * Histogram buckets are cumulative with exact log2 bounds in seconds, every
 * family has its HELP and TYPE once, the health counters are there at zero
 * and one non-zero one clears atstrace_healthy; the file is replaced whole.
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
#include <linux/types.h>

#include "atstrace/prom_textfile.h"
#include "reset_window.h"

static struct run_totals t;
static struct hist_total h[2];
static const struct prom_info info = { .version = "0.9.0", .kernel_release = "6.12.1" };

static char *text(void)
{
	char *out = NULL;
	size_t len;
	FILE *f = open_memstream(&out, &len);

	assert_non_null(f);
	prom_write(f, &t, h, 2, &info);
	fclose(f);
	return out;
}

static void assert_has(const char *doc, const char *line)
{
	if (!strstr(doc, line))
		fail_msg("textfile without \"%s\":\n%s", line, doc);
}

static int count(const char *doc, const char *s)
{
	int n = 0;

	for (const char *p = doc; (p = strstr(p, s)); p += strlen(s))
		n++;
	return n;
}

static int setup(void **state)
{
	memset(&t, 0, sizeof(t));
	memset(h, 0, sizeof(h));
	t.ndev = 1;
	t.dev[0].rid = 0x0100;
	t.dev[0].c.invalidations = 958;
	t.dev[0].c.in_window = 4;
	t.dev[0].c.windows[WK_BRACKET] = 20;
	t.global[G_INJECTED_NS] = 1500000;
	h[0].rid = 0x0100;
	h[0].kind = H_INV_LATENCY;
	h[0].h.slots[0] = 1;     /* 1 ns */
	h[0].h.slots[10] = 5;    /* 1024..2047 ns */
	h[0].h.slots[40] = 2;    /* past the last bucket written: +Inf only */
	h[0].h.sum = 1 + 5 * 1500 + 2 * (1ULL << 40);
	h[1].rid = 0x0100;
	h[1].kind = H_WINDOW;
	h[1].h.slots[26] = 1;
	h[1].h.sum = 100000000;
	return 0;
}

static void test_counters(void **state)
{
	char *doc = text();

	assert_has(doc, "atstrace_build_info{version=\"0.9.0\",kernel_release=\"6.12.1\"} 1\n");
	assert_has(doc, "# TYPE atstrace_invalidations_total counter\n"
			"atstrace_invalidations_total{device=\"0000:01:00.0\"} 958\n");
	assert_has(doc, "atstrace_in_window_invalidations_total{device=\"0000:01:00.0\"} 4\n");
	/* every window kind, zero included */
	assert_has(doc, "atstrace_reset_windows_total{device=\"0000:01:00.0\",window_kind=\"bracket\"} 20\n");
	assert_int_equal(count(doc, "atstrace_reset_windows_total{"), WK_NR);
	assert_has(doc, "atstrace_injected_delay_seconds_total 0.001500000\n");
	/* one HELP and one TYPE per family */
	assert_int_equal(count(doc, "# TYPE atstrace_invalidation_latency_seconds histogram\n"), 1);
	assert_int_equal(count(doc, "# HELP "), count(doc, "# TYPE "));
	/* no timestamps: one space in a sample line past its labels, then the value */
	for (char *l = strtok(doc, "\n"); l; l = strtok(NULL, "\n")) {
		const char *rest = strrchr(l, '}') ? strrchr(l, '}') : l;

		if (l[0] != '#' && count(rest, " ") != 1)
			fail_msg("a sample with more than a value: %s", l);
	}
	free(doc);
}

/* @doc has the latency family's sample SUFFIX{device,EXTRA} VALUE */
static void assert_latency(const char *doc, const char *suffix, const char *extra,
			   const char *value)
{
	char line[256];

	snprintf(line, sizeof(line), "atstrace_invalidation_latency_seconds%s"
		 "{device=\"0000:01:00.0\"%s} %s\n", suffix, extra, value);
	assert_has(doc, line);
}

static void test_histogram(void **state)
{
	char *doc = text();

	assert_latency(doc, "_bucket", ",le=\"1e-09\"", "1");
	assert_latency(doc, "_bucket", ",le=\"1.023e-06\"", "1");
	assert_latency(doc, "_bucket", ",le=\"2.047e-06\"", "6");
	/* the last finite bound: 2^36 - 1 ns */
	assert_latency(doc, "_bucket", ",le=\"68.719476735\"", "6");
	assert_latency(doc, "_bucket", ",le=\"+Inf\"", "8");
	assert_latency(doc, "_count", "", "8");
	assert_latency(doc, "_sum", "", "2199.023263053");
	assert_int_equal(count(doc, "atstrace_invalidation_latency_seconds_bucket{"),
			 PROM_HIST_SLOTS + 1);
	assert_has(doc, "atstrace_reset_window_seconds_sum{device=\"0000:01:00.0\"} 0.100000000\n");
	/* kinds with no histogram: no family */
	assert_null(strstr(doc, "atstrace_reset_prepare_seconds"));
	free(doc);
}

static void test_health(void **state)
{
	char *doc = text(), name[128];

	for (int i = 0; i < health_rows_len; i++) {
		snprintf(name, sizeof(name), "atstrace_health_problems{counter=\"%s\"} 0\n",
			 health_rows[i].name);
		assert_has(doc, name);
	}
	assert_has(doc, "atstrace_healthy 1\n");
	free(doc);
	t.global[G_RINGBUF_DROPS] = 3;
	doc = text();
	assert_has(doc, "atstrace_health_problems{counter=\"ringbuf_drops\"} 3\n");
	assert_has(doc, "atstrace_healthy 0\n");
	free(doc);
}

/* the file is replaced by rename: no temporary left, the content whole */
static void test_update(void **state)
{
	char dir[] = "/tmp/atstrace-prom-XXXXXX", path[64], tmp[80], buf[64];
	FILE *f;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/atstrace.prom", dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	assert_int_equal(prom_textfile_update(path, &t, h, 2, &info), 0);
	assert_int_equal(access(tmp, F_OK), -1);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	assert_int_equal(strncmp(buf, "# HELP atstrace_build_info ", 27), 0);
	fclose(f);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
	/* a directory that is not there: an error, nothing written */
	assert_true(prom_textfile_update("/nonexistent/atstrace.prom", &t, h, 2, &info) < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_counters, setup),
		cmocka_unit_test_setup(test_histogram, setup),
		cmocka_unit_test_setup(test_health, setup),
		cmocka_unit_test_setup(test_update, setup),
	};

	return cmocka_run_group_tests_name("prom_textfile", tests, NULL, NULL);
}
