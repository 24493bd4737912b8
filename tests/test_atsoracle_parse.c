// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: the lab oracle's trace parser and window accounting
 * (tools/atsoracle/atsoracle_parse.c), on trace lines written in tracefs's
 * format.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "atsoracle/atsoracle_parse.h"

static struct oracle_state st;
static uint64_t clock_us;

/* Feed one event the way tracefs prints it. */
__attribute__((format(printf, 3, 4)))
static void ev(int pid, const char *name, const char *fmt, ...)
{
	char line[4096], args[3072];
	struct oracle_event e;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	clock_us += 10;
	snprintf(line, sizeof(line), "%16s-%-7d [%03d] d..1. %5llu.%06llu: %s: (%s+0x0/0x10) %s\n",
		 "atsflr", pid, pid % 2, (unsigned long long)(clock_us / 1000000),
		 (unsigned long long)(clock_us % 1000000), name, "fn", args);
	assert_int_equal(oracle_parse_line(line, &e), 0);
	oracle_feed(&st, &e);
}

#define DEVTLB(sid) ((unsigned long long)(sid) << 32 | 3)
#define IOTLB 0x2ULL

static void submit(int pid, uint16_t sid)
{
	ev(pid, "qisub", "count=2 d0=0x%llx d1=0x%llx d2=0x%llx", IOTLB, DEVTLB(sid), DEVTLB(0xdead));
}

static struct oracle_device *dev(uint16_t sid)
{
	return oracle_device(&st, sid);
}

static void setup(void)
{
	oracle_init(&st);
	clock_us = 1000000;
}

static void test_parse_line_formats(void **state)
{
	struct oracle_event e;
	uint64_t v;

	assert_int_equal(oracle_parse_line(
		" kworker/u8:2-mm - 4711    [001] d..2.   123.000456: qisub_r: "
		"(qi_flush_context+0x71/0x90 <- qi_submit_sync) ret=-110\n", &e), 0);
	assert_string_equal(e.name, "qisub_r");
	assert_int_equal(e.pid, 4711);
	assert_int_equal(e.cpu, 1);
	assert_int_equal(e.ts_ns, 123000456000ULL);
	assert_true(oracle_kv_u64(&e, "ret", &v));
	assert_int_equal((int64_t)v, -110);
	assert_false(oracle_kv_u64(&e, "count", &v));
	assert_int_equal(oracle_parse_line("# tracer: nop\n", &e), 1);
	assert_int_equal(oracle_parse_line("\n", &e), 1);
	assert_true(oracle_parse_line("garbage without fields\n", &e) < 0);
}

static void test_devtlb_sid(void **state)
{
	uint16_t sid;

	assert_true(oracle_devtlb_sid(DEVTLB(0x0100), &sid));
	assert_int_equal(sid, 0x0100);
	assert_true(oracle_devtlb_sid(0x8 | 0x0208ULL << 16, &sid));
	assert_int_equal(sid, 0x0208);
	assert_false(oracle_devtlb_sid(0x5, &sid));
}

static void test_method_window(void **state)
{
	setup();
	submit(10, 0x0100);                       /* before: not in window */
	ev(20, "flr", "bus=1 devfn=0");
	submit(10, 0x0100);                       /* pending transactions: not yet */
	ev(20, "flrwrite", "pos=16 set=1");       /* another register: not the FLR */
	ev(20, "flrwrite", "pos=8 set=32768");    /* Initiate FLR */
	submit(10, 0x0100);                       /* inside */
	submit(10, 0x0200);                       /* another device: never */
	ev(20, "devwait_r", "ret=0");             /* device ready: window ends */
	submit(10, 0x0100);                       /* after */
	ev(20, "flr_r", "ret=0");
	assert_false(st.bracketing);
	assert_int_equal(dev(0x0100)->devtlb_descriptors, 4);
	assert_int_equal(dev(0x0100)->in_window, 1);
	assert_int_equal(dev(0x0100)->windows, 1);
	assert_int_equal(dev(0x0200)->in_window, 0);
	/* only the first `count` descriptors are read */
	assert_int_equal(dev(0xdead)->devtlb_descriptors, 0);
	assert_int_equal(st.qi_calls, 5);
}

