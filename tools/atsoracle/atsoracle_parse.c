// SPDX-License-Identifier: GPL-2.0
#include "atsoracle_parse.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* frame kinds; the reset methods double as windows_by_method[] indexes */
enum frame_kind {
	F_METHOD_FLR, F_METHOD_AFFLR, F_METHOD_PM, F_METHOD_BUSFN, F_METHOD_ACPI,
	F_METHOD_DEVSPEC, F_METHOD_CXL, F_PREPARE, F_BUS_RESET, F_SUBMIT,
};

#define M_BRACKET F_PREPARE
const char *const oracle_method_names[ORACLE_NR_METHODS + 1] = {
	"flr", "af_flr", "pm", "bus", "acpi", "device_specific", "cxl_bus", "bracket", NULL,
};

/* method frame phases: FLR's hardware reset starts when Initiate FLR is written */
enum { PH_PENDING, PH_OPEN, PH_READY, PH_IGNORED };

/* entry event -> frame kind; the return event is the same name + "_r" */
static const struct {
	const char *name;
	int kind;
} entry_events[] = {
	{ "flr", F_METHOD_FLR },     { "afflr", F_METHOD_AFFLR },   { "pm", F_METHOD_PM },
	{ "busfn", F_METHOD_BUSFN }, { "acpi", F_METHOD_ACPI },     { "devspec", F_METHOD_DEVSPEC },
	{ "cxl", F_METHOD_CXL },     { "prep", F_PREPARE },         { "sbr", F_BUS_RESET },
	{ "qisub", F_SUBMIT },       { "smmucmd", F_SUBMIT },
};

int oracle_parse_line(const char *line, struct oracle_event *ev)
{
	const char *p, *cpu, *dash, *q;
	char *end;
	double ts;
	size_t n;

	memset(ev, 0, sizeof(*ev));
	while (*line == ' ' || *line == '\t')
		line++;
	if (*line == '#' || *line == '\0' || *line == '\n')
		return 1;
	/* "comm-pid [cpu] flags ts: name: (site) k=v ..." ; comm may hold blanks */
	cpu = strstr(line, " [");
	while (cpu && !(isdigit((unsigned char)cpu[2]) && strchr(cpu + 2, ']')))
		cpu = strstr(cpu + 2, " [");
	if (!cpu)
		return -EINVAL;
	for (q = cpu; q > line && q[-1] == ' '; q--)
		;
	for (dash = q; dash > line && dash[-1] != '-'; dash--)
		;
	if (dash == line)
		return -EINVAL;
	ev->pid = atoi(dash);
	ev->cpu = strtol(cpu + 2, &end, 10);
	if (*end != ']')
		return -EINVAL;
	p = end + 1;
	/* the timestamp is the first token ending in ':' */
	for (;;) {
		while (*p == ' ')
			p++;
		if (!*p)
			return -EINVAL;
		n = strcspn(p, " ");
		if (n > 1 && p[n - 1] == ':' && isdigit((unsigned char)*p))
			break;
		p += n;
	}
	ts = strtod(p, NULL);
	ev->ts_ns = (uint64_t)(ts * 1e9 + 0.5);
	p += n;
	while (*p == ' ')
		p++;
	n = strcspn(p, ": ");
	if (!n || p[n] != ':' || n >= sizeof(ev->name))
		return -EINVAL;
	memcpy(ev->name, p, n);
	p += n + 1;
	while (*p == ' ')
		p++;
	if (*p == '(') { /* the probed site: "(fn+0x0/0x10)" or "(a+0x1/0x2 <- fn)" */
		p = strchr(p, ')');
		if (!p)
			return -EINVAL;
		p++;
	}
	while (*p && ev->nkv < ORACLE_MAX_KV) {
		const char *eq;
		size_t kl, vl;

		while (*p == ' ' || *p == '\n')
			p++;
		if (!*p)
			break;
		n = strcspn(p, " \n");
		eq = memchr(p, '=', n);
		if (eq) {
			kl = eq - p;
			vl = n - kl - 1;
			if (kl < sizeof(ev->kv[0].key) && vl < sizeof(ev->kv[0].val)) {
				memcpy(ev->kv[ev->nkv].key, p, kl);
				memcpy(ev->kv[ev->nkv].val, eq + 1, vl);
				ev->nkv++;
			}
		}
		p += n;
	}
	return 0;
}

