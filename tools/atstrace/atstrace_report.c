// SPDX-License-Identifier: GPL-2.0
#include "atstrace_report.h"

#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lib/parse.h"
#include "reset_window.h"

static const char *const window_names[WK_NR] = {
	[WK_BRACKET] = "bracket",        [WK_FLR] = "flr",
	[WK_AF_FLR] = "af_flr",          [WK_PM] = "pm",
	[WK_BUS_FUNCTION] = "bus",       [WK_ACPI] = "acpi",
	[WK_DEV_SPECIFIC] = "device_specific", [WK_CXL_BUS] = "cxl_bus",
	[WK_SECONDARY_BUS] = "secondary_bus", [WK_RECOVERY] = "recovery",
};

const char *window_kind_name(__u32 kind)
{
	return kind < WK_NR ? window_names[kind] : "?";
}

/* include/linux/iommu.h IOMMU_DOMAIN_* (values, not in BTF) */
const char *domain_type_name(__u32 type)
{
	switch (type) {
	case 0: return "blocked";
	case 1: return "unmanaged";
	case 3: return "dma";
	case 4: return "identity";
	case 11: return "dma_fq";
	case 16: return "sva";
	case 32: return "platform";
	case 64: return "nested";
	case 0xffffffff: return "none";
	default: return "other";
	}
}

static const char *attach_op_name(__u32 op)
{
	return op == OP_SET_PASID ? "set_pasid" : op == OP_REMOVE_PASID ? "remove_pasid" : "attach";
}

const char *vendor_name(__u32 v)
{
	return v == VENDOR_AMD ? "amd" : v == VENDOR_SMMUV3 ? "smmuv3" : "vtd";
}

void rid_name(__u32 rid, char *buf, size_t len)
{
	struct pci_bdf bdf = { .segment = rid >> 16, .bus = rid >> 8, .devfn = rid };

	format_bdf(&bdf, buf, len);
}

__u64 totals_windows(const struct run_totals *t)
{
	__u64 n = 0;

	for (int i = 0; i < t->ndev; i++)
		for (int k = 0; k < WK_NR; k++)
			n += t->dev[i].c.windows[k];
	return n;
}

__u64 totals_field(const struct run_totals *t, size_t offset)
{
	__u64 n = 0;

	for (int i = 0; i < t->ndev; i++)
		n += *(const __u64 *)((const char *)&t->dev[i].c + offset);
	return n;
}

/* one frame as "symbol+0xoff", or its address */
static void frame_name(char *buf, size_t len, __u64 addr, const struct ksyms *ks)
{
	const struct ksym *s;
	uint64_t off;

	s = ksyms_find(ks, addr, &off);
	if (s)
		snprintf(buf, len, "%s+0x%llx", s->name, (unsigned long long)off);
	else
		snprintf(buf, len, "0x%llx", (unsigned long long)addr);
}

static void print_stack_of(FILE *f, const __u64 *stack, int nbytes, const struct ksyms *ks)
{
	char buf[300];

	for (int i = 0; i < nbytes / 8 && i < STACK_DEPTH; i++) {
		frame_name(buf, sizeof(buf), stack[i], ks);
		fprintf(f, "        %s\n", buf);
	}
}

static void print_stack(FILE *f, const struct event *e, const struct ksyms *ks)
{
	print_stack_of(f, e->inv.stack, e->inv.nstack, ks);
}

static void json_stack(struct json_writer *w, const __u64 *stack, int nbytes,
		       const struct ksyms *ks)
{
	char buf[300];

	json_key(w, "stack");
	json_array_begin(w);
	for (int i = 0; i < nbytes / 8 && i < STACK_DEPTH; i++) {
		frame_name(buf, sizeof(buf), stack[i], ks);
		json_string(w, buf);
	}
	json_array_end(w);
}

static void print_range(FILE *f, __u64 addr, __u64 size)
{
	if (!size)
		fprintf(f, "all");
	else
		fprintf(f, "0x%llx+0x%llx", (unsigned long long)addr, (unsigned long long)size);
}

