// SPDX-License-Identifier: GPL-2.0
#include "probe_plan.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include <linux/types.h>

#include "atstrace.h"
#include "reset_window.h"
#include "lib/json_writer.h"

/*
 * a row with programs of its own; candidates { type, program, target },
 * preferred first; st: the driver struct its programs read (--verify)
 */
#define FIXED_AS(ev, need, req, st, args, ...)					\
	{ .event = ev, .kind = ROW_FIXED, .needs = need, .required = req,		\
	  .cand = { __VA_ARGS__ }, .btf_struct = st, .arg_names = args, .window_kind = -1,	\
	  .probe_arg = -1, .attach_op = -1, .dom_arg = -1, .dev_arg = -1, .pasid_arg = -1 }
#define FIXED_ST(ev, need, req, st, ...) FIXED_AS(ev, need, req, st, NULL, __VA_ARGS__)
#define FIXED(ev, need, req, ...) FIXED_ST(ev, need, req, NULL, __VA_ARGS__)
/* an IOMMU driver's submission path; args: those read by name (see arg_names) */
#define SUBMIT(need, st, ...) FIXED_ST("inv_submit", need, true, st, __VA_ARGS__)
#define SUBMIT_AS(need, args, ...) FIXED_AS("inv_submit", need, true, NULL, args, __VA_ARGS__)
#define METHOD(fn, wk, parg, req)							\
	{ .event = "reset_method", .kind = ROW_METHOD, .required = req,			\
	  .cand = { { HOOK_FENTRY, NULL, fn } }, .window_kind = wk, .probe_arg = parg,	\
	  .attach_op = -1, .dom_arg = -1, .dev_arg = -1, .pasid_arg = -1 }
#define BUS_END(fn)									\
	{ .event = "bus_reset_end", .kind = ROW_BUS_END,				\
	  .cand = { { HOOK_FEXIT, NULL, fn } }, .window_kind = -1, .probe_arg = -1,	\
	  .attach_op = -1, .dom_arg = -1, .dev_arg = -1, .pasid_arg = -1 }
#define ATTACH(fn, need, op, dom, dev, pasid)						\
	{ .event = "attach", .kind = ROW_ATTACH, .needs = need,				\
	  .cand = { { HOOK_FEXIT, NULL, fn } }, .window_kind = -1, .probe_arg = -1,	\
	  .attach_op = op, .dom_arg = dom, .dev_arg = dev, .pasid_arg = pasid }

/*
 * Attach ops by signature: attach_dev(domain, dev), set_dev_pasid(domain,
 * dev, pasid), remove_dev_pasid(dev, pasid, domain); 7.x appends the old
 * domain, which is not read, so one row serves both.
 */
#define ATTACH_OP(fn, need) ATTACH(fn, need, OP_ATTACH, 0, 1, -1)
#define SET_PASID_OP(fn, need) ATTACH(fn, need, OP_SET_PASID, 0, 1, 2)
#define REMOVE_PASID_OP(fn, need) ATTACH(fn, need, OP_REMOVE_PASID, 2, 0, 1)

/*
 * arm_smmu_cmdq_issue_cmdlist(smmu, [cmdq,] cmds, n, sync): the argument
 * list has changed across releases, so its positions come from BTF
 */
const char *const smmu_args[SMMU_ARGS + 1] = {
	[SMMU_ARG_SMMU] = "smmu", [SMMU_ARG_CMDS] = "cmds", [SMMU_ARG_N] = "n",
	[SMMU_ARG_SYNC] = "sync", [SMMU_ARGS] = NULL,
};

/* arm_smmu_attach_prepare(state, new_domain), in the order of smmu_prepare_arg[] */
const char *const smmu_prepare_args[SMMU_PREPARE_ARGS + 1] = {
	[SMMU_PREPARE_STATE] = "state", [SMMU_PREPARE_DOMAIN] = "new_domain",
	[SMMU_PREPARE_ARGS] = NULL,
};