bool oracle_kv_u64(const struct oracle_event *ev, const char *key, uint64_t *v)
{
	for (int i = 0; i < ev->nkv; i++) {
		if (strcmp(ev->kv[i].key, key))
			continue;
		/* kprobe events print x64 as 0x..., u8/u32 in decimal, s32 signed */
		*v = strtoull(ev->kv[i].val, NULL, 0);
		if (ev->kv[i].val[0] == '-')
			*v = (uint64_t)strtoll(ev->kv[i].val, NULL, 0);
		return true;
	}
	return false;
}

bool oracle_devtlb_sid(uint64_t qw0, uint16_t *sid)
{
	switch (qw0 & 0xf) {
	case 0x3: /* device-TLB: SID in 47:32 */
		*sid = (qw0 >> 32) & 0xffff;
		return true;
	case 0x8: /* PASID device-TLB: SID in 31:16 */
		*sid = (qw0 >> 16) & 0xffff;
		return true;
	default:
		return false;
	}
}

const char *oracle_smmu_op_name(unsigned int op)
{
	static const struct {
		unsigned int op;
		const char *name;
	} ops[] = {
		{ 0x01, "PREFETCH_CONFIG" }, { 0x02, "PREFETCH_ADDR" },
		{ SMMU_OP_CFGI_STE, "CFGI_STE" }, { SMMU_OP_CFGI_STE_RANGE, "CFGI_STE_RANGE" },
		{ SMMU_OP_CFGI_CD, "CFGI_CD" }, { SMMU_OP_CFGI_CD_ALL, "CFGI_CD_ALL" },
		{ 0x10, "TLBI_NH_ALL" }, { 0x11, "TLBI_NH_ASID" }, { 0x12, "TLBI_NH_VA" },
		{ 0x13, "TLBI_NH_VAA" }, { 0x18, "TLBI_EL3_ALL" }, { 0x1a, "TLBI_EL3_VA" },
		{ 0x20, "TLBI_EL2_ALL" }, { 0x21, "TLBI_EL2_ASID" }, { 0x22, "TLBI_EL2_VA" },
		{ 0x28, "TLBI_S12_VMALL" }, { 0x2a, "TLBI_S2_IPA" }, { 0x30, "TLBI_NSNH_ALL" },
		{ SMMU_OP_ATC_INV, "ATC_INV" }, { 0x41, "PRI_RESP" }, { 0x44, "RESUME" },
		{ 0x45, "STALL_TERM" }, { SMMU_OP_SYNC, "SYNC" },
	};

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (ops[i].op == op)
			return ops[i].name;
	return NULL;
}

bool oracle_smmu_cmd_sid(uint64_t dw0, uint64_t *sid)
{
	switch (dw0 & 0xff) {
	case SMMU_OP_CFGI_STE:
	case SMMU_OP_CFGI_CD:
	case SMMU_OP_CFGI_CD_ALL:
	case SMMU_OP_ATC_INV:
		*sid = dw0 >> 32;
		return true;
	default:
		return false;
	}
}

void oracle_init(struct oracle_state *st)
{
	memset(st, 0, sizeof(*st));
}

static int cmp_edge(const void *a, const void *b)
{
	const struct oracle_edge *x = a, *y = b;

	return x->ts < y->ts ? -1 : x->ts > y->ts;
}

void oracle_second_pass(struct oracle_state *st, uint64_t edge_ns)
{
	struct oracle_edge *edges = st->edges;
	size_t n = st->nedges, cap = st->edges_cap;
	bool bracketing = st->bracketing;
	uint64_t max_slack = st->max_slack, max_lag = st->max_lag;

	qsort(edges, n, sizeof(*edges), cmp_edge);
	memset(st, 0, sizeof(*st));
	st->max_slack = max_slack;
	st->edges = edges;
	st->nedges = n;
	st->edges_cap = cap;
	st->edges_known = true;
	st->max_lag = max_lag;
	st->edge_ns = edge_ns;
	st->bracketing = bracketing;
}

