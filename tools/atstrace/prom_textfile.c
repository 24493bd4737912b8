// SPDX-License-Identifier: GPL-2.0
#include "prom_textfile.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* the counters kept per device, each a family with a "device" label */
static const struct dev_metric {
	const char *name;
	const char *help;
	size_t off;
} dev_metrics[] = {
	{ "atstrace_invalidations_total",
	  "ATC (device-TLB) invalidations submitted to the device",
	  offsetof(struct dev_counts, invalidations) },
	{ "atstrace_invalidation_submissions_total",
	  "Submissions to the IOMMU that carried ATC invalidations to the device",
	  offsetof(struct dev_counts, submissions) },
	{ "atstrace_in_window_invalidations_total",
	  "ATC invalidations submitted to the device inside its reset window",
	  offsetof(struct dev_counts, in_window) },
	{ "atstrace_in_flight_at_open_invalidations_total",
	  "ATC invalidations to the device still in flight when its reset window opened",
	  offsetof(struct dev_counts, in_flight_at_open) },
	{ "atstrace_in_recovery_invalidations_total",
	  "Flagged ATC invalidations whose window was an error recovery (AER, DPC)",
	  offsetof(struct dev_counts, in_recovery) },
	{ "atstrace_unbracketed_resets_total",
	  "Resets of the device with ATS enabled that no IOMMU bracket surrounded",
	  offsetof(struct dev_counts, unbracketed) },
	{ "atstrace_ats_enabled_in_window_total",
	  "Reset windows of the device that opened with ATS Enable set",
	  offsetof(struct dev_counts, ats_in_window) },
	{ "atstrace_attaches_total", "IOMMU domain attaches (and PASID set/remove) to the device",
	  offsetof(struct dev_counts, attaches) },
	{ "atstrace_attach_errors_total", "Attaches to the device that failed",
	  offsetof(struct dev_counts, attach_errors) },
	{ "atstrace_attach_busy_total",
	  "Attaches to the device refused with EBUSY because it was being reset",
	  offsetof(struct dev_counts, attach_busy) },
};

/* the run's global counters */
static const struct global_metric {
	const char *name;
	const char *help;
	int global;
	bool ns;      /* a time in ns, written in seconds */
} global_metrics[] = {
	{ "atstrace_bus_resets_total", "Secondary bus resets (bus windows) seen", G_BUS_WINDOWS, false },
	{ "atstrace_error_recoveries_total", "PCIe error recoveries (AER, DPC) seen", G_RECOVERIES, false },
	{ "atstrace_recovery_windows_total", "Reset windows opened by error recoveries",
	  G_RECOVERY_WINDOWS, false },
	{ "atstrace_injected_delays_total", "ATC invalidation completions delayed (--inject-delay)",
	  G_INJECTED, false },
	{ "atstrace_injected_delay_seconds_total", "Time spent delaying completions (--inject-delay)",
	  G_INJECTED_NS, true },
};

static const struct hist_family {
	const char *name;
	const char *help;
} hist_families[H_NR] = {
	[H_INV_LATENCY] = { "atstrace_invalidation_latency_seconds",
			    "ATC invalidation latency, submit to complete" },
	[H_WINDOW] = { "atstrace_reset_window_seconds", "Reset window duration" },
	[H_PREPARE] = { "atstrace_reset_prepare_seconds",
			"pci_dev_reset_iommu_prepare() duration" },
	[H_DONE] = { "atstrace_reset_done_seconds", "pci_dev_reset_iommu_done() duration" },
};

/* nanoseconds as seconds, exactly */
static void seconds(FILE *f, __u64 ns)
{
	fprintf(f, "%llu.%09llu\n", (unsigned long long)(ns / 1000000000ULL),
		(unsigned long long)(ns % 1000000000ULL));
}

static void family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s.\n# TYPE %s %s\n", name, help, name, type);
}

