// SPDX-License-Identifier: GPL-2.0
/* Unit tests: the reset-window state machine (bpf/reset_window.h), as the BPF programs run it. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <linux/types.h>

#include "reset_window.h"

static void test_window_nesting(void **state)
{
	struct dev_window w = { 0 };
	__u64 dur = 0;

	assert_int_equal(window_enter(&w, WK_BRACKET, 100), WS_OPENED);
	assert_int_equal(window_enter(&w, WK_FLR, 150), WS_NESTED);
	assert_int_equal(w.kind, WK_BRACKET);        /* the outermost names it */
	assert_int_equal(window_leave(&w, 200, &dur), WS_NESTED);
	assert_int_equal(dur, 0);
	assert_int_equal(window_leave(&w, 350, &dur), WS_CLOSED);
	assert_int_equal(dur, 250);
	assert_int_equal(w.depth, 0);
	/* an unbalanced done changes nothing */
	assert_int_equal(window_leave(&w, 400, &dur), WS_UNBALANCED);
	assert_int_equal(w.depth, 0);
	assert_int_equal(window_enter(&w, WK_PM, 500), WS_OPENED);
	assert_int_equal(w.kind, WK_PM);
}

/* kernel-patch/'s series: a device not ready after its reset stays blocked */
static void test_window_unready(void **state)
{
	struct dev_window w = { 0 };
	__u64 dur = 0;

	assert_int_equal(window_enter(&w, WK_BRACKET, 100), WS_OPENED);
	/* the reset failed: the bracket ends, the window stays open */
	assert_int_equal(window_leave_as(&w, 0, 200, &dur), WS_NESTED);
	assert_int_equal(w.depth, 1);
	assert_int_equal(w.stuck, 1);
	/* the next reset nests inside it; a failed one again changes nothing */
	assert_int_equal(window_enter(&w, WK_BRACKET, 300), WS_NESTED);
	assert_int_equal(window_leave_as(&w, 0, 400, &dur), WS_NESTED);
	assert_int_equal(w.depth, 1);
	/* a nested bracket inside the next reset ends as usual ... */
	assert_int_equal(window_enter(&w, WK_BRACKET, 500), WS_NESTED);
	assert_int_equal(window_enter(&w, WK_FLR, 510), WS_NESTED);
	assert_int_equal(window_leave(&w, 520, &dur), WS_NESTED);
	assert_int_equal(w.depth, 2);
	/* ... and the outermost that completes closes the window opened at 100 */
	assert_int_equal(window_leave(&w, 600, &dur), WS_CLOSED);
	assert_int_equal(dur, 500);
	assert_int_equal(w.depth, 0);
	assert_int_equal(w.stuck, 0);
	assert_int_equal(window_leave(&w, 700, &dur), WS_UNBALANCED);
}

static void test_flr_phases(void **state)
{
	struct task_frames t = { 0 };
	bool popped;

	/* the window does not open at pcie_flr's entry ... */
	assert_null(frame_push(&t, 0x0100, WK_FLR, false));
	assert_null(frame_device_ready(&t));
	/* ... but when Initiate FLR is written */
	assert_non_null(frame_flr_written(&t));
	assert_null(frame_flr_written(&t));
	/* pci_dev_wait returns: the window closes there, not at the return */
	assert_non_null(frame_device_ready(&t));
	assert_null(frame_pop(&t, WK_FLR, &popped));
	assert_true(popped);
	assert_int_equal(t.depth, 0);
}

static void test_flr_immediate_ready(void **state)
{
	struct task_frames t = { 0 };
	struct reset_frame *f;
	bool popped;

	/* imm_ready: pcie_flr returns without pci_dev_wait: closes at the return */
	frame_push(&t, 0x0100, WK_FLR, false);
	frame_flr_written(&t);
	f = frame_pop(&t, WK_FLR, &popped);
	assert_non_null(f);
	assert_int_equal(f->rid, 0x0100);
}

/*
 * A bracketing kernel whose done comes before the device is ready (after
 * the FLR write, before pci_dev_wait returns): marked at done, proven only
 * when pci_dev_wait returns after it in the same method.
 */
static void test_done_before_ready(void **state)
{
	struct task_frames t = { 0 };
	bool popped;

	frame_push(&t, 0x0100, WK_FLR, false);
	assert_false(frame_done_early(&t, 0x0100));   /* FLR not written: nothing reset yet */
	frame_flr_written(&t);
	assert_false(frame_done_early(&t, 0x0200));   /* another device's done */
	assert_true(frame_done_early(&t, 0x0100));
	assert_null(frame_device_ready(&t));          /* not a window atstrace closes */
	assert_non_null(frame_ready_after_done(&t));  /* ready after done: unbracketed */
	assert_null(frame_ready_after_done(&t));      /* once */
	assert_null(frame_pop(&t, WK_FLR, &popped));
	/* done on time (after the device is ready): nothing marked */
	frame_push(&t, 0x0100, WK_PM, false);
	frame_device_ready(&t);
	assert_false(frame_done_early(&t, 0x0100));
	assert_null(frame_ready_after_done(&t));
	frame_pop(&t, WK_PM, &popped);
	/* Immediate Readiness (no pci_dev_wait): marked, never proven, popped */
	frame_push(&t, 0x0100, WK_FLR, false);
	frame_flr_written(&t);
	assert_true(frame_done_early(&t, 0x0100));
	assert_null(frame_pop(&t, WK_FLR, &popped));
	assert_true(popped);
	assert_int_equal(t.depth, 0);
	/* a bus reset method never waits with pci_dev_wait: never marked */
	frame_push(&t, 0x0100, WK_BUS_FUNCTION, false);
	assert_false(frame_done_early(&t, 0x0100));
	(void)state;
}

