// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: the probe plan (tools/atstrace/probe_plan.c) resolved against
 * fake kernels, and the programs it names against the BPF object.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "atstrace/probe_plan.h"
#include "atstrace.h"
#include "inject_rule.h" /* the skeleton's rodata holds its struct */
#include "atstrace.skel.h"

/* A fake kernel: functions with BTF, and those traceable exactly once. */
struct fake {
	const char *const *btf;
	const char *const *traceable;
	const char *const *tracepoints;
	const struct symbol_count *copies; /* traceable copies under other names */
	size_t ncopies;
	const char *const *args; /* every function's arguments, in order */
};

static bool in_list(const char *const *l, const char *name)
{
	for (; l && *l; l++)
		if (!strcmp(*l, name))
			return true;
	return false;
}

static bool fake_btf(void *ctx, const char *name) { return in_list(((struct fake *)ctx)->btf, name); }
static bool fake_trace(void *ctx, const char *name) { return in_list(((struct fake *)ctx)->traceable, name); }
static bool fake_tp(void *ctx, const char *name) { return in_list(((struct fake *)ctx)->tracepoints, name); }
static enum clone_kind fake_clone(void *ctx, const char *name, const char **sym)
{
	return clone_find(name, ((struct fake *)ctx)->copies, ((struct fake *)ctx)->ncopies, sym);
}

static int fake_arg(void *ctx, const char *func, const char *arg)
{
	const char *const *a = ((struct fake *)ctx)->args;

	(void)func;
	for (int i = 0; a && a[i]; i++)
		if (!strcmp(a[i], arg))
			return i;
	return -1;
}

/* 6.12's arm_smmu_cmdq_issue_cmdlist() */
static const char *const args612[] = { "smmu", "cmdq", "cmds", "n", "sync", NULL };

/* a fake kernel, the facts the plan reads of it, and the plan */
struct kernel {
	struct fake f;
	struct kernel_facts facts;
	struct plan_entry plan[64];
};

/* BTF for, and tracing of, exactly funcs; no tracepoints. */
static void boot(struct kernel *k, const char *const *funcs, unsigned int drivers,
		 bool bracketing)
{
	k->f = (struct fake){ funcs, funcs, NULL, NULL, 0, args612 };
	k->facts = (struct kernel_facts){ fake_btf, fake_trace, &k->f, drivers, bracketing, fake_tp,
					  fake_clone, fake_arg, false, -1, false };
}

/* the plan with the object's slot counts: how many required rows are missing */
static int resolve(struct kernel *k)
{
	return probe_plan_resolve(&k->facts, k->plan, METHOD_SLOTS, ATTACH_SLOTS, BUS_END_SLOTS,
				  KMETHOD_SLOTS);
}

static const char *const k612[] = {
	"qi_submit_sync", "pcie_flr", "pci_pm_reset", "pcie_capability_clear_and_set_word_unlocked",
	"pci_dev_wait", "pci_reset_secondary_bus", "pci_reset_bus", "intel_iommu_attach_device", NULL,
};

static const struct plan_entry *find(const struct kernel *k, const char *event, const char *target)
{
	const struct plan_entry *p = k->plan;

	/* a row by its event and any of its candidates' targets */
	for (int i = 0; i < probe_table_len; i++)
		for (int c = 0; c < PROBE_MAX_CAND; c++)
			if (!strcmp(p[i].row->event, event) &&
			    !strcmp(p[i].row->cand[c].target ? p[i].row->cand[c].target : "", target))
				return &p[i];
	return NULL;
}

