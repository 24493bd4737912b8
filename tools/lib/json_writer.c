// SPDX-License-Identifier: GPL-2.0
#include "json_writer.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>

void json_init(struct json_writer *w, FILE *out)
{
	w->out = out;
	w->depth = 0;
	w->first[0] = true;
	w->after_key = false;
}

/* Emit the separator a new value needs at the current level. */
static void json_value_prefix(struct json_writer *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	/* top-level values are separate documents (NDJSON): no comma */
	if (w->depth > 0 && !w->first[w->depth])
		fputc(',', w->out);
	w->first[w->depth] = false;
}

static void json_open(struct json_writer *w, char c)
{
	json_value_prefix(w);
	fputc(c, w->out);
	if (w->depth + 1 < JSON_MAX_DEPTH)
		w->depth++;
	w->first[w->depth] = true;
}

static void json_close(struct json_writer *w, char c)
{
	fputc(c, w->out);
	if (w->depth > 0)
		w->depth--;
	if (w->depth == 0)
		fputc('\n', w->out);
}

void json_object_begin(struct json_writer *w) { json_open(w, '{'); }
void json_object_end(struct json_writer *w) { json_close(w, '}'); }
void json_array_begin(struct json_writer *w) { json_open(w, '['); }
void json_array_end(struct json_writer *w) { json_close(w, ']'); }

static void json_escaped(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '"': fputs("\\\"", out); break;
		case '\\': fputs("\\\\", out); break;
		case '\n': fputs("\\n", out); break;
		case '\r': fputs("\\r", out); break;
		case '\t': fputs("\\t", out); break;
		default:
			if (c < 0x20)
				fprintf(out, "\\u%04x", c);
			else
				fputc(c, out);
		}
	}
	fputc('"', out);
}

void json_key(struct json_writer *w, const char *key)
{
	json_value_prefix(w);
	json_escaped(w->out, key);
	fputc(':', w->out);
	w->after_key = true;
}

void json_string(struct json_writer *w, const char *s)
{
	json_value_prefix(w);
	if (s)
		json_escaped(w->out, s);
	else
		fputs("null", w->out);
}

void json_kv_string(struct json_writer *w, const char *key, const char *s)
{
	json_key(w, key);
	json_string(w, s);
}

/*
 * A number or a literal, printf-formatted, after its key when there is one:
 * the value writers below are the kv_ ones with no key.
 */
__attribute__((format(printf, 3, 4)))
static void json_printf(struct json_writer *w, const char *key, const char *fmt, ...)
{
	va_list ap;

	if (key)
		json_key(w, key);
	json_value_prefix(w);
	va_start(ap, fmt);
	vfprintf(w->out, fmt, ap);
	va_end(ap);
}

void json_kv_u64(struct json_writer *w, const char *key, uint64_t v)
{
	json_printf(w, key, "%" PRIu64, v);
}

void json_kv_i64(struct json_writer *w, const char *key, int64_t v)
{
	json_printf(w, key, "%" PRId64, v);
}

void json_kv_double(struct json_writer *w, const char *key, double v)
{
	if (isfinite(v))
		json_printf(w, key, "%.6g", v);
	else
		json_printf(w, key, "null");
}

void json_kv_milli(struct json_writer *w, const char *key, uint64_t v)
{
	json_printf(w, key, "%" PRIu64 ".%03" PRIu64, v / 1000, v % 1000);
}

void json_kv_bool(struct json_writer *w, const char *key, bool v)
{
	json_printf(w, key, "%s", v ? "true" : "false");
}

void json_u64(struct json_writer *w, uint64_t v) { json_kv_u64(w, NULL, v); }
void json_i64(struct json_writer *w, int64_t v) { json_kv_i64(w, NULL, v); }
void json_double(struct json_writer *w, double v) { json_kv_double(w, NULL, v); }
void json_bool(struct json_writer *w, bool v) { json_kv_bool(w, NULL, v); }
void json_null(struct json_writer *w) { json_printf(w, NULL, "null"); }