void report_event_text(FILE *f, const struct event *e, bool timestamps,
		       const struct ksyms *ks, bool with_stack)
{
	char dev[16];

	if (timestamps) {
		/* the event's own time (CLOCK_MONOTONIC) on the real-time clock */
		static int64_t offset;
		struct timespec mono, real;
		uint64_t ns;
		time_t sec;
		struct tm tm;

		if (!offset) {
			clock_gettime(CLOCK_MONOTONIC, &mono);
			clock_gettime(CLOCK_REALTIME, &real);
			offset = (int64_t)(real.tv_sec - mono.tv_sec) * 1000000000LL +
				 (real.tv_nsec - mono.tv_nsec);
		}
		ns = e->ts + offset;
		sec = ns / 1000000000ULL;
		localtime_r(&sec, &tm);
		fprintf(f, "%02d:%02d:%02d.%06llu ", tm.tm_hour, tm.tm_min, tm.tm_sec,
			(unsigned long long)(ns % 1000000000ULL / 1000));
	}
	rid_name(e->rid, dev, sizeof(dev));
	switch (e->type) {
	case EV_INV_FLAGGED:
		fprintf(f, "FLAGGED  %s %s (%s window) ", dev,
			e->inv.reason == FLAG_IN_WINDOW ? "in-window" : "in-flight-at-open",
			window_kind_name(e->inv.window_kind));
		if (e->inv.reason == FLAG_IN_WINDOW) {
			fprintf(f, "%s devtlb ", vendor_name(e->inv.vendor));
			print_range(f, e->inv.addr, e->inv.size);
			if (e->inv.pasid != 0xffffffff)
				fprintf(f, " pasid=%u", e->inv.pasid);
		}
		fprintf(f, " task=%.16s/%u cpu=%u\n", e->comm, e->tid, e->cpu);
		if (with_stack)
			print_stack(f, e, ks);
		break;
	case EV_WINDOW_OPEN:
		fprintf(f, "OPEN     %s %s window, ATS %s\n", dev, window_kind_name(e->win.kind),
			e->win.ats_enabled ? "enabled" : "disabled");
		break;
	case EV_WINDOW_CLOSE:
		fprintf(f, "WINDOW   %s %s %.3f ms, %llu invalidations inside\n", dev,
			window_kind_name(e->win.kind), e->win.duration / 1e6,
			(unsigned long long)e->win.hits);
		break;
	case EV_BUS_WINDOW_OPEN:
		fprintf(f, "BUSRESET %s secondary bus reset of buses %02x-%02x begins\n", dev,
			e->win.bus_lo, e->win.bus_hi);
		break;
	case EV_BUS_WINDOW_CLOSE:
		fprintf(f, "BUSRESET %s buses %02x-%02x ready after %.3f ms\n", dev, e->win.bus_lo,
			e->win.bus_hi, e->win.duration / 1e6);
		break;
	case EV_ATTACH:
		fprintf(f, "ATTACH   %s %s %s", dev, attach_op_name(e->attach.op),
			domain_type_name(e->attach.domain_type));
		if (e->attach.op != OP_ATTACH)
			fprintf(f, " pasid=%u", e->attach.pasid);
		fprintf(f, " ret=%d task=%.16s/%u\n", e->attach.ret, e->comm, e->tid);
		break;
	case EV_UNBRACKETED:
		fprintf(f, "UNBRACKETED %s %s reset with ATS enabled and no IOMMU bracket\n", dev,
			window_kind_name(e->win.kind));
		break;
	case EV_INJECTED:
		fprintf(f, "INJECTED %s completion delayed %.1f us (eligible call %llu) "
			"task=%.16s/%u cpu=%u\n", dev, e->inj.delay_ns / 1e3,
			(unsigned long long)e->inj.call, e->comm, e->tid, e->cpu);
		if (with_stack)
			print_stack_of(f, e->inj.stack, e->inj.nstack, ks);
		break;
	}
}