void oracle_match_observer(struct oracle_state *st, const struct observer_window *wins, size_t n)
{
	/* edges are still in the order they happened: count per device */
	for (size_t i = 0; i < st->nedges; i++) {
		struct oracle_edge *e = &st->edges[i];
		size_t k = 0, seen = 0;

		for (size_t j = 0; j < i; j++) /* earlier edges of the same kind and window */
			if (st->edges[j].bus == e->bus && st->edges[j].open == e->open &&
			    (e->bus ? st->edges[j].bus_lo == e->bus_lo : st->edges[j].sid == e->sid))
				seen++;
		for (k = 0; k < n; k++) {
			const struct observer_window *w = &wins[k];
			uint64_t t;

			if (w->bus != e->bus || (e->bus ? w->bus_lo != e->bus_lo : w->sid != e->sid))
				continue;
			if (seen--)
				continue;
			t = e->open ? w->open_ns : w->close_ns;
			e->slack = t > e->ts ? t - e->ts : e->ts - t;
			if (e->slack > st->max_slack)
				st->max_slack = e->slack;
			break;
		}
	}
}

void oracle_free(struct oracle_state *st)
{
	free(st->edges);
	st->edges = NULL;
}

static void record_edge(struct oracle_state *st, const struct oracle_edge *e)
{
	if (st->edges_known)
		return;
	if (st->nedges == st->edges_cap) {
		size_t cap = st->edges_cap ? st->edges_cap * 2 : 1024;
		struct oracle_edge *n = realloc(st->edges, cap * sizeof(*n));

		if (!n)
			return;
		st->edges = n;
		st->edges_cap = cap;
	}
	st->edges[st->nedges] = *e;
	st->edges[st->nedges].ts = st->now;
	st->nedges++;
}

/* Is there an edge of sid's windows within edge_ns of ts (opening ones only if asked)? */
static bool near_edge(const struct oracle_state *st, uint16_t sid, uint64_t ts, bool opens_only)
{
	size_t lo = 0, hi = st->nedges;
	uint64_t reach = st->edge_ns + st->max_slack;
	uint64_t from = ts > reach ? ts - reach : 0;
	uint64_t ahead = reach + st->max_lag; /* the other observer decides later */

	if (!st->edges_known)
		return false;
	while (lo < hi) { /* first edge at or after `from` */
		size_t mid = lo + (hi - lo) / 2;

		if (st->edges[mid].ts < from)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < st->nedges && st->edges[i].ts <= ts + ahead; i++) {
		const struct oracle_edge *e = &st->edges[i];
		unsigned int bus = sid >> 8;
		bool match = e->bus ? (bus >= e->bus_lo && bus <= e->bus_hi)
				    : e->sid == sid;
		uint64_t back = st->edge_ns + e->slack, fwd = back + st->max_lag;

		if (match && (e->open || !opens_only) && e->ts + back >= ts && ts + fwd >= e->ts)
			return true;
	}
	return false;
}

void oracle_scan(struct oracle_state *st, const struct oracle_event *ev)
{
	if (!strcmp(ev->name, "prep"))
		st->bracketing = true;
}

/*
 * The entry of table[0..*n) (entries of size bytes) whose key, key_len bytes
 * at key_off, equals key; else the next one, given the key (the tables only
 * grow, from oracle_init's zeros); NULL when all max are taken.
 */
static void *find_or_add(void *table, int *n, int max, size_t size, size_t key_off,
			 const void *key, size_t key_len)
{
	char *e = table;

	for (int i = 0; i < *n; i++, e += size)
		if (!memcmp(e + key_off, key, key_len))
			return e;
	if (*n == max)
		return NULL;
	memcpy(e + key_off, key, key_len);
	(*n)++;
	return e;
}

struct oracle_device *oracle_device(struct oracle_state *st, uint16_t sid)
{
	struct oracle_device *d = find_or_add(st->dev, &st->ndev, ORACLE_MAX_DEVICES,
					      sizeof(st->dev[0]), offsetof(struct oracle_device, sid),
					      &sid, sizeof(sid));

