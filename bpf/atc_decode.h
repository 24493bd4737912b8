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
	__u16 sid;      /* requester ID: bus << 8 | devfn */
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
	__u64 a = addr & ~0xfffULL;
	int b;

	if (!s) {
		inv->addr = a;
		inv->size = 4096;
		return;
	}
	for (b = 12; b < 63; b++)
		if (!(a & (1ULL << b)))
			break;
	if (b >= 62) {
		inv->addr = 0;
		inv->size = 0;
		return;
	}
	inv->size = 1ULL << (b + 1);
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

#endif
