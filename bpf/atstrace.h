/* SPDX-License-Identifier: GPL-2.0 */
/* Types shared by atstrace.bpf.c and the atstrace loader. */
#ifndef ATSTRACE_ATSTRACE_H
#define ATSTRACE_ATSTRACE_H

#include "reset_window.h" /* enum window_kind */

#define ATSTRACE_MAX_DEVICES 1024
#define ATSTRACE_MAX_FILTER 8
#define VTD_MAX_BATCH 16      /* QI_MAX_BATCHED_DESC_COUNT */
#define SMMU_MAX_BATCH 64     /* CMDQ_BATCH_ENTRIES: commands per issue_cmdlist call */
#define SMMU_MAX_STREAMS 8    /* StreamIDs recorded per device at attach */
#define INFLIGHT_MAX 16       /* devices one submission can target */
#define INFLIGHT_SLOTS 4      /* submissions in flight at once per CPU (nested) */
#define INFLIGHT_NEST 4       /* submissions one task holds at once (nested) */
/*
 * Generic slots: the BPF object has exactly this many programs of each
 * (SLOTS() in common.bpf.h expands them from these numbers, which must stay
 * plain literals), and the loader hands out slots below them.
 */
#define METHOD_SLOTS 8        /* reset methods hooked through generic slots */
#define KMETHOD_SLOTS 8       /* ... by kprobes: a method that is an LTO-renamed copy */
#define ATTACH_SLOTS 12       /* IOMMU attach ops hooked through generic slots */
#define BUS_END_SLOTS 4       /* calls whose return ends a bus reset */
#define STACK_DEPTH 16
#define HIST_SLOTS 64
#define TASK_COMM_LEN 16
#define RINGBUF_SIZE (8 << 20)
/* injection stops when user space has not beaten for this long */
#define HEARTBEAT_TIMEOUT_NS 300000000ULL

/* the arguments of arm_smmu_cmdq_issue_cmdlist() the SMMUv3 programs read */
enum smmu_arg { SMMU_ARG_SMMU, SMMU_ARG_CMDS, SMMU_ARG_N, SMMU_ARG_SYNC, SMMU_ARGS };
/* arm_smmu_attach_prepare(state, new_domain), positions from BTF */
enum smmu_prepare_arg { SMMU_PREPARE_STATE, SMMU_PREPARE_DOMAIN, SMMU_PREPARE_ARGS };
/*
 * Which SMMUv3 attach op runs an attach sequence: PASID attaches
 * (set_dev_pasid), else by the new domain's IOMMU_DOMAIN_* type: blocked
 * (0), identity (4), paging (the rest). The sequence records an attach
 * only for the ops the plan could not hook (smmu_prepare_records).
 */
enum smmu_attach_class {
	SMMU_ATTACH_PAGING = 1, SMMU_ATTACH_IDENTITY = 2, SMMU_ATTACH_BLOCKED = 4,
	SMMU_ATTACH_PASID = 8,
};
static inline __u32 smmu_attach_class(__u32 ssid, __u32 domain_type)
{
	if (ssid)
		return SMMU_ATTACH_PASID;
	return domain_type == 0 ? SMMU_ATTACH_BLOCKED :
	       domain_type == 4 ? SMMU_ATTACH_IDENTITY : SMMU_ATTACH_PAGING;
}

/* a PCI function: segment << 16 | bus << 8 | devfn */
struct dev_key {
	__u32 rid;
};

/* an SMMUv3 StreamID, on its SMMU (learnt from the device's attach) */
struct sid_key {
	__u64 smmu;
	__u32 sid;
	__u32 pad;
};

enum submit_vendor { VENDOR_VTD, VENDOR_AMD, VENDOR_SMMUV3 };

/* whose a slot of the counts array is (valid: published, to be read) */
struct slot_owner {
	__u32 rid;
	__u32 valid;
};

/* counters per device, shared by every CPU (atomic adds) */
struct dev_counts {
	__u64 invalidations;      /* ATC invalidation commands submitted */
	__u64 submissions;        /* submit calls that carried at least one */
	__u64 in_window;          /* submitted while the device was in a reset window */
	__u64 in_flight_at_open;  /* submitted before a window opened, not yet complete */
	__u64 windows[WK_NR];     /* windows opened, by enum window_kind */
	__u64 in_recovery;        /* of in_window: inside an error-recovery window */
	__u64 unbracketed;        /* bracketing kernel: hardware reset with ATS on, no bracket */
	__u64 ats_in_window;      /* windows opened while ATS was enabled */
	__u64 attaches;
	__u64 attach_errors;
	__u64 attach_busy;        /* -EBUSY: refused during a reset */
};