const struct probe_row probe_table[] = {
	/* ATC invalidation: submission and completion, per IOMMU driver */
	SUBMIT(NEED_VTD, "intel_iommu",
	       { HOOK_TP_BTF, "vtd_submit_tp", "qi_submit", .lean = true },
	       { HOOK_FENTRY, "vtd_submit_fentry", "qi_submit_sync" },
	       { HOOK_KPROBE, "vtd_submit_kprobe", "qi_submit_sync" }),
	FIXED("inv_complete", NEED_VTD, true,
	      { HOOK_FEXIT, "vtd_complete_fexit", "qi_submit_sync" },
	      { HOOK_KRETPROBE, "vtd_complete_kretprobe", "qi_submit_sync" }),
	/* --assert's cross-check of the VT-d counts, from a second vantage point */
	FIXED("inv_crosscheck", NEED_VTD, false,
	      { HOOK_TP_BTF, "vtd_qi_submit_tp", "qi_submit" }),
	SUBMIT(NEED_AMD, "amd_iommu",
	       { HOOK_FENTRY, "amd_submit_fentry", "__iommu_queue_command_sync" }),
	FIXED("inv_complete", NEED_AMD, true,
	      { HOOK_FEXIT, "amd_complete_pages_fexit", "amd_iommu_domain_flush_pages" }),
	FIXED("inv_complete", NEED_AMD, false,
	      { HOOK_FEXIT, "amd_complete_pasid_fexit", "amd_iommu_dev_flush_pasid_pages" }),
	FIXED("inv_complete", NEED_AMD, false,
	      { HOOK_FEXIT, "amd_complete_update_fexit",
		"amd_iommu_update_and_flush_device_table" }),
	/* SMMUv3 reads its arguments untyped, found by name in BTF: no struct needed */
	SUBMIT_AS(NEED_SMMUV3, smmu_args,
		  { HOOK_FENTRY, "smmu_submit_fentry", "arm_smmu_cmdq_issue_cmdlist" }),
	FIXED_AS("inv_complete", NEED_SMMUV3, true, NULL, smmu_args,
		 { HOOK_FEXIT, "smmu_complete_fexit", "arm_smmu_cmdq_issue_cmdlist" }),
	/* PCI reset: method spans and the hardware points inside them */
	METHOD("pcie_flr", WK_FLR, -1, true),
	METHOD("pci_af_flr", WK_AF_FLR, 1, false),
	METHOD("pci_pm_reset", WK_PM, 1, false),
	METHOD("pci_reset_bus_function", WK_BUS_FUNCTION, 1, false),
	METHOD("pci_dev_acpi_reset", WK_ACPI, 1, false),
	METHOD("pci_dev_specific_reset", WK_DEV_SPECIFIC, 1, false),
	METHOD("cxl_reset_bus_function", WK_CXL_BUS, 1, false),
	FIXED("reset_begin", 0, true,
	      { HOOK_FENTRY, "flr_write_fentry", "pcie_capability_clear_and_set_word_unlocked" }),
	FIXED("reset_ready", 0, false,
	      { HOOK_FEXIT, "device_ready_fexit", "pci_dev_wait" }),
	FIXED("bus_reset_begin", 0, true,
	      { HOOK_FENTRY, "bus_reset_fentry", "pci_reset_secondary_bus" }),
	BUS_END("pci_bridge_wait_for_secondary_bus"),
	BUS_END("pci_reset_bus"),
	BUS_END("pci_bus_error_reset"),
	BUS_END("pci_try_reset_bridge"),
	/*
	 * error recovery (AER, DPC): its bus reset's window lasts until the
	 * recovery returns. A pair: one without the other is dropped (below).
	 */
	FIXED("recovery_begin", 0, false, /* required where the kernel has it (below) */
	      { HOOK_FENTRY, "recovery_fentry", "pcie_do_recovery" }),
	FIXED("recovery_end", 0, false,
	      { HOOK_FEXIT, "recovery_fexit", "pcie_do_recovery" }),
	/*
	 * upstream's bracketing (7.0+); where kernel-patch/'s tracepoint exists
	 * it marks the same point as prepare's return, without a trampoline
	 */
	FIXED("bracket_open", NEED_BRACKETING, true,
	      { HOOK_TP_BTF, "prepare_tp", "dev_reset_prepare" },
	      { HOOK_FEXIT, "prepare_fexit", "pci_dev_reset_iommu_prepare" }),
	FIXED("bracket_close", NEED_BRACKETING, true,
	      { HOOK_FENTRY, "done_fentry", "pci_dev_reset_iommu_done" }),
	FIXED("prepare_start", NEED_BRACKETING, false,
	      { HOOK_FENTRY, "prepare_fentry", "pci_dev_reset_iommu_prepare" }),
	FIXED("done_end", NEED_BRACKETING, false,
	      { HOOK_FEXIT, "done_fexit", "pci_dev_reset_iommu_done" }),
	/* kernel-patch/'s series: a device not ready after its reset stays blocked */
	FIXED("bracket_unready", NEED_BRACKETING, false,
	      { HOOK_FENTRY, "done_unready_fentry", "pci_dev_reset_iommu_done_unready" }),
	/* ... and attaches it refused with -EBUSY, which never reach a driver op */
	FIXED("attach_rejected", NEED_BRACKETING, false,
	      { HOOK_TP_BTF, "attach_rejected_tp", "dev_reset_attach_rejected" }),
	/* IOMMU attach, detach and PASID ops of each driver */
	ATTACH_OP("intel_iommu_attach_device", NEED_VTD),
	ATTACH_OP("blocking_domain_attach_dev", NEED_VTD),
	ATTACH_OP("identity_domain_attach_dev", NEED_VTD),
	ATTACH_OP("intel_nested_attach_dev", NEED_VTD),
	SET_PASID_OP("intel_iommu_set_dev_pasid", NEED_VTD),
	SET_PASID_OP("identity_domain_set_dev_pasid", NEED_VTD),
	SET_PASID_OP("intel_svm_set_dev_pasid", NEED_VTD),
	SET_PASID_OP("blocking_domain_set_dev_pasid", NEED_VTD),
	REMOVE_PASID_OP("intel_iommu_remove_dev_pasid", NEED_VTD),
	ATTACH_OP("amd_iommu_attach_device", NEED_AMD),
	ATTACH_OP("blocked_domain_attach_device", NEED_AMD),
	ATTACH_OP("amd_iommu_identity_attach", NEED_AMD),
	/* SMMUv3 ops also teach the StreamID of each device (see smmu_learn_streams) */
	ATTACH_OP("arm_smmu_attach_dev", NEED_SMMUV3),
	ATTACH_OP("arm_smmu_attach_dev_identity", NEED_SMMUV3),
	ATTACH_OP("arm_smmu_attach_dev_blocked", NEED_SMMUV3),
	SET_PASID_OP("arm_smmu_s1_set_dev_pasid", NEED_SMMUV3),
	SET_PASID_OP("arm_smmu_sva_set_dev_pasid", NEED_SMMUV3),
	SET_PASID_OP("arm_smmu_blocking_set_dev_pasid", NEED_SMMUV3),
	REMOVE_PASID_OP("arm_smmu_remove_dev_pasid", NEED_SMMUV3),
	/*
	 * SMMUv3's attach sequence, which every one of those attaches starts:
	 * StreamIDs always, attaches too where the ops above could not be
	 * hooked (a kernel that builds the arm-smmu driver has three of their
	 * names twice: smmu_prepare_records)
	 */
	FIXED_AS("attach", NEED_SMMUV3, false, "arm_smmu_attach_state", smmu_prepare_args,
		 { HOOK_FEXIT, "smmu_attach_prepare_fexit", "arm_smmu_attach_prepare" }),
};
const int probe_table_len = sizeof(probe_table) / sizeof(probe_table[0]);