void report_event_json(struct json_writer *w, const struct event *e, const struct ksyms *ks,
		       bool with_stack)
{
	char dev[16];

	rid_name(e->rid, dev, sizeof(dev));
	json_object_begin(w);
	json_kv_u64(w, "schema_version", ATSTRACE_SCHEMA_VERSION);
	switch (e->type) {
	case EV_INV_FLAGGED:
		json_kv_string(w, "type", "invalidation");
		json_kv_string(w, "device", dev);
		json_kv_string(w, "reason", e->inv.reason == FLAG_IN_WINDOW ? "in_window"
									    : "in_flight_at_open");
		json_kv_string(w, "window_kind", window_kind_name(e->inv.window_kind));
		if (e->inv.reason == FLAG_IN_WINDOW) {
			json_kv_string(w, "vendor", vendor_name(e->inv.vendor));
			json_kv_u64(w, "addr", e->inv.addr);
			json_kv_u64(w, "size", e->inv.size);
			if (e->inv.pasid != 0xffffffff)
				json_kv_u64(w, "pasid", e->inv.pasid);
		}
		if (with_stack && e->inv.nstack > 0)
			json_stack(w, e->inv.stack, e->inv.nstack, ks);
		break;
	case EV_WINDOW_OPEN:
	case EV_WINDOW_CLOSE:
		json_kv_string(w, "type", e->type == EV_WINDOW_OPEN ? "window_open" : "window");
		json_kv_string(w, "device", dev);
		json_kv_string(w, "window_kind", window_kind_name(e->win.kind));
		if (e->type == EV_WINDOW_OPEN) {
			json_kv_bool(w, "ats_enabled", e->win.ats_enabled);
		} else {
			json_kv_u64(w, "duration_ns", e->win.duration);
			json_kv_u64(w, "in_window", e->win.hits);
		}
		break;
	case EV_BUS_WINDOW_OPEN:
	case EV_BUS_WINDOW_CLOSE:
		json_kv_string(w, "type", e->type == EV_BUS_WINDOW_OPEN ? "bus_window_open"
									 : "bus_window");
		/* the bridge whose secondary bus was reset */
		json_kv_string(w, "device", dev);
		json_kv_string(w, "window_kind", window_kind_name(e->win.kind));
		json_kv_u64(w, "bus_lo", e->win.bus_lo);
		json_kv_u64(w, "bus_hi", e->win.bus_hi);
		if (e->type == EV_BUS_WINDOW_CLOSE)
			json_kv_u64(w, "duration_ns", e->win.duration);
		break;
	case EV_ATTACH:
		json_kv_string(w, "type", "attach");
		json_kv_string(w, "device", dev);
		json_kv_string(w, "op", attach_op_name(e->attach.op));
		json_kv_string(w, "domain", domain_type_name(e->attach.domain_type));
		if (e->attach.op != OP_ATTACH)
			json_kv_u64(w, "pasid", e->attach.pasid);
		json_kv_i64(w, "ret", e->attach.ret);
		break;
	case EV_UNBRACKETED:
		json_kv_string(w, "type", "unbracketed_reset");
		json_kv_string(w, "device", dev);
		json_kv_string(w, "window_kind", window_kind_name(e->win.kind));
		break;
	case EV_INJECTED:
		json_kv_string(w, "type", "injection");
		json_kv_string(w, "device", dev);
		json_kv_u64(w, "delay_ns", e->inj.delay_ns);
		json_kv_u64(w, "call", e->inj.call);
		if (with_stack && e->inj.nstack > 0)
			json_stack(w, e->inj.stack, e->inj.nstack, ks);
		break;
	}
	json_kv_u64(w, "ts_ns", e->ts);
	json_kv_string(w, "task", e->comm);
	json_kv_u64(w, "tid", e->tid);
	json_kv_u64(w, "cpu", e->cpu);
	json_object_end(w);
}

void totals_add_streamid(struct run_totals *t, __u32 rid, __u32 sid)
{
	for (int i = 0; i < t->ndev; i++) {
		struct device_totals *d = &t->dev[i];

		if (d->rid != rid)
			continue;
		for (int k = 0; k < d->nsids; k++)
			if (d->sids[k] == sid)
				return;
		if (d->nsids < SMMU_MAX_STREAMS)
			d->sids[d->nsids++] = sid;
		return;
	}
}