/*
 * SMMUv3 command lists (arm_smmu_cmdq_issue_cmdlist): each command's first
 * word, the first n of them read; CMD_ATC_INV counted like a device-TLB
 * descriptor (windows and all), CFGI_* per StreamID, every opcode counted.
 */
#define SMMU_CMD(op, sid) ((unsigned long long)(sid) << 32 | (op))

static void smmu_list(int pid, unsigned int n, const unsigned long long *dw0, unsigned int len)
{
	char args[3072];
	int off;

	off = snprintf(args, sizeof(args), "n=%u sync=1", n);
	for (unsigned int i = 0; i < len; i++)
		off += snprintf(args + off, sizeof(args) - off, " d%u=0x%llx", i, dw0[i]);
	ev(pid, "smmucmd", "%s", args);
}

static void test_smmu_lists(void **state)
{
	unsigned long long l[65];
	uint64_t sid;

	setup();
	for (int i = 0; i < 65; i++)
		l[i] = SMMU_CMD(0x11, 0);          /* TLBI_NH_ASID: names no device */
	l[0] = SMMU_CMD(SMMU_OP_CFGI_STE, 0x100);
	l[1] = SMMU_CMD(SMMU_OP_ATC_INV, 0x100) | 1ULL << 11;  /* with a SubstreamID */
	l[2] = SMMU_CMD(SMMU_OP_ATC_INV, 0x10000);             /* no PCI device of segment 0 */
	l[63] = SMMU_CMD(SMMU_OP_ATC_INV, 0x200);
	l[64] = SMMU_CMD(SMMU_OP_ATC_INV, 0x300);              /* past n: never read */
	smmu_list(10, 64, l, 65);
	ev(10, "smmucmd_r", "ret=0");
	ev(20, "flr", "bus=1 devfn=0");
	ev(20, "flrwrite", "pos=8 set=32768");
	smmu_list(10, 2, l, 3);                /* inside 01:00.0's window */
	ev(10, "smmucmd_r", "ret=0");
	ev(20, "devwait_r", "ret=0");
	ev(20, "flr_r", "ret=0");
	assert_int_equal(st.smmu_lists, 2);
	assert_int_equal(st.smmu_returns, 2);
	assert_int_equal(st.qi_calls, 0);
	assert_int_equal(st.smmu_cmds, 66);
	assert_int_equal(st.smmu_by_op[0x11], 60);
	assert_int_equal(st.smmu_by_op[SMMU_OP_ATC_INV], 4);
	assert_int_equal(st.smmu_wide_sids, 1);
	assert_int_equal(dev(0x0100)->devtlb_descriptors, 2);
	assert_int_equal(dev(0x0100)->in_window, 1);
	assert_int_equal(dev(0x0100)->smmu_cfgi, 2);
	assert_int_equal(dev(0x0200)->devtlb_descriptors, 1);
	assert_int_equal(dev(0x0300)->devtlb_descriptors, 0);
	assert_int_equal(st.events_lost, 0);
	/* a longer list than any the driver sends: the trace is not trusted */
	smmu_list(10, 65, l, 65);
	assert_int_equal(st.events_lost, 1);
	/* which commands name a StreamID */
	assert_true(oracle_smmu_cmd_sid(SMMU_CMD(SMMU_OP_CFGI_CD_ALL, 7), &sid));
	assert_int_equal(sid, 7);
	assert_false(oracle_smmu_cmd_sid(SMMU_CMD(SMMU_OP_SYNC, 7), &sid));
	assert_false(oracle_smmu_cmd_sid(SMMU_CMD(SMMU_OP_CFGI_STE_RANGE, 0), &sid)); /* CFGI_ALL */
	assert_false(oracle_smmu_cmd_sid(SMMU_CMD(0x12, 7), &sid));
	assert_string_equal(oracle_smmu_op_name(SMMU_OP_ATC_INV), "ATC_INV");
	assert_null(oracle_smmu_op_name(0x7f));
	(void)state;
}