static void test_plan_vtd_612(void **state)
{
	struct kernel k;

	boot(&k, k612, NEED_VTD, false);
	assert_int_equal(resolve(&k), 0);
	assert_int_equal(find(&k, "inv_submit", "qi_submit_sync")->status, ROW_ATTACH_OK);
	/* no qi_submit tracepoint in this fake kernel: fentry, after the lean candidate */
	assert_int_equal(find(&k, "inv_submit", "qi_submit_sync")->chosen, 1);
	assert_int_equal(find(&k, "inv_submit", "qi_submit_sync")->row->cand[1].type, HOOK_FENTRY);
	assert_int_equal(find(&k, "inv_complete", "qi_submit_sync")->status, ROW_ATTACH_OK);
	assert_int_equal(find(&k, "inv_submit", "__iommu_queue_command_sync")->status,
			 ROW_NOT_APPLICABLE);
	assert_int_equal(find(&k, "bracket_open", "dev_reset_prepare")->status,
			 ROW_NOT_APPLICABLE);
	assert_int_equal(find(&k, "reset_method", "pci_af_flr")->status, ROW_MISSING);
	/* generic slots are handed out in table order */
	assert_int_equal(find(&k, "reset_method", "pcie_flr")->slot, 0);
	assert_int_equal(find(&k, "reset_method", "pci_pm_reset")->slot, 1);
}

/*
 * VT-d's lean submission hook: the qi_submit tracepoint alone, when the
 * kernel has it and QI_IN_USE, and the run needs no completion hook; its
 * completion and cross-check rows are then not needed. Otherwise fentry
 * and fexit as before.
 */
static void test_plan_vtd_lean(void **state)
{
	static const char *const tps[] = { "qi_submit", NULL };
	struct kernel k;

	boot(&k, k612, NEED_VTD, false);
	k.f.tracepoints = tps;
	k.facts.vtd_qi_in_use = 1;
	k.facts.queue_state = true;
	assert_int_equal(resolve(&k), 0);
	assert_int_equal(find(&k, "inv_submit", "qi_submit")->status, ROW_ATTACH_OK);
	assert_int_equal(find(&k, "inv_submit", "qi_submit")->chosen, 0);
	assert_true(find(&k, "inv_submit", "qi_submit")->row->cand[0].lean);
	assert_int_equal(find(&k, "inv_complete", "qi_submit_sync")->status, ROW_NOT_NEEDED);
	assert_int_equal(find(&k, "inv_crosscheck", "qi_submit")->status, ROW_NOT_NEEDED);
	/* AMD's rows are untouched by VT-d's choice */
	assert_int_equal(find(&k, "inv_complete", "amd_iommu_domain_flush_pages")->status,
			 ROW_NOT_APPLICABLE);

	/* --hist or injection (queue_state off): fentry + fexit, cross-check possible */
	k.facts.queue_state = false;
	assert_int_equal(resolve(&k), 0);
	assert_int_equal(find(&k, "inv_submit", "qi_submit")->chosen, 1);
	assert_int_equal(find(&k, "inv_complete", "qi_submit_sync")->status, ROW_ATTACH_OK);
	assert_int_equal(find(&k, "inv_crosscheck", "qi_submit")->status, ROW_ATTACH_OK);

	/* a kernel whose BTF lacks QI_IN_USE (or struct q_inval): no lean hook */
	k.facts.queue_state = true;
	k.facts.vtd_qi_in_use = -1;
	assert_int_equal(resolve(&k), 0);
	assert_int_equal(find(&k, "inv_submit", "qi_submit")->chosen, 1);
	assert_int_equal(find(&k, "inv_complete", "qi_submit_sync")->status, ROW_ATTACH_OK);

	/* without the tracepoint: fentry, a fallback when lean was wanted */
	k.facts.vtd_qi_in_use = 1;
	k.f.tracepoints = NULL;
	assert_int_equal(resolve(&k), 0);
	assert_int_equal(find(&k, "inv_submit", "qi_submit")->chosen, 1);
	assert_int_equal(find(&k, "inv_complete", "qi_submit_sync")->status, ROW_ATTACH_OK);
}

