/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Decoding of ATC (device-TLB) invalidation commands into the device, PASID
 * and range they target. Plain C, written once: compiled into the BPF
 * objects and into the host unit tests (tests/test_atc_decode.c).
 */
#ifndef ATSTRACE_ATC_DECODE_H
#define ATSTRACE_ATC_DECODE_H

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

#define ATC_NO_PASID 0xffffffffu

struct atc_inv {
	__u32 sid;      /* VT-d, AMD: requester ID (bus << 8 | devfn); SMMUv3: StreamID */
	__u32 pasid;    /* ATC_NO_PASID when the command carries none */
	__u64 addr;     /* first byte of the invalidated range */
	__u64 size;     /* bytes; 0 means the whole address space */
};

/*
 * Range from an ATS invalidation address with the S (size) bit: S=0 is one
 * 4 KiB page; S=1 means the lowest zero bit b at or above bit 12 sets the
 * size to 2^(b+1). An address with bits 62:12 all ones and S=1 is "all".
 */
static __always_inline void atc_inv_range(__u64 addr, int s, struct atc_inv *inv)
{
	__u64 a = addr & ~0xfffULL, zeros = ~a & ~0xfffULL, low;

	if (!s) {
		inv->addr = a;
		inv->size = 4096;
		return;
	}
	/* the lowest zero bit at or above bit 12, without a loop: 2^b */
	low = zeros & -zeros;
	if (!low || low >= 1ULL << 62) {
		inv->addr = 0;
		inv->size = 0;
		return;
	}
	inv->size = low << 1;
	inv->addr = a & ~(inv->size - 1);
}

#define VTD_DESC_TYPE_DEVTLB 0x3
#define VTD_DESC_TYPE_PASID_DEVTLB 0x8

/*
 * Intel VT-d queued-invalidation descriptor (struct qi_desc qw0/qw1).
 * Type 3, device-TLB: SID in qw0[47:32], S in qw1[0], address qw1[63:12].
 * Type 8, PASID device-TLB: SID in qw0[31:16], PASID in qw0[51:32],
 * S in qw1[11], address qw1[63:12].
 * Returns 1 for a device-TLB invalidation (inv filled in), 0 otherwise.
 */
/* whether a VT-d descriptor is a device-TLB (ATC) invalidation, from its qw0 */
static __always_inline int atc_inv_is_vtd(__u64 qw0)
{
	return (qw0 & 0xf) == VTD_DESC_TYPE_DEVTLB || (qw0 & 0xf) == VTD_DESC_TYPE_PASID_DEVTLB;
}

/* the SID a VT-d device-TLB invalidation names (atc_inv_is_vtd() said it is one) */
static __always_inline __u32 atc_inv_sid_vtd(__u64 qw0)
{
	return (qw0 & 0xf) == VTD_DESC_TYPE_DEVTLB ? (qw0 >> 32) & 0xffff : (qw0 >> 16) & 0xffff;
}

static __always_inline int atc_inv_decode_vtd(__u64 qw0, __u64 qw1, struct atc_inv *inv)
{
	switch (qw0 & 0xf) {
	case VTD_DESC_TYPE_DEVTLB:
		inv->sid = (qw0 >> 32) & 0xffff;
		inv->pasid = ATC_NO_PASID;
		atc_inv_range(qw1, qw1 & 1, inv);
		return 1;
	case VTD_DESC_TYPE_PASID_DEVTLB:
		inv->sid = (qw0 >> 16) & 0xffff;
		inv->pasid = (qw0 >> 32) & 0xfffff;
		atc_inv_range(qw1, (qw1 >> 11) & 1, inv);
		return 1;
	default:
		return 0;
	}
}

#define AMD_CMD_INV_IOTLB_PAGES 0x4

/*
 * AMD-Vi INVALIDATE_IOTLB_PAGES (struct iommu_cmd, four 32-bit words; the
 * opcode is d1[31:28]). d0: DeviceID[15:0], PASID[15:8] in [23:16];
 * d1: PASID[7:0] in [23:16]; d2: S[0], GN[2], Addr[31:12]; d3: Addr[63:32].
 * The PASID is meaningful only with GN set.
 */
static __always_inline int atc_inv_decode_amd(__u32 d0, __u32 d1, __u32 d2, __u32 d3,
					      struct atc_inv *inv)
{
	if ((d1 >> 28) != AMD_CMD_INV_IOTLB_PAGES)
		return 0;
	inv->sid = d0 & 0xffff;
	inv->pasid = (d2 & 0x4) ? ((d0 >> 16) & 0xff) << 8 | ((d1 >> 16) & 0xff) : ATC_NO_PASID;
	atc_inv_range((__u64)d3 << 32 | (d2 & 0xfffff000), d2 & 1, inv);
	return 1;
}

#define SMMU_CMD_ATC_INV 0x40
#define SMMU_ATC_INV_SIZE_ALL 52

/*
 * Arm SMMUv3 CMD_ATC_INV (two 64-bit words). DW0: opcode[7:0], SSV[11],
 * SSID[31:12], StreamID[63:32]; DW1: Size[5:0] (log2 of 4 KiB pages, 52 =
 * everything), Addr[63:12]. inv->sid is the StreamID: the caller maps it to
 * a device (for PCI, RID + the iommu-map offset).
 */
static __always_inline int atc_inv_decode_smmuv3(__u64 dw0, __u64 dw1, struct atc_inv *inv)
{
	__u32 size_log2 = dw1 & 0x3f;

	if ((dw0 & 0xff) != SMMU_CMD_ATC_INV)
		return 0;
	inv->sid = dw0 >> 32;
	inv->pasid = (dw0 & (1 << 11)) ? (dw0 >> 12) & 0xfffff : ATC_NO_PASID;
	if (size_log2 >= SMMU_ATC_INV_SIZE_ALL) {
		inv->addr = 0;
		inv->size = 0;
	} else {
		inv->size = 4096ULL << size_log2;
		inv->addr = dw1 & ~0xfffULL & ~(inv->size - 1);
	}
	return 1;
}

#endif
