/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The lab's independent oracle: reads the tracefs kprobe trace recorded in the
 * guest (scenarios/lab/guest-lib.sh, no BPF involved) and counts VT-d
 * device-TLB invalidations per device, reset windows, and invalidations that
 * hit a device inside its window. It deliberately shares no code with
 * atstrace's BPF side: its counts are what atstrace is checked against.
 *
 * Window, per device and nesting-aware:
 *  - on a kernel with reset bracketing (the trace has `prep` events): from
 *    the return of a successful pci_dev_reset_iommu_prepare() to the entry of
 *    pci_dev_reset_iommu_done();
 *  - otherwise: the span of the reset method (pcie_flr, pci_af_flr,
 *    pci_pm_reset, pci_reset_bus_function; calls with probe=1 ignored);
 *  - on any kernel, a secondary bus reset opens a window on every device
 *    below the bridge, from pci_reset_secondary_bus() to the return of
 *    pci_bridge_wait_for_secondary_bus().
 * An invalidation is in-window when submitted while its device's window is
 * open; it is in-flight-at-open when submitted before a window opens on its
 * device and not yet completed then.
 */
#ifndef ATSTRACE_ATSORACLE_PARSE_H
#define ATSTRACE_ATSORACLE_PARSE_H

#include <stdbool.h>
#include <stdint.h>

#define ORACLE_MAX_KV 24
#define ORACLE_MAX_DEVICES 256
#define ORACLE_MAX_TASKS 256
#define ORACLE_STACK_DEPTH 8
#define ORACLE_MAX_BATCH 16
#define ORACLE_MAX_BUS_WINDOWS 16

struct oracle_event {
	char name[32];
	int pid;
	int cpu;
	uint64_t ts_ns;
	int nkv;
	struct {
		char key[16];
		char val[24];
	} kv[ORACLE_MAX_KV];
};

/* 0: parsed; 1: not an event line (header, comment, blank); -EINVAL: garbled. */
int oracle_parse_line(const char *line, struct oracle_event *ev);
/* The value of key as an unsigned number (decimal or 0x hex); false if absent. */
bool oracle_kv_u64(const struct oracle_event *ev, const char *key, uint64_t *v);

struct oracle_device {
	uint16_t sid; /* bus << 8 | devfn, segment 0 */
	int depth;    /* open windows (nesting) */
	uint64_t windows;
	uint64_t windows_by_method[8];
	uint64_t devtlb_descriptors;
	uint64_t devtlb_calls;       /* qi_submit_sync calls carrying >= 1 for it */
	uint64_t in_window;          /* descriptors submitted inside a window */
	uint64_t in_flight_at_open;  /* submissions still running when a window opened */
};

/* A call on a task's stack: a reset method, a prepare, a bus reset or a submit. */
struct oracle_frame {
	int kind;
	uint16_t sid;               /* device (or bridge) */
	uint8_t bus_lo, bus_hi;     /* bus reset: the buses below the bridge */
	bool ignored;               /* probe=1: no window */
	int nsids;                  /* qi_submit: the devices it carries */
	uint16_t sids[ORACLE_MAX_BATCH];
	bool counted[ORACLE_MAX_BATCH]; /* already counted as in-flight-at-open */
};

struct oracle_task {
	int pid;
	int sp;
	struct oracle_frame stack[ORACLE_STACK_DEPTH];
};

struct oracle_state {
	bool bracketing;  /* saw pci_dev_reset_iommu_prepare */
	uint64_t events, unknown_events, unmatched_returns;
	uint64_t qi_calls, qi_returns, qi_errors;
	uint64_t bus_resets;
	int ndev;
	struct oracle_device dev[ORACLE_MAX_DEVICES];
	int ntask;
	struct oracle_task task[ORACLE_MAX_TASKS];
	int nbus;         /* open bus-reset windows */
	struct { int pid; uint8_t lo, hi; } bus[ORACLE_MAX_BUS_WINDOWS];
};

extern const char *const oracle_method_names[8];

void oracle_init(struct oracle_state *st);
/* Bracketing or not must be known before replaying: set it from a first pass. */
void oracle_scan(struct oracle_state *st, const struct oracle_event *ev);
void oracle_feed(struct oracle_state *st, const struct oracle_event *ev);
struct oracle_device *oracle_device(struct oracle_state *st, uint16_t sid);

/* Decode a VT-d descriptor's qw0: true and the SID for a device-TLB one. */
bool oracle_devtlb_sid(uint64_t qw0, uint16_t *sid);

#endif