static void test_plan_fallback_and_missing(void **state)
{
	/* qi_submit_sync without BTF: fentry impossible, kprobe works */
	static const char *const btf[] = { "pcie_flr", "pcie_capability_clear_and_set_word_unlocked",
					   "pci_reset_secondary_bus", "pci_reset_bus", NULL };
	struct kernel k;

	boot(&k, k612, NEED_VTD, false);
	k.f.btf = btf;
	assert_int_equal(resolve(&k), 0);
	assert_int_equal(find(&k, "inv_submit", "qi_submit_sync")->chosen, 2);
	assert_int_equal(find(&k, "inv_submit", "qi_submit_sync")->row->cand[2].type, HOOK_KPROBE);

	/* a bracketing kernel without the bracket functions: two required rows missing */
	k.facts.bracketing = true;
	assert_int_equal(resolve(&k), 2);
	/* no way to end a bus window is an error too */
	static const char *const nobus[] = { "qi_submit_sync", "pcie_flr",
		"pcie_capability_clear_and_set_word_unlocked", "pci_reset_secondary_bus", NULL };
	k.f.btf = k.f.traceable = nobus;
	k.facts.bracketing = false;
	assert_int_equal(resolve(&k), 1);
	/* out of slots: without bracketing a method that exists must be hooked */
	k.f.btf = k.f.traceable = k612;
	assert_int_equal(probe_plan_resolve(&k.facts, k.plan, 1, ATTACH_SLOTS, BUS_END_SLOTS,
					    KMETHOD_SLOTS), 1);
	assert_int_equal(find(&k, "reset_method", "pci_pm_reset")->status, ROW_NO_SLOT);
}

/* error recovery: both ends of pcie_do_recovery() or neither; a kernel without AER runs */
static void test_plan_recovery(void **state)
{
	static const char *const aer[] = {
		"qi_submit_sync", "pcie_flr", "pcie_capability_clear_and_set_word_unlocked",
		"pci_reset_secondary_bus", "pci_reset_bus", "pcie_do_recovery", NULL,
	};
	struct kernel k;

	(void)state;
	boot(&k, aer, NEED_VTD, false);
	assert_int_equal(resolve(&k), 0);
	assert_int_equal(find(&k, "recovery_begin", "pcie_do_recovery")->status, ROW_ATTACH_OK);
	assert_int_equal(find(&k, "recovery_end", "pcie_do_recovery")->status, ROW_ATTACH_OK);
	/* the function in BTF but not traceable: recoveries would go unseen, refused */
	k.f.traceable = k612;
	assert_int_equal(resolve(&k), 1);
	assert_int_equal(find(&k, "recovery_begin", "pcie_do_recovery")->status, ROW_MISSING);
	/* no AER in the kernel: nothing to trace, nothing missing */
	boot(&k, k612, NEED_VTD, false);
	assert_int_equal(resolve(&k), 0);
	assert_int_equal(find(&k, "recovery_begin", "pcie_do_recovery")->status, ROW_MISSING);
	assert_int_equal(find(&k, "recovery_end", "pcie_do_recovery")->status, ROW_MISSING);
}

/* AMD-Vi: submissions at the queueing choke point, completions at the flushers' return */
static void test_plan_amd(void **state)
{
	static const char *const funcs[] = {
		"__iommu_queue_command_sync", "amd_iommu_domain_flush_pages", "pcie_flr",
		"pcie_capability_clear_and_set_word_unlocked", "pci_reset_secondary_bus",
		"pci_reset_bus", "amd_iommu_attach_device", "blocked_domain_attach_device", NULL,
	};
	struct kernel k;

	boot(&k, funcs, NEED_AMD, false);
	assert_int_equal(resolve(&k), 0);
	assert_int_equal(find(&k, "inv_submit", "qi_submit_sync")->status, ROW_NOT_APPLICABLE);
	assert_int_equal(find(&k, "inv_submit", "__iommu_queue_command_sync")->status, ROW_ATTACH_OK);
	assert_int_equal(find(&k, "inv_complete", "amd_iommu_domain_flush_pages")->status,
			 ROW_ATTACH_OK);
	assert_int_equal(find(&k, "inv_complete", "amd_iommu_domain_flush_pages")->row->cand[0].type,
			 HOOK_FEXIT);
	/* the PASID flusher is optional: its absence is no error */
	assert_int_equal(find(&k, "inv_complete", "amd_iommu_dev_flush_pasid_pages")->status,
			 ROW_MISSING);
	assert_int_equal(find(&k, "attach", "amd_iommu_attach_device")->slot, 0);
	assert_int_equal(find(&k, "attach", "blocked_domain_attach_device")->slot, 1);
	/* without the page flusher, completions cannot be seen: an error */
	static const char *const nocomp[] = { "__iommu_queue_command_sync", "pcie_flr",
		"pcie_capability_clear_and_set_word_unlocked", "pci_reset_secondary_bus",
		"pci_reset_bus", NULL };
	k.f.btf = k.f.traceable = nocomp;
	assert_int_equal(resolve(&k), 1);
}

