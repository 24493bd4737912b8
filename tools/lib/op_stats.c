// SPDX-License-Identifier: GPL-2.0
#include "op_stats.h"

#include <stdio.h>
#include <string.h>

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
	json_kv_u64(w, "max_ns", s->max_ns);
	json_object_end(w);
}