	if (!d)
		st->events_lost++;
	return d;
}

/*
 * A task's entry. Every shell reset and VMM thread is a task of its own:
 * when the table is full, one with nothing open (its stack empty) holds
 * nothing and is reused; only when none is free is an event lost, counted.
 */
static struct oracle_task *task_of(struct oracle_state *st, int pid)
{
	struct oracle_task *t = find_or_add(st->task, &st->ntask, ORACLE_MAX_TASKS,
					    sizeof(st->task[0]), offsetof(struct oracle_task, pid),
					    &pid, sizeof(pid));

	if (t)
		return t;
	for (int i = 0; i < st->ntask; i++) {
		if (st->task[i].sp)
			continue;
		memset(&st->task[i], 0, sizeof(st->task[i]));
		st->task[i].pid = pid;
		return &st->task[i];
	}
	st->events_lost++;
	return NULL;
}

static struct oracle_device *device_of(struct oracle_state *st, uint16_t sid)
{
	for (int i = 0; i < st->ndev; i++)
		if (st->dev[i].sid == sid)
			return &st->dev[i];
	return NULL;
}

/*
 * A bus or recovery window holds sid; a device whose bracket ended inside a
 * recovery window has left it (as bpf/reset_window.h's bus_window_holds()).
 */
static bool in_bus_window(struct oracle_state *st, uint16_t sid, bool *rec)
{
	const struct oracle_device *d = device_of(st, sid);
	uint8_t bus = sid >> 8;

	for (int i = 0; i < st->nbus; i++) {
		if (bus < st->bus[i].lo || bus > st->bus[i].hi)
			continue;
		if (st->bus[i].rec && d && d->released == st->bus[i].id)
			continue;
		*rec = st->bus[i].rec;
		return true;
	}
	return false;
}

static bool window_open(struct oracle_state *st, uint16_t sid, bool *rec)
{
	const struct oracle_device *d = device_of(st, sid);

	*rec = false;
	if (d && d->depth > 0)
		return true;
	return in_bus_window(st, sid, rec);
}

/* Submissions of every task still running when a window opens on sid. */
static void count_in_flight(struct oracle_state *st, uint16_t sid, struct oracle_device *d)
{
	for (int t = 0; t < st->ntask; t++) {
		struct oracle_task *tk = &st->task[t];

		for (int f = 0; f < tk->sp; f++) {
			struct oracle_frame *fr = &tk->stack[f];

			if (fr->kind != F_SUBMIT)
				continue;
			for (int i = 0; i < fr->nsids; i++) {
				if (fr->sids[i] == sid && !fr->counted[i]) {
					fr->counted[i] = true;
					d->in_flight_at_open++;
				}
			}
		}
	}
}

/*
 * A bridge resets its secondary bus: every device known below it has a bus
 * window, and its submissions still in flight count, as for its own window.
 */
static void bus_window_open(struct oracle_state *st, unsigned int lo, unsigned int hi, bool rec)
{
	for (int i = 0; i < st->ndev; i++) {
		struct oracle_device *d = &st->dev[i];

		if ((d->sid >> 8) < lo || (d->sid >> 8) > hi)
			continue;
		if (rec)
			d->recovery_windows++;
		else
			d->bus_windows++;
		count_in_flight(st, d->sid, d);
	}
}

static void window_enter(struct oracle_state *st, uint16_t sid, int method)
{
	struct oracle_device *d = oracle_device(st, sid);

	if (!d)
		return;
	if (d->depth++ == 0) {
		struct oracle_edge e = { .sid = sid, .open = true };

		record_edge(st, &e);
		d->windows++;
		d->windows_by_method[method]++;
		count_in_flight(st, sid, d);
	}
}

/*
 * The end of a bracket; as bpf/reset_window.h's window_leave_as(): when the
 * device was not ready (kernel-patch/'s pci_dev_reset_iommu_done_unready())
 * the outermost bracket ends but the window stays open until a later
 * outermost bracket ends ready.
 */
