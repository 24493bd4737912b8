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

/* tells bpf_tracing.h that struct pt_regs has the kernel's field names */
#define __VMLINUX_H__

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
	BPF_MAP_TYPE_PROG_ARRAY = 3,
	BPF_MAP_TYPE_ARRAY = 2,
	BPF_MAP_TYPE_PERCPU_HASH = 5,
	BPF_MAP_TYPE_PERCPU_ARRAY = 6,
	BPF_MAP_TYPE_RINGBUF = 27,
	BPF_MAP_TYPE_TASK_STORAGE = 29,
};

enum {
	BPF_ANY = 0,
	BPF_NOEXIST = 1,
	BPF_EXIST = 2,
};

enum {
	BPF_F_NO_PREALLOC = 1,
	BPF_F_USER_STACK = 256,
};

enum {
	BPF_LOCAL_STORAGE_GET_F_CREATE = 1,
};

enum {
	BPF_RB_AVAIL_DATA = 0,
};

#pragma clang attribute push(__attribute__((preserve_access_index)), apply_to = record)

/* kprobe programs' context, per architecture (the Makefile's ARCH) */
#if defined(__TARGET_ARCH_x86)
/* arch/x86/include/asm/ptrace.h */
struct pt_regs {
	unsigned long r15, r14, r13, r12, bp, bx, r11, r10, r9, r8;
	unsigned long ax, cx, dx, si, di, orig_ax, ip, cs, flags, sp, ss;
};
#elif defined(__TARGET_ARCH_arm64)
/*
 * arch/arm64/include/uapi/asm/ptrace.h: bpf_tracing.h reads arm64's
 * registers through struct user_pt_regs, the start of struct pt_regs
 */
struct user_pt_regs {
	u64 regs[31];
	u64 sp;
	u64 pc;
	u64 pstate;
};

struct pt_regs {
	struct user_pt_regs user_regs;
};
#else
#error "bpf/kernel_types.h: pt_regs for this __TARGET_ARCH_ is not declared"
#endif

struct list_head {
	struct list_head *next;
	struct list_head *prev;
};

/* include/linux/ioport.h (resource_size_t is 64-bit on 64-bit kernels) */
struct resource {
	u64 start;
	u64 end;
};

/* include/linux/device.h */
struct bus_type;
struct dev_iommu {
	void *priv;
};

struct device {
	const struct bus_type *bus;
	struct dev_iommu *iommu;
};

/* include/linux/pci.h */
struct pci_dev;
struct pci_bus {
	struct list_head devices;
	struct pci_dev *self;
	void *sysdata;
	struct resource busn_res;
	unsigned char number;
	int domain_nr; /* CONFIG_PCI_DOMAINS_GENERIC (arm64, riscv); not on x86 */
};

struct pci_dev {
	struct list_head bus_list;
	struct pci_bus *bus;
	struct pci_bus *subordinate;
	unsigned int devfn;
	struct device dev;
	unsigned int ats_enabled:1;
	unsigned int untrusted:1;
	u16 ats_cap; /* CONFIG_PCI_ATS */
};

/* arch/x86/include/asm/pci.h */
struct pci_sysdata {
	int domain;
};

/* include/linux/iommu.h */
struct iommu_domain {
	unsigned int type;
};

/* drivers/iommu/intel/iommu.h */
struct qi_desc {
	u64 qw0;
	u64 qw1;
	u64 qw2;
	u64 qw3;
};

struct q_inval {
	void *desc;          /* the ring: QI_LENGTH entries of 1 << qi_shift() bytes */
	int *desc_status;    /* QI_FREE, QI_IN_USE, ... per entry */
};

struct intel_iommu {
	u64 ecap;            /* bit 43, SMTS: scalable mode, 256-bit descriptors */
	int seq_id;
	u16 segment;
	struct q_inval *qi;
};

/* drivers/iommu/amd/amd_iommu_types.h */
struct iommu_cmd {
	u32 data[4];
};

struct amd_iommu_pci_seg {
	u16 id;
};

struct amd_iommu {
	struct amd_iommu_pci_seg *pci_seg;
};

/* drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.h (module BTF: arm_smmu_v3) */
struct arm_smmu_device;
struct arm_smmu_stream {
	u32 id;
};

struct arm_smmu_master {
	struct arm_smmu_device *smmu;
	struct device *dev;
	struct arm_smmu_stream *streams;
	unsigned int num_streams;
};

/* arm-smmu-v3.c (6.10+): the state of one attach sequence */
struct arm_smmu_attach_state {
	struct arm_smmu_master *master;
	u32 ssid;
};

#pragma clang attribute pop

#endif