void report_summary_text(FILE *f, const struct run_totals *t)
{
	fprintf(f, "\n%-14s %9s %9s %9s %7s %11s %8s %12s\n", "DEVICE", "ATC-INVS", "IN-WINDOW",
		"IN-FLIGHT", "WINDOWS", "UNBRACKETED", "ATS-ON", "ATTACH/ERR");
	for (int i = 0; i < t->ndev; i++) {
		const struct dev_counts *c = &t->dev[i].c;
		__u64 win = 0;
		char dev[16], att[32];

		for (int k = 0; k < WK_NR; k++)
			win += c->windows[k];
		rid_name(t->dev[i].rid, dev, sizeof(dev));
		snprintf(att, sizeof(att), "%llu/%llu", (unsigned long long)c->attaches,
			 (unsigned long long)c->attach_errors);
		fprintf(f, "%-14s %9llu %9llu %9llu %7llu %11llu %8llu %12s\n", dev,
			(unsigned long long)c->invalidations, (unsigned long long)c->in_window,
			(unsigned long long)c->in_flight_at_open, (unsigned long long)win,
			(unsigned long long)c->unbracketed, (unsigned long long)c->ats_in_window, att);
		for (int k = 0; k < t->dev[i].nsids; k++)
			fprintf(f, "%s%#x%s", k ? ", " : "  SMMUv3 StreamIDs: ", t->dev[i].sids[k],
				k + 1 == t->dev[i].nsids ? "\n" : "");
	}
	fprintf(f, "bus resets: %llu; ring buffer drops: %llu\n",
		(unsigned long long)t->global[G_BUS_WINDOWS],
		(unsigned long long)t->global[G_RINGBUF_DROPS]);
	if (t->mem.rss_bytes)
		fprintf(f, "atstrace itself: %.1f MiB resident, %.1f KiB of heap in use, %llu fds\n",
			t->mem.rss_bytes / 1048576.0, t->mem.heap_bytes / 1024.0,
			(unsigned long long)t->mem.fds);
	if (t->global[G_RECOVERIES] || TOTAL(t, in_recovery))
		fprintf(f, "error recoveries (AER, DPC): %llu, %llu recovery windows, %llu "
			"invalidations inside them\n", (unsigned long long)t->global[G_RECOVERIES],
			(unsigned long long)t->global[G_RECOVERY_WINDOWS],
			(unsigned long long)TOTAL(t, in_recovery));
	if (t->global[G_SID_UNKNOWN])
		fprintf(f, "SMMUv3: %llu ATC invalidations to StreamIDs no attach has named yet "
			"(not judged)\n", (unsigned long long)t->global[G_SID_UNKNOWN]);
	if (t->global[G_INJECTED] || t->global[G_INJECT_OVER_BUDGET] || t->global[G_INJECT_OVER_MAX] ||
	    t->global[G_INJECT_OVER_TOTAL] || t->global[G_INJECT_ORPHANED])
		fprintf(f, "injected: %llu completions delayed, %.3f ms in all; skipped: %llu over "
			"the CPU's budget, %llu over the total budget, %llu over --inject-max, "
			"%llu without a heartbeat\n",
			(unsigned long long)t->global[G_INJECTED], t->global[G_INJECTED_NS] / 1e6,
			(unsigned long long)t->global[G_INJECT_OVER_BUDGET],
			(unsigned long long)t->global[G_INJECT_OVER_TOTAL],
			(unsigned long long)t->global[G_INJECT_OVER_MAX],
			(unsigned long long)t->global[G_INJECT_ORPHANED]);
	for (int i = 0, bad = 0; i < health_rows_len; i++) {
		__u64 v = health_value(t, &health_rows[i]);

		if (v)
			fprintf(f, "%s%llu %s\n", bad++ ? "             " : "tool health: ",
				(unsigned long long)v, health_rows[i].what);
		else if (i == health_rows_len - 1 && !bad)
			fprintf(f, "tool health: nothing lost or unseen\n");
	}
}

const struct health_row health_rows[] = {
	{ "ringbuf_drops", "events lost to a full ring buffer", G_RINGBUF_DROPS },
	{ "program_misses", "program runs the kernel skipped (nested on their CPU)", -1 },
	{ "unbalanced_window_exits", "window ends with no start", G_UNBALANCED },
	{ "inflight_overflow", "submissions to more devices than a record holds",
	  G_INFLIGHT_OVERFLOW },
	{ "inflight_no_record", "submissions not tracked in flight (no record free)",
	  G_INFLIGHT_NO_RECORD },
	{ "inflight_unbalanced", "completions whose submission was not seen",
	  G_INFLIGHT_UNBALANCED },
	{ "counts_full", "invalidations or windows not counted (device table full)",
	  G_COUNTS_FULL },
	{ "windows_full", "windows not opened (window table full)", G_WINDOWS_FULL },
	{ "bus_slots_full", "bus resets not tracked (every bus-window slot busy)",
	  G_BUS_SLOTS_FULL },
	{ "hists_full", "histogram samples lost (histogram table full)", G_HISTS_FULL },
	{ "sid_map_full", "SMMUv3 StreamIDs not recorded (table full)", G_SID_MAP_FULL },
	{ "unknown_streamid", "SMMUv3 ATC invalidations to StreamIDs no attach named "
	  "(devices attached before atstrace started)", G_SID_UNKNOWN },
	{ "task_state_lost", "reset frames or in-flight records lost (no task storage, or "
	  "reset methods nested deeper than a task's frames)",
	  G_TASK_STATE_LOST },
	{ "batch_truncated", "submissions longer than the programs read", G_BATCH_TRUNCATED },
	{ "flr_unhooked", "FLRs with no traced reset method around them (a method inlined or "
	  "not hooked, or under way when tracing began): their windows unseen",
	  G_FLR_UNHOOKED },
	{ "recovery_unseen", "error recoveries in which no reset was seen (DPC with no "
	  "dpc_reset_link in kallsyms, or a reset path not traced): their windows unseen",
	  G_RECOVERY_UNSEEN },
	{ "inject_orphaned", "delays skipped because atstrace's heartbeat stopped",
	  G_INJECT_ORPHANED },
	{ "vtd_units_full", "VT-d ATC invalidations on units past the rings atstrace reads "
	  "(more than 64 DMAR units): in flight at a window's opening unseen there",
	  G_VTD_UNITS_FULL },
	{ "vtd_ring_unread", "VT-d invalidation queues a window opening could not read: "
	  "in flight at the opening unseen there", G_VTD_RING_UNREAD },
	{ "crosscheck_mismatch", "device-TLB invalidations the qi_submit tracepoint and "
	  "the submission hook count differently", -1 },
	{ "kretprobe_missed", "reset methods hooked by kprobes whose return was not seen "
	  "(their kretprobe ran out of instances, or a reset was under way at the end)", -1 },
};
const int health_rows_len = sizeof(health_rows) / sizeof(health_rows[0]);