/* SMMUv3: one choke point for both ends, StreamIDs taught by the attach ops */
static void test_plan_smmuv3(void **state)
{
	static const char *const funcs[] = {
		"arm_smmu_cmdq_issue_cmdlist", "arm_smmu_attach_dev", "arm_smmu_attach_dev_blocked",
		"arm_smmu_attach_dev_identity", "arm_smmu_remove_dev_pasid", "pcie_flr",
		"pcie_capability_clear_and_set_word_unlocked", "pci_reset_secondary_bus",
		"pci_reset_bus", "pci_dev_reset_iommu_prepare", "pci_dev_reset_iommu_done", NULL,
	};
	struct kernel k;
	int smmu_attach = 0;

	boot(&k, funcs, NEED_SMMUV3, true);
	assert_int_equal(resolve(&k), 0);
	assert_int_equal(find(&k, "inv_submit", "arm_smmu_cmdq_issue_cmdlist")->status, ROW_ATTACH_OK);
	assert_int_equal(find(&k, "inv_complete", "arm_smmu_cmdq_issue_cmdlist")->status,
			 ROW_ATTACH_OK);
	assert_int_equal(find(&k, "inv_complete", "qi_submit_sync")->status, ROW_NOT_APPLICABLE);
	/* no tracepoint: the bracket opens at prepare's fexit (the fallback) */
	assert_int_equal(find(&k, "bracket_open", "dev_reset_prepare")->status, ROW_ATTACH_OK);
	assert_int_equal(find(&k, "bracket_open", "dev_reset_prepare")->chosen, 1);
	assert_int_equal(find(&k, "attach_rejected", "dev_reset_attach_rejected")->status,
			 ROW_MISSING);
	/* the series' tracepoints are preferred when present */
	static const char *const tps[] = { "dev_reset_prepare", "dev_reset_attach_rejected", NULL };
	k.f.tracepoints = tps;
	assert_int_equal(resolve(&k), 0);
	assert_int_equal(find(&k, "bracket_open", "dev_reset_prepare")->chosen, 0);
	assert_int_equal(find(&k, "bracket_open", "dev_reset_prepare")->row->cand[0].type,
			 HOOK_TP_BTF);
	assert_int_equal(find(&k, "attach_rejected", "dev_reset_attach_rejected")->status,
			 ROW_ATTACH_OK);
	for (int i = 0; i < probe_table_len; i++)
		if (k.plan[i].row->kind == ROW_ATTACH && k.plan[i].status == ROW_ATTACH_OK) {
			assert_true(k.plan[i].row->needs & NEED_SMMUV3);
			smmu_attach++;
		}
	assert_int_equal(smmu_attach, 4);
	/* an argument list without sync: the programs cannot read it, both rows missing */
	static const char *const nosync[] = { "smmu", "cmdq", "cmds", "n", NULL };
	k.f.args = nosync;
	assert_int_equal(resolve(&k), 2);
	assert_int_equal(find(&k, "inv_submit", "arm_smmu_cmdq_issue_cmdlist")->status, ROW_MISSING);
	k.f.args = args612;
	/* the module not loaded: its functions are unknown, the plan says so */
	k.f.btf = k.f.traceable = funcs + 5;
	assert_int_equal(resolve(&k), 2);
}

