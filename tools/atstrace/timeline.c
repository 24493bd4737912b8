// SPDX-License-Identifier: GPL-2.0
#include "timeline.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "atstrace_report.h"
#include "lib/json_writer.h"

#define TIMELINE_PID 1

struct timeline {
	FILE *f;
	struct json_writer w;
	__u32 *tracks;     /* rids named so far */
	size_t ntracks;
};

/* a function's track: rid + 1 (0 is no thread id) */
static __u32 track_of(__u32 rid)
{
	return rid + 1;
}

static void metadata(struct timeline *tl, const char *what, __u32 tid, const char *name)
{
	json_object_begin(&tl->w);
	json_kv_string(&tl->w, "name", what);
	json_kv_string(&tl->w, "ph", "M");
	json_kv_u64(&tl->w, "pid", TIMELINE_PID);
	if (tid)
		json_kv_u64(&tl->w, "tid", tid);
	json_key(&tl->w, "args");
	json_object_begin(&tl->w);
	json_kv_string(&tl->w, "name", name);
	json_object_end(&tl->w);
	json_object_end(&tl->w);
}

/* names the track of @rid the first time it is used */
static void track(struct timeline *tl, __u32 rid)
{
	char dev[16];
	__u32 *n;

	for (size_t i = 0; i < tl->ntracks; i++)
		if (tl->tracks[i] == rid)
			return;
	n = realloc(tl->tracks, (tl->ntracks + 1) * sizeof(*n));
	if (!n)
		return;
	tl->tracks = n;
	tl->tracks[tl->ntracks++] = rid;
	rid_name(rid, dev, sizeof(dev));
	metadata(tl, "thread_name", track_of(rid), dev);
}

struct timeline *timeline_open(const char *path, const char *process_name)
{
	struct timeline *tl = calloc(1, sizeof(*tl));

	if (!tl)
		return NULL;
	tl->f = fopen(path, "w");
	if (!tl->f) {
		free(tl);
		return NULL;
	}
	json_init(&tl->w, tl->f);
	json_array_begin(&tl->w);
	metadata(tl, "process_name", 0, process_name);
	return tl;
}

/* an event's start: the common fields, its name and category */
static void begin(struct timeline *tl, const struct event *e, const char *name,
		  const char *cat, const char *ph, __u64 start_ns)
{
	track(tl, e->rid);
	json_object_begin(&tl->w);
	json_kv_string(&tl->w, "name", name);
	json_kv_string(&tl->w, "cat", cat);
	json_kv_string(&tl->w, "ph", ph);
	json_kv_milli(&tl->w, "ts", start_ns);
	json_kv_u64(&tl->w, "pid", TIMELINE_PID);
	json_kv_u64(&tl->w, "tid", track_of(e->rid));
	if (!strcmp(ph, "i"))
		json_kv_string(&tl->w, "s", "t");
}

static void args_begin(struct timeline *tl, const struct event *e)
{
	json_key(&tl->w, "args");
	json_object_begin(&tl->w);
	json_kv_string(&tl->w, "task", e->comm);
	json_kv_u64(&tl->w, "tid", e->tid);
	json_kv_u64(&tl->w, "cpu", e->cpu);
}

static void end(struct timeline *tl)
{
	json_object_end(&tl->w); /* args */
	json_object_end(&tl->w);
}

static void slice(struct timeline *tl, const struct event *e, const char *name, const char *cat,
		  __u64 dur)
{
	begin(tl, e, name, cat, "X", e->ts > dur ? e->ts - dur : 0);
	json_kv_milli(&tl->w, "dur", dur);
	args_begin(tl, e);
}

void timeline_event(struct timeline *tl, const struct event *e)
{
	char name[64];

	switch (e->type) {
	case EV_WINDOW_CLOSE:
		snprintf(name, sizeof(name), "reset window (%s)", window_kind_name(e->win.kind));
		slice(tl, e, name, e->win.kind == WK_RECOVERY ? "window,recovery" : "window",
		      e->win.duration);
		json_kv_string(&tl->w, "window_kind", window_kind_name(e->win.kind));
		json_kv_u64(&tl->w, "in_window", e->win.hits);
		end(tl);
		break;
	case EV_BUS_WINDOW_CLOSE:
		snprintf(name, sizeof(name), "%s (buses %02x-%02x)",
			 e->win.kind == WK_RECOVERY ? "error recovery" : "secondary bus reset",
			 e->win.bus_lo, e->win.bus_hi);
		slice(tl, e, name, e->win.kind == WK_RECOVERY ? "bus_window,recovery" : "bus_window",
		      e->win.duration);
		json_kv_string(&tl->w, "window_kind", window_kind_name(e->win.kind));
		end(tl);
		break;
	case EV_INJECTED:
		slice(tl, e, "injected delay", "injection", e->inj.delay_ns);
		json_kv_u64(&tl->w, "call", e->inj.call);
		end(tl);
		break;
	case EV_INV_FLAGGED:
	case EV_INV_SEEN:
		begin(tl, e, e->type == EV_INV_SEEN ? "ATC invalidation" :
			     e->inv.reason == FLAG_IN_WINDOW ? "ATC invalidation IN RESET WINDOW" :
			     "ATC invalidation IN FLIGHT AT WINDOW OPEN",
		      e->type == EV_INV_SEEN ? "invalidation" : "invalidation,flagged", "i", e->ts);
		args_begin(tl, e);
		if (e->type == EV_INV_FLAGGED)
			json_kv_string(&tl->w, "window_kind", window_kind_name(e->inv.window_kind));
		if (e->type == EV_INV_SEEN || e->inv.reason == FLAG_IN_WINDOW) {
			json_kv_u64(&tl->w, "addr", e->inv.addr);
			json_kv_u64(&tl->w, "size", e->inv.size);
		}
		end(tl);
		break;
	case EV_ATTACH:
		snprintf(name, sizeof(name), "attach %s%s", domain_type_name(e->attach.domain_type),
			 e->attach.ret ? " (failed)" : "");
		begin(tl, e, name, "attach", "i", e->ts);
		args_begin(tl, e);
		json_kv_i64(&tl->w, "ret", e->attach.ret);
		end(tl);
		break;
	case EV_UNBRACKETED:
		snprintf(name, sizeof(name), "unbracketed %s reset", window_kind_name(e->win.kind));
		begin(tl, e, name, "unbracketed", "i", e->ts);
		args_begin(tl, e);
		end(tl);
		break;
	default: /* openings: their slice is written at the close */
		break;
	}
}

int timeline_close(struct timeline *tl)
{
	int err = 0;

	json_array_end(&tl->w);
	if (fflush(tl->f) || ferror(tl->f))
		err = errno ? -errno : -EIO;
	if (fclose(tl->f) && !err)
		err = -errno;
	free(tl->tracks);
	free(tl);
	return err;
}
