/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small streaming JSON writer shared by the atstrace tools. It tracks
 * nesting so callers never place commas by hand; strings are escaped.
 */
#ifndef ATSTRACE_JSON_WRITER_H
#define ATSTRACE_JSON_WRITER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* "schema_version" of every tool's JSON output */
#define SCHEMA_VERSION 1

#define JSON_MAX_DEPTH 16

struct json_writer {
	FILE *out;
	int depth;
	bool first[JSON_MAX_DEPTH]; /* nothing written yet at this level */
	bool after_key;             /* a key was written, its value is next */
};

void json_init(struct json_writer *w, FILE *out);
void json_object_begin(struct json_writer *w);
void json_object_end(struct json_writer *w);
void json_array_begin(struct json_writer *w);
void json_array_end(struct json_writer *w);
void json_key(struct json_writer *w, const char *key);
void json_string(struct json_writer *w, const char *s);
void json_u64(struct json_writer *w, uint64_t v);
void json_i64(struct json_writer *w, int64_t v);
void json_double(struct json_writer *w, double v);
void json_bool(struct json_writer *w, bool v);
void json_null(struct json_writer *w);

/* key + value in one call, for the common case */
void json_kv_string(struct json_writer *w, const char *key, const char *s);
void json_kv_u64(struct json_writer *w, const char *key, uint64_t v);
void json_kv_i64(struct json_writer *w, const char *key, int64_t v);
void json_kv_double(struct json_writer *w, const char *key, double v);
void json_kv_bool(struct json_writer *w, const char *key, bool v);
/* v / 1000 exactly, three decimals: nanoseconds as microseconds */
void json_kv_milli(struct json_writer *w, const char *key, uint64_t v);

#endif