/* a label value as the exposition format quotes it */
static void label_value(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fprintf(f, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

static void hist_family_write(FILE *f, const struct hist_family *fam, const struct hist_total *h,
			      int nh, __u32 kind)
{
	bool any = false;

	for (int i = 0; i < nh; i++) {
		__u64 cum = 0, total = 0;
		char dev[16];

		if (h[i].kind != kind)
			continue;
		if (!any)
			family(f, fam->name, "histogram", fam->help);
		any = true;
		rid_name(h[i].rid, dev, sizeof(dev));
		for (int s = 0; s < HIST_SLOTS; s++)
			total += h[i].h.slots[s];
		/* slot s holds the integers 2^s .. 2^(s+1) - 1 ns (slot 0: 0 and 1): le is exact */
		for (int s = 0; s < PROM_HIST_SLOTS; s++) {
			cum += h[i].h.slots[s];
			fprintf(f, "%s_bucket{device=\"%s\",le=\"%.12g\"} %llu\n", fam->name, dev,
				(double)((1ULL << (s + 1)) - 1) * 1e-9, (unsigned long long)cum);
		}
		fprintf(f, "%s_bucket{device=\"%s\",le=\"+Inf\"} %llu\n", fam->name, dev,
			(unsigned long long)total);
		fprintf(f, "%s_sum{device=\"%s\"} ", fam->name, dev);
		seconds(f, h[i].h.sum);
		fprintf(f, "%s_count{device=\"%s\"} %llu\n", fam->name, dev,
			(unsigned long long)total);
	}
}

void prom_write(FILE *f, const struct run_totals *t, const struct hist_total *h, int nh,
		const struct prom_info *info)
{
	bool healthy = true;

	family(f, "atstrace_build_info", "gauge",
	       "atstrace's version and the kernel it traces, as labels; always 1");
	fputs("atstrace_build_info{version=\"", f);
	label_value(f, info->version);
	fputs("\",kernel_release=\"", f);
	label_value(f, info->kernel_release);
	fputs("\"} 1\n", f);
	for (size_t m = 0; t->ndev && m < sizeof(dev_metrics) / sizeof(dev_metrics[0]); m++) {
		family(f, dev_metrics[m].name, "counter", dev_metrics[m].help);
		for (int i = 0; i < t->ndev; i++) {
			char dev[16];

			rid_name(t->dev[i].rid, dev, sizeof(dev));
			fprintf(f, "%s{device=\"%s\"} %llu\n", dev_metrics[m].name, dev,
				*(const unsigned long long *)((const char *)&t->dev[i].c +
							      dev_metrics[m].off));
		}
	}
	if (t->ndev) {
		family(f, "atstrace_reset_windows_total", "counter",
		       "Reset windows of the device, by what opened them (every kind, zero included)");
		for (int i = 0; i < t->ndev; i++) {
			char dev[16];

			rid_name(t->dev[i].rid, dev, sizeof(dev));
			for (int k = 0; k < WK_NR; k++)
				fprintf(f, "atstrace_reset_windows_total{device=\"%s\",window_kind=\"%s\"} "
					"%llu\n", dev, window_kind_name(k),
					(unsigned long long)t->dev[i].c.windows[k]);
		}
	}
	for (size_t m = 0; m < sizeof(global_metrics) / sizeof(global_metrics[0]); m++) {
		const struct global_metric *g = &global_metrics[m];

		family(f, g->name, "counter", g->help);
		fprintf(f, "%s ", g->name);
		if (g->ns)
			seconds(f, t->global[g->global]);
		else
			fprintf(f, "%llu\n", (unsigned long long)t->global[g->global]);
	}
	/* a gauge: some (the cross-check's difference) can go down */
	family(f, "atstrace_health_problems", "gauge",
	       "What atstrace could not see, count or had to drop, by counter; any non-zero "
	       "one makes --assert inconclusive");
	for (int i = 0; i < health_rows_len; i++) {
		__u64 v = health_value(t, &health_rows[i]);

		healthy &= !v;
		fprintf(f, "atstrace_health_problems{counter=\"%s\"} %llu\n", health_rows[i].name,
			(unsigned long long)v);
	}
	family(f, "atstrace_healthy", "gauge",
	       "1 when every atstrace_health_problems counter is zero, else 0");
	fprintf(f, "atstrace_healthy %d\n", healthy);
	for (__u32 k = 0; k < H_NR; k++)
		hist_family_write(f, &hist_families[k], h, nh, k);
}

int prom_textfile_update(const char *path, const struct run_totals *t,
			 const struct hist_total *h, int nh, const struct prom_info *info)
{
	size_t len = strlen(path) + 5;
	char *tmp = malloc(len);
	FILE *f;
	int err = 0;

	if (!tmp)
		return -ENOMEM;
	snprintf(tmp, len, "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f) {
		err = -errno;
		free(tmp);
		return err;
	}
	prom_write(f, t, h, nh, info);
	if (fflush(f) || ferror(f) || fsync(fileno(f)))
		err = errno ? -errno : -EIO;
	if (fclose(f) && !err)
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err)
		unlink(tmp);
	free(tmp);
	return err;
}
