/* SPDX-License-Identifier: GPL-2.0 */
/* Counters for a repeated operation: successes, failures by errno, latency. */
#ifndef ATSTRACE_OP_STATS_H
#define ATSTRACE_OP_STATS_H

#include <stdint.h>

#include "json_writer.h"

#define OP_STATS_ERRNO_MAX 134 /* errnos above this share the last slot */

struct op_stats {
	uint64_t ok, failed;
	uint64_t total_ns, min_ns, max_ns; /* successful operations only */
	uint64_t errors[OP_STATS_ERRNO_MAX + 1];
};

/* err is 0 or a negative errno. Not thread-safe: one op_stats per thread. */
void op_stats_add(struct op_stats *s, int err, uint64_t ns);
void op_stats_merge(struct op_stats *dst, const struct op_stats *src);
/* "key": {"ok":..,"failed":..,"errors":{"EBUSY":..},"min_ns":..,"mean_ns":..,"max_ns":..} */
void op_stats_json(struct json_writer *w, const char *key, const struct op_stats *s);

#endif