/*
 * Every shell reset is a task of its own: more of them than the task table
 * holds are all counted, a finished task's entry taken by the next.
 */
static void test_many_tasks(void **state)
{
	setup();
	for (int pid = 100; pid < 100 + 3 * ORACLE_MAX_TASKS; pid++) {
		ev(pid, "flr", "bus=1 devfn=0");
		ev(pid, "flrwrite", "pos=8 set=32768");
		ev(pid, "devwait_r", "ret=0");
		ev(pid, "flr_r", "ret=0");
	}
	assert_int_equal(dev(0x0100)->windows, 3 * ORACLE_MAX_TASKS);
	assert_int_equal(st.events_lost, 0);
}

static void test_in_flight_at_open(void **state)
{
	setup();
	submit(10, 0x0100);                       /* pid 10 has not returned */
	ev(20, "flr", "bus=1 devfn=0");
	ev(20, "flrwrite", "pos=8 set=32768");
	ev(10, "qisub_r", "ret=0");
	ev(20, "flr_r", "ret=0");
	assert_int_equal(dev(0x0100)->in_flight_at_open, 1);
	assert_int_equal(dev(0x0100)->in_window, 0);
	assert_int_equal(st.qi_returns, 1);
}

static void test_nesting_and_probe(void **state)
{
	setup();
	ev(20, "busfn", "bus=1 devfn=0 probe=1"); /* probing: no window */
	submit(10, 0x0100);
	ev(20, "busfn_r", "ret=0");
	ev(20, "pm", "bus=1 devfn=0 probe=0");    /* opens at entry */
	ev(20, "flr", "bus=1 devfn=0");           /* nested method */
	ev(20, "flrwrite", "pos=8 set=32768");
	ev(20, "devwait_r", "ret=0");
	ev(20, "flr_r", "ret=0");
	submit(10, 0x0100);                       /* still inside the outer one */
	ev(20, "pm_r", "ret=0");
	submit(10, 0x0100);
	assert_int_equal(dev(0x0100)->windows, 1);
	assert_int_equal(dev(0x0100)->in_window, 1);
	assert_int_equal(st.unmatched_returns, 0);
}

static void test_bracketing_mode(void **state)
{
	struct oracle_event e;

	setup();
	/* atsoracle scans the whole trace first: one prepare sets the mode */
	assert_int_equal(oracle_parse_line("x-1 [000] .... 1.0: prep: (f) bus=1 devfn=0", &e), 0);
	oracle_scan(&st, &e);
	ev(20, "flr", "bus=1 devfn=0");
	ev(20, "prep", "bus=1 devfn=0");
	submit(20, 0x0100);                       /* prepare's own flush: legitimate */
	ev(20, "prep_r", "ret=0");
	submit(10, 0x0100);                       /* inside: flagged */
	ev(20, "done", "bus=1 devfn=0");
	submit(10, 0x0100);                       /* done's restore: fine */
	ev(20, "flr_r", "ret=0");
	ev(20, "prep", "bus=1 devfn=0");
	ev(20, "prep_r", "ret=-16");              /* failed prepare: no window */
	submit(10, 0x0100);
	assert_true(st.bracketing);
	assert_int_equal(dev(0x0100)->windows, 1);
	assert_int_equal(dev(0x0100)->in_window, 1);
	assert_int_equal(dev(0x0100)->windows_by_method[7], 1);
}