/*
 * Debian's arm64 kernels build the arm-smmu driver too: arm_smmu_attach_dev,
 * _identity and _blocked are there twice (BTF, but not traceable by name).
 * The attach sequence's fexit then teaches StreamIDs and records attaches;
 * where the ops can be hooked it only teaches StreamIDs.
 */
static void test_plan_smmuv3_names_twice(void **state)
{
	static const char *const btf[] = {
		"arm_smmu_cmdq_issue_cmdlist", "arm_smmu_attach_dev", "arm_smmu_attach_dev_blocked",
		"arm_smmu_attach_dev_identity", "arm_smmu_s1_set_dev_pasid",
		"arm_smmu_remove_dev_pasid", "arm_smmu_attach_prepare", "pcie_flr",
		"pcie_capability_clear_and_set_word_unlocked", "pci_reset_secondary_bus",
		"pci_reset_bus", NULL,
	};
	/* the same less the three names the kernel has twice */
	static const char *const once[] = {
		"arm_smmu_cmdq_issue_cmdlist", "arm_smmu_s1_set_dev_pasid",
		"arm_smmu_remove_dev_pasid", "arm_smmu_attach_prepare", "pcie_flr",
		"pcie_capability_clear_and_set_word_unlocked", "pci_reset_secondary_bus",
		"pci_reset_bus", NULL,
	};
	/* any function's arguments: the plan only asks whether a name is there */
	static const char *const args[] = { "smmu", "cmdq", "cmds", "n", "sync", "state",
					    "new_domain", NULL };
	struct kernel k;

	boot(&k, btf, NEED_SMMUV3, false);
	k.f.traceable = once;
	k.f.args = args;
	assert_int_equal(resolve(&k), 0);
	assert_int_equal(find(&k, "attach", "arm_smmu_attach_dev")->status, ROW_MISSING);
	assert_int_equal(find(&k, "attach", "arm_smmu_attach_prepare")->status, ROW_ATTACH_OK);
	/* the three ops named twice; PASID attaches stay with their own op */
	assert_int_equal(plan_smmu_prepare_records(k.plan, probe_table_len),
			 SMMU_ATTACH_PAGING | SMMU_ATTACH_IDENTITY | SMMU_ATTACH_BLOCKED);
	/* a kernel without the arm-smmu driver: the ops are hooked, prepare only teaches */
	k.f.traceable = btf;
	assert_int_equal(resolve(&k), 0);
	assert_int_equal(find(&k, "attach", "arm_smmu_attach_dev")->status, ROW_ATTACH_OK);
	assert_int_equal(find(&k, "attach", "arm_smmu_attach_prepare")->status, ROW_ATTACH_OK);
	assert_int_equal(plan_smmu_prepare_records(k.plan, probe_table_len), 0);
	/* only the paging op named twice: only paging attaches recorded there */
	static const char *const paging_twice[] = {
		"arm_smmu_cmdq_issue_cmdlist", "arm_smmu_attach_dev_blocked",
		"arm_smmu_attach_dev_identity", "arm_smmu_s1_set_dev_pasid",
		"arm_smmu_remove_dev_pasid", "arm_smmu_attach_prepare", "pcie_flr",
		"pcie_capability_clear_and_set_word_unlocked", "pci_reset_secondary_bus",
		"pci_reset_bus", NULL,
	};
	k.f.traceable = paging_twice;
	assert_int_equal(resolve(&k), 0);
	assert_int_equal(plan_smmu_prepare_records(k.plan, probe_table_len), SMMU_ATTACH_PAGING);
	/* which op an attach sequence belongs to */
	assert_int_equal(smmu_attach_class(0, 0), SMMU_ATTACH_BLOCKED);
	assert_int_equal(smmu_attach_class(0, 4), SMMU_ATTACH_IDENTITY);
	assert_int_equal(smmu_attach_class(0, 1), SMMU_ATTACH_PAGING);
	assert_int_equal(smmu_attach_class(0, 3), SMMU_ATTACH_PAGING);
	assert_int_equal(smmu_attach_class(5, 1), SMMU_ATTACH_PASID);
	/* a prototype without the state argument: the row is missing, nothing records */
	k.f.traceable = once;
	k.f.args = args612;
	assert_int_equal(resolve(&k), 0);
	assert_int_equal(find(&k, "attach", "arm_smmu_attach_prepare")->status, ROW_MISSING);
	assert_int_equal(plan_smmu_prepare_records(k.plan, probe_table_len), 0);
}