unsigned int plan_smmu_prepare_records(const struct plan_entry *entries, int n)
{
	static const struct {
		const char *op;
		__u32 class;
	} ops[] = {
		{ "arm_smmu_attach_dev", SMMU_ATTACH_PAGING },
		{ "arm_smmu_attach_dev_identity", SMMU_ATTACH_IDENTITY },
		{ "arm_smmu_attach_dev_blocked", SMMU_ATTACH_BLOCKED },
		{ "arm_smmu_s1_set_dev_pasid", SMMU_ATTACH_PASID },
	};
	__u32 unhooked = SMMU_ATTACH_PAGING | SMMU_ATTACH_IDENTITY | SMMU_ATTACH_BLOCKED |
			 SMMU_ATTACH_PASID;
	bool prepare = false;

	for (int i = 0; i < n; i++) {
		const struct probe_candidate *c;

		/* a kprobe slot's row attaches with no candidate chosen */
		if (entries[i].status != ROW_ATTACH_OK || entries[i].chosen < 0)
			continue;
		c = &entries[i].row->cand[entries[i].chosen];
		if (!c->target)
			continue;
		prepare |= !strcmp(c->target, "arm_smmu_attach_prepare");
		for (size_t k = 0; k < sizeof(ops) / sizeof(ops[0]); k++)
			if (!strcmp(c->target, ops[k].op))
				unhooked &= ~ops[k].class;
	}
	return prepare ? unhooked : 0;
}

