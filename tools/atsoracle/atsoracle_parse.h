/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The lab's independent oracle: reads the tracefs kprobe trace recorded in the
 * guest (lab/guest-lib.sh, no BPF involved) and counts device-TLB (ATC)
 * invalidations per device (VT-d descriptors at qi_submit_sync, SMMUv3
 * commands at arm_smmu_cmdq_issue_cmdlist), reset windows, and invalidations
 * that hit a device inside its window. On SMMUv3 it also counts every
 * command list by opcode, and the configuration invalidations (CFGI_*) that
 * name each device's StreamID; StreamIDs are taken as the device's requester
 * ID (QEMU's virt board maps them one to one). A list is taken as complete
 * at its return, also one issued without a CMD_SYNC (a full batch: it
 * completes at the next synced list on that queue). It deliberately shares no code with
 * atstrace's BPF side: its counts are what atstrace is checked against.
 *
 * Window, per device and nesting-aware:
 *  - on a kernel with reset bracketing (the trace has `prep` events): from
 *    the return of a successful pci_dev_reset_iommu_prepare() to the entry of
 *    pci_dev_reset_iommu_done();
 *  - otherwise: from the hardware reset's start to the device being ready:
 *    pcie_flr's when Initiate FLR is written to Device Control, the
 *    other methods' (pci_af_flr, pci_pm_reset, pci_reset_bus_function,
 *    pci_dev_acpi_reset, pci_dev_specific_reset, cxl_reset_bus_function) at
 *    their entry; it ends when pci_dev_wait() returns inside the method, or
 *    at the method's return; calls with probe=1 are ignored;
 *  - on any kernel, a secondary bus reset opens a window on every device
 *    below the bridge, from pci_reset_secondary_bus() to the return of
 *    pci_bridge_wait_for_secondary_bus().
 * Bus windows are counted per bridge (bus_resets), not as device windows.
 * An invalidation is in-window when submitted while its device's window is
 * open or a bus window covers its bus; it is in-flight-at-open when submitted before a window opens on its
 * device and not yet completed then.
 *
 * Edges. Another CPU's submission that lands close to a window's edge has
 * no single order with it: the oracle's kprobe handler and a BPF program at
 * the same point run at different instants (tens of microseconds apart under
 * TCG, milliseconds when the host deschedules the vCPU between them). A
 * second pass knows every edge and counts those invalidations as edge_in
 * (counted, but near an edge) and edge_out (not counted, near an edge).
 * "Near" is edge_ns either side, widened by two measured skews when the
 * other observer's events are given: the gap between its edge and ours
 * (oracle_match_observer), and, forward in time only, the longest lag
 * between our record of a submission and the other observer's record of it
 * on the same CPU (from its flagged events): it decides that late at most.
 * Another observer's in_window + in_flight_at_open agrees when it lies in
 * [sum - edge_in, sum + edge_out]; totals and window counts must be equal.
 */
#ifndef ATSTRACE_ATSORACLE_PARSE_H
#define ATSTRACE_ATSORACLE_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ORACLE_MAX_KV 72 /* an SMMUv3 list: n, sync and 64 commands' first words */
#define ORACLE_MAX_DEVICES 256
#define ORACLE_MAX_TASKS 256
#define ORACLE_STACK_DEPTH 8
#define ORACLE_MAX_BATCH 16      /* VT-d: descriptors per qi_submit_sync */
#define ORACLE_MAX_SMMU_BATCH 64 /* SMMUv3: commands per list (CMDQ_BATCH_ENTRIES) */
#define ORACLE_MAX_BUS_WINDOWS 16
#define ORACLE_NR_METHODS 8 /* seven reset methods and the bracket */
#define ORACLE_MAX_CPUS 256

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
	bool stuck;   /* left blocked by an unready reset: holds depth 1 */
	uint64_t windows;
	uint64_t windows_by_method[ORACLE_NR_METHODS];
	uint64_t bus_windows;        /* secondary bus resets of a bridge above it */
	uint64_t recovery_windows;   /* ... issued by error recovery (pcie_do_recovery) */
	uint64_t in_recovery;        /* of in_window: inside a recovery window */
	uint64_t released;           /* id of the recovery window its bracket ended in */
	uint64_t devtlb_descriptors; /* VT-d device-TLB descriptors, SMMUv3 CMD_ATC_INVs */
	uint64_t devtlb_calls;       /* qi_submit_sync calls carrying >= 1 for it */
	uint64_t in_window;          /* descriptors submitted inside a window */
	uint64_t in_flight_at_open;  /* submissions still running when a window opened */
	uint64_t edge_in, edge_out;  /* near a window edge: see above */
	uint64_t smmu_cfgi;          /* SMMUv3 CFGI_STE/_CD/_CD_ALL naming it */
};

/* a window edge: open or close of a device window, or of a bus window */
struct oracle_edge {
	uint64_t ts;
	uint64_t slack;     /* extra nearness: the other observer's distance */
	uint16_t sid;       /* device windows */
	uint8_t bus_lo, bus_hi;
	bool bus;           /* a bus window: covers bus_lo..bus_hi */
	bool open;
};

