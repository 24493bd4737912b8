/* SPDX-License-Identifier: GPL-2.0 */
/* Counters for a repeated operation: successes, failures by errno, latency. */
#ifndef ATSTRACE_OP_STATS_H
#define ATSTRACE_OP_STATS_H

#include <stdint.h>

#include "lib/json_writer.h"

#define OP_STATS_ERRNO_MAX 134 /* errnos above this share the last slot */
/*
 * Latency buckets, log-linear: each power of two is split into
 * 2^OP_STATS_SUB_BITS equal parts, so a quantile is known to within
 * 1/2^OP_STATS_SUB_BITS (6%) of its value, whatever the scale.
 */
#define OP_STATS_SUB_BITS 4
#define OP_STATS_BUCKETS (64 << OP_STATS_SUB_BITS)

struct op_stats {
	uint64_t ok, failed;
	uint64_t total_ns, min_ns, max_ns; /* successful operations only */
	uint64_t errors[OP_STATS_ERRNO_MAX + 1];
	uint32_t buckets[OP_STATS_BUCKETS];
};

/* err is 0 or a negative errno. Not thread-safe: one op_stats per thread. */
void op_stats_add(struct op_stats *s, int err, uint64_t ns);
void op_stats_merge(struct op_stats *dst, const struct op_stats *src);
/*
 * The q-quantile (0 < q <= 1) of successful latencies: the lower bound of
 * the bucket that holds it, clamped to [min_ns, max_ns]; 0 when none.
 */
uint64_t op_stats_quantile(const struct op_stats *s, double q);
/*
 * "key": {"ok":..,"failed":..,"errors":{"EBUSY":..},"min_ns":..,"mean_ns":..,
 *         "p50_ns":..,"p90_ns":..,"p99_ns":..,"max_ns":..}
 */
void op_stats_json(struct json_writer *w, const char *key, const struct op_stats *s);

#endif