static void window_leave_as(struct oracle_state *st, uint16_t sid, bool ready)
{
	struct oracle_device *d = oracle_device(st, sid);
	struct oracle_edge e = { .sid = sid };

	if (!d || d->depth == 0)
		return;
	if (d->depth != 1 + d->stuck) {
		d->depth--;
		return;
	}
	if (!ready) {
		d->stuck = true;
		d->depth = 1;
		return;
	}
	d->depth = 0;
	d->stuck = false;
	record_edge(st, &e);
	/* restored (its bracket ended) inside an error recovery: it leaves it */
	for (int i = 0; st->bracketing && i < st->nbus; i++)
		if (st->bus[i].rec && (sid >> 8) >= st->bus[i].lo && (sid >> 8) <= st->bus[i].hi)
			d->released = st->bus[i].id;
}

static void window_leave(struct oracle_state *st, uint16_t sid)
{
	window_leave_as(st, sid, true);
}

static uint16_t event_sid(const struct oracle_event *ev)
{
	uint64_t bus = 0, devfn = 0;

	oracle_kv_u64(ev, "bus", &bus);
	oracle_kv_u64(ev, "devfn", &devfn);
	return (bus & 0xff) << 8 | (devfn & 0xff);
}

static void on_submit(struct oracle_state *st, struct oracle_task *tk, const struct oracle_event *ev)
{
	struct oracle_frame *fr = &tk->stack[tk->sp - 1];
	uint64_t count = 0, qw;
	char key[8];

	fr->smmu = !strcmp(ev->name, "smmucmd");
	if (fr->smmu) {
		st->smmu_lists++;
		oracle_kv_u64(ev, "n", &count);
		if (count > ORACLE_MAX_SMMU_BATCH) { /* no list is longer: garbled */
			st->events_lost++;
			count = ORACLE_MAX_SMMU_BATCH;
		}
	} else {
		st->qi_calls++;
		oracle_kv_u64(ev, "count", &count);
		if (count > ORACLE_MAX_BATCH)
			count = ORACLE_MAX_BATCH;
	}
	for (unsigned int i = 0; i < count; i++) {
		struct oracle_device *d;
		uint16_t sid;
		bool inwin, rec;
		int j;

		snprintf(key, sizeof(key), "d%u", i);
		if (!oracle_kv_u64(ev, key, &qw))
			continue;
		if (fr->smmu) {
			uint64_t wide;

			st->smmu_cmds++;
			st->smmu_by_op[qw & 0xff]++;
			if (!oracle_smmu_cmd_sid(qw, &wide))
				continue;
			if (wide > 0xffff) {
				st->smmu_wide_sids++;
				continue;
			}
			sid = wide;
			if ((qw & 0xff) != SMMU_OP_ATC_INV) {
				d = oracle_device(st, sid);
				if (d)
					d->smmu_cfgi++;
				continue;
			}
		} else if (!oracle_devtlb_sid(qw, &sid)) {
			continue;
		}
		d = oracle_device(st, sid);
		if (!d)
			continue;
		d->devtlb_descriptors++;
		inwin = window_open(st, sid, &rec);
		if (inwin)
			d->in_window++;
		if (inwin && rec)
			d->in_recovery++;
		if (near_edge(st, sid, st->now, false)) {
			if (inwin)
				d->edge_in++;
			else
				d->edge_out++;
		}
		for (j = 0; j < fr->nsids && fr->sids[j] != sid; j++)
			;
		if (j == fr->nsids && fr->nsids == ORACLE_MAX_BATCH) {
			st->events_lost++; /* more devices in one list than a frame holds */
		} else if (j == fr->nsids) {
			fr->inwin[fr->nsids] = inwin;
			fr->sids[fr->nsids++] = sid;
			d->devtlb_calls++;
		}
	}
}