const char *hook_type_name(enum hook_type t)
{
	switch (t) {
	case HOOK_TP_BTF: return "tp_btf";
	case HOOK_FENTRY: return "fentry";
	case HOOK_FEXIT: return "fexit";
	case HOOK_KPROBE: return "kprobe";
	case HOOK_KRETPROBE: return "kretprobe";
	}
	return "?";
}

const struct probe_row *probe_row_of(const char *prog)
{
	for (int i = 0; i < probe_table_len; i++) {
		const struct probe_row *r = &probe_table[i];

		for (int c = 0; c < PROBE_MAX_CAND; c++)
			if (r->cand[c].prog && !strcmp(r->cand[c].prog, prog))
				return r;
	}
	return NULL;
}

/* every argument the row's programs read by name is in the target's prototype */
static bool args_ok(const struct kernel_facts *f, const struct probe_row *r, const char *target)
{
	for (const char *const *a = r->arg_names; a && *a; a++)
		if (!f->arg_index || f->arg_index(f->ctx, target, *a) < 0)
			return false;
	return true;
}

static bool candidate_ok(const struct kernel_facts *f, const struct probe_row *r,
			 const struct probe_candidate *c)
{
	if (!c->target || !args_ok(f, r, c->target))
		return false;
	if (c->lean && (!f->queue_state || f->vtd_qi_in_use < 0))
		return false;
	switch (c->type) {
	case HOOK_TP_BTF:
		return f->has_tracepoint && f->has_tracepoint(f->ctx, c->target);
	case HOOK_FENTRY:
	case HOOK_FEXIT:
		/* a trampoline needs BTF and exactly one traceable symbol */
		return f->has_btf_func(f->ctx, c->target) && f->is_traceable(f->ctx, c->target);
	case HOOK_KPROBE:
	case HOOK_KRETPROBE:
		return f->is_traceable(f->ctx, c->target);
	}
	return false;
}

enum clone_kind clone_kind_of(const char *name, const char *sym)
{
	size_t len = strlen(name);
	const char *n;

	if (strncmp(sym, name, len) || sym[len] != '.' || !sym[len + 1])
		return CLONE_NONE;
	/* LTO promotes a static to name.llvm.<hash>: the same function, renamed */
	n = sym + len + strlen(".llvm.");
	if (!strncmp(sym + len, ".llvm.", strlen(".llvm.")) && *n &&
	    strspn(n, "0123456789") == strlen(n))
		return CLONE_SAME_ABI;
	return CLONE_CHANGED;
}

/*
 * A reset method with no trampoline. A copy that keeps its arguments (one
 * name.llvm.N) takes a kprobe pair. One that may not (.isra, .constprop,
 * ...), or a name twice, would reset devices unseen without bracketing: the
 * plan refuses to run (ROW_UNHOOKABLE). Where the kernel brackets resets,
 * the bracket opens the window whatever the method.
 */
static enum row_status method_fallback(const struct kernel_facts *f, const struct probe_row *r,
				       struct plan_entry *e)
{
	const char *name = r->cand[0].target, *sym = NULL;
	enum clone_kind k = CLONE_NONE;

	if (f->kprobe_methods && f->is_traceable(f->ctx, name)) {
		k = CLONE_SAME_ABI;
		sym = name;
	} else if (f->find_clone) {
		k = f->find_clone(f->ctx, name, &sym);
	}
	if (k == CLONE_SAME_ABI && sym && strlen(sym) < sizeof(e->ksym)) {
		snprintf(e->ksym, sizeof(e->ksym), "%s", sym);
		return ROW_ATTACH_OK;
	}
	return k != CLONE_NONE && !f->bracketing ? ROW_UNHOOKABLE : ROW_MISSING;
}

static struct plan_entry *entry_of(struct plan_entry *entries, const char *event)
{
	for (int i = 0; i < probe_table_len; i++)
		if (!strcmp(entries[i].row->event, event))
			return &entries[i];
	return NULL;
}

/* Two rows that only work together: if one cannot attach, neither does. */
static void pair_or_neither(struct plan_entry *entries, const char *a, const char *b)
{
	struct plan_entry *x = entry_of(entries, a), *y = entry_of(entries, b);

	if (!x || !y || (x->status == ROW_ATTACH_OK) == (y->status == ROW_ATTACH_OK))
		return;
	x->status = y->status = ROW_MISSING;
	x->chosen = y->chosen = -1;
}