static void test_bus_reset_window(void **state)
{
	setup();
	submit(10, 0x0300);                       /* make 03:00.0 known */
	ev(10, "qisub_r", "ret=0");
	ev(20, "sbr", "bus=0 devfn=16 sec=2 sub=3");
	submit(10, 0x0300);                       /* below the bridge */
	submit(10, 0x0400);                       /* not below it */
	ev(20, "sbrwait", "bus=0 devfn=16");
	ev(20, "sbrwait_r", "ret=0");
	submit(10, 0x0300);
	assert_int_equal(st.bus_resets, 1);
	assert_int_equal(dev(0x0300)->windows, 0); /* bus windows count per bridge */
	assert_int_equal(dev(0x0300)->in_window, 1);
	assert_int_equal(dev(0x0400)->in_window, 0);
}

/*
 * Error recovery: its bus reset's window lasts past the bus wait until
 * pcie_do_recovery() returns; a device restored by its bracket inside it
 * leaves it; a recovery that does not reset (state 1) changes nothing.
 */
static void test_recovery_window(void **state)
{
	struct oracle_event e;

	setup();
	assert_int_equal(oracle_parse_line("x-1 [000] .... 1.0: prep: (f) bus=1 devfn=0", &e), 0);
	oracle_scan(&st, &e);
	submit(10, 0x0300);                       /* make both devices known */
	submit(10, 0x0400);
	ev(10, "qisub_r", "ret=0");
	ev(20, "rec", "state=1");                 /* non-fatal: no reset, no window */
	ev(20, "rec_r", "ret=1");
	ev(20, "rec", "state=2");                 /* fatal: recovery with a reset */
	ev(20, "sbr", "bus=0 devfn=8 sec=1 sub=4");
	ev(20, "sbrwait_r", "ret=0");             /* the bus is back, the switch not yet */
	submit(10, 0x0300);                       /* flagged, in recovery */
	ev(20, "prep", "bus=4 devfn=0");
	ev(20, "prep_r", "ret=0");
	ev(20, "done", "bus=4 devfn=0");          /* 04:00.0 restored: leaves the window */
	submit(10, 0x0400);                       /* not flagged */
	submit(10, 0x0300);                       /* still flagged */
	ev(20, "rec_r", "ret=5");
	submit(10, 0x0300);                       /* after the recovery */
	assert_int_equal(st.bus_resets, 1);
	assert_int_equal(dev(0x0300)->recovery_windows, 1);
	assert_int_equal(dev(0x0300)->bus_windows, 0);
	assert_int_equal(dev(0x0300)->in_window, 2);
	assert_int_equal(dev(0x0300)->in_recovery, 2);
	assert_int_equal(dev(0x0400)->in_window, 0);
	assert_int_equal(st.nbus, 0);
}

/* Without bracketing, a reset method's window ending inside a recovery is no restore. */
static void test_recovery_window_no_bracketing(void **state)
{
	setup();
	submit(10, 0x0300);
	ev(10, "qisub_r", "ret=0");
	ev(20, "rec", "state=2");
	ev(20, "sbr", "bus=0 devfn=8 sec=1 sub=4");
	ev(20, "sbrwait_r", "ret=0");
	ev(30, "pm", "bus=3 devfn=0 probe=0");   /* a reset of it inside the recovery */
	ev(30, "pm_r", "ret=0");
	submit(10, 0x0300);                       /* still in the recovery's window */
	ev(20, "rec_r", "ret=5");
	assert_false(st.bracketing);
	assert_int_equal(dev(0x0300)->in_recovery, 1);
}

/* Two passes, as atsoracle runs them: the second knows every window edge. */
/*
 * The other observer's bus windows are matched by the bus they cover, not
 * in the order of all bus windows: a downstream port's resets and then the
 * root port's (hot-reset behind a switch) pair each with its own.
 */
