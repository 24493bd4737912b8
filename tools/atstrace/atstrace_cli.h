/* SPDX-License-Identifier: GPL-2.0 */
/* atstrace's command line: parsed into struct atstrace_env (unit-tested). */
#ifndef ATSTRACE_CLI_H
#define ATSTRACE_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/parse.h"

#define CLI_MAX_DEVICES 8
#define INJECT_CAP_DEFAULT_NS 1000000ULL    /* 1 ms */
#define INJECT_CAP_HARD_NS 10000000ULL      /* 10 ms: 1/1000 of the hard-lockup watchdog */
#define INJECT_BUDGET_DEFAULT_NS 200000000ULL /* 200 ms of each second, per CPU */
#define INJECT_BUDGET_HARD_NS 500000000ULL
/*
 * All CPUs together: a spin holds a driver lock with IRQs off, so the CPUs
 * waiting behind it spin too; this bounds what one second can lose.
 */
#define INJECT_TOTAL_BUDGET_DEFAULT_NS 200000000ULL
#define INJECT_TOTAL_BUDGET_HARD_NS 500000000ULL
#define PROM_INTERVAL_DEFAULT_NS 15000000000ULL /* Prometheus' default scrape interval */

struct atstrace_env {
	struct pci_bdf devices[CLI_MAX_DEVICES];
	int ndevices;
	uint64_t duration_ns;   /* 0: until Ctrl-C (or the command exits) */
	uint64_t interval_ns;   /* 0: only at exit */
	uint64_t count;         /* intervals to print, 0: unlimited */
	bool timestamps;        /* -T */
	bool verbose;           /* -v */
	bool json;              /* -j */
	bool hist;              /* --hist */
	bool inflight_calls;    /* --inflight calls: records and completion hooks */
	int hist_by;            /* --hist-by: enum hist_by */
	bool quiet;             /* -q: no live lines, summary only */
	bool list_probes;       /* --list-probes / --dry-run */
	bool verify;            /* --verify: every program through the verifier, none attached */
	bool stats;             /* --stats: per-program run time (BPF_ENABLE_STATS) */
	bool assert_mode;       /* --assert -- CMD */
	bool fail_unbracketed;  /* --assert: unbracketed resets fail too */
	bool ktap;              /* --assert --ktap: KTAP on stdout, kselftest exit codes */
	uint64_t min_resets;    /* --assert: fewer resets means the run proved nothing */
	unsigned int max_stacks;/* flagged invalidations printed with their stack */
	char **command;         /* --assert: argv of the workload */
	/* --inject-delay: delay ATC invalidation completions */
	uint64_t inject_delay_ns;
	uint64_t inject_cap_ns;     /* the delay may not exceed it */
	uint64_t inject_budget_ns;  /* per CPU per second */
	uint64_t inject_total_budget_ns; /* all CPUs together, per second */
	uint32_t inject_prob_ppm;
	uint64_t inject_max;        /* --inject-max, --inject-times */
	uint64_t inject_interval;   /* 0, 1: every eligible completion */
	uint64_t inject_space;
	char inject_comm[16];       /* "": every task */
	const char *inject_cgroup;  /* NULL: every task */
	uint64_t inject_seed;
	bool inject_seeded;
	struct pci_bdf inject_devices[CLI_MAX_DEVICES];
	int ninject;
	bool unsafe;
	const char *prom_path;      /* --prom-textfile */
	uint64_t prom_interval_ns;  /* --prom-interval */
	const char *timeline_path;  /* --timeline */
};

/* "MAJOR.MINOR.PATCH" and, when built from git, "-g<commit>[-dirty]" */
extern const char atstrace_version[];

/*
 * Parses argv. Returns 0 to run, 1 when it printed help or the version (exit 0), or 2 after
 * printing an error to stderr (exit 2). Nothing is attached before this.
 */
int atstrace_parse_args(int argc, char **argv, struct atstrace_env *env);
void atstrace_usage(FILE *f);

#endif