/* A call on a task's stack: a reset method, a prepare, a bus reset or a submit. */
struct oracle_frame {
	int kind;
	uint16_t sid;               /* device (or bridge) */
	uint8_t bus_lo, bus_hi;     /* bus reset: the buses below the bridge */
	bool ignored;               /* probe=1: no window */
	int phase;                  /* reset methods: where the hardware reset is */
	bool smmu;                  /* an SMMUv3 command list, not a qi_submit */
	int nsids;                  /* qi_submit: the devices it carries */
	uint16_t sids[ORACLE_MAX_BATCH];
	bool counted[ORACLE_MAX_BATCH]; /* already counted as in-flight-at-open */
	bool inwin[ORACLE_MAX_BATCH];   /* counted in-window at submission */
};

struct oracle_task {
	int pid;
	int sp;
	int recovery;               /* inside pcie_do_recovery() for a reset */
	struct oracle_frame stack[ORACLE_STACK_DEPTH];
};

struct oracle_state {
	bool bracketing;  /* saw pci_dev_reset_iommu_prepare */
	uint64_t events, unknown_events, unmatched_returns;
	/* events its full tables could not hold (tasks, a task's stack, devices,
	 * bus windows): counted, and a run with any is judged lost */
	uint64_t events_lost;
	uint64_t qi_calls, qi_returns, qi_errors;
	/* SMMUv3 command lists; their commands, by opcode; ATC_INV or CFGI_*
	 * naming a StreamID above 0xffff (no PCI device of segment 0) */
	uint64_t smmu_lists, smmu_returns, smmu_errors, smmu_cmds;
	uint64_t smmu_by_op[256];
	uint64_t smmu_wide_sids;
	uint64_t bus_resets;
	int ndev;
	struct oracle_device dev[ORACLE_MAX_DEVICES];
	int ntask;
	struct oracle_task task[ORACLE_MAX_TASKS];
	int nbus;         /* open bus-reset windows */
	/* rec: opened by error recovery, lasts until it returns; id: its opening */
	struct { int pid; uint8_t lo, hi; bool rec; uint64_t id; } bus[ORACLE_MAX_BUS_WINDOWS];
	uint64_t now;     /* timestamp of the event being fed */
	/* pass 1 records every edge; pass 2 (edges_known) classifies against them */
	struct oracle_edge *edges;
	size_t nedges, edges_cap;
	bool edges_known;
	uint64_t edge_ns, max_slack;
	/* pass 1: the other observer's flagged submissions, to measure its lag */
	const struct observer_flag *flags;
	size_t nflags, flag_pos;
	uint64_t last_submit[ORACLE_MAX_CPUS];
	uint64_t max_lag;
};

extern const char *const oracle_method_names[ORACLE_NR_METHODS + 1];

void oracle_init(struct oracle_state *st);
/* Starts the second pass: keeps the edges (sorted) and the mode, resets the rest. */
void oracle_second_pass(struct oracle_state *st, uint64_t edge_ns);
void oracle_free(struct oracle_state *st);
/*
 * After pass 1, before oracle_second_pass: widen each edge by its distance to
 * the other observer's matching edge (the k-th opening and closing of the
 * same device, or of a bus window over the same first bus). wins holds n
 * entries.
 */
struct observer_window {
	uint16_t sid;      /* device, or the bridge for a bus window */
	uint8_t bus_lo;    /* a bus window: the first bus below the bridge */
	bool bus;
	uint64_t open_ns, close_ns;
};
void oracle_match_observer(struct oracle_state *st, const struct observer_window *wins, size_t n);

/* the other observer's flagged submissions (sorted by ts), for pass 1 */
struct observer_flag {
	uint64_t ts;
	uint32_t cpu;
};
/* Bracketing or not must be known before replaying: set it from a first pass. */
void oracle_scan(struct oracle_state *st, const struct oracle_event *ev);
void oracle_feed(struct oracle_state *st, const struct oracle_event *ev);
struct oracle_device *oracle_device(struct oracle_state *st, uint16_t sid);

/* Decode a VT-d descriptor's qw0: true and the SID for a device-TLB one. */
bool oracle_devtlb_sid(uint64_t qw0, uint16_t *sid);

/* SMMUv3 commands, by the first word's opcode (bits 7:0), as the
 * specification numbers them; the name of one, or NULL if not listed. */
enum {
	SMMU_OP_CFGI_STE = 0x03, SMMU_OP_CFGI_STE_RANGE = 0x04, SMMU_OP_CFGI_CD = 0x05,
	SMMU_OP_CFGI_CD_ALL = 0x06, SMMU_OP_ATC_INV = 0x40, SMMU_OP_SYNC = 0x46,
};
const char *oracle_smmu_op_name(unsigned int op);
/* The StreamID (bits 63:32) of a command that names one device: ATC_INV,
 * CFGI_STE, CFGI_CD, CFGI_CD_ALL; false for any other (CFGI_STE_RANGE names
 * a range, its size in the second word the probe does not read; with size
 * 31 it is CFGI_ALL). */
bool oracle_smmu_cmd_sid(uint64_t dw0, uint64_t *sid);

#endif
