// SPDX-License-Identifier: GPL-2.0
#include "op_stats.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static unsigned int bucket_of(uint64_t ns)
{
	unsigned int log2, sub;

	if (ns < (1u << OP_STATS_SUB_BITS))
		return (unsigned int)ns; /* exact below 16 ns */
	log2 = 63 - (unsigned int)__builtin_clzll(ns);
	sub = (unsigned int)(ns >> (log2 - OP_STATS_SUB_BITS)) & ((1u << OP_STATS_SUB_BITS) - 1);
	return ((log2 - OP_STATS_SUB_BITS + 1) << OP_STATS_SUB_BITS) + sub;
}

static uint64_t bucket_low(unsigned int b)
{
	unsigned int group = b >> OP_STATS_SUB_BITS, sub = b & ((1u << OP_STATS_SUB_BITS) - 1);

	if (!group)
		return sub;
	return (uint64_t)((1u << OP_STATS_SUB_BITS) + sub) << (group - 1);
}

void op_stats_add(struct op_stats *s, int err, uint64_t ns)
{
	if (err) {
		int e = -err;

		s->failed++;
		s->errors[e > 0 && e < OP_STATS_ERRNO_MAX ? e : OP_STATS_ERRNO_MAX]++;
		return;
	}
	if (!s->ok || ns < s->min_ns)
		s->min_ns = ns;
	if (ns > s->max_ns)
		s->max_ns = ns;
	s->ok++;
	s->total_ns += ns;
	s->buckets[bucket_of(ns)]++;
}

uint64_t op_stats_quantile(const struct op_stats *s, double q)
{
	uint64_t rank, seen = 0, v;

	if (!s->ok)
		return 0;
	rank = (uint64_t)ceil(q * (double)s->ok - 1e-9);
	if (rank < 1)
		rank = 1;
	for (unsigned int b = 0; b < OP_STATS_BUCKETS; b++) {
		seen += s->buckets[b];
		if (seen < rank)
			continue;
		v = bucket_low(b);
		return v < s->min_ns ? s->min_ns : v > s->max_ns ? s->max_ns : v;
	}
	return s->max_ns;
}

void op_stats_merge(struct op_stats *dst, const struct op_stats *src)
{
	if (src->ok && (!dst->ok || src->min_ns < dst->min_ns))
		dst->min_ns = src->min_ns;
	if (src->max_ns > dst->max_ns)
		dst->max_ns = src->max_ns;
	dst->ok += src->ok;
	dst->failed += src->failed;
	dst->total_ns += src->total_ns;
	for (int i = 0; i <= OP_STATS_ERRNO_MAX; i++)
		dst->errors[i] += src->errors[i];
	for (int i = 0; i < OP_STATS_BUCKETS; i++)
		dst->buckets[i] += src->buckets[i];
}

void op_stats_json(struct json_writer *w, const char *key, const struct op_stats *s)
{
	json_key(w, key);
	json_object_begin(w);
	json_kv_u64(w, "ok", s->ok);
	json_kv_u64(w, "failed", s->failed);
	json_key(w, "errors");
	json_object_begin(w);
	for (int i = 1; i <= OP_STATS_ERRNO_MAX; i++) {
		const char *name = i < OP_STATS_ERRNO_MAX ? strerrorname_np(i) : NULL;
		char buf[16];

		if (!s->errors[i])
			continue;
		if (!name) {
			snprintf(buf, sizeof(buf), i < OP_STATS_ERRNO_MAX ? "E%d" : "E>=%d", i);
			name = buf;
		}
		json_kv_u64(w, name, s->errors[i]);
	}
	json_object_end(w);
	json_kv_u64(w, "min_ns", s->min_ns);
	json_kv_u64(w, "mean_ns", s->ok ? s->total_ns / s->ok : 0);
	json_kv_u64(w, "p50_ns", op_stats_quantile(s, 0.50));
	json_kv_u64(w, "p90_ns", op_stats_quantile(s, 0.90));
	json_kv_u64(w, "p99_ns", op_stats_quantile(s, 0.99));
	json_kv_u64(w, "max_ns", s->max_ns);
	json_object_end(w);
}