int probe_plan_resolve(const struct kernel_facts *facts, struct plan_entry *entries,
		       int method_slots, int attach_slots, int bus_end_slots, int kmethod_slots)
{
	unsigned int have = facts->drivers | (facts->bracketing ? NEED_BRACKETING : 0);
	int next[4] = { 0, 0, 0, 0 };
	int max[4] = { method_slots, attach_slots, bus_end_slots, kmethod_slots };
	unsigned int lean = 0; /* drivers whose submission row chose a lean candidate */
	int missing = 0, bus_end_ok = 0;

	for (int i = 0; i < probe_table_len; i++) {
		const struct probe_row *r = &probe_table[i];
		struct plan_entry *e = &entries[i];

		e->row = r;
		e->chosen = -1;
		e->slot = -1;
		e->ksym[0] = '\0';
		if ((r->needs & have) != r->needs) {
			e->status = ROW_NOT_APPLICABLE;
			continue;
		}
		/* the submission row comes first in the table: its completion follows */
		if ((r->needs & lean) && (!strcmp(r->event, "inv_complete") ||
					  !strcmp(r->event, "inv_crosscheck"))) {
			e->status = ROW_NOT_NEEDED;
			continue;
		}
		e->status = ROW_MISSING;
		for (int c = 0; c < PROBE_MAX_CAND; c++) {
			if (r->kind == ROW_METHOD && facts->kprobe_methods)
				break;
			if (candidate_ok(facts, r, &r->cand[c])) {
				e->chosen = c;
				e->status = ROW_ATTACH_OK;
				break;
			}
		}
		if (r->kind == ROW_METHOD && e->status == ROW_MISSING)
			e->status = method_fallback(facts, r, e);
		if (e->status == ROW_ATTACH_OK && e->chosen >= 0 && r->cand[e->chosen].lean)
			lean |= r->needs & (NEED_VTD | NEED_AMD | NEED_SMMUV3);
		if (e->status == ROW_ATTACH_OK && r->kind != ROW_FIXED) {
			int k = r->kind == ROW_METHOD ? (e->ksym[0] ? 3 : 0) :
				r->kind == ROW_ATTACH ? 1 : 2;

			if (next[k] < max[k]) {
				e->slot = next[k]++;
			} else {
				e->status = ROW_NO_SLOT;
				e->chosen = -1;
				e->ksym[0] = '\0';
			}
		}
		if (r->kind == ROW_BUS_END && e->status == ROW_ATTACH_OK)
			bus_end_ok++;
		/* without bracketing an existing method left unhooked resets devices unseen */
		if (e->status != ROW_ATTACH_OK &&
		    (r->required || e->status == ROW_UNHOOKABLE ||
		     (r->kind == ROW_METHOD && e->status == ROW_NO_SLOT && !facts->bracketing)))
			missing++;
	}
	/* a bus window must be able to end: at least one of its end points */
	if (!bus_end_ok)
		missing++;
	/* a recovery that began must be able to end: both hooks or neither */
	pair_or_neither(entries, "recovery_begin", "recovery_end");
	/*
	 * ... and a kernel that has error recovery (BTF knows the function) but
	 * whose recovery cannot be hooked would cut its windows short unseen
	 */
	if (entry_of(entries, "recovery_begin")->status != ROW_ATTACH_OK &&
	    facts->has_btf_func(facts->ctx, "pcie_do_recovery"))
		missing++;
	return missing;
}

/* what an optional row that cannot attach costs, by event */
static const char *missing_cost(const struct probe_row *r)
{
	static const struct { const char *event, *cost; } costs[] = {
		{ "reset_method", "its resets open no window (harmless only if the kernel lacks it)" },
		{ "reset_ready", "windows close at the method's return, later than the device is ready" },
		{ "inv_complete", "completions here unseen: latency, and injection at this point" },
		{ "inv_crosscheck", "no second count of VT-d device-TLB invalidations for --assert" },
		{ "prepare_start", "no prepare() duration histogram" },
		{ "done_end", "no done() duration histogram" },
		{ "bracket_unready", "a device left blocked by an unready reset leaves its window" },
		{ "attach_rejected", "attaches refused during a reset are not counted" },
		{ "attach", "this driver op's attaches are not seen" },
		{ "bus_reset_end", "bus windows end at another of the calls that reset a bus" },
		{ "recovery_begin", "an error recovery's bus window ends at the bus wait, before "
				    "the switch is restored; DPC's reset is unseen" },
		{ "recovery_end", "an error recovery's bus window ends at the bus wait, before "
				  "the switch is restored; DPC's reset is unseen" },
	};

	for (size_t i = 0; i < sizeof(costs) / sizeof(costs[0]); i++)
		if (!strcmp(costs[i].event, r->event))
			return costs[i].cost;
	return "";
}