__u64 health_value(const struct run_totals *t, const struct health_row *r)
{
	__u64 tp = t->global[G_TP_DEVTLB], main = t->global[G_MAIN_DEVTLB];

	if (r->global >= 0)
		return t->global[r->global];
	if (!strcmp(r->name, "program_misses"))
		return t->program_misses;
	if (!strcmp(r->name, "kretprobe_missed"))
		return t->global[G_KMETHOD_ENTRIES] > t->global[G_KMETHOD_EXITS] ?
		       t->global[G_KMETHOD_ENTRIES] - t->global[G_KMETHOD_EXITS] : 0;
	/* crosscheck_mismatch */
	if (!t->crosscheck)
		return 0;
	return tp > main ? tp - main : main - tp;
}

static const char *signal_name(int sig)
{
	switch (sig) {
	case 0: return NULL;
	case SIGINT: return "SIGINT";
	case SIGTERM: return "SIGTERM";
	default: return "a signal";
	}
}

void report_summary_json(struct json_writer *w, const struct run_totals *t,
			 const struct run_end *end, const char *verdict, int exit_code)
{
	json_object_begin(w);
	json_kv_u64(w, "schema_version", ATSTRACE_SCHEMA_VERSION);
	json_kv_string(w, "type", "summary");
	/* one object per device, named by its "device" field; every window kind, zero or not */
	json_key(w, "devices");
	json_array_begin(w);
	for (int i = 0; i < t->ndev; i++) {
		const struct dev_counts *c = &t->dev[i].c;
		char dev[16];

		rid_name(t->dev[i].rid, dev, sizeof(dev));
		json_object_begin(w);
		json_kv_string(w, "device", dev);
		json_kv_u64(w, "invalidations", c->invalidations);
		/* counted per call only where a completion hook keeps a record */
		if (!t->vtd_lean)
			json_kv_u64(w, "submissions", c->submissions);
		json_kv_u64(w, "in_window", c->in_window);
		json_kv_u64(w, "in_flight_at_open", c->in_flight_at_open);
		json_kv_u64(w, "in_recovery", c->in_recovery);
		json_key(w, "windows");
		json_object_begin(w);
		for (int k = 0; k < WK_NR; k++)
			json_kv_u64(w, window_kind_name(k), c->windows[k]);
		json_object_end(w);
		json_kv_u64(w, "unbracketed_resets", c->unbracketed);
		json_kv_u64(w, "ats_enabled_in_window", c->ats_in_window);
		json_kv_u64(w, "attaches", c->attaches);
		json_kv_u64(w, "attach_errors", c->attach_errors);
		json_kv_u64(w, "attach_busy", c->attach_busy);
		if (t->dev[i].nsids) {
			json_key(w, "streamids");
			json_array_begin(w);
			for (int k = 0; k < t->dev[i].nsids; k++)
				json_u64(w, t->dev[i].sids[k]);
			json_array_end(w);
		}
		json_object_end(w);
	}
	json_array_end(w);
	json_kv_u64(w, "bus_resets", t->global[G_BUS_WINDOWS]);
	json_kv_u64(w, "recoveries", t->global[G_RECOVERIES]);
	json_kv_u64(w, "recovery_windows", t->global[G_RECOVERY_WINDOWS]);
	json_kv_u64(w, "ringbuf_drops", t->global[G_RINGBUF_DROPS]);
	json_kv_u64(w, "events_shed", t->global[G_EVENTS_SHED]);
	json_kv_u64(w, "submit_recursion_misses", t->submit_misses);
	json_kv_u64(w, "unbalanced_window_exits", t->global[G_UNBALANCED]);
	json_kv_u64(w, "inflight_overflow", t->global[G_INFLIGHT_OVERFLOW]);
	json_kv_u64(w, "unknown_streamid", t->global[G_SID_UNKNOWN]);
	/* every counter of the tool's own health, zero or not */
	json_key(w, "health");
	json_object_begin(w);
	for (int i = 0; i < health_rows_len; i++)
		json_kv_u64(w, health_rows[i].name, health_value(t, &health_rows[i]));
	json_object_end(w);
	if (t->vtd_lean) {
		json_key(w, "vtd_queue");
		json_object_begin(w);
		json_kv_u64(w, "rings_read", t->global[G_VTD_RING_SCANS]);
		json_kv_u64(w, "devtlb_in_rings", t->global[G_VTD_RING_DEVTLB]);
		json_object_end(w);
	}
	if (t->crosscheck) {
		json_key(w, "crosscheck");
		json_object_begin(w);
		json_kv_u64(w, "qi_submit_tracepoint", t->global[G_TP_DEVTLB]);
		json_kv_u64(w, "submission_hook", t->global[G_MAIN_DEVTLB]);
		json_object_end(w);
	}
	if (t->mem.rss_bytes) {
		json_key(w, "tool");
		json_object_begin(w);
		json_kv_u64(w, "heap_bytes", t->mem.heap_bytes);
		json_kv_u64(w, "rss_bytes", t->mem.rss_bytes);
		json_kv_u64(w, "fds", t->mem.fds);
		json_object_end(w);
	}
	json_key(w, "injection");
	json_object_begin(w);
	json_kv_u64(w, "eligible", t->inject_calls);
	json_kv_u64(w, "delayed", t->global[G_INJECTED]);
	json_kv_u64(w, "injected_ns", t->global[G_INJECTED_NS]);
	json_kv_u64(w, "over_budget", t->global[G_INJECT_OVER_BUDGET]);
	json_kv_u64(w, "over_total_budget", t->global[G_INJECT_OVER_TOTAL]);
	json_kv_u64(w, "over_max", t->global[G_INJECT_OVER_MAX]);
	json_kv_u64(w, "orphaned", t->global[G_INJECT_ORPHANED]);
	json_object_end(w);
	if (end) {
		json_key(w, "run");
		json_object_begin(w);
		json_kv_i64(w, "command_status", end->cmd_status);
		if (end->stop_signal)
			json_kv_string(w, "stopped_by", signal_name(end->stop_signal));
		json_kv_i64(w, "poll_error", end->poll_error);
		json_kv_bool(w, "output_error", end->output_error);
		json_object_end(w);
	}
	if (verdict) {
		json_kv_string(w, "verdict", verdict);
		json_kv_i64(w, "exit_code", exit_code);
	}
	json_object_end(w);
}

