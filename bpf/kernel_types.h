/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel types atstrace's BPF programs read, trimmed to the fields used.
 * Every struct is preserve_access_index, so libbpf relocates each field
 * access against the running kernel's BTF (CO-RE): offsets here need not
 * match any kernel. A generated vmlinux.h would be megabytes and tie the
 * build to one kernel's configuration; this file is the whole contract.
 */
#ifndef ATSTRACE_KERNEL_TYPES_H
#define ATSTRACE_KERNEL_TYPES_H

typedef unsigned char __u8;
typedef unsigned short __u16;
typedef unsigned int __u32;
typedef unsigned long long __u64;
typedef signed char __s8;
typedef short __s16;
typedef int __s32;
typedef long long __s64;
typedef __u16 __be16;
typedef __u32 __be32;
typedef __u32 __wsum;
typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef _Bool bool;
#define true 1
#define false 0

enum bpf_map_type {
	BPF_MAP_TYPE_HASH = 1,
	BPF_MAP_TYPE_ARRAY = 2,
	BPF_MAP_TYPE_PERCPU_HASH = 5,
	BPF_MAP_TYPE_PERCPU_ARRAY = 6,
	BPF_MAP_TYPE_RINGBUF = 27,
};

enum {
	BPF_ANY = 0,
	BPF_NOEXIST = 1,
	BPF_EXIST = 2,
};

#pragma clang attribute push(__attribute__((preserve_access_index)), apply_to = record)

/* drivers/iommu/intel/iommu.h */
struct qi_desc {
	u64 qw0;
	u64 qw1;
	u64 qw2;
	u64 qw3;
};

struct intel_iommu {
	u16 segment;
};

#pragma clang attribute pop

#endif