/* global per-CPU counters (array index) */
enum global_counter {
	G_RINGBUF_DROPS,
	G_BUS_WINDOWS,
	G_UNBALANCED,         /* window leave without enter */
	G_INFLIGHT_OVERFLOW,  /* submission carried more devices than tracked */
	G_INJECTED,           /* completions delayed by --inject-delay */
	G_INJECTED_NS,        /* total time spent delaying them */
	G_INJECT_OVER_BUDGET, /* not delayed: this CPU's budget for the second was spent */
	G_INJECT_OVER_MAX,    /* not delayed: --inject-max reached */
	G_INJECT_ORPHANED,    /* not delayed: user space stopped its heartbeat */
	G_EVENTS_SHED,        /* flagged-invalidation events not sent: ring buffer half full */
	G_SID_UNKNOWN,        /* SMMUv3 ATC_INV to a StreamID no attach has named yet */
	/* what atstrace could not count or see: each makes --assert INCONCLUSIVE */
	G_COUNTS_FULL,        /* a device's counters could not be created: not counted */
	G_WINDOWS_FULL,       /* a device's window could not be created: not opened */
	G_BUS_SLOTS_FULL,     /* a bus reset with every bus-window slot busy: not opened */
	G_HISTS_FULL,         /* a histogram could not be created: a sample lost */
	G_SID_MAP_FULL,       /* an SMMUv3 StreamID could not be recorded */
	G_TASK_STATE_LOST,    /* no per-task state (task storage): frame or record lost */
	G_INFLIGHT_NO_RECORD, /* every in-flight record of the CPU held: submission untracked */
	G_INFLIGHT_UNBALANCED, /* a completion whose submission was never seen */
	G_BATCH_TRUNCATED,    /* a batch longer than the programs read (VT-d 16, SMMUv3 64) */
	G_INJECT_OVER_TOTAL,  /* not delayed: the budget of all CPUs together was spent */
	G_MAIN_DEVTLB,        /* VT-d device-TLB invalidations the submission hook decoded */
	G_TP_DEVTLB,          /* ... and the intel_iommu:qi_submit tracepoint (cross-check) */
	G_FLR_UNHOOKED,       /* no bracketing: an FLR with no traced reset method around it */
	G_KMETHOD_ENTRIES,    /* reset methods entered through a kprobe slot ... */
	G_KMETHOD_EXITS,      /* ... and returned through its kretprobe */
	G_RECOVERIES,         /* error recoveries that reset (pcie_do_recovery, frozen) */
	G_RECOVERY_WINDOWS,   /* recovery windows opened */
	G_RECOVERY_UNSEEN,    /* a recovery ended with no reset window seen in it */
	G_VTD_UNITS_FULL,     /* VT-d: an ATC invalidation on a unit past VTD_MAX_UNITS */
	G_VTD_RING_UNREAD,    /* VT-d: a unit's ring a window opening could not read */
	G_VTD_RING_SCANS,     /* VT-d: rings read at window openings ... */
	G_VTD_RING_DEVTLB,    /* ... and the device-TLB invalidations found in them, any status */
	G_NR,
};

enum hist_kind {
	H_INV_LATENCY,    /* submit -> complete */
	H_WINDOW,         /* reset window duration */
	H_PREPARE,        /* pci_dev_reset_iommu_prepare() duration */
	H_DONE,           /* pci_dev_reset_iommu_done() duration */
	H_NR,
};

struct hist_key {
	__u32 rid;
	__u32 kind;     /* enum hist_kind */
	__u32 sub;      /* H_WINDOW: the window kind; else 0 (--hist-by kind) */
};

struct hist {
	__u64 slots[HIST_SLOTS];
	__u64 sum;      /* of the samples' values, for a mean (and Prometheus' _sum) */
};

enum event_type {
	EV_INV_FLAGGED = 1,   /* invalidation inside a window, or in flight at its open */
	EV_WINDOW_OPEN,
	EV_WINDOW_CLOSE,
	EV_BUS_WINDOW_OPEN,
	EV_BUS_WINDOW_CLOSE,
	EV_ATTACH,
	EV_UNBRACKETED,
	EV_INJECTED,          /* a completion --inject-delay delayed */
	EV_INV_SEEN,          /* --timeline: an invalidation no window flagged */
};

enum flag_reason {
	FLAG_IN_WINDOW = 1,
	FLAG_IN_FLIGHT_AT_OPEN,
};

enum attach_op { OP_ATTACH, OP_SET_PASID, OP_REMOVE_PASID };

struct event {
	__u32 type;
	__u32 rid;
	__u64 ts;
	__u32 tid;
	__u32 cpu;
	char comm[TASK_COMM_LEN];
	union {
		struct {
			__u32 reason;      /* enum flag_reason */
			__u32 window_kind;
			__u32 pasid;
			__u32 vendor;
			__u64 addr;
			__u64 size;
			__s32 nstack;      /* bytes of stack, < 0 on error */
			__u32 pad;
			__u64 stack[STACK_DEPTH];
		} inv;
		struct {
			__u32 kind;
			__u32 ats_enabled;
			__u64 duration;    /* close only */
			__u64 hits;        /* close only: in-window invalidations */
			__u32 bus_lo, bus_hi; /* bus windows */
		} win;
		struct {
			__u64 delay_ns;    /* spun */
			__u64 call;        /* the eligible call it was (inject_rule.h) */
			__s32 nstack;      /* bytes of stack, < 0 on error; 0 without -v */
			__u32 pad;
			__u64 stack[STACK_DEPTH];
		} inj;
		struct {
			__u32 op;          /* enum attach_op */
			__u32 domain_type;
			__s32 ret;
			__u32 pasid;
		} attach;
	};
};

#endif
