// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: ATC invalidation decoding (bpf/atc_decode.h), the same code the
 * BPF programs run. Descriptors are built to the VT-d specification here,
 * field by field, not copied from a trace.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <linux/types.h>

#include "atc_decode.h"

/* VT-d type 3: SID[47:32], PFSID, MIP; qw1: ADDR[63:12] | S[0] */
static __u64 vtd_devtlb_qw0(__u16 sid, __u16 pfsid, __u8 qdep)
{
	return 0x3 | (__u64)(pfsid & 0xf) << 12 | (__u64)(qdep & 0x1f) << 16 |
	       (__u64)sid << 32 | (__u64)(pfsid >> 4) << 52;
}

/* VT-d type 8: MIP[8:4], SID[31:16], PASID[51:32]; qw1: ADDR | S[11] | G[0] */
static __u64 vtd_pasid_devtlb_qw0(__u16 sid, __u32 pasid)
{
	return 0x8 | 1 << 4 | (__u64)sid << 16 | (__u64)(pasid & 0xfffff) << 32;
}

static void test_vtd_devtlb_single_page(void **state)
{
	struct atc_inv inv;

	assert_int_equal(atc_inv_decode_vtd(vtd_devtlb_qw0(0x0100, 0x0100, 0), 0x12345000, &inv), 1);
	assert_int_equal(inv.sid, 0x0100);
	assert_int_equal(inv.pasid, ATC_NO_PASID);
	assert_int_equal(inv.addr, 0x12345000);
	assert_int_equal(inv.size, 4096);
}

static void test_vtd_devtlb_ranges(void **state)
{
	struct atc_inv inv;

	/* 8 KiB at 0x10000: bit 12 clear, S=1 */
	assert_int_equal(atc_inv_decode_vtd(vtd_devtlb_qw0(0x0208, 0, 0), 0x10000 | 1, &inv), 1);
	assert_int_equal(inv.sid, 0x0208);
	assert_int_equal(inv.addr, 0x10000);
	assert_int_equal(inv.size, 8192);
	/* 64 KiB at 0x40000: bits 12..14 set, bit 15 clear */
	assert_int_equal(atc_inv_decode_vtd(vtd_devtlb_qw0(1, 0, 0), 0x40000 | 0x7000 | 1, &inv), 1);
	assert_int_equal(inv.addr, 0x40000);
	assert_int_equal(inv.size, 65536);
	/* everything: bits 62:12 set, S=1 */
	assert_int_equal(atc_inv_decode_vtd(vtd_devtlb_qw0(1, 0, 0), 0x7ffffffffffff001ULL, &inv), 1);
	assert_int_equal(inv.addr, 0);
	assert_int_equal(inv.size, 0);
}

static void test_vtd_pasid_devtlb(void **state)
{
	struct atc_inv inv;

	assert_int_equal(atc_inv_decode_vtd(vtd_pasid_devtlb_qw0(0x0301, 0x12345),
					    0x200000 | 0xff000 | 1 << 11, &inv), 1);
	assert_int_equal(inv.sid, 0x0301);
	assert_int_equal(inv.pasid, 0x12345);
	assert_int_equal(inv.size, 2 << 20);
	assert_int_equal(inv.addr, 0x200000);
}

static void test_vtd_other_types_ignored(void **state)
{
	struct atc_inv inv;
	/* context (1), IOTLB (2), IEC (4), wait (5), PASID IOTLB (6) */
	static const __u64 types[] = { 1, 2, 4, 5, 6, 7, 9 };

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		assert_int_equal(atc_inv_decode_vtd((__u64)0x0100 << 32 | types[i], 0, &inv), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vtd_devtlb_single_page),
		cmocka_unit_test(test_vtd_devtlb_ranges),
		cmocka_unit_test(test_vtd_pasid_devtlb),
		cmocka_unit_test(test_vtd_other_types_ignored),
	};

	return cmocka_run_group_tests_name("atc_decode", tests, NULL, NULL);
}
