// SPDX-License-Identifier: GPL-2.0
/*
 * atsoracle: turns the lab's tracefs oracle trace into JSON counts (see
 * atsoracle_parse.h for what is counted and how a window is defined).
 *
 *   atsoracle TRACE [--overrun FILE]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atsoracle_parse.h"
#include "lib/json_writer.h"
#include "lib/parse.h"

static struct oracle_state st;

static int replay(const char *path, bool scan, uint64_t *garbled)
{
	struct oracle_event ev;
	char line[4096];
	FILE *f = fopen(path, "r");

	if (!f) {
		fprintf(stderr, "atsoracle: %s: %s\n", path, strerror(errno));
		return 2;
	}
	while (fgets(line, sizeof(line), f)) {
		int r = oracle_parse_line(line, &ev);

		if (r < 0 && !scan)
			(*garbled)++;
		if (r)
			continue;
		if (scan)
			oracle_scan(&st, &ev);
		else
			oracle_feed(&st, &ev);
	}
	fclose(f);
	return 0;
}

/*
 * The other observer's windows, from atstrace's NDJSON: "window" events
 * (device, ts_ns at the close, duration_ns) and "bus_window" events (device:
 * the bridge), as docs/atstrace.schema.json describes them.
 */
static int cmp_flag(const void *a, const void *b)
{
	const struct observer_flag *x = a, *y = b;

	return x->ts < y->ts ? -1 : x->ts > y->ts;
}

static struct observer_window *read_observer(const char *path, size_t *n,
					     struct observer_flag **flags, size_t *nflags)
{
	struct observer_window *w = NULL;
	size_t cap = 0, fcap = 0;
	char line[8192];
	FILE *f = fopen(path, "r");

	*n = 0;
	if (!f) {
		fprintf(stderr, "atsoracle: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	*nflags = 0;
	*flags = NULL;
	while (fgets(line, sizeof(line), f)) {
		bool bus = strstr(line, "\"type\":\"bus_window\"");
		const char *cpu = strstr(line, "\"cpu\":");

		if (strstr(line, "\"reason\":\"in_window\"") && strstr(line, "\"ts_ns\":") && cpu) {
			if (*nflags == fcap) {
				struct observer_flag *nf;

				fcap = fcap ? fcap * 2 : 1024;
				nf = realloc(*flags, fcap * sizeof(*nf));
				if (!nf)
					break;
				*flags = nf;
			}
			(*flags)[*nflags].ts = strtoull(strstr(line, "\"ts_ns\":") + 8, NULL, 10);
			(*flags)[*nflags].cpu = strtoul(cpu + 6, NULL, 10);
			(*nflags)++;
			continue;
		}
		const char *dev = strstr(line, "\"device\":\"");
		const char *ts = strstr(line, "\"ts_ns\":"), *dur = strstr(line, "\"duration_ns\":");
		unsigned int seg, b, d, fn;

		if ((!bus && !strstr(line, "\"type\":\"window\"")) || !dev || !ts || !dur)
			continue;
		if (sscanf(strchr(dev, ':') + 2, "%x:%x:%x.%u", &seg, &b, &d, &fn) != 4)
			continue;
		if (*n == cap) {
			struct observer_window *nw;

			cap = cap ? cap * 2 : 256;
			nw = realloc(w, cap * sizeof(*w));
			if (!nw)
				break;
			w = nw;
		}
		w[*n].bus = bus;
		w[*n].sid = b << 8 | d << 3 | fn;
		w[*n].bus_lo = 0;
		if (bus && strstr(line, "\"bus_lo\":"))
			w[*n].bus_lo = strtoul(strstr(line, "\"bus_lo\":") + 9, NULL, 10);
		w[*n].close_ns = strtoull(ts + 8, NULL, 10);
		w[*n].open_ns = w[*n].close_ns - strtoull(dur + 14, NULL, 10);
		(*n)++;
	}
	fclose(f);
	if (*flags)
		qsort(*flags, *nflags, sizeof(**flags), cmp_flag);
	return w;
}

/* kprobe_profile lines "EVENT HITS MISSED": a probe's misses, -1 if absent */
static long long read_missed(const char *path, const char *event)
{
	char name[64];
	long long hits, missed, found = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fscanf(f, "%63s %lld %lld", name, &hits, &missed) == 3)
		if (!strncmp(name, "atsora/", 7) ? !strcmp(name + 7, event) : !strcmp(name, event))
			found = missed;
	fclose(f);
	return found;
}

/* "cpuN COUNT" lines; -1 when the file is missing */
static long long read_overrun(const char *path)
{
	long long sum = 0, v;
	char name[32];
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fscanf(f, "%31s %lld", name, &v) == 2)
		sum += v;
	fclose(f);
	return sum;
}