static void test_observer_bus_windows(void **state)
{
	static const char *const lines[] = {
		"r-20 [001] .... 1.000000: sbr: (f) bus=2 devfn=0 sec=3 sub=3",
		"r-20 [001] .... 1.100000: sbrwait_r: (f) ret=0",
		"r-20 [001] .... 4.000000: sbr: (f) bus=0 devfn=8 sec=1 sub=4",
		"r-20 [001] .... 4.100000: sbrwait_r: (f) ret=0",
	};
	/* atstrace's: the downstream port's at 1.0005 s, the root port's at 4.001 s */
	const struct observer_window wins[] = {
		{ .sid = 0x0200, .bus_lo = 3, .bus = true, .open_ns = 1000500000, .close_ns = 1100000000 },
		{ .sid = 0x0008, .bus_lo = 1, .bus = true, .open_ns = 4001000000, .close_ns = 4100000000 },
	};
	struct oracle_event e;

	setup();
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		assert_int_equal(oracle_parse_line(lines[i], &e), 0);
		oracle_feed(&st, &e);
	}
	oracle_match_observer(&st, wins, 2);
	assert_int_equal(st.max_slack, 1000000);   /* 1 ms, not the 3 s between the two */
	oracle_free(&st);
	(void)state;
}

static void test_edges(void **state)
{
	static const char *const lines[] = {
		"a-10 [000] .... 1.000000: qisub: (f) count=1 d0=0x10000000003",   /* far: plain */
		"r-20 [001] .... 1.001000: flr: (f) bus=1 devfn=0",
		"a-10 [000] .... 1.001000: qisub_r: (f) ret=0",
		"a-10 [000] .... 1.001950: qisub: (f) count=1 d0=0x10000000003",   /* 50us before the open */
		"r-20 [001] .... 1.002000: flrwrite: (f) pos=8 set=32768",
		"a-10 [000] .... 1.002100: qisub_r: (f) ret=0",                     /* in flight at open */
		"a-10 [000] .... 1.002150: qisub: (f) count=1 d0=0x10000000003",   /* 150us after */
		"a-10 [000] .... 1.002200: qisub_r: (f) ret=0",
		"a-10 [000] .... 1.050000: qisub: (f) count=1 d0=0x10000000003",   /* deep inside */
		"a-10 [000] .... 1.050010: qisub_r: (f) ret=0",
		"r-20 [001] .... 1.100000: devwait_r: (f) ret=0",
		"r-20 [001] .... 1.100100: flr_r: (f) ret=0",
	};
	struct oracle_event e;

	setup();
	for (int pass = 0; pass < 2; pass++) {
		if (pass)
			oracle_second_pass(&st, 200000);
		for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
			assert_int_equal(oracle_parse_line(lines[i], &e), 0);
			oracle_feed(&st, &e);
		}
	}
	assert_int_equal(dev(0x0100)->devtlb_descriptors, 4);
	assert_int_equal(dev(0x0100)->in_window, 2);
	assert_int_equal(dev(0x0100)->in_flight_at_open, 1);
	/* the 150us-after one is in but near; the 50us-before one is in flight but near */
	assert_int_equal(dev(0x0100)->edge_in, 2);
	assert_int_equal(dev(0x0100)->edge_out, 1);
	oracle_free(&st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_line_formats),
		cmocka_unit_test(test_devtlb_sid),
		cmocka_unit_test(test_method_window),
		cmocka_unit_test(test_many_tasks),
		cmocka_unit_test(test_in_flight_at_open),
		cmocka_unit_test(test_nesting_and_probe),
		cmocka_unit_test(test_bracketing_mode),
		cmocka_unit_test(test_bus_reset_window),
		cmocka_unit_test(test_recovery_window),
		cmocka_unit_test(test_recovery_window_no_bracketing),
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_observer_bus_windows),
		cmocka_unit_test(test_smmu_lists),
	};

	return cmocka_run_group_tests_name("atsoracle_parse", tests, NULL, NULL);
}
