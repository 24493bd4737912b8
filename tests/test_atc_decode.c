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

/*
 * The range without a loop, against the specification read bit by bit: for
 * every position of the lowest zero bit, with the bits above it random.
 */
static void range_by_bits(__u64 addr, struct atc_inv *inv)
{
	__u64 a = addr & ~0xfffULL;
	int b = 12;

	while (b < 64 && (a >> b & 1))
		b++;
	if (b >= 62) {
		inv->addr = inv->size = 0;
		return;
	}
	inv->size = 1ULL << (b + 1);
	inv->addr = a & ~(inv->size - 1);
}

static void test_range_matches_bitwise(void **state)
{
	__u64 x = 0x9e3779b97f4a7c15ULL;

	for (int b = 12; b < 64; b++) {
		for (int r = 0; r < 64; r++) {
			struct atc_inv got, want;
			__u64 ones = b > 12 ? ((1ULL << b) - 1) & ~0xfffULL : 0, addr;

			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			addr = (x & ~((2ULL << b) - 1)) | ones | (x & 0xfff);
			if (b == 63)
				addr = ones | (x & 0xfff);
			atc_inv_range(addr, 1, &got);
			range_by_bits(addr, &want);
			assert_int_equal(got.size, want.size);
			assert_int_equal(got.addr, want.addr);
		}
	}
	{
		struct atc_inv got;

		atc_inv_range(~0ULL, 1, &got); /* every bit set: everything */
		assert_int_equal(got.size, 0);
	}
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

/* AMD INVALIDATE_IOTLB_PAGES, built from the AMD IOMMU specification's layout */
static void amd_inv_iotlb(__u32 d[4], __u16 devid, __u8 maxpend, __u64 addr, int s, int gn,
			  __u32 pasid)
{
	d[0] = devid | (gn ? ((pasid >> 8) & 0xff) << 16 : 0) | (__u32)maxpend << 24;
	d[1] = devid | (gn ? (pasid & 0xff) << 16 : 0) | (__u32)AMD_CMD_INV_IOTLB_PAGES << 28;
	d[2] = (addr & 0xfffff000) | (s ? 1 : 0) | (gn ? 4 : 0);
	d[3] = addr >> 32;
}

static void test_amd_inv_iotlb(void **state)
{
	struct atc_inv inv;
	__u32 d[4];

	amd_inv_iotlb(d, 0x0100, 32, 0x123456789000ULL, 0, 0, 0);
	assert_int_equal(atc_inv_decode_amd(d[0], d[1], d[2], d[3], &inv), 1);
	assert_int_equal(inv.sid, 0x0100);
	assert_int_equal(inv.pasid, ATC_NO_PASID);
	assert_int_equal(inv.addr, 0x123456789000ULL);
	assert_int_equal(inv.size, 4096);

	/* PASID 0x1234, 16 KiB at 0x8000_0000: bit 12 set, bit 13 clear */
	amd_inv_iotlb(d, 0x0208, 32, 0x80001000ULL, 1, 1, 0x1234);
	assert_int_equal(atc_inv_decode_amd(d[0], d[1], d[2], d[3], &inv), 1);
	assert_int_equal(inv.sid, 0x0208);
	assert_int_equal(inv.pasid, 0x1234);
	assert_int_equal(inv.addr, 0x80000000ULL);
	assert_int_equal(inv.size, 16384);

	/* the driver's "everything" address */
	amd_inv_iotlb(d, 1, 0, 0x7ffffffffffff000ULL, 1, 0, 0);
	assert_int_equal(atc_inv_decode_amd(d[0], d[1], d[2], d[3], &inv), 1);
	assert_int_equal(inv.size, 0);

	/* COMPLETION_WAIT (1), INVALIDATE_IOMMU_PAGES (3) are not ATC invalidations */
	d[1] = 1u << 28;
	assert_int_equal(atc_inv_decode_amd(d[0], d[1], d[2], d[3], &inv), 0);
	d[1] = 3u << 28;
	assert_int_equal(atc_inv_decode_amd(d[0], d[1], d[2], d[3], &inv), 0);
}

/* SMMUv3 CMD_ATC_INV from the SMMUv3 architecture's field layout */
static void smmu_atc_inv(__u64 cmd[2], __u32 sid, int ssv, __u32 ssid, __u64 addr, __u32 size)
{
	cmd[0] = SMMU_CMD_ATC_INV | (ssv ? 1ULL << 11 : 0) | (__u64)(ssid & 0xfffff) << 12 |
		 (__u64)sid << 32;
	cmd[1] = (size & 0x3f) | (addr & ~0xfffULL);
}

static void test_smmuv3_atc_inv(void **state)
{
	struct atc_inv inv;
	__u64 cmd[2];

	smmu_atc_inv(cmd, 0x10100, 0, 0, 0x40000000ULL, 0);
	assert_int_equal(atc_inv_decode_smmuv3(cmd[0], cmd[1], &inv), 1);
	assert_int_equal(inv.sid, 0x10100);
	assert_int_equal(inv.pasid, ATC_NO_PASID);
	assert_int_equal(inv.addr, 0x40000000ULL);
	assert_int_equal(inv.size, 4096);

	/* 2^4 pages = 64 KiB, SSID 7 */
	smmu_atc_inv(cmd, 0x20, 1, 7, 0x40010000ULL, 4);
	assert_int_equal(atc_inv_decode_smmuv3(cmd[0], cmd[1], &inv), 1);
	assert_int_equal(inv.pasid, 7);
	assert_int_equal(inv.size, 65536);
	assert_int_equal(inv.addr, 0x40010000ULL);

	smmu_atc_inv(cmd, 0x20, 0, 0, 0, SMMU_ATC_INV_SIZE_ALL);
	assert_int_equal(atc_inv_decode_smmuv3(cmd[0], cmd[1], &inv), 1);
	assert_int_equal(inv.size, 0);

	/* CMD_SYNC (0x46), TLBI_NH_VA (0x12) are not */
	assert_int_equal(atc_inv_decode_smmuv3(0x46, 0, &inv), 0);
	assert_int_equal(atc_inv_decode_smmuv3(0x12 | 0x20ULL << 32, 0, &inv), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vtd_devtlb_single_page),
		cmocka_unit_test(test_vtd_devtlb_ranges),
		cmocka_unit_test(test_range_matches_bitwise),
		cmocka_unit_test(test_vtd_pasid_devtlb),
		cmocka_unit_test(test_vtd_other_types_ignored),
		cmocka_unit_test(test_amd_inv_iotlb),
		cmocka_unit_test(test_smmuv3_atc_inv),
	};

	return cmocka_run_group_tests_name("atc_decode", tests, NULL, NULL);
}