/*
 * Argument positions from a BTF prototype, by name: 6.12's list and an
 * older one without the cmdq argument give different positions.
 */
static void test_btf_arg_index(void **state)
{
	struct btf *btf = btf__new_empty();
	int ptr, proto;

	assert_non_null(btf);
	ptr = btf__add_ptr(btf, btf__add_int(btf, "int", 4, BTF_INT_SIGNED));
	proto = btf__add_func_proto(btf, ptr);
	for (int i = 0; args612[i]; i++)
		assert_int_equal(btf__add_func_param(btf, args612[i], ptr), 0);
	assert_true(btf__add_func(btf, "arm_smmu_cmdq_issue_cmdlist", BTF_FUNC_STATIC, proto) > 0);
	proto = btf__add_func_proto(btf, ptr);
	for (int i = 0; smmu_args[i]; i++) /* smmu, cmds, n, sync */
		assert_int_equal(btf__add_func_param(btf, smmu_args[i], ptr), 0);
	assert_true(btf__add_func(btf, "old_issue_cmdlist", BTF_FUNC_STATIC, proto) > 0);

	assert_int_equal(btf_arg_index(btf, "arm_smmu_cmdq_issue_cmdlist", "smmu"), 0);
	assert_int_equal(btf_arg_index(btf, "arm_smmu_cmdq_issue_cmdlist", "cmds"), 2);
	assert_int_equal(btf_arg_index(btf, "arm_smmu_cmdq_issue_cmdlist", "sync"), 4);
	assert_int_equal(btf_arg_index(btf, "old_issue_cmdlist", "cmds"), 1);
	assert_int_equal(btf_arg_index(btf, "old_issue_cmdlist", "sync"), 3);
	assert_int_equal(btf_arg_index(btf, "old_issue_cmdlist", "cmdq"), -1);
	assert_int_equal(btf_arg_index(btf, "no_such_function", "smmu"), -1);
	assert_int_equal(btf_arg_index(NULL, "arm_smmu_cmdq_issue_cmdlist", "smmu"), -1);
	btf__free(btf);
}

/*
 * A reset method the kernel has only under another name. One copy renamed
 * by LTO (name.llvm.N) keeps its arguments: kprobes on it, in a kprobe slot.
 * Any other clone may take other arguments: without bracketing it would
 * reset devices unseen, and the plan refuses to run; with bracketing the
 * bracket opens the window whatever the method, and it is only optional.
 */
