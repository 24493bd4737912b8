/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The probe plan: one table row per hook of a logical event (invalidation
 * submit/complete, reset begin/ready/end, bracketing, attach), each with its
 * ordered fallbacks. At start-up each row is resolved against what the
 * running kernel offers; adding a kernel version or an IOMMU driver means
 * adding rows, not branches.
 */
#ifndef ATSTRACE_PROBE_PLAN_H
#define ATSTRACE_PROBE_PLAN_H

#include <stdbool.h>
#include <stdio.h>

struct btf;
struct json_writer;

enum hook_type { HOOK_TP_BTF, HOOK_FENTRY, HOOK_FEXIT, HOOK_KPROBE, HOOK_KRETPROBE };

/* when a row applies */
enum {
	NEED_VTD = 1 << 0,           /* an Intel VT-d unit is present */
	NEED_AMD = 1 << 1,           /* an AMD-Vi unit is present */
	NEED_BRACKETING = 1 << 2,    /* kernel has pci_dev_reset_iommu_prepare() */
	NEED_SMMUV3 = 1 << 3,        /* an Arm SMMUv3 is present (module arm_smmu_v3) */
};

enum row_kind {
	ROW_FIXED,   /* a program of its own, attached to .cand[].target */
	ROW_METHOD,  /* a reset method: entry+exit programs from the generic slots */
	ROW_ATTACH,  /* an IOMMU attach op: an exit program from the generic slots */
	ROW_BUS_END, /* a call whose return ends a bus reset: generic exit slots */
};

struct probe_candidate {
	enum hook_type type;
	const char *prog;    /* skeleton program (ROW_FIXED) */
	const char *target;  /* kernel function (HOOK_TP_BTF: tracepoint) */
	/*
	 * needs no completion hook: in flight is read from the driver's own
	 * queue (facts->queue_state); the row's completion and cross-check
	 * rows of the same driver are then not needed
	 */
	bool lean;
};

#define PROBE_MAX_CAND 3

struct probe_row {
	const char *event;   /* the logical event */
	enum row_kind kind;
	unsigned int needs;
	bool required;       /* when it applies and nothing attaches: error */
	struct probe_candidate cand[PROBE_MAX_CAND];
	/* a driver struct its programs read typed (NULL: none): --verify needs it in BTF */
	const char *btf_struct;
	/*
	 * arguments its programs read untyped, by name (NULL-terminated, or
	 * NULL): each must be in the target's BTF prototype, and the loader
	 * hands the programs their positions (see smmu_args)
	 */
	const char *const *arg_names;
	/* ROW_METHOD: window kind and probe argument index (-1 none) */
	int window_kind;
	int probe_arg;
	/* ROW_ATTACH: op and argument indexes (-1 none) */
	int attach_op;
	int dom_arg, dev_arg, pasid_arg;
};

enum clone_kind {
	CLONE_NONE,      /* no copy under another name */
	CLONE_SAME_ABI,  /* exactly one name.llvm.N: a static LTO renamed, same arguments */
	CLONE_CHANGED,   /* name.isra/.constprop/.part/.cold...: arguments may differ;
			  * or the name twice, or several copies: which one runs? */
};

/* How a traceable symbol relates to function name. */
enum clone_kind clone_kind_of(const char *name, const char *sym);

/* a traceable symbol and how many times the kernel lists it */
struct symbol_count {
	char *name;
	int count;
};

/* What of function name the n symbols hold; *sym: the CLONE_SAME_ABI copy. */
enum clone_kind clone_find(const char *name, const struct symbol_count *syms, size_t n,
			   const char **sym);