/*
 * A candidate after the first that the kernel could take: a fallback,
 * unless only lean candidates, which this run did not want, came before it.
 */
static bool is_fallback(const struct kernel_facts *facts, const struct plan_entry *e)
{
	for (int c = 0; c < e->chosen; c++)
		if (!e->row->cand[c].lean || facts->queue_state)
			return true;
	return false;
}

void probe_plan_print(FILE *f, const struct kernel_facts *facts,
		      const struct plan_entry *entries, int n)
{
	fprintf(f, "IOMMU drivers: %s%s%s%s; reset bracketing in kernel: %s\n",
		facts->drivers & NEED_VTD ? "intel-vtd " : "",
		facts->drivers & NEED_AMD ? "amd-vi " : "",
		facts->drivers & NEED_SMMUV3 ? "arm-smmu-v3 " : "",
		facts->drivers ? "" : "none", facts->bracketing ? "yes" : "no");
	fprintf(f, "%-15s %-10s %-36s %s\n", "EVENT", "HOOK", "TARGET", "STATUS");
	for (int i = 0; i < n; i++) {
		const struct plan_entry *e = &entries[i];
		const struct probe_row *r = e->row;
		const struct probe_candidate *c = &r->cand[e->chosen >= 0 ? e->chosen : 0];
		const char *status;

		switch (e->status) {
		case ROW_ATTACH_OK:
			status = e->ksym[0] ? (strcmp(e->ksym, c->target) ?
					       "attach (kprobes on its renamed copy)" :
					       "attach (kprobes)") :
				 is_fallback(facts, e) ? "attach (fallback)" : "attach";
			break;
		case ROW_NOT_APPLICABLE:
			status = "n/a";
			break;
		case ROW_NOT_NEEDED:
			status = "not needed: in flight read from the driver's queue";
			break;
		case ROW_NO_SLOT:
			status = r->kind == ROW_METHOD && !facts->bracketing ?
				 "MISSING (required): no free slot" : "MISSING: no free slot";
			break;
		case ROW_UNHOOKABLE:
			status = "MISSING (required): exists only as a compiler clone that may "
				 "take other arguments, or twice: its resets would be unseen";
			break;
		default:
			status = r->required ? "MISSING (required)" : "missing (optional)";
		}
		fprintf(f, "%-15s %-10s %-36s %s", r->event,
			e->ksym[0] ? "kprobe+ret" :
			r->kind == ROW_METHOD ? "fentry+exit" : hook_type_name(c->type),
			e->ksym[0] ? e->ksym : c->target, status);
		if (e->status == ROW_MISSING && r->arg_names && c->target &&
		    facts->has_btf_func(facts->ctx, c->target) && !args_ok(facts, r, c->target))
			fprintf(f, ": its prototype lacks an argument the programs read by name");
		if (e->status == ROW_MISSING && !r->required)
			fprintf(f, ": %s", missing_cost(r));
		fputc('\n', f);
	}
}

/* the plan's word for an entry's outcome, as in the JSON header */
static const char *status_word(const struct kernel_facts *facts, const struct plan_entry *e)
{
	switch (e->status) {
	case ROW_ATTACH_OK:
		return e->ksym[0] ? "attach_kprobes" : is_fallback(facts, e) ? "attach_fallback" :
		       "attach";
	case ROW_NOT_APPLICABLE:
		return "not_applicable";
	case ROW_NOT_NEEDED:
		return "not_needed";
	case ROW_NO_SLOT:
		return "no_slot";
	case ROW_UNHOOKABLE:
		return "unhookable";
	default:
		return e->row->required ? "missing_required" : "missing_optional";
	}
}

void probe_plan_json(struct json_writer *w, const struct kernel_facts *facts,
		     const struct plan_entry *entries, int n)
{
	json_key(w, "iommu_drivers");
	json_array_begin(w);
	if (facts->drivers & NEED_VTD)
		json_string(w, "intel-vtd");
	if (facts->drivers & NEED_AMD)
		json_string(w, "amd-vi");
	if (facts->drivers & NEED_SMMUV3)
		json_string(w, "arm-smmu-v3");
	json_array_end(w);
	json_kv_bool(w, "reset_bracketing", facts->bracketing);
	json_key(w, "probe_plan");
	json_array_begin(w);
	for (int i = 0; i < n; i++) {
		const struct plan_entry *e = &entries[i];
		const struct probe_row *r = e->row;
		const struct probe_candidate *c = &r->cand[e->chosen >= 0 ? e->chosen : 0];

		json_object_begin(w);
		json_kv_string(w, "event", r->event);
		json_kv_string(w, "hook", e->ksym[0] ? "kprobe+ret" :
				 r->kind == ROW_METHOD ? "fentry+exit" : hook_type_name(c->type));
		json_kv_string(w, "target", e->ksym[0] ? e->ksym : c->target ? c->target : "");
		json_kv_string(w, "status", status_word(facts, e));
		json_kv_bool(w, "required", r->required);
		json_object_end(w);
	}
	json_array_end(w);
}