/* appends "; " and a formatted cause to v->line (kept whole or cut at its end) */
static void add_cause(char *buf, size_t len, int *n, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	if (used >= len - 1)
		return;
	if ((*n)++)
		used += snprintf(buf + used, len - used, "; ");
	if (used >= len - 1)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

/*
 * Why this run cannot pass, whatever it counted: every health counter that
 * is not zero, and how the run ended. Returns how many causes.
 */
static int inconclusive_causes(const struct run_totals *t, const struct run_end *end,
			       char *buf, size_t len)
{
	__u64 unbr = TOTAL(t, unbracketed), brackets = 0;
	int n = 0;

	buf[0] = 0;
	for (int i = 0; i < health_rows_len; i++) {
		__u64 v = health_value(t, &health_rows[i]);

		if (v)
			add_cause(buf, len, &n, "%llu %s", (unsigned long long)v, health_rows[i].what);
	}
	if (end->stop_signal)
		add_cause(buf, len, &n, "stopped by %s before the command ended",
			  signal_name(end->stop_signal));
	if (end->poll_error)
		add_cause(buf, len, &n, "reading the ring buffer failed: %s",
			  strerror(-end->poll_error));
	if (end->output_error)
		add_cause(buf, len, &n, "its output could not be written");
	if (end->cmd_status > 128)
		add_cause(buf, len, &n, "the command was killed by signal %d", end->cmd_status - 128);
	else if (end->cmd_status)
		add_cause(buf, len, &n, "the command exited %d", end->cmd_status);
	for (int i = 0; i < t->ndev; i++)
		brackets += t->dev[i].c.windows[WK_BRACKET];
	/* on a bracketing kernel, resets outside any bracket and no bracket at all */
	if (t->bracketing && unbr && !brackets)
		add_cause(buf, len, &n, "the bracket hooks never fired while %llu resets ran "
			  "unbracketed", (unsigned long long)unbr);
	return n;
}

void assert_verdict(const struct run_totals *t, const struct atstrace_env *env,
		    const struct run_end *end, struct verdict *v)
{
	__u64 inw = TOTAL(t, in_window), infl = TOTAL(t, in_flight_at_open);
	__u64 unbr = TOTAL(t, unbracketed), invs = TOTAL(t, invalidations);
	__u64 resets = totals_windows(t), rec = TOTAL(t, in_recovery);
	char causes[768], hw[96] = "";
	int ncauses = inconclusive_causes(t, end, causes, sizeof(causes));

	/* error recovery: resets no software asked for, told apart */
	if (rec)
		snprintf(hw, sizeof(hw), " (%llu of them in error recovery: a reset no software "
			 "asked for)", (unsigned long long)rec);
	if (inw || infl || (env->fail_unbracketed && unbr)) {
		v->exit_code = 1;
		v->word = "FAIL";
		snprintf(v->line, sizeof(v->line),
			 "atstrace: FAIL: %llu in-window invalidations%s, %llu in flight at a "
			 "window's open, %llu unbracketed resets (%llu reset windows, %llu "
			 "invalidations)%s%s",
			 (unsigned long long)inw, hw, (unsigned long long)infl,
			 (unsigned long long)unbr, (unsigned long long)resets,
			 (unsigned long long)invs, ncauses ? "; also: " : "", causes);
	} else if (ncauses) {
		/* what it could not see could have been a violation */
		v->exit_code = 3;
		v->word = "INCONCLUSIVE";
		snprintf(v->line, sizeof(v->line), "atstrace: INCONCLUSIVE: %s", causes);
	} else if (resets < env->min_resets || !invs) {
		/* windows opened, and ATS was off at every one: nothing to invalidate */
		char no_ats[128] = "";

		if (resets && !invs && !TOTAL(t, ats_in_window))
			snprintf(no_ats, sizeof(no_ats), "; ATS was enabled at none of the %llu "
				 "windows' opens: the devices traced had no ATS to invalidate",
				 (unsigned long long)resets);
		v->exit_code = 3;
		v->word = "INCONCLUSIVE";
		snprintf(v->line, sizeof(v->line),
			 "atstrace: INCONCLUSIVE: %llu reset windows on the devices traced (wanted at "
			 "least %llu), %llu invalidations: the run proved nothing%s",
			 (unsigned long long)resets, (unsigned long long)env->min_resets,
			 (unsigned long long)invs, no_ats);
	} else {
		v->exit_code = 0;
		v->word = "PASS";
		snprintf(v->line, sizeof(v->line),
			 "atstrace: PASS: %llu reset windows, %llu invalidations, none in a window, "
			 "%llu unbracketed resets",
			 (unsigned long long)resets, (unsigned long long)invs,
			 (unsigned long long)unbr);
	}
}

/* ------------------------------------------------------------------ KTAP */

enum ktap_result { KTAP_OK, KTAP_NOT_OK, KTAP_SKIP };

struct ktap_ctx {
	const struct run_totals *t;
	const struct atstrace_env *env;
	const struct run_end *end;
	const struct verdict *v;
};

/* one check: its result, and why (a diagnostic after the test line) */
struct ktap_check {
	const char *name;
	enum ktap_result (*judge)(const struct ktap_ctx *c, char *why, size_t len);
};

static enum ktap_result ktap_in_window(const struct ktap_ctx *c, char *why, size_t len)
{
	__u64 n = TOTAL(c->t, in_window), rec = TOTAL(c->t, in_recovery);

	snprintf(why, len, "%llu in-window invalidations, %llu of them in error recovery",
		 (unsigned long long)n, (unsigned long long)rec);
	return n ? KTAP_NOT_OK : KTAP_OK;
}

static enum ktap_result ktap_in_flight(const struct ktap_ctx *c, char *why, size_t len)
{
	__u64 n = TOTAL(c->t, in_flight_at_open);

	snprintf(why, len, "%llu invalidations in flight at a window's open",
		 (unsigned long long)n);
	return n ? KTAP_NOT_OK : KTAP_OK;
}

static enum ktap_result ktap_unbracketed(const struct ktap_ctx *c, char *why, size_t len)
{
	__u64 n = TOTAL(c->t, unbracketed);

	if (!c->t->bracketing) {
		snprintf(why, len, "this kernel has no reset bracket");
		return KTAP_SKIP;
	}
	snprintf(why, len, "%llu resets with ATS on outside a bracket%s", (unsigned long long)n,
		 n && !c->env->fail_unbracketed ? ", not failed without --fail-unbracketed" : "");
	if (n && !c->env->fail_unbracketed)
		return KTAP_SKIP;
	return n ? KTAP_NOT_OK : KTAP_OK;
}

static enum ktap_result ktap_resets_seen(const struct ktap_ctx *c, char *why, size_t len)
{
	__u64 resets = totals_windows(c->t), invs = TOTAL(c->t, invalidations);

	snprintf(why, len, "%llu reset windows (at least %llu wanted), %llu invalidations",
		 (unsigned long long)resets, (unsigned long long)c->env->min_resets,
		 (unsigned long long)invs);
	return resets >= c->env->min_resets && invs ? KTAP_OK : KTAP_SKIP;
}

static enum ktap_result ktap_health(const struct ktap_ctx *c, char *why, size_t len)
{
	struct run_end end = *c->end;

	/* the workload's own failure is its own test */
	end.cmd_status = 0;
	if (inconclusive_causes(c->t, &end, why, len))
		return KTAP_SKIP;
	snprintf(why, len, "nothing lost or unseen, every health counter zero");
	return KTAP_OK;
}

static enum ktap_result ktap_workload(const struct ktap_ctx *c, char *why, size_t len)
{
	int s = c->end->cmd_status;

	if (s > 128)
		snprintf(why, len, "the command was killed by signal %d", s - 128);
	else
		snprintf(why, len, "the command exited %d", s);
	return s ? KTAP_NOT_OK : KTAP_OK;
}

static const struct ktap_check ktap_checks[] = {
	{ "no_in_window_invalidations", ktap_in_window },
	{ "none_in_flight_at_open", ktap_in_flight },
	{ "no_unbracketed_resets", ktap_unbracketed },
	{ "enough_resets_seen", ktap_resets_seen },
	{ "tool_health", ktap_health },
	{ "workload", ktap_workload },
};

int assert_ktap(FILE *f, const struct run_totals *t, const struct atstrace_env *env,
		const struct run_end *end, const struct verdict *v)
{
	const struct ktap_ctx c = { .t = t, .env = env, .end = end, .v = v };
	const int n = sizeof(ktap_checks) / sizeof(ktap_checks[0]);
	/* what atstrace could not see could have been a violation: nothing is ok */
	bool proved_nothing = v->exit_code == 3;
	bool failed = false;

	fprintf(f, "KTAP version 1\n# %s\n1..%d\n", v->line, n);
	for (int i = 0; i < n; i++) {
		char why[sizeof(v->line) + 64];
		enum ktap_result r = ktap_checks[i].judge(&c, why, sizeof(why));

		if (r == KTAP_OK && proved_nothing) {
			const char *p = "atstrace: INCONCLUSIVE: ", *cause = v->line;

			if (!strncmp(cause, p, strlen(p)))
				cause += strlen(p);
			r = KTAP_SKIP;
			snprintf(why, sizeof(why), "%s", cause);
		}
		if (r == KTAP_NOT_OK) {
			failed = true;
			fprintf(f, "not ok %d %s\n# %s\n", i + 1, ktap_checks[i].name, why);
		} else if (r == KTAP_SKIP) {
			fprintf(f, "ok %d %s # SKIP %s\n", i + 1, ktap_checks[i].name, why);
		} else {
			fprintf(f, "ok %d %s\n# %s\n", i + 1, ktap_checks[i].name, why);
		}
	}
	if (failed)
		return KSFT_FAIL;
	return proved_nothing ? KSFT_SKIP : KSFT_PASS;
}