static void on_entry(struct oracle_state *st, struct oracle_task *tk, int kind,
		     const struct oracle_event *ev)
{
	struct oracle_frame *fr;
	uint64_t v = 0;

	if (tk->sp == ORACLE_STACK_DEPTH) {
		st->events_lost++;
		return;
	}
	fr = &tk->stack[tk->sp++];
	memset(fr, 0, sizeof(*fr));
	fr->kind = kind;
	fr->sid = event_sid(ev);
	fr->ignored = oracle_kv_u64(ev, "probe", &v) && v;

	switch (kind) {
	case F_SUBMIT:
		on_submit(st, tk, ev);
		break;
	case F_BUS_RESET:
		oracle_kv_u64(ev, "sec", &v);
		fr->bus_lo = v;
		v = 0;
		if (!oracle_kv_u64(ev, "sub", &v) || v < fr->bus_lo)
			v = fr->bus_lo;
		fr->bus_hi = v;
		st->bus_resets++;
		bus_window_open(st, fr->bus_lo, fr->bus_hi, tk->recovery > 0);
		if (st->nbus < ORACLE_MAX_BUS_WINDOWS) {
			struct oracle_edge e = { .bus = true, .open = true,
						 .bus_lo = fr->bus_lo, .bus_hi = fr->bus_hi };

			record_edge(st, &e);
			st->bus[st->nbus].pid = tk->pid;
			st->bus[st->nbus].lo = fr->bus_lo;
			st->bus[st->nbus].hi = fr->bus_hi;
			st->bus[st->nbus].rec = tk->recovery > 0;
			st->bus[st->nbus].id = st->now ? st->now : 1;
			st->nbus++;
		} else {
			st->events_lost++;
		}
		tk->sp--; /* no return probe: the bus window is kept in st->bus[] */
		break;
	case F_PREPARE:
		break; /* the window opens at a successful return */
	default:  /* reset methods */
		fr->phase = fr->ignored ? PH_IGNORED : kind == F_METHOD_FLR ? PH_PENDING : PH_OPEN;
		if (fr->phase == PH_OPEN && !st->bracketing)
			window_enter(st, fr->sid, kind);
		break;
	}
}

/* the top frame of a task when it is a reset method */
static struct oracle_frame *top_method(struct oracle_task *tk)
{
	struct oracle_frame *fr;

	if (!tk->sp)
		return NULL;
	fr = &tk->stack[tk->sp - 1];
	return fr->kind <= F_METHOD_CXL ? fr : NULL;
}

/* this task's bus windows (@rec: its recovery windows instead) end */
static void close_bus_windows(struct oracle_state *st, int pid, bool rec)
{
	for (int i = st->nbus - 1; i >= 0; i--) {
		if (st->bus[i].pid == pid && st->bus[i].rec == rec) {
			struct oracle_edge e = { .bus = true, .bus_lo = st->bus[i].lo,
						 .bus_hi = st->bus[i].hi };

			record_edge(st, &e);
			st->bus[i] = st->bus[--st->nbus];
		}
	}
}

static void on_return(struct oracle_state *st, struct oracle_task *tk, int kind,
		      const struct oracle_event *ev)
{
	struct oracle_frame *fr;
	uint64_t ret = 0;
	int i;

	/* pop up to the matching frame (a lost return leaves stale frames) */
	for (i = tk->sp - 1; i >= 0 && tk->stack[i].kind != kind; i--)
		;
	if (i < 0) {
		st->unmatched_returns++;
		return;
	}
	fr = &tk->stack[i];
	tk->sp = i;
	oracle_kv_u64(ev, "ret", &ret);
	switch (kind) {
	case F_SUBMIT:
		if (fr->smmu) {
			st->smmu_returns++;
			st->smmu_errors += ret != 0;
		} else {
			st->qi_returns++;
			st->qi_errors += ret != 0;
		}
		/* completed near a window's opening: in flight at it, or not? */
		for (int k = 0; k < fr->nsids; k++) {
			struct oracle_device *d;

			if (fr->inwin[k] || !near_edge(st, fr->sids[k], st->now, true))
				continue;
			d = oracle_device(st, fr->sids[k]);
			if (!d)
				continue;
			if (fr->counted[k])
				d->edge_in++;
			else
				d->edge_out++;
		}
		break;
	case F_PREPARE:
		if (ret == 0)
			window_enter(st, fr->sid, M_BRACKET);
		break;
	case F_BUS_RESET:
		break;
	default:
		if (fr->phase == PH_OPEN && !st->bracketing)
			window_leave(st, fr->sid);
		if (kind == F_METHOD_BUSFN || kind == F_METHOD_CXL)
			close_bus_windows(st, tk->pid, false);
		break;
	}
}