/* ------------------------------------------------------------ real facts */

struct real_facts {
	struct btf *btf;
	struct btf *smmu_btf; /* the arm_smmu_v3 module's, when it is loaded */
	struct symbol_count *names; /* sorted: traceable functions */
	size_t n;
};

static int cmp_name(const void *a, const void *b)
{
	return strcmp(((const struct symbol_count *)a)->name, ((const struct symbol_count *)b)->name);
}

static bool real_has_btf_func(void *ctx, const char *name)
{
	struct real_facts *rf = ctx;

	return (rf->btf && btf__find_by_name_kind(rf->btf, name, BTF_KIND_FUNC) > 0) ||
	       (rf->smmu_btf && btf__find_by_name_kind(rf->smmu_btf, name, BTF_KIND_FUNC) > 0);
}

/* a tracepoint tp_btf can take has a btf_trace_<name> typedef */
static bool real_has_tracepoint(void *ctx, const char *name)
{
	struct real_facts *rf = ctx;
	char tn[128];

	snprintf(tn, sizeof(tn), "btf_trace_%s", name);
	return rf->btf && btf__find_by_name_kind(rf->btf, tn, BTF_KIND_TYPEDEF) > 0;
}

enum clone_kind clone_find(const char *name, const struct symbol_count *syms, size_t n,
			   const char **sym)
{
	int same = 0, changed = 0;

	for (size_t i = 0; i < n; i++) {
		if (!strcmp(syms[i].name, name)) {
			changed += syms[i].count > 1; /* a static name twice */
			continue;
		}
		switch (clone_kind_of(name, syms[i].name)) {
		case CLONE_SAME_ABI:
			if (syms[i].count > 1)
				changed++;
			else if (!same++)
				*sym = syms[i].name;
			break;
		case CLONE_CHANGED:
			changed++;
			break;
		case CLONE_NONE:
			break;
		}
	}
	if (changed || same > 1)
		return CLONE_CHANGED;
	return same ? CLONE_SAME_ABI : CLONE_NONE;
}

int btf_arg_index(const struct btf *btf, const char *func, const char *arg)
{
	const struct btf_type *t;
	const struct btf_param *p;
	int id;

	if (!btf)
		return -1;
	id = btf__find_by_name_kind(btf, func, BTF_KIND_FUNC);
	t = id > 0 ? btf__type_by_id(btf, btf__type_by_id(btf, id)->type) : NULL;
	if (!t || !btf_is_func_proto(t))
		return -1;
	p = btf_params(t);
	for (int i = 0; i < btf_vlen(t); i++)
		if (!strcmp(btf__name_by_offset(btf, p[i].name_off), arg))
			return i;
	return -1;
}

static int real_arg_index(void *ctx, const char *func, const char *arg)
{
	struct real_facts *rf = ctx;
	int i = btf_arg_index(rf->btf, func, arg);

	return i >= 0 ? i : btf_arg_index(rf->smmu_btf, func, arg);
}

static enum clone_kind real_find_clone(void *ctx, const char *name, const char **sym)
{
	struct real_facts *rf = ctx;

	return clone_find(name, rf->names, rf->n, sym);
}

static bool real_is_traceable(void *ctx, const char *name)
{
	struct real_facts *rf = ctx;
	struct symbol_count key = { .name = (char *)name }, *hit;

	hit = bsearch(&key, rf->names, rf->n, sizeof(key), cmp_name);
	/* a duplicated static name is ambiguous: refuse it */
	return hit && hit->count == 1;
}