/* What the running kernel offers; a fake one in unit tests. */
struct kernel_facts {
	bool (*has_btf_func)(void *ctx, const char *name);
	bool (*is_traceable)(void *ctx, const char *name); /* fentry/kprobe-able, one symbol */
	void *ctx;
	unsigned int drivers; /* NEED_VTD / NEED_AMD / NEED_SMMUV3 */
	bool bracketing;
	bool (*has_tracepoint)(void *ctx, const char *name); /* BTF-typed (tp_btf); may be NULL */
	/*
	 * The function exists, but not as one traceable symbol of its name:
	 * see enum clone_kind; *sym is the copy's symbol for CLONE_SAME_ABI.
	 * May be NULL.
	 */
	enum clone_kind (*find_clone)(void *ctx, const char *name, const char **sym);
	/* position of argument arg in func's BTF prototype, or -1; may be NULL */
	int (*arg_index)(void *ctx, const char *func, const char *arg);
	/* test only (ATSTRACE_TEST_KPROBE_METHODS): reset methods by kprobe */
	bool kprobe_methods;
	/*
	 * VT-d's QI_IN_USE in the kernel's BTF (-1: not there), and whether
	 * the run may read in flight from the queue (no --hist, no injection,
	 * no --inflight calls): together they allow a lean candidate
	 */
	int vtd_qi_in_use;
	bool queue_state;
};

enum row_status {
	ROW_ATTACH_OK,   /* candidate `chosen` will be used */
	ROW_NOT_APPLICABLE,
	ROW_MISSING,     /* applies, no candidate available */
	ROW_NO_SLOT,     /* generic slots exhausted */
	ROW_UNHOOKABLE,  /* a reset method that exists but cannot be hooked: required */
	ROW_NOT_NEEDED,  /* the driver's submission row chose a lean candidate */
};

struct plan_entry {
	const struct probe_row *row;
	enum row_status status;
	int chosen;      /* index into row->cand */
	int slot;        /* generic slot for ROW_METHOD / ROW_ATTACH */
	/* ROW_METHOD through a kprobe slot (slot indexes those): its symbol */
	char ksym[128];
};

extern const struct probe_row probe_table[];
extern const int probe_table_len;

/*
 * Resolves every row. Returns the number of required rows that are missing
 * (0: the plan can run). entries must hold probe_table_len.
 */
int btf_enumerator(const struct btf *btf, const char *name);
int probe_plan_resolve(const struct kernel_facts *facts, struct plan_entry *entries,
		       int method_slots, int attach_slots, int bus_end_slots, int kmethod_slots);
/* The row a fixed program is a candidate of, or NULL (generic slots). */
const struct probe_row *probe_row_of(const char *prog);
void probe_plan_print(FILE *f, const struct kernel_facts *facts,
		      const struct plan_entry *entries, int n);
const char *hook_type_name(enum hook_type t);
/*
 * The plan as members of an open JSON object: "iommu_drivers",
 * "reset_bracketing" and "probe_plan" (one object per row: event, hook,
 * target, status, required).
 */
void probe_plan_json(struct json_writer *w, const struct kernel_facts *facts,
		     const struct plan_entry *entries, int n);

/* An IOMMU unit's driver by its name in /sys/class/iommu: NEED_VTD, NEED_AMD, NEED_SMMUV3 or 0 */
unsigned int iommu_unit_driver(const char *unit);

/*
 * Real facts from /sys/kernel/btf (vmlinux and the arm_smmu_v3 module),
 * tracefs and /sys/class/iommu.
 */
int kernel_facts_load(struct kernel_facts *facts);
void kernel_facts_free(struct kernel_facts *facts);
/* Position of argument arg in func's prototype in btf, or -1. */
int btf_arg_index(const struct btf *btf, const char *func, const char *arg);
/* the arguments the SMMUv3 programs read, in the order of smmu_arg[] */
extern const char *const smmu_args[];
/* ... and the attach sequence's program, in the order of smmu_prepare_arg[] */
extern const char *const smmu_prepare_args[];
/*
 * The attaches SMMUv3's attach-sequence program records (a mask of enum
 * smmu_attach_class): where it is attached, those whose driver op is not
 * (a name the kernel has twice), so each attach is recorded once.
 */
unsigned int plan_smmu_prepare_records(const struct plan_entry *entries, int n);

/* Whether the kernel's BTF (vmlinux or arm_smmu_v3) has this struct. */
bool kernel_has_struct(const struct kernel_facts *facts, const char *name);

#endif
