/* SPDX-License-Identifier: GPL-2.0 */
/* atstrace's output: live events, the summary, histograms and the --assert verdict. */
#ifndef ATSTRACE_REPORT_H
#define ATSTRACE_REPORT_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>

#include "atstrace.h"
#include "atstrace_cli.h"
#include "ksyms.h"
#include "lib/json_writer.h"

/*
 * atstrace's NDJSON records, described by docs/atstrace.schema.json. Within a
 * version, fields are only added, never renamed, retyped or removed;
 * anything else takes a new version.
 */
#define ATSTRACE_SCHEMA_VERSION 2

struct device_totals {
	__u32 rid;
	struct dev_counts c;   /* summed over CPUs */
	/* SMMUv3: the StreamIDs attaches named for it (distinct, as learnt) */
	int nsids;
	__u32 sids[SMMU_MAX_STREAMS];
};

/*
 * atstrace's own footprint when the totals were read: what a long run
 * watches for leaks (heap_bytes, fds: flat once every device and kind has
 * been seen) and what a fleet budgets for (rss_bytes).
 */
struct tool_memory {
	__u64 heap_bytes;      /* malloc's bytes in use (mallinfo2: arena + mmapped) */
	__u64 rss_bytes;       /* resident set, ring buffer pages included */
	__u64 fds;             /* open file descriptors (maps, programs, links...) */
};

struct run_totals {
	struct device_totals dev[ATSTRACE_MAX_DEVICES];
	int ndev;
	__u64 global[G_NR];
	/* submissions the invalidation program did not see (nested on its CPU) */
	__u64 submit_misses;
	/* runs of any program the kernel skipped (nested on their CPU) */
	__u64 program_misses;
	/* the VT-d cross-check: device-TLB invalidations at the qi_submit tracepoint */
	bool crosscheck;
	/* VT-d in flight read from the invalidation queues (no completion hook) */
	bool vtd_lean;
	bool bracketing;       /* the kernel has pci_dev_reset_iommu_prepare() */
	__u64 inject_calls;    /* completions --inject-delay found eligible */
	struct tool_memory mem; /* atstrace's own footprint (all zero: not read) */
};

/* Adds a StreamID learnt for rid to its device's list (once; a device
 * without counts, or a full list, is left as it is). */
void totals_add_streamid(struct run_totals *t, __u32 rid, __u32 sid);

/* One histogram, cumulative since the start: a device's and a kind's (H_*). */
struct hist_total {
	__u32 rid;
	__u32 kind;
	__u32 sub;     /* H_WINDOW: the window kind */
	struct hist h;
};

/* How a run ended, beyond what the kernel side counted. */
struct run_end {
	int cmd_status;        /* --assert: the command's exit status, or 128 + signal */
	int stop_signal;       /* the signal that stopped atstrace before that, or 0 */
	int poll_error;        /* -errno of a failed ring-buffer poll, or 0 */
	bool output_error;     /* what atstrace wrote did not all get out */
};

/*
 * What atstrace could not see, count or had to drop, one row per counter:
 * any non-zero one makes --assert INCONCLUSIVE, naming it.
 */
struct health_row {
	const char *name;      /* in the JSON summary's "health" */
	const char *what;      /* "N <what>" in the verdict */
	int global;            /* index into run_totals.global; -1: computed */
};

extern const struct health_row health_rows[];
extern const int health_rows_len;
__u64 health_value(const struct run_totals *t, const struct health_row *r);

const char *window_kind_name(__u32 kind);
const char *domain_type_name(__u32 type);
/* a submission's IOMMU driver (enum submit_vendor): vtd, amd, smmuv3 */
const char *vendor_name(__u32 vendor);
void rid_name(__u32 rid, char *buf, size_t len);

/* sums over devices */
__u64 totals_windows(const struct run_totals *t);
__u64 totals_field(const struct run_totals *t, size_t offset);
#define TOTAL(t, field) totals_field(t, offsetof(struct dev_counts, field))

void report_event_text(FILE *f, const struct event *e, bool timestamps,
		       const struct ksyms *ks, bool with_stack);
void report_event_json(struct json_writer *w, const struct event *e, const struct ksyms *ks,
		       bool with_stack);
void report_summary_text(FILE *f, const struct run_totals *t);
void report_summary_json(struct json_writer *w, const struct run_totals *t,
			 const struct run_end *end, const char *verdict, int exit_code);

struct verdict {
	int exit_code;     /* 0 clean, 1 flagged, 3 proved nothing */
	const char *word;  /* PASS / FAIL / INCONCLUSIVE */
	char line[1024];
};

void assert_verdict(const struct run_totals *t, const struct atstrace_env *env,
		    const struct run_end *end, struct verdict *v);

/* kselftest's exit codes, which --ktap follows */
enum { KSFT_PASS = 0, KSFT_FAIL = 1, KSFT_SKIP = 4 };

/*
 * --ktap: the verdict @v (assert_verdict() of the same run) as KTAP version 1
 * on @f, one test per check. Returns the kselftest exit code: KSFT_FAIL when
 * a test is "not ok" (a violation, or the workload failed), KSFT_SKIP when
 * the run proved nothing (every test that did not fail is "# SKIP", with the
 * cause: an inconclusive run claims nothing "ok"), KSFT_PASS otherwise.
 */
int assert_ktap(FILE *f, const struct run_totals *t, const struct atstrace_env *env,
		const struct run_end *end, const struct verdict *v);

#endif