static void test_other_methods_open_at_entry(void **state)
{
	struct task_frames t = { 0 };
	bool popped;

	assert_non_null(frame_push(&t, 0x0100, WK_PM, false));
	assert_non_null(frame_device_ready(&t));
	assert_null(frame_pop(&t, WK_PM, &popped));
	/* probing never opens */
	assert_null(frame_push(&t, 0x0100, WK_BUS_FUNCTION, true));
	assert_null(frame_device_ready(&t));
	assert_null(frame_pop(&t, WK_BUS_FUNCTION, &popped));
	assert_true(popped);
}

static void test_nested_methods(void **state)
{
	struct task_frames t = { 0 };
	struct reset_frame *f;
	bool popped;

	/* a device-specific reset that calls pcie_flr */
	assert_non_null(frame_push(&t, 0x0100, WK_DEV_SPECIFIC, false));
	assert_null(frame_push(&t, 0x0100, WK_FLR, false));
	assert_non_null(frame_flr_written(&t));
	assert_non_null(frame_device_ready(&t));  /* closes the inner FLR */
	assert_null(frame_pop(&t, WK_FLR, &popped));
	f = frame_pop(&t, WK_DEV_SPECIFIC, &popped);  /* the outer one is still open */
	assert_non_null(f);
	assert_int_equal(f->kind, WK_DEV_SPECIFIC);
	/* a return whose entry was missed pops nothing */
	assert_null(frame_pop(&t, WK_PM, &popped));
	assert_false(popped);
}

static void test_frame_overflow(void **state)
{
	struct task_frames t = { 0 };
	bool popped;

	for (int i = 0; i < RESET_FRAMES_MAX; i++)
		assert_non_null(frame_push(&t, i, WK_PM, false));
	assert_null(frame_push(&t, 99, WK_PM, false));
	assert_int_equal(t.depth, RESET_FRAMES_MAX);
	assert_non_null(frame_pop(&t, WK_PM, &popped));
	assert_int_equal(t.depth, RESET_FRAMES_MAX - 1);
}

static void test_bus_window(void **state)
{
	struct bus_window b = { .active = 1, .segment = 0, .bus_lo = 2, .bus_hi = 4 };

	assert_true(bus_window_covers(&b, 0x0200));
	assert_true(bus_window_covers(&b, 0x04ff));
	assert_false(bus_window_covers(&b, 0x0100));
	assert_false(bus_window_covers(&b, 0x0500));
	assert_false(bus_window_covers(&b, 1 << 16 | 0x0300)); /* other segment */
	b.active = 0;
	assert_false(bus_window_covers(&b, 0x0300));
}

/*
 * A recovery window holds every device below the bridge until the recovery
 * returns, except one whose bracket ended ready inside it (the series
 * restored it once its path was back); a plain bus window has no exception.
 */
static void test_recovery_window(void **state)
{
	struct bus_window rec = { .active = BUS_WINDOW_OPEN, .bus_lo = 1, .bus_hi = 4,
				  .open_ns = 100, .kind = WK_RECOVERY };
	struct bus_window bus = rec;
	struct dev_window w = {}, other = {};
	__u64 dur;

	(void)state;
	bus.kind = WK_SECONDARY_BUS;
	assert_true(bus_window_holds(&rec, 0x0300, NULL));  /* no window of its own */
	assert_true(bus_window_holds(&rec, 0x0300, &w));
	/* bracketed inside the recovery, restored: it leaves this window */
	window_enter(&w, WK_BRACKET, 110);
	assert_int_equal(window_leave(&w, 150, &dur), WS_CLOSED);
	recovery_release(&w, &rec, 0x0300);
	assert_false(bus_window_holds(&rec, 0x0300, &w));
	assert_true(bus_window_holds(&rec, 0x0400, &other)); /* its siblings stay */
	/* ... but not a later recovery, nor a plain bus window */
	rec.open_ns = 200;
	assert_true(bus_window_holds(&rec, 0x0300, &w));
	recovery_release(&w, &bus, 0x0300);
	assert_true(bus_window_holds(&bus, 0x0300, &w));
	/* a device outside the range is not released by it */
	recovery_release(&other, &rec, 0x0500);
	assert_int_equal(other.released, 0);
	/* a slot being filled holds nothing */
	rec.active = BUS_WINDOW_FILLING;
	assert_false(bus_window_holds(&rec, 0x0400, &other));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_window_nesting),
		cmocka_unit_test(test_window_unready),
		cmocka_unit_test(test_flr_phases),
		cmocka_unit_test(test_flr_immediate_ready),
		cmocka_unit_test(test_done_before_ready),
		cmocka_unit_test(test_other_methods_open_at_entry),
		cmocka_unit_test(test_nested_methods),
		cmocka_unit_test(test_frame_overflow),
		cmocka_unit_test(test_bus_window),
		cmocka_unit_test(test_recovery_window),
	};

	return cmocka_run_group_tests_name("reset_window", tests, NULL, NULL);
}
