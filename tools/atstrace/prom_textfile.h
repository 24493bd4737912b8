/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --prom-textfile: the run's counts, its health and its histograms in the
 * Prometheus text exposition format (version 0.0.4), for node_exporter's
 * textfile collector. Every value is cumulative since atstrace started;
 * no sample carries a timestamp (the collector forbids them).
 */
#ifndef ATSTRACE_PROM_TEXTFILE_H
#define ATSTRACE_PROM_TEXTFILE_H

#include <stdio.h>

#include "atstrace_report.h"

/* histogram buckets written: the log2 bounds up to 2^PROM_HIST_SLOTS - 1 ns (68.7 s), then +Inf */
#define PROM_HIST_SLOTS 36

struct prom_info {
	const char *version;         /* atstrace's */
	const char *kernel_release;
};

void prom_write(FILE *f, const struct run_totals *t, const struct hist_total *h, int nh,
		const struct prom_info *info);
/*
 * Writes PATH whole or not at all: PATH.tmp (a name the collector skips)
 * then rename(2). Returns 0 or -errno.
 */
int prom_textfile_update(const char *path, const struct run_totals *t,
			 const struct hist_total *h, int nh, const struct prom_info *info);

#endif