static void test_method_clone(void **state)
{
	static const struct symbol_count isra[] = { { "pci_af_flr.isra.0", 1 } };
	static const struct symbol_count llvm[] = { { "pci_af_flr.llvm.8841", 1 },
						    { "pci_af_flr_probe", 1 } };
	static const struct symbol_count two_llvm[] = { { "pci_af_flr.llvm.1", 1 },
							{ "pci_af_flr.llvm.2", 1 } };
	static const struct symbol_count mixed[] = { { "pci_af_flr.isra.0", 1 },
						     { "pci_af_flr.llvm.1", 1 } };
	struct kernel k;
	const struct plan_entry *e;

	boot(&k, k612, NEED_VTD, false);
	assert_int_equal(resolve(&k), 0);
	assert_int_equal(find(&k, "reset_method", "pci_af_flr")->status, ROW_MISSING);
	k.f.copies = isra;
	k.f.ncopies = 1;
	assert_int_equal(resolve(&k), 1);
	assert_int_equal(find(&k, "reset_method", "pci_af_flr")->status, ROW_UNHOOKABLE);
	k.facts.bracketing = true;
	resolve(&k);
	assert_int_equal(find(&k, "reset_method", "pci_af_flr")->status, ROW_MISSING);

	k.facts.bracketing = false;
	k.f.copies = llvm;
	k.f.ncopies = 2;
	assert_int_equal(resolve(&k), 0);
	e = find(&k, "reset_method", "pci_af_flr");
	assert_int_equal(e->status, ROW_ATTACH_OK);
	assert_string_equal(e->ksym, "pci_af_flr.llvm.8841");
	assert_int_equal(e->slot, 0); /* the first kprobe slot, not a trampoline's */
	assert_string_equal(find(&k, "reset_method", "pcie_flr")->ksym, "");

	/* which of two copies runs? neither is safe to trust alone */
	k.f.copies = two_llvm;
	assert_int_equal(resolve(&k), 1);
	assert_int_equal(find(&k, "reset_method", "pci_af_flr")->status, ROW_UNHOOKABLE);
	k.f.copies = mixed;
	assert_int_equal(resolve(&k), 1);
	assert_int_equal(find(&k, "reset_method", "pci_af_flr")->status, ROW_UNHOOKABLE);
	/* no kprobe slot left: the row says so, and without bracketing it is an error */
	k.f.copies = llvm;
	assert_int_equal(probe_plan_resolve(&k.facts, k.plan, METHOD_SLOTS, ATTACH_SLOTS,
					    BUS_END_SLOTS, 0), 1);
	assert_int_equal(find(&k, "reset_method", "pci_af_flr")->status, ROW_NO_SLOT);
}

/* what a symbol is to a function: the classifier the plan relies on */
static void test_clone_kind(void **state)
{
	assert_int_equal(clone_kind_of("pcie_flr", "pcie_flr"), CLONE_NONE);
	assert_int_equal(clone_kind_of("pcie_flr", "pcie_flr_x"), CLONE_NONE);
	assert_int_equal(clone_kind_of("pcie_flr", "pcie_fl"), CLONE_NONE);
	assert_int_equal(clone_kind_of("pcie_flr", "pcie_flr."), CLONE_NONE);
	assert_int_equal(clone_kind_of("pcie_flr", "pcie_flr.llvm.123"), CLONE_SAME_ABI);
	assert_int_equal(clone_kind_of("pcie_flr", "pcie_flr.llvm."), CLONE_CHANGED);
	assert_int_equal(clone_kind_of("pcie_flr", "pcie_flr.llvm.12a"), CLONE_CHANGED);
	assert_int_equal(clone_kind_of("pcie_flr", "pcie_flr.isra.0"), CLONE_CHANGED);
	assert_int_equal(clone_kind_of("pcie_flr", "pcie_flr.constprop.0"), CLONE_CHANGED);
	assert_int_equal(clone_kind_of("pcie_flr", "pcie_flr.part.0"), CLONE_CHANGED);
}

/* the test knob: every method by kprobe on its own name, as on a clone */
static void test_kprobe_methods(void **state)
{
	struct kernel k;
	const struct plan_entry *e;

	boot(&k, k612, NEED_VTD, false);
	k.facts.kprobe_methods = true;
	assert_int_equal(resolve(&k), 0);
	e = find(&k, "reset_method", "pcie_flr");
	assert_int_equal(e->status, ROW_ATTACH_OK);
	assert_string_equal(e->ksym, "pcie_flr");
	assert_string_equal(find(&k, "reset_method", "pci_pm_reset")->ksym, "pci_pm_reset");
	assert_int_equal(find(&k, "reset_method", "pci_af_flr")->status, ROW_MISSING);
	/* rows that attach with no candidate chosen (kprobe slots) are read safely */
	assert_int_equal(e->chosen, -1);
	assert_int_equal(plan_smmu_prepare_records(k.plan, probe_table_len), 0);
}

