// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: --hist-by (tools/atstrace/hist_group.c) adds the kept
 * histograms up by device, IOMMU driver or window kind, every sample in
 * exactly one row.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "atstrace/hist_group.h"
#include "reset_window.h"

/* two devices, one of each driver; windows of two kinds on the first */
static struct hist_total in[5];

static __u32 vendor_stub(__u32 rid)
{
	return rid == 0x0100 ? VENDOR_VTD : VENDOR_AMD;
}

static int setup(void **state)
{
	memset(in, 0, sizeof(in));
	in[0] = (struct hist_total){ .rid = 0x0100, .kind = H_INV_LATENCY };
	in[0].h.slots[12] = 10;
	in[0].h.sum = 40960;
	in[1] = (struct hist_total){ .rid = 0x0100, .kind = H_WINDOW, .sub = WK_FLR };
	in[1].h.slots[26] = 3;
	in[2] = (struct hist_total){ .rid = 0x0100, .kind = H_WINDOW, .sub = WK_SECONDARY_BUS };
	in[2].h.slots[27] = 2;
	in[3] = (struct hist_total){ .rid = 0x0200, .kind = H_INV_LATENCY };
	in[3].h.slots[12] = 5;
	in[3].h.sum = 20480;
	in[4] = (struct hist_total){ .rid = 0x0200, .kind = H_WINDOW, .sub = WK_FLR };
	in[4].h.slots[26] = 1;
	return 0;
}

static __u64 total(const struct hist_row *r)
{
	__u64 n = 0;

	for (int s = 0; s < HIST_SLOTS; s++)
		n += r->h.slots[s];
	return n;
}

static void test_by_device(void **state)
{
	struct hist_row rows[5];
	int n = hist_group(in, 5, HIST_BY_DEVICE, vendor_stub, rows);

	/* latency of each device, then windows of each (both kinds added) */
	assert_int_equal(n, 4);
	assert_int_equal(rows[0].kind, H_INV_LATENCY);
	assert_int_equal(rows[0].key, 0x0100);
	assert_int_equal(rows[2].kind, H_WINDOW);
	assert_int_equal(rows[2].key, 0x0100);
	assert_int_equal(total(&rows[2]), 5);
	assert_int_equal(total(&rows[3]), 1);
}

static void test_by_vendor(void **state)
{
	struct hist_row rows[5];
	int n = hist_group(in, 5, HIST_BY_VENDOR, vendor_stub, rows);

	assert_int_equal(n, 4);
	assert_int_equal(rows[0].key, VENDOR_VTD);
	assert_int_equal(total(&rows[0]), 10);
	assert_int_equal(rows[1].key, VENDOR_AMD);
	assert_int_equal(rows[1].h.sum, 20480);
	assert_string_equal(vendor_key_name(VENDOR_NONE), "none");
}

static void test_by_kind(void **state)
{
	struct hist_row rows[5];
	int n = hist_group(in, 5, HIST_BY_KIND, vendor_stub, rows);
	__u64 all = 0;

	/* latency: one row for all devices; windows: one per window kind */
	assert_int_equal(n, 3);
	assert_int_equal(rows[0].kind, H_INV_LATENCY);
	assert_int_equal(rows[0].key, HIST_KEY_ALL);
	assert_int_equal(total(&rows[0]), 15);
	assert_int_equal(rows[0].h.sum, 61440);
	assert_int_equal(rows[1].key, WK_FLR);
	assert_int_equal(total(&rows[1]), 4);
	assert_int_equal(rows[2].key, WK_SECONDARY_BUS);
	for (int i = 0; i < n; i++)
		all += total(&rows[i]);
	assert_int_equal(all, 10 + 3 + 2 + 5 + 1);
}

static void test_parse(void **state)
{
	enum hist_by by;

	assert_int_equal(hist_by_parse("vendor", &by), 0);
	assert_int_equal(by, HIST_BY_VENDOR);
	assert_string_equal(hist_by_name(HIST_BY_KIND), "kind");
	assert_int_equal(hist_by_parse("bdf", &by), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_by_device, setup),
		cmocka_unit_test_setup(test_by_vendor, setup),
		cmocka_unit_test_setup(test_by_kind, setup),
		cmocka_unit_test(test_parse),
	};

	return cmocka_run_group_tests_name("hist_group", tests, NULL, NULL);
}