void oracle_feed(struct oracle_state *st, const struct oracle_event *ev)
{
	struct oracle_task *tk = task_of(st, ev->pid);
	size_t n = strlen(ev->name);
	bool ret = n > 2 && !strcmp(ev->name + n - 2, "_r");

	st->events++;
	st->now = ev->ts_ns;
	/* pass 1: how late the other observer records a submission we saw */
	while (!st->edges_known && st->flag_pos < st->nflags &&
	       st->flags[st->flag_pos].ts <= ev->ts_ns) {
		const struct observer_flag *f = &st->flags[st->flag_pos++];
		uint64_t last = f->cpu < ORACLE_MAX_CPUS ? st->last_submit[f->cpu] : 0;

		if (last && f->ts - last > st->max_lag)
			st->max_lag = f->ts - last;
	}
	if (!st->edges_known && (!strcmp(ev->name, "qisub") || !strcmp(ev->name, "smmucmd")) &&
	    ev->cpu >= 0 &&
	    ev->cpu < ORACLE_MAX_CPUS)
		st->last_submit[ev->cpu] = ev->ts_ns;
	if (!tk)
		return;
	if (!strcmp(ev->name, "done")) {
		window_leave(st, event_sid(ev));
		return;
	}
	if (!strcmp(ev->name, "doneur")) {
		window_leave_as(st, event_sid(ev), false);
		return;
	}
	/*
	 * The bus is ready, or the call that reset it returned (the wait is
	 * inlined into some callers): end this task's bus windows.
	 */
	if (!strcmp(ev->name, "sbrwait_r") || !strcmp(ev->name, "busreset_r") ||
	    !strcmp(ev->name, "buserr_r") || !strcmp(ev->name, "bridgereset_r")) {
		close_bus_windows(st, tk->pid, false);
		return;
	}
	if (!strcmp(ev->name, "sbrwait"))
		return;
	/* error recovery that resets (pci_channel_io_frozen) */
	if (!strcmp(ev->name, "rec")) {
		uint64_t state = 0;

		if (oracle_kv_u64(ev, "state", &state) && state == 2)
			tk->recovery++;
		return;
	}
	if (!strcmp(ev->name, "rec_r")) {
		if (tk->recovery && !--tk->recovery)
			close_bus_windows(st, tk->pid, true);
		return;
	}
	if (!strcmp(ev->name, "flrwrite")) { /* Initiate FLR written to Device Control */
		struct oracle_frame *fr = top_method(tk);
		uint64_t pos = 0, set = 0;

		oracle_kv_u64(ev, "pos", &pos);
		oracle_kv_u64(ev, "set", &set);
		if (fr && fr->phase == PH_PENDING && pos == 8 && (set & 0x8000)) {
			fr->phase = PH_OPEN;
			if (!st->bracketing)
				window_enter(st, fr->sid, fr->kind);
		}
		return;
	}
	if (!strcmp(ev->name, "devwait_r")) { /* pci_dev_wait: the device is ready */
		struct oracle_frame *fr = top_method(tk);

		if (fr && fr->phase == PH_OPEN) {
			fr->phase = PH_READY;
			if (!st->bracketing)
				window_leave(st, fr->sid);
		}
		return;
	}
	for (size_t i = 0; i < sizeof(entry_events) / sizeof(entry_events[0]); i++) {
		size_t l = strlen(entry_events[i].name);

		if (strncmp(ev->name, entry_events[i].name, l))
			continue;
		if (ev->name[l] == '\0') {
			on_entry(st, tk, entry_events[i].kind, ev);
			return;
		}
		if (ret && l == n - 2) {
			on_return(st, tk, entry_events[i].kind, ev);
			return;
		}
	}
	st->unknown_events++;
}