int main(int argc, char **argv)
{
	const char *trace = NULL, *overrun_path = NULL, *observer_path = NULL;
	struct observer_window *obs = NULL;
	struct observer_flag *flags = NULL;
	size_t nobs = 0, nflags = 0;
	char def_overrun[4096];
	struct json_writer w;
	uint64_t garbled = 0, edge_ns = 20000; /* 20 us, plus the measured lags */
	long long overrun, qisub_missed, smmu_missed;
	int i, r;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--overrun") && i + 1 < argc)
			overrun_path = argv[++i];
		else if (!strcmp(argv[i], "--observer") && i + 1 < argc)
			observer_path = argv[++i];
		else if (!strcmp(argv[i], "--edge-us") && i + 1 < argc)
			edge_ns = strtoull(argv[++i], NULL, 10) * 1000;
		else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			printf("Usage: atsoracle TRACE [--overrun FILE] [--edge-us N] [--observer NDJSON]\n");
			return 0;
		} else if (argv[i][0] == '-' || trace) {
			fprintf(stderr, "atsoracle: unexpected argument '%s'\n", argv[i]);
			return 2;
		} else
			trace = argv[i];
	}
	if (!trace) {
		fprintf(stderr, "Usage: atsoracle TRACE [--overrun FILE]\n");
		return 2;
	}
	if (!overrun_path) {
		const char *slash = strrchr(trace, '/');

		snprintf(def_overrun, sizeof(def_overrun), "%.*soracle-overrun.txt",
			 slash ? (int)(slash - trace + 1) : 0, trace);
		overrun_path = def_overrun;
	}
	oracle_init(&st);
	if (observer_path) {
		obs = read_observer(observer_path, &nobs, &flags, &nflags);
		st.flags = flags;
		st.nflags = nflags;
	}
	r = replay(trace, true, &garbled);
	if (!r)
		r = replay(trace, false, &garbled);  /* pass 1: windows and their edges */
	if (!r && observer_path)
		oracle_match_observer(&st, obs, nobs);
	free(obs);
	if (!r) {
		oracle_second_pass(&st, edge_ns);
		garbled = 0;
		r = replay(trace, false, &garbled);  /* pass 2: counts, edges known */
	}
	if (r)
		return r;
	overrun = read_overrun(overrun_path);
	{
		const char *slash = strrchr(trace, '/');
		char profile[4096];

		snprintf(profile, sizeof(profile), "%.*soracle-kprobe-profile.txt",
			 slash ? (int)(slash - trace + 1) : 0, trace);
		qisub_missed = read_missed(profile, "qisub");
		smmu_missed = read_missed(profile, "smmucmd");
	}

	json_init(&w, stdout);
	json_object_begin(&w);
	json_kv_u64(&w, "schema_version", SCHEMA_VERSION);
	json_kv_string(&w, "window_mode", st.bracketing ? "bracketing" : "method");
	json_kv_u64(&w, "edge_ns", edge_ns);
	json_kv_u64(&w, "observer_windows", nobs);
	json_kv_u64(&w, "max_observer_gap_ns", st.max_slack);
	json_kv_u64(&w, "max_observer_lag_ns", st.max_lag);
	json_kv_u64(&w, "events", st.events);
	json_kv_u64(&w, "garbled_lines", garbled);
	json_kv_u64(&w, "unknown_events", st.unknown_events);
	json_kv_u64(&w, "unmatched_returns", st.unmatched_returns);
	json_kv_i64(&w, "overrun", overrun);
	json_kv_u64(&w, "events_lost", st.events_lost);
	json_kv_i64(&w, "qi_submit_missed", qisub_missed);
	json_key(&w, "qi_submit");
	json_object_begin(&w);
	json_kv_u64(&w, "calls", st.qi_calls);
	json_kv_u64(&w, "returns", st.qi_returns);
	json_kv_u64(&w, "errors", st.qi_errors);
	json_object_end(&w);
	json_kv_i64(&w, "smmu_cmdlist_missed", smmu_missed);
	json_key(&w, "smmu_cmdq");
	json_object_begin(&w);
	json_kv_u64(&w, "lists", st.smmu_lists);
	json_kv_u64(&w, "returns", st.smmu_returns);
	json_kv_u64(&w, "errors", st.smmu_errors);
	json_kv_u64(&w, "commands", st.smmu_cmds);
	json_kv_u64(&w, "wide_streamids", st.smmu_wide_sids);
	json_key(&w, "by_opcode");
	json_object_begin(&w);
	for (unsigned int op = 0; op < 256; op++) {
		const char *name = oracle_smmu_op_name(op);
		char unk[16];

		if (!st.smmu_by_op[op])
			continue;
		if (!name) {
			snprintf(unk, sizeof(unk), "0x%02x", op);
			name = unk;
		}
		json_kv_u64(&w, name, st.smmu_by_op[op]);
	}
	json_object_end(&w);
	json_object_end(&w);
	json_kv_u64(&w, "bus_resets", st.bus_resets);
	json_key(&w, "devices");
	json_object_begin(&w);
	for (i = 0; i < st.ndev; i++) {
		const struct oracle_device *d = &st.dev[i];
		struct pci_bdf b = { .bus = d->sid >> 8, .devfn = d->sid };
		char bdf[16];

		format_bdf(&b, bdf, sizeof(bdf));
		json_key(&w, bdf);
		json_object_begin(&w);
		json_kv_u64(&w, "devtlb_descriptors", d->devtlb_descriptors);
		json_kv_u64(&w, "devtlb_calls", d->devtlb_calls);
		json_kv_u64(&w, "in_window", d->in_window);
		json_kv_u64(&w, "in_flight_at_open", d->in_flight_at_open);
		json_kv_u64(&w, "edge_in", d->edge_in);
		json_kv_u64(&w, "edge_out", d->edge_out);
		json_kv_u64(&w, "windows", d->windows);
		json_kv_u64(&w, "bus_windows", d->bus_windows);
		json_kv_u64(&w, "recovery_windows", d->recovery_windows);
		json_kv_u64(&w, "in_recovery", d->in_recovery);
		json_kv_u64(&w, "smmu_cfgi", d->smmu_cfgi);
		json_key(&w, "windows_by_method");
		json_object_begin(&w);
		for (int m = 0; oracle_method_names[m]; m++)
			if (d->windows_by_method[m])
				json_kv_u64(&w, oracle_method_names[m], d->windows_by_method[m]);
		json_object_end(&w);
		json_object_end(&w);
	}
	json_object_end(&w);
	json_object_end(&w);
	oracle_free(&st);
	free(flags);
	return 0;
}
