/* SPDX-License-Identifier: GPL-2.0 */
/* Types shared by atstrace.bpf.c and the atstrace loader. */
#ifndef ATSTRACE_ATSTRACE_H
#define ATSTRACE_ATSTRACE_H

#define ATSTRACE_MAX_DEVICES 1024
#define VTD_MAX_BATCH 16 /* QI_MAX_BATCHED_DESC_COUNT */

/* a PCI function: segment << 16 | bus << 8 | devfn */
struct dev_key {
	__u32 rid;
};

/* per-CPU counters, summed by user space */
struct inv_counts {
	__u64 descriptors;  /* device-TLB invalidation descriptors submitted */
	__u64 submissions;  /* submit calls that carried at least one */
};

#endif
