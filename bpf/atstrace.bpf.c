// SPDX-License-Identifier: GPL-2.0
/*
 * atstrace, kernel side: counts ATC (device-TLB) invalidations per device at
 * the VT-d submission choke point, qi_submit_sync().
 */
#include "kernel_types.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "atc_decode.h"
#include "atstrace.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, ATSTRACE_MAX_DEVICES);
	__type(key, struct dev_key);
	__type(value, struct inv_counts);
} inv_counts SEC(".maps");

static __always_inline void count_inv(__u32 rid, bool first_in_call)
{
	struct dev_key key = { .rid = rid };
	struct inv_counts zero = {}, *c;

	c = bpf_map_lookup_elem(&inv_counts, &key);
	if (!c) {
		bpf_map_update_elem(&inv_counts, &key, &zero, BPF_NOEXIST);
		c = bpf_map_lookup_elem(&inv_counts, &key);
		if (!c)
			return;
	}
	c->descriptors++;
	if (first_in_call)
		c->submissions++;
}

SEC("fentry/qi_submit_sync")
int BPF_PROG(vtd_submit, struct intel_iommu *iommu, struct qi_desc *desc, unsigned int count)
{
	__u32 seg = BPF_CORE_READ(iommu, segment);
	__u16 seen[VTD_MAX_BATCH] = {};
	int nseen = 0;

	for (int i = 0; i < VTD_MAX_BATCH && i < count; i++) {
		struct atc_inv inv;
		struct qi_desc d;
		bool first = true;

		/* descriptors are the hardware's 256-bit format: fixed layout */
		if (bpf_probe_read_kernel(&d, sizeof(d), &desc[i]))
			break;
		if (!atc_inv_decode_vtd(d.qw0, d.qw1, &inv))
			continue;
		for (int j = 0; j < VTD_MAX_BATCH && j < nseen; j++)
			if (seen[j] == inv.sid)
				first = false;
		if (first && nseen < VTD_MAX_BATCH)
			seen[nseen++] = inv.sid;
		count_inv(seg << 16 | inv.sid, first);
	}
	return 0;
}