/* what the loader asks of a program: its row, found by its exact name */
static void test_program_roles(void **state)
{
	assert_string_equal(probe_row_of("vtd_submit_kprobe")->event, "inv_submit");
	assert_string_equal(probe_row_of("vtd_submit_tp")->event, "inv_submit");
	assert_string_equal(probe_row_of("vtd_submit_fentry")->btf_struct, "intel_iommu");
	assert_string_equal(probe_row_of("amd_submit_fentry")->btf_struct, "amd_iommu");
	assert_string_equal(probe_row_of("smmu_submit_fentry")->event, "inv_submit");
	assert_null(probe_row_of("smmu_submit_fentry")->btf_struct);
	assert_string_equal(probe_row_of("vtd_complete_fexit")->event, "inv_complete");
	assert_null(probe_row_of("vtd_complete_fexit")->btf_struct);
	assert_string_equal(probe_row_of("prepare_tp")->event, "bracket_open");
	assert_null(probe_row_of("method_entry_0"));
	assert_null(probe_row_of("vtd_submit"));
}

static bool has_program(struct bpf_object *obj, const char *fmt, int slot)
{
	char name[64];

	snprintf(name, sizeof(name), fmt, slot);
	return bpf_object__find_program_by_name(obj, name);
}

/*
 * The object holds every program the table names and the generic slots
 * below their counts, and nothing else: a program renamed or added on one
 * side only, or slot counts that disagree, fail here.
 */
static void test_table_matches_object(void **state)
{
	static const struct { const char *fmt; int n; } slots[] = {
		{ "method_entry_%d", METHOD_SLOTS }, { "method_exit_%d", METHOD_SLOTS },
		{ "bus_end_exit_%d", BUS_END_SLOTS }, { "attach_exit_%d", ATTACH_SLOTS },
		{ "method_kentry_%d", KMETHOD_SLOTS }, { "method_kexit_%d", KMETHOD_SLOTS },
	};
	struct atstrace *skel = atstrace__open();
	struct bpf_program *p;
	int named = 0, in_object = 0;

	assert_non_null(skel);
	for (int i = 0; i < probe_table_len; i++)
		for (int c = 0; c < PROBE_MAX_CAND; c++) {
			const char *prog = probe_table[i].cand[c].prog;

			if (!prog)
				continue;
			if (!bpf_object__find_program_by_name(skel->obj, prog))
				fail_msg("%s: in the probe table, not in the object", prog);
			named++;
		}
	for (size_t k = 0; k < sizeof(slots) / sizeof(slots[0]); k++) {
		for (int s = 0; s < slots[k].n; s++)
			assert_true(has_program(skel->obj, slots[k].fmt, s));
		assert_false(has_program(skel->obj, slots[k].fmt, slots[k].n));
		named += slots[k].n;
	}
	bpf_object__for_each_program(p, skel->obj)
		in_object++;
	assert_int_equal(in_object, named);
	atstrace__destroy(skel);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan_vtd_612),
		cmocka_unit_test(test_plan_vtd_lean),
		cmocka_unit_test(test_plan_fallback_and_missing),
		cmocka_unit_test(test_plan_recovery),
		cmocka_unit_test(test_plan_amd),
		cmocka_unit_test(test_plan_smmuv3),
		cmocka_unit_test(test_plan_smmuv3_names_twice),
		cmocka_unit_test(test_method_clone),
		cmocka_unit_test(test_clone_kind),
		cmocka_unit_test(test_btf_arg_index),
		cmocka_unit_test(test_kprobe_methods),
		cmocka_unit_test(test_program_roles),
		cmocka_unit_test(test_table_matches_object),
	};

	return cmocka_run_group_tests_name("probe_plan", tests, NULL, NULL);
}
