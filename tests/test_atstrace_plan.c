// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: the probe plan (tools/probe_plan.c) resolved against fake
 * kernels, the log2 bucketing (bpf/log2_hist.h) the BPF side uses with its
 * printer, and the --assert verdict (tools/atstrace_report.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <linux/types.h>

#include "log2_hist.h"
#include "atstrace_report.h"
#include "lib/hist_print.h"
#include "probe_plan.h"

/* A fake kernel: functions with BTF, and those traceable exactly once. */
struct fake {
	const char *const *btf;
	const char *const *traceable;
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

static const char *const k612[] = {
	"qi_submit_sync", "pcie_flr", "pci_pm_reset", "pcie_capability_clear_and_set_word_unlocked",
	"pci_dev_wait", "pci_reset_secondary_bus", "pci_reset_bus", "intel_iommu_attach_device", NULL,
};

static const struct plan_entry *find(const struct plan_entry *p, const char *event, const char *target)
{
	for (int i = 0; i < probe_table_len; i++)
		if (!strcmp(p[i].row->event, event) &&
		    !strcmp(p[i].row->cand[0].target ? p[i].row->cand[0].target : "", target))
			return &p[i];
	return NULL;
}

static void test_plan_vtd_612(void **state)
{
	struct fake f = { k612, k612 };
	struct kernel_facts facts = { fake_btf, fake_trace, &f, NEED_VTD, false };
	struct plan_entry plan[64];

	assert_int_equal(probe_plan_resolve(&facts, plan, 8, 12, 4), 0);
	assert_int_equal(find(plan, "inv_submit", "qi_submit_sync")->status, ROW_ATTACH_OK);
	assert_int_equal(find(plan, "inv_submit", "qi_submit_sync")->chosen, 0); /* fentry */
	assert_int_equal(find(plan, "inv_submit", "__iommu_queue_command_sync")->status,
			 ROW_NOT_APPLICABLE);
	assert_int_equal(find(plan, "bracket_open", "pci_dev_reset_iommu_prepare")->status,
			 ROW_NOT_APPLICABLE);
	assert_int_equal(find(plan, "reset_method", "pci_af_flr")->status, ROW_MISSING);
	/* generic slots are handed out in table order */
	assert_int_equal(find(plan, "reset_method", "pcie_flr")->slot, 0);
	assert_int_equal(find(plan, "reset_method", "pci_pm_reset")->slot, 1);
}

static void test_plan_fallback_and_missing(void **state)
{
	/* qi_submit_sync without BTF: fentry impossible, kprobe works */
	static const char *const btf[] = { "pcie_flr", "pcie_capability_clear_and_set_word_unlocked",
					   "pci_reset_secondary_bus", "pci_reset_bus", NULL };
	struct fake f = { btf, k612 };
	struct kernel_facts facts = { fake_btf, fake_trace, &f, NEED_VTD, false };
	struct plan_entry plan[64];

	assert_int_equal(probe_plan_resolve(&facts, plan, 8, 12, 4), 0);
	assert_int_equal(find(plan, "inv_submit", "qi_submit_sync")->chosen, 1);
	assert_int_equal(find(plan, "inv_submit", "qi_submit_sync")->row->cand[1].type, HOOK_KPROBE);

	/* a bracketing kernel without the bracket functions: two required rows missing */
	facts.bracketing = true;
	assert_int_equal(probe_plan_resolve(&facts, plan, 8, 12, 4), 2);
	/* no way to end a bus window is an error too */
	static const char *const nobus[] = { "qi_submit_sync", "pcie_flr",
		"pcie_capability_clear_and_set_word_unlocked", "pci_reset_secondary_bus", NULL };
	f.btf = f.traceable = nobus;
	facts.bracketing = false;
	assert_int_equal(probe_plan_resolve(&facts, plan, 8, 12, 4), 1);
	/* out of slots */
	f.btf = f.traceable = k612;
	assert_int_equal(probe_plan_resolve(&facts, plan, 1, 12, 4), 0);
	assert_int_equal(find(plan, "reset_method", "pci_pm_reset")->status, ROW_NO_SLOT);
}

static void test_log2_slots(void **state)
{
	uint64_t lo, hi;

	assert_int_equal(log2_slot(0), 0);
	assert_int_equal(log2_slot(1), 0);
	assert_int_equal(log2_slot(2), 1);
	assert_int_equal(log2_slot(3), 1);
	assert_int_equal(log2_slot(1024), 10);
	assert_int_equal(log2_slot(2047), 10);
	assert_int_equal(log2_slot(1ULL << 40), 40);
	assert_int_equal(log2_slot(UINT64_MAX), 63);
	/* the printer's ranges agree with the bucketing, slot by slot */
	for (int s = 1; s < 63; s++) {
		hist_slot_range(s, &lo, &hi);
		assert_int_equal(log2_slot(lo), s);
		assert_int_equal(log2_slot(hi), s);
	}
}

static void test_verdict(void **state)
{
	static struct run_totals t;
	struct atstrace_env env = { .min_resets = 2 };
	struct verdict v;

	memset(&t, 0, sizeof(t));
	t.ndev = 1;
	t.dev[0].c.invalidations = 100;
	t.dev[0].c.windows[1] = 3;
	assert_verdict(&t, &env, 0, &v);
	assert_int_equal(v.exit_code, 0);
	assert_string_equal(v.word, "PASS");

	t.dev[0].c.in_flight_at_open = 1;
	assert_verdict(&t, &env, 0, &v);
	assert_int_equal(v.exit_code, 1);

	t.dev[0].c.in_flight_at_open = 0;
	t.dev[0].c.unbracketed = 2;
	assert_verdict(&t, &env, 0, &v);
	assert_int_equal(v.exit_code, 0);
	env.fail_unbracketed = true;
	assert_verdict(&t, &env, 0, &v);
	assert_int_equal(v.exit_code, 1);

	env.fail_unbracketed = false;
	t.dev[0].c.windows[1] = 1;          /* fewer resets than asked */
	assert_verdict(&t, &env, 0, &v);
	assert_int_equal(v.exit_code, 3);
	t.global[G_BUS_WINDOWS] = 1;        /* bus windows count as resets */
	assert_verdict(&t, &env, 0, &v);
	assert_int_equal(v.exit_code, 0);
	t.dev[0].c.invalidations = 0;       /* nothing to judge */
	assert_verdict(&t, &env, 0, &v);
	assert_int_equal(v.exit_code, 3);
	assert_non_null(strstr(v.line, "INCONCLUSIVE"));
	/* a violation wins over a vacuous run */
	t.dev[0].c.in_window = 1;
	assert_verdict(&t, &env, 7, &v);
	assert_int_equal(v.exit_code, 1);
	assert_non_null(strstr(v.line, "command exited 7"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan_vtd_612),
		cmocka_unit_test(test_plan_fallback_and_missing),
		cmocka_unit_test(test_log2_slots),
		cmocka_unit_test(test_verdict),
	};

	return cmocka_run_group_tests_name("atstrace_plan", tests, NULL, NULL);
}