/* available_filter_functions lists what fentry and kprobes can take. */
static int load_traceable(struct real_facts *rf)
{
	static const char *const paths[] = {
		"/sys/kernel/tracing/available_filter_functions",
		"/sys/kernel/debug/tracing/available_filter_functions",
	};
	size_t cap = 0, w = 0;
	char line[512];
	FILE *f = NULL;

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]) && !f; i++)
		f = fopen(paths[i], "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, " \t\n")] = '\0'; /* drop " [module]" */
		if (rf->n == cap) {
			struct symbol_count *nn;

			cap = cap ? cap * 2 : 65536;
			nn = realloc(rf->names, cap * sizeof(*nn));
			if (!nn) {
				fclose(f);
				return -ENOMEM;
			}
			rf->names = nn;
		}
		rf->names[rf->n].name = strdup(line);
		rf->names[rf->n].count = 1;
		rf->n++;
	}
	fclose(f);
	qsort(rf->names, rf->n, sizeof(*rf->names), cmp_name);
	for (size_t i = 0; i < rf->n; i++) {
		if (w && !strcmp(rf->names[w - 1].name, rf->names[i].name)) {
			rf->names[w - 1].count++;
			free(rf->names[i].name);
		} else {
			rf->names[w++] = rf->names[i];
		}
	}
	rf->n = w;
	return 0;
}

unsigned int iommu_unit_driver(const char *unit)
{
	if (!strncmp(unit, "dmar", 4))
		return NEED_VTD;
	if (!strncmp(unit, "ivhd", 4))
		return NEED_AMD;
	if (!strncmp(unit, "smmu3.", 6))
		return NEED_SMMUV3;
	return 0;
}

static unsigned int detect_drivers(void)
{
	unsigned int d = 0;
	struct dirent *de;
	DIR *dir = opendir("/sys/class/iommu");

	if (!dir)
		return 0;
	while ((de = readdir(dir)))
		d |= iommu_unit_driver(de->d_name);
	closedir(dir);
	return d;
}

/* the value of enumerator @name in @btf's enums, or -1 */
int btf_enumerator(const struct btf *btf, const char *name)
{
	__u32 n = btf ? btf__type_cnt(btf) : 0;

	for (__u32 id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const struct btf_enum *e;

		if (!btf_is_enum(t))
			continue;
		e = btf_enum(t);
		for (int i = 0; i < btf_vlen(t); i++)
			if (!strcmp(btf__name_by_offset(btf, e[i].name_off), name))
				return e[i].val;
	}
	return -1;
}

int kernel_facts_load(struct kernel_facts *facts)
{
	struct real_facts *rf = calloc(1, sizeof(*rf));
	int err;

	if (!rf)
		return -ENOMEM;
	memset(facts, 0, sizeof(*facts));
	facts->ctx = rf;
	facts->has_btf_func = real_has_btf_func;
	facts->is_traceable = real_is_traceable;
	facts->has_tracepoint = real_has_tracepoint;
	facts->find_clone = real_find_clone;
	facts->arg_index = real_arg_index;
	facts->kprobe_methods = getenv("ATSTRACE_TEST_KPROBE_METHODS") != NULL;
	rf->btf = btf__load_vmlinux_btf();
	if (!rf->btf)
		return -ENOENT;
	/* SMMUv3 is usually a module: its functions are in its own BTF */
	if (!access("/sys/kernel/btf/arm_smmu_v3", R_OK))
		rf->smmu_btf = btf__load_module_btf("arm_smmu_v3", rf->btf);
	err = load_traceable(rf);
	if (err)
		return err;
	facts->drivers = detect_drivers();
	facts->bracketing = real_has_btf_func(rf, "pci_dev_reset_iommu_prepare");
	/* the queue is read through struct q_inval: both must be there */
	facts->vtd_qi_in_use = btf__find_by_name_kind(rf->btf, "q_inval", BTF_KIND_STRUCT) > 0 ?
			       btf_enumerator(rf->btf, "QI_IN_USE") : -1;
	return 0;
}

bool kernel_has_struct(const struct kernel_facts *facts, const char *name)
{
	struct real_facts *rf = facts->ctx;

	return rf && ((rf->btf && btf__find_by_name_kind(rf->btf, name, BTF_KIND_STRUCT) > 0) ||
		      (rf->smmu_btf &&
		       btf__find_by_name_kind(rf->smmu_btf, name, BTF_KIND_STRUCT) > 0));
}

void kernel_facts_free(struct kernel_facts *facts)
{
	struct real_facts *rf = facts->ctx;

	if (!rf)
		return;
	for (size_t i = 0; i < rf->n; i++)
		free(rf->names[i].name);
	free(rf->names);
	btf__free(rf->smmu_btf);
	btf__free(rf->btf);
	free(rf);
	facts->ctx = NULL;
}
