/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Part of atstrace.bpf.c: Intel VT-d's invalidation queue as the record of
 * what is in flight (vtd_queue.h says why it can be). With it the VT-d
 * submission hook is the intel_iommu:qi_submit tracepoint alone, one
 * descriptor a run, with no completion hook (vtd_submit_tp, vtd.bpf.h); a
 * window opening reads the rings of the units that carried ATC
 * invalidations. The user space loader chooses it (the probe plan's lean
 * candidate) unless --hist or --inject-delay need the completion.
 */

#define VTD_RING_READER
#include "vtd_queue.h"

/* Set by user space before load. */
const volatile bool vtd_lean;           /* in flight from the rings, not from records */
const volatile __s32 vtd_qi_in_use = 1; /* QI_IN_USE in the running kernel's BTF */
/* fewer than there are only to test the loss path (ATSTRACE_TEST_LIMITS) */
const volatile __u32 vtd_unit_slots = VTD_MAX_UNITS;

extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym;

/* the units (struct intel_iommu, by seq_id) that carried an ATC invalidation */
__u64 vtd_units[VTD_MAX_UNITS];

/* a 64-bit word at @addr, through the kernel's own qi_desc (one load, fault-safe) */
static __always_inline __u64 vtd_word_at(__u64 addr)
{
	const struct qi_desc *d = bpf_rdonly_cast((const void *)addr,
						  bpf_core_type_id_kernel(struct qi_desc));

	return d->qw0;
}

/* DMAR_IQ_SHIFT, plus one in scalable mode (ecap SMTS: 256-bit descriptors) */
static __always_inline __u32 vtd_desc_shift(const struct intel_iommu *iommu)
{
	return 4 + ((iommu->ecap >> 43) & 1);
}

/* @iommu carried an ATC invalidation: a window opening will read its ring */
static __always_inline void vtd_unit_seen(struct intel_iommu *iommu)
{
	__u32 id = iommu->seq_id;

	if (id >= VTD_MAX_UNITS || id >= vtd_unit_slots) {
		global_inc(G_VTD_UNITS_FULL);
		return;
	}
	if (vtd_units[id] != (__u64)iommu)
		vtd_units[id] = (__u64)iommu;
}

/* one unit's ring, as vtd_ring_entry() reads it */
struct vtd_ring {
	__u64 desc, status;  /* the unit's ring and status array */
	__u32 shift;
};

/* the status of entry @index, read as part of its aligned pair */
static __always_inline __s32 vtd_ring_status(const struct vtd_ring *r, __u32 index)
{
	return vtd_status_of_pair(vtd_word_at(r->status + (index & ~1u) * sizeof(int)), index);
}

/* the address of entry @index's descriptor */
static __always_inline __u64 vtd_ring_desc(const struct vtd_ring *r, __u32 index)
{
	return r->desc + ((__u64)index << r->shift);
}

static __always_inline __u64 vtd_ring_qw0(const struct vtd_ring *r, __u32 index)
{
	return vtd_word_at(vtd_ring_desc(r, index));
}

/* one unit's ring, read by a window opening on RIDs lo..hi */
struct vtd_scan {
	__u32 lo, hi, kind;
	__u32 segment;
	struct vtd_ring ring;
	__u64 devtlb;        /* device-TLB invalidations found in it, any status */
};

static int vtd_scan_entry(__u32 i, struct vtd_scan *s)
{
	__u32 index = i % VTD_QI_LENGTH, rid;
	struct dev_counts *dc;
	struct atc_inv inv;
	__u64 qw0, qw1;

	rid = vtd_ring_entry(&s->ring, index, vtd_qi_in_use, s->segment, s->lo, s->hi, &qw0);
	if (!atc_inv_is_vtd(qw0))
		return 0;
	s->devtlb++;
	if (rid == VTD_QUEUE_NONE || !rid_selected(rid))
		return 0;
	qw1 = vtd_word_at(vtd_ring_desc(&s->ring, index) + sizeof(__u64));
	if (!atc_inv_decode_vtd(qw0, qw1, &inv))
		return 0;
	dc = counts_of(rid);
	if (dc)
		COUNT_INC(dc->in_flight_at_open);
	flag_invalidation(rid, FLAG_IN_FLIGHT_AT_OPEN, s->kind, &inv, VENDOR_VTD, NULL, 0, 0);
	return 0;
}

static int vtd_scan_unit(__u32 id, struct vtd_scan *s)
{
	const struct intel_iommu *iommu;
	const struct q_inval *qi;
	__u64 unit;

	if (id >= VTD_MAX_UNITS)
		return 1;
	unit = *(volatile __u64 *)&vtd_units[id];
	if (!unit)
		return 0;
	iommu = bpf_rdonly_cast((const void *)unit, bpf_core_type_id_kernel(struct intel_iommu));
	qi = iommu->qi;
	s->ring.desc = qi ? (__u64)qi->desc : 0;
	s->ring.status = qi ? (__u64)qi->desc_status : 0;
	if (!s->ring.desc || !s->ring.status) {
		global_inc(G_VTD_RING_UNREAD);
		return 0;
	}
	s->ring.shift = vtd_desc_shift(iommu);
	s->segment = iommu->segment;
	s->devtlb = 0;
	bpf_loop(VTD_QI_LENGTH, vtd_scan_entry, s, 0);
	global_inc(G_VTD_RING_SCANS);
	global_add(G_VTD_RING_DEVTLB, s->devtlb);
	return 0;
}

/* A window opens on lo..hi: every VT-d ATC invalidation still in a ring for it. */
static __always_inline void vtd_count_in_flight(__u32 lo, __u32 hi, __u32 kind)
{
	struct vtd_scan s = { .lo = lo, .hi = hi, .kind = kind };

	if (vtd_lean)
		bpf_loop(VTD_MAX_UNITS, vtd_scan_unit, &s, 0);
}
