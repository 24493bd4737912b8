// SPDX-License-Identifier: GPL-2.0
/*
 * atstrace, user side: resolves the probe plan for the running kernel, loads
 * and attaches the CO-RE programs of bpf/atstrace.bpf.c, prints live events,
 * the summary and histograms, and in --assert mode runs a workload and
 * returns a verdict.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/magic.h>
#include <limits.h>
#include <dirent.h>
#include <malloc.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <linux/types.h>
#include "vtd_queue.h"     /* VTD_MAX_UNITS */
#include "inject_rule.h" /* the skeleton's rodata holds its struct */
#include "atstrace.skel.h"
#include "atstrace_cli.h"
#include "atstrace_report.h"
#include "hist_group.h"
#include "hist_print.h"
#include "ksyms.h"
#include "lib/clock.h"
#include "lib/json_writer.h"
#include "lib/prog_stats.h"
#include "lib/stop.h"
#include "probe_plan.h"
#include "prom_textfile.h"
#include "timeline.h"
#include "reset_window.h"

static struct atstrace_env env;
static struct json_writer jw;
static struct ksyms *ksyms;
static struct timeline *timeline; /* --timeline */
static int nr_cpus;

/* flagged invalidations printed with a stack, per device */
static struct {
	__u32 rid;
	unsigned int n;
} stack_budget[ATSTRACE_MAX_DEVICES];

static int print_libbpf(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (level == LIBBPF_DEBUG && !env.verbose)
		return 0;
	return vfprintf(stderr, fmt, args);
}

static bool take_stack(__u32 rid)
{
	for (int i = 0; i < ATSTRACE_MAX_DEVICES; i++) {
		if (stack_budget[i].n && stack_budget[i].rid != rid)
			continue;
		stack_budget[i].rid = rid;
		if (stack_budget[i].n >= env.max_stacks)
			return false;
		stack_budget[i].n++;
		return true;
	}
	return false;
}

/* set for the last read of the ring buffer, which must not stop early */
static bool draining;

static int on_event(void *ctx, void *data, size_t size)
{
	const struct event *e = data;
	bool stack;

	(void)ctx;
	if (size >= sizeof(*e) && timeline)
		timeline_event(timeline, e);
	if (size >= sizeof(*e) && !env.quiet && e->type != EV_INV_SEEN) {
		stack = (e->type == EV_INV_FLAGGED && e->inv.nstack > 0 && take_stack(e->rid)) ||
			(e->type == EV_INJECTED && e->inj.nstack > 0);
		if (stack && !ksyms)
			ksyms = ksyms_load(NULL);
		if (env.json)
			report_event_json(&jw, e, ksyms, stack);
		else
			report_event_text(stdout, e, env.timestamps, ksyms, stack);
	}
	/*
	 * One poll reads until the buffer is empty: a producer faster than
	 * this consumer keeps it there, and a stop request would wait for the
	 * workload to end (and a SIGUSR1 its summary). The poll stops after
	 * this event; what is left is read next, or once the programs are
	 * detached.
	 */
	return (atomic_load(&stop_requested) || atomic_load(&summary_requested)) && !draining ?
	       -EINTR : 0;
}

/*
 * --inject-cgroup: a cgroup v2 directory's id (its file handle, as the
 * kernel's cgroup id) and its depth below the hierarchy's root (the parents
 * that are cgroup v2 directories too). 0, or -1 after saying why.
 */
static int cgroup_of(const char *path, __u64 *id, __u32 *level)
{
	struct {
		struct file_handle fh;
		__u64 id;
	} h = { .fh.handle_bytes = sizeof(__u64) };
	char dir[PATH_MAX], *slash;
	struct statfs sf;
	int mount_id;

	const char *why = NULL;

	if (!realpath(path, dir) || statfs(dir, &sf))
		why = strerror(errno);
	else if (sf.f_type != CGROUP2_SUPER_MAGIC)
		why = "not a cgroup v2 directory";
	else if (name_to_handle_at(AT_FDCWD, dir, &h.fh, &mount_id, 0))
		why = strerror(errno);
	if (why) {
		fprintf(stderr, "atstrace: --inject-cgroup %s: %s\n", path, why);
		return -1;
	}
	*id = h.id;
	*level = 0;
	while ((slash = strrchr(dir, '/')) && slash != dir) {
		*slash = 0;
		if (statfs(dir, &sf) || sf.f_type != CGROUP2_SUPER_MAGIC)
			break;
		(*level)++;
	}
	return 0;
}

/* whether the kernel has cgroup v2 (and the helpers --inject-cgroup uses) */
static bool has_cgroup2(void)
{
	char line[128];
	bool found = false;
	FILE *f = fopen("/proc/filesystems", "r");

	while (f && !found && fgets(line, sizeof(line), f))
		found = strstr(line, "\tcgroup2\n") != NULL;
	if (f)
		fclose(f);
	return found;
}

/*
 * The first record of a JSON run: what wrote it, on which kernel and host,
 * the clock of every ts_ns (with one reading of it and of the real-time
 * clock, to place events in wall time) and the probe plan it runs.
 */
static void print_header(const struct kernel_facts *facts, const struct plan_entry *plan,
			 const char *mode)
{
	struct timespec mono, real;
	struct utsname u;

	if (uname(&u))
		memset(&u, 0, sizeof(u));
	clock_gettime(CLOCK_MONOTONIC, &mono);
	clock_gettime(CLOCK_REALTIME, &real);
	json_object_begin(&jw);
	json_kv_u64(&jw, "schema_version", ATSTRACE_SCHEMA_VERSION);
	json_kv_string(&jw, "type", "header");
	json_kv_string(&jw, "tool", "atstrace");
	json_kv_string(&jw, "version", atstrace_version);
	json_kv_string(&jw, "mode", mode);
	json_kv_string(&jw, "kernel_release", u.release);
	json_kv_string(&jw, "machine", u.machine);
	json_kv_string(&jw, "hostname", u.nodename);
	json_kv_i64(&jw, "possible_cpus", libbpf_num_possible_cpus());
	json_kv_string(&jw, "clock", "CLOCK_MONOTONIC");
	json_kv_u64(&jw, "clock_ns", (uint64_t)mono.tv_sec * 1000000000ULL + mono.tv_nsec);
	json_kv_u64(&jw, "realtime_ns", (uint64_t)real.tv_sec * 1000000000ULL + real.tv_nsec);
	probe_plan_json(&jw, facts, plan, probe_table_len);
	json_object_end(&jw);
}

/* Whether we may load tracing programs at all, said before libbpf tries. */
static int check_privileges(void)
{
	unsigned long long eff = 0;
	char line[256];
	FILE *f;

	if (geteuid() == 0)
		return 0;
	f = fopen("/proc/self/status", "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &eff) == 1)
			break;
	if (f)
		fclose(f);
	/* CAP_PERFMON = 38, CAP_BPF = 39 */
	if ((eff & (1ULL << 38)) && (eff & (1ULL << 39)))
		return 0;
	fprintf(stderr, "atstrace: permission denied: run as root (or with CAP_BPF and CAP_PERFMON)\n");
	return 2;
}

static void set_autoload(struct bpf_object *obj, const char *name, const char *target)
{
	struct bpf_program *p = bpf_object__find_program_by_name(obj, name);

	if (!p)
		return;
	bpf_program__set_autoload(p, true);
	if (target)
		bpf_program__set_attach_target(p, 0, target);
}

/* a kprobe method slot's entry (ret 0) or exit (ret 1) program */
static void kmethod_prog_name(char *buf, size_t size, int slot, int ret)
{
	snprintf(buf, size, ret ? "method_kexit_%d" : "method_kentry_%d", slot);
}

/* Enables the programs the plan chose and fills the slots' configuration. */
static void apply_plan(struct atstrace *skel, const struct kernel_facts *facts,
		       const struct plan_entry *plan, int n)
{
	struct bpf_object *obj = skel->obj;
	char name[64];

	for (int i = 0; i < n; i++) {
		const struct plan_entry *e = &plan[i];
		const struct probe_row *r = e->row;
		const struct probe_candidate *c;

		if (e->status != ROW_ATTACH_OK)
			continue;
		c = &r->cand[e->chosen];
		switch (r->kind) {
		case ROW_FIXED:
			set_autoload(obj, c->prog, NULL);
			/* the plan checked that each is in the prototype */
			for (int a = 0; r->arg_names == smmu_args && a < SMMU_ARGS; a++)
				skel->rodata->smmu_arg[a] = facts->arg_index(facts->ctx, c->target,
									     smmu_args[a]);
			for (int a = 0; r->arg_names == smmu_prepare_args && a < SMMU_PREPARE_ARGS; a++)
				skel->rodata->smmu_prepare_arg[a] =
					facts->arg_index(facts->ctx, c->target, smmu_prepare_args[a]);
			break;
		case ROW_METHOD:
			if (e->ksym[0]) {
				/* attached by symbol once loaded (attach_kprobe_methods) */
				for (int ret = 0; ret < 2; ret++) {
					struct bpf_program *p;

					kmethod_prog_name(name, sizeof(name), e->slot, ret);
					set_autoload(obj, name, NULL);
					p = bpf_object__find_program_by_name(obj, name);
					if (p)
						bpf_program__set_autoattach(p, false);
				}
				skel->rodata->method_kind[METHOD_SLOTS + e->slot] = r->window_kind;
				skel->rodata->method_probe_arg[METHOD_SLOTS + e->slot] = r->probe_arg;
				break;
			}
			snprintf(name, sizeof(name), "method_entry_%d", e->slot);
			set_autoload(obj, name, c->target);
			snprintf(name, sizeof(name), "method_exit_%d", e->slot);
			set_autoload(obj, name, c->target);
			skel->rodata->method_kind[e->slot] = r->window_kind;
			skel->rodata->method_probe_arg[e->slot] = r->probe_arg;
			break;
		case ROW_BUS_END:
			snprintf(name, sizeof(name), "bus_end_exit_%d", e->slot);
			set_autoload(obj, name, c->target);
			break;
		case ROW_ATTACH:
			snprintf(name, sizeof(name), "attach_exit_%d", e->slot);
			set_autoload(obj, name, c->target);
			skel->rodata->attach_op[e->slot] = r->attach_op;
			skel->rodata->attach_dom_arg[e->slot] = r->dom_arg;
			skel->rodata->attach_dev_arg[e->slot] = r->dev_arg;
			skel->rodata->attach_pasid_arg[e->slot] = r->pasid_arg;
			skel->rodata->attach_vendor[e->slot] = r->needs & NEED_SMMUV3 ? VENDOR_SMMUV3 :
							       r->needs & NEED_AMD ? VENDOR_AMD : VENDOR_VTD;
			break;
		}
	}
}

/*
 * The kprobe slots have no target in their section: each is attached to the
 * symbol the plan found. The links are the skeleton's, destroyed with it.
 */
static int attach_kprobe_methods(struct atstrace *skel, const struct plan_entry *plan, int n)
{
	const struct bpf_object_skeleton *sk = skel->skeleton;

	for (int i = 0; i < n; i++) {
		const struct plan_entry *e = &plan[i];

		if (e->status != ROW_ATTACH_OK || !e->ksym[0])
			continue;
		/*
		 * The return first: a method entered between the two attaches
		 * would count an entry with no return, a false kretprobe_missed;
		 * a return with no entry loses nothing.
		 */
		for (int ret = 1; ret >= 0; ret--) {
			char name[64];
			int k = 0;

			kmethod_prog_name(name, sizeof(name), e->slot, ret);
			while (k < sk->prog_cnt && strcmp(sk->progs[k].name, name))
				k++;
			if (k == sk->prog_cnt)
				return -ENOENT;
			*sk->progs[k].link = bpf_program__attach_kprobe(*sk->progs[k].prog, ret,
									e->ksym);
			if (!*sk->progs[k].link) {
				int err = -errno;

				fprintf(stderr, "atstrace: cannot attach a k%sprobe to %s: %s\n",
					ret ? "ret" : "", e->ksym, strerror(-err));
				return err;
			}
		}
	}
	return 0;
}

/* atstrace's own footprint: heap in use first (reading /proc allocates) */
static void read_tool_memory(struct tool_memory *m)
{
	struct mallinfo2 mi = mallinfo2();
	unsigned long size, resident;
	struct dirent *de;
	FILE *f;
	DIR *d;

	m->heap_bytes = mi.uordblks + mi.hblkhd;
	f = fopen("/proc/self/statm", "r");
	if (f) {
		if (fscanf(f, "%lu %lu", &size, &resident) == 2)
			m->rss_bytes = (__u64)resident * sysconf(_SC_PAGESIZE);
		fclose(f);
	}
	d = opendir("/proc/self/fd");
	if (d) {
		while ((de = readdir(d)))
			if (de->d_name[0] != '.')
				m->fds++;
		closedir(d);
		m->fds--; /* the directory's own */
	}
}

static void read_totals(struct atstrace *skel, struct run_totals *t)
{
	int fd = bpf_map__fd(skel->maps.counts), gfd = bpf_map__fd(skel->maps.global_counts);
	int ofd = bpf_map__fd(skel->maps.slot_rid);
	__u32 used = __atomic_load_n(&skel->bss->slots_used, __ATOMIC_ACQUIRE);
	__u64 *gv = calloc(nr_cpus, sizeof(*gv));

	memset(t, 0, sizeof(*t));
	/* each device's slot (shared by every CPU, atomic adds in the programs) */
	for (__u32 slot = 1; slot <= used && slot <= ATSTRACE_MAX_DEVICES; slot++) {
		struct device_totals *d = &t->dev[t->ndev];
		struct slot_owner o;

		if (bpf_map_lookup_elem(ofd, &slot, &o) || !o.valid ||
		    bpf_map_lookup_elem(fd, &slot, &d->c))
			continue;
		d->rid = o.rid;
		t->ndev++;
	}
	/* SMMUv3: each device's StreamIDs, as attaches taught them */
	{
		int sfd = bpf_map__fd(skel->maps.sid_map);
		struct sid_key k, *prev = NULL;
		__u32 rid;

		while (!bpf_map_get_next_key(sfd, prev, &k)) {
			if (!bpf_map_lookup_elem(sfd, &k, &rid))
				totals_add_streamid(t, rid, k.sid);
			prev = &k;
		}
	}
	for (__u32 g = 0; gv && g < G_NR; g++) {
		if (bpf_map_lookup_elem(gfd, &g, gv))
			continue;
		for (int cpu = 0; cpu < nr_cpus; cpu++)
			t->global[g] += gv[cpu];
	}
	free(gv);
	/*
	 * A run the kernel skipped because the program was already running on
	 * its CPU (a submission from an IRQ inside our own program): for the
	 * submission hook a submission not seen, for any other an event lost.
	 */
	{
		struct bpf_program *p;

		bpf_object__for_each_program(p, skel->obj) {
			struct bpf_prog_info info = { 0 };
			__u32 len = sizeof(info);
			const struct probe_row *r = probe_row_of(bpf_program__name(p));

			if (bpf_program__fd(p) < 0 ||
			    bpf_obj_get_info_by_fd(bpf_program__fd(p), &info, &len))
				continue;
			t->program_misses += info.recursion_misses;
			if (r && !strcmp(r->event, "inv_submit"))
				t->submit_misses += info.recursion_misses;
		}
	}
	t->bracketing = skel->rodata->bracketing;
	t->crosscheck = bpf_program__autoload(skel->progs.vtd_qi_submit_tp);
	t->vtd_lean = skel->rodata->vtd_lean;
	read_tool_memory(&t->mem);
	t->inject_calls = __atomic_load_n(&skel->bss->inject_calls, __ATOMIC_RELAXED);
}

static const char *const hist_titles[H_NR] = {
	[H_INV_LATENCY] = "ATC invalidation latency, submit to complete",
	[H_WINDOW] = "reset window duration",
	[H_PREPARE] = "pci_dev_reset_iommu_prepare() duration",
	[H_DONE] = "pci_dev_reset_iommu_done() duration",
};
static const char *const hist_names[H_NR] = {
	[H_INV_LATENCY] = "inv_latency", [H_WINDOW] = "window",
	[H_PREPARE] = "prepare", [H_DONE] = "done",
};

/*
 * Every histogram since the start, sorted by device then kind. The map is
 * read, never cleared (a sample added between a read and a delete would be
 * lost); what interval mode prints is the difference from what it printed.
 */
static struct hist_total *hists_now;
static struct hist *hists_shown;
static int nhists;
static bool hists_lost; /* said once */

static int hist_cmp(const struct hist_key *k, const struct hist_total *h)
{
	if (k->rid != h->rid)
		return k->rid < h->rid ? -1 : 1;
	if (k->kind != h->kind)
		return k->kind < h->kind ? -1 : 1;
	return k->sub != h->sub ? (k->sub < h->sub ? -1 : 1) : 0;
}

/* the entry of @k, inserted in order when new; NULL without memory */
static struct hist_total *hist_entry(const struct hist_key *k)
{
	struct hist_total *nn;
	struct hist *ns;
	int i = 0;

	while (i < nhists && hist_cmp(k, &hists_now[i]) > 0)
		i++;
	if (i < nhists && !hist_cmp(k, &hists_now[i]))
		return &hists_now[i];
	nn = realloc(hists_now, (nhists + 1) * sizeof(*nn));
	if (nn)
		hists_now = nn;
	ns = realloc(hists_shown, (nhists + 1) * sizeof(*ns));
	if (ns)
		hists_shown = ns;
	if (!nn || !ns)
		return NULL;
	memmove(&hists_now[i + 1], &hists_now[i], (nhists - i) * sizeof(*nn));
	memmove(&hists_shown[i + 1], &hists_shown[i], (nhists - i) * sizeof(*ns));
	memset(&hists_now[i], 0, sizeof(*nn));
	memset(&hists_shown[i], 0, sizeof(*ns));
	hists_now[i].rid = k->rid;
	hists_now[i].kind = k->kind;
	hists_now[i].sub = k->sub;
	nhists++;
	return &hists_now[i];
}

static void read_hists(struct atstrace *skel)
{
	int fd = bpf_map__fd(skel->maps.hists);
	struct hist_key key, prev;
	bool first = true;
	struct hist val;

	while (!bpf_map_get_next_key(fd, first ? NULL : &prev, &key)) {
		struct hist_total *h;

		first = false;
		prev = key;
		if (key.kind >= H_NR || bpf_map_lookup_elem(fd, &key, &val))
			continue;
		h = hist_entry(&key);
		if (h) {
			h->h = val;
		} else if (!hists_lost) {
			fprintf(stderr, "atstrace: no memory for a histogram: histograms "
					"printed and written from now on miss some\n");
			hists_lost = true;
		}
	}
}

/* a device's IOMMU driver, from the link sysfs gives it (VENDOR_*, or VENDOR_NONE) */
static __u32 vendor_of(__u32 rid)
{
	static struct { __u32 rid, vendor; } cache[64];
	static int ncache;
	char path[96], target[256], dev[16];
	const char *unit;
	ssize_t n;
	__u32 v = VENDOR_NONE;

	for (int i = 0; i < ncache; i++)
		if (cache[i].rid == rid)
			return cache[i].vendor;
	rid_name(rid, dev, sizeof(dev));
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu", dev);
	n = readlink(path, target, sizeof(target) - 1);
	if (n > 0) {
		unsigned int d;

		target[n] = 0;
		unit = strrchr(target, '/') ? strrchr(target, '/') + 1 : target;
		d = iommu_unit_driver(unit);
		v = d == NEED_VTD ? VENDOR_VTD : d == NEED_AMD ? VENDOR_AMD :
		    d == NEED_SMMUV3 ? VENDOR_SMMUV3 : VENDOR_NONE;
	}
	if (ncache < (int)(sizeof(cache) / sizeof(cache[0]))) {
		cache[ncache].rid = rid;
		cache[ncache++].vendor = v;
	}
	return v;
}

/* a row's name for its key: a BDF, a driver, a window kind, or "all" */
static void hist_row_key(const struct hist_row *r, char *buf, size_t len)
{
	switch (env.hist_by) {
	case HIST_BY_VENDOR:
		snprintf(buf, len, "%s", vendor_key_name(r->key));
		break;
	case HIST_BY_KIND:
		snprintf(buf, len, "%s", r->key == HIST_KEY_ALL ? "all" : window_kind_name(r->key));
		break;
	default:
		rid_name(r->key, buf, len);
	}
}

/* Prints every histogram that gained samples since the last print. */
static void print_hists(struct atstrace *skel)
{
	struct hist_total *d;
	struct hist_row *rows;
	int nrows;

	read_hists(skel);
	d = calloc(nhists ? nhists : 1, sizeof(*d));
	rows = calloc(nhists ? nhists : 1, sizeof(*rows));
	if (!d || !rows) {
		fprintf(stderr, "atstrace: no memory for the histograms\n");
		free(d);
		free(rows);
		return;
	}
	for (int i = 0; i < nhists; i++) {
		d[i] = hists_now[i];
		for (int s = 0; s < HIST_SLOTS; s++)
			d[i].h.slots[s] -= hists_shown[i].slots[s];
		d[i].h.sum -= hists_shown[i].sum;
		hists_shown[i] = hists_now[i].h;
	}
	nrows = hist_group(d, nhists, env.hist_by, vendor_of, rows);
	for (int i = 0; i < nrows; i++) {
		const struct hist_row *r = &rows[i];
		char key[32];
		__u64 n = 0;

		for (int s = 0; s < HIST_SLOTS; s++)
			n += r->h.slots[s];
		if (!n)
			continue;
		hist_row_key(r, key, sizeof(key));
		if (env.json) {
			json_object_begin(&jw);
			json_kv_u64(&jw, "schema_version", ATSTRACE_SCHEMA_VERSION);
			json_kv_string(&jw, "type", "hist");
			json_kv_string(&jw, "hist", hist_names[r->kind]);
			json_kv_string(&jw, "by", hist_by_name(env.hist_by));
			if (env.hist_by == HIST_BY_DEVICE)
				json_kv_string(&jw, "device", key);
			else if (env.hist_by == HIST_BY_VENDOR)
				json_kv_string(&jw, "vendor", key);
			else if (r->key != HIST_KEY_ALL)
				json_kv_string(&jw, "window_kind", key);
			json_kv_string(&jw, "unit", "ns");
			json_kv_u64(&jw, "sum_ns", r->h.sum);
			hist_json_buckets(&jw, (const uint64_t *)r->h.slots, HIST_SLOTS);
			json_object_end(&jw);
		} else {
			printf("\n%s: %s\n", key, hist_titles[r->kind]);
			hist_print_log2(stdout, (const uint64_t *)r->h.slots, HIST_SLOTS, "nsecs");
		}
	}
	free(d);
	free(rows);
}

/* An interval's or SIGUSR1's summary so far, where the final one goes; the run goes on */
static void summary_so_far(struct atstrace *skel, struct run_totals *t)
{
	read_totals(skel, t);
	if (env.ktap)
		report_summary_text(stderr, t);
	else if (env.json)
		report_summary_json(&jw, t, NULL, NULL, 0);
	else
		report_summary_text(stdout, t);
	fflush(stdout);
}

static const struct prom_info *prom_info(void)
{
	static struct prom_info pi;
	static struct utsname u;

	if (!pi.version) {
		if (uname(&u))
			memset(&u, 0, sizeof(u));
		pi.version = atstrace_version;
		pi.kernel_release = u.release;
	}
	return &pi;
}

/* --prom-textfile: the file rewritten whole; a failure is said once and spoils the run */
static void prom_update(struct atstrace *skel, struct run_totals *t, struct run_end *end)
{
	static bool said;
	struct hist_total *byd;
	struct hist_row *rows;
	int err, n = 0;

	read_totals(skel, t);
	/* read first: it may add histograms, and the buffers hold them all */
	read_hists(skel);
	byd = calloc(nhists ? nhists : 1, sizeof(*byd));
	rows = calloc(nhists ? nhists : 1, sizeof(*rows));
	/* the textfile's histograms are per device, whatever --hist-by prints */
	if (byd && rows)
		n = hist_group(hists_now, nhists, HIST_BY_DEVICE, vendor_of, rows);
	for (int i = 0; i < n; i++) {
		byd[i].rid = rows[i].key;
		byd[i].kind = rows[i].kind;
		byd[i].h = rows[i].h;
	}
	err = byd && rows ? prom_textfile_update(env.prom_path, t, byd, n, prom_info()) : -ENOMEM;
	free(byd);
	free(rows);
	if (err) {
		end->output_error = true;
		if (!said)
			fprintf(stderr, "atstrace: cannot write %s: %s\n", env.prom_path,
				strerror(-err));
		said = true;
	}
}

/*
 * Injection spins at each driver's completion point, where the kernel itself
 * waits for the invalidation: fexit of qi_submit_sync() (VT-d; q_lock is
 * free there), of amd_iommu_domain_flush_pages() and
 * amd_iommu_dev_flush_pasid_pages() (AMD-Vi; the domain lock is held, IRQs
 * off) and of arm_smmu_cmdq_issue_cmdlist() with sync set (SMMUv3; IRQs on
 * again). A kretprobe fallback runs from the return trampoline with
 * preemption off and a limited pool of instances: refused unless --unsafe.
 */
static bool inject_refused(const struct plan_entry *plan)
{
	int points = 0;

	for (int i = 0; i < probe_table_len; i++) {
		const struct plan_entry *e = &plan[i];

		if (strcmp(e->row->event, "inv_complete") || e->status != ROW_ATTACH_OK)
			continue;
		if (e->row->cand[e->chosen].type == HOOK_KRETPROBE && !env.unsafe) {
			fprintf(stderr, "atstrace: --inject-delay would spin in a kretprobe (no fexit on "
					"%s here): refused without --unsafe\n", e->row->cand[0].target);
			return true;
		}
		points++;
	}
	if (!points)
		fprintf(stderr, "atstrace: --inject-delay: no invalidation completion point "
				"attaches on this kernel (see --list-probes)\n");
	return !points;
}

/*
 * --verify: every program of the object through this kernel's verifier, with
 * every optional path switched on (histograms, filters, injection, the
 * StreamID map), once with and once without bracketing, since those are
 * load-time constants the verifier prunes by. A program whose function this
 * kernel lacks (another IOMMU driver's, upstream's bracketing) is loaded
 * against a stand-in with at least as many arguments: it reads them untyped
 * or through probe reads, so the verifier's verdict carries over. Nothing
 * is attached. Returns the exit code.
 */
static int verify_programs(const struct kernel_facts *facts)
{
	char standin_names[512] = "", skipped_names[256] = "";
	int total = 0, standins = 0, skipped = 0, programs = 0;

	for (int pass = 0; pass < 2; pass++) {
		struct atstrace *skel = atstrace__open();
		struct bpf_program *p;
		int err;

		if (!skel) {
			fprintf(stderr, "atstrace: cannot open the BPF object: %s\n", strerror(errno));
			return 2;
		}
		skel->rodata->bracketing = pass;
		skel->rodata->want_hist = true;
		/* the window programs' VT-d ring scan reads struct q_inval */
		skel->rodata->vtd_lean = kernel_has_struct(facts, "q_inval");
		skel->rodata->want_open_events = true;
		skel->rodata->nr_cpus = 2;
		skel->rodata->n_filter = 1;
		skel->rodata->n_inject = 1;
		skel->rodata->inject_delay_ns = 1000000;
		skel->rodata->inject_rule.prob_ppm = 500000;
		skel->rodata->inject_rule.space = 1;
		skel->rodata->inject_rule.interval = 2;
		skel->rodata->inject_rule.seeded = 1;
		skel->rodata->inject_by_comm = true;
		/* its helpers exist only with cgroups (CONFIG_CGROUPS) */
		skel->rodata->inject_by_cgroup = has_cgroup2();
		skel->rodata->inject_stacks = true;
		skel->rodata->inject_max = 10;
		skel->rodata->inject_in_kretprobe = true;
		for (int i = 0; i < METHOD_SLOTS + KMETHOD_SLOTS; i++)
			skel->rodata->method_probe_arg[i] = 1;
		for (int i = 0; i < ATTACH_SLOTS; i++) {
			skel->rodata->attach_vendor[i] = i % 3; /* each vendor's path */
			skel->rodata->attach_dom_arg[i] = 0;
			skel->rodata->attach_dev_arg[i] = 1;
			skel->rodata->attach_pasid_arg[i] = 2;
		}
		bpf_object__for_each_program(p, skel->obj) {
			const char *sec = bpf_program__section_name(p), *fn = strchr(sec, '/');
			enum bpf_attach_type t = bpf_program__expected_attach_type(p);
			const struct probe_row *r = probe_row_of(bpf_program__name(p));

			bpf_program__set_autoload(p, true);
			programs += !pass;
			/*
			 * A tracepoint has no stand-in of the same prototype, and
			 * a program that reads a driver's structs (its row names
			 * one) needs them in this kernel's BTF: skip those.
			 */
			if ((t == BPF_TRACE_RAW_TP && fn && facts->has_tracepoint &&
			     !facts->has_tracepoint(facts->ctx, fn + 1)) ||
			    (r && r->btf_struct && !kernel_has_struct(facts, r->btf_struct))) {
				bpf_program__set_autoload(p, false);
				if (!pass) {
					skipped++;
					snprintf(skipped_names + strlen(skipped_names),
						 sizeof(skipped_names) - strlen(skipped_names), " %s",
						 bpf_program__name(p));
				}
				continue;
			}
			if (t != BPF_TRACE_FENTRY && t != BPF_TRACE_FEXIT)
				continue;
			if (fn && facts->has_btf_func(facts->ctx, fn + 1))
				continue;
			/*
			 * One stand-in with five arguments, as many as any target
			 * has that a program reads (arm_smmu_cmdq_issue_cmdlist).
			 */
			bpf_program__set_attach_target(p, 0, "pci_generic_config_read");
			if (pass || !fn) /* a generic slot: its function is chosen at run time */
				continue;
			standins++;
			snprintf(standin_names + strlen(standin_names),
				 sizeof(standin_names) - strlen(standin_names), " %s",
				 bpf_program__name(p));
		}
		err = atstrace__load(skel);
		if (!err)
			bpf_object__for_each_program(p, skel->obj)
				total += bpf_program__autoload(p);
		atstrace__destroy(skel);
		if (err) {
			fprintf(stderr, "atstrace: the verifier refused a program (bracketing %s): %s "
					"(run with -v for its log)\n", pass ? "on" : "off", strerror(-err));
			return 2;
		}
	}
	printf("verified: %d programs of %d, with and without bracketing\n", total / 2, programs);
	printf("against a stand-in (their function is not in this kernel): %d%s\n", standins,
	       standin_names);
	printf("not verified (their tracepoint or driver is not in this kernel): %d%s\n", skipped,
	       skipped_names);
	return 0;
}

/*
 * Injection runs only while this beats (HEARTBEAT_TIMEOUT_NS): from a thread
 * of its own, so a main loop blocked on a slow reader of its output, or
 * loading kallsyms, does not stop injection behind its back; a killed
 * process stops beating at once.
 */
static void *heartbeat(void *arg)
{
	int fd = *(int *)arg;
	const struct timespec period = { .tv_nsec = 100000000 };

	while (!atomic_load(&stop_requested)) {
		__u32 zero = 0;
		__u64 beat = now_ns();

		bpf_map_update_elem(fd, &zero, &beat, BPF_ANY);
		nanosleep(&period, NULL);
	}
	return NULL;
}

/*
 * ATSTRACE_TEST_LIMITS="counts=1,windows=1,bus_slots=0,inflight_slots=0,hists=1":
 * smaller tables than atstrace needs, so a test can drive each loss path
 * on a real kernel and see the run declared INCONCLUSIVE. Not for use.
 */
static int apply_test_limits(struct atstrace *skel)
{
	const char *spec = getenv("ATSTRACE_TEST_LIMITS");
	char buf[256], *save = NULL;

	if (!spec)
		return 0;
	snprintf(buf, sizeof(buf), "%s", spec);
	for (char *kv = strtok_r(buf, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
		char name[32];
		unsigned int n;

		if (sscanf(kv, "%31[a-z_]=%u", name, &n) != 2)
			goto bad;
		if (!strcmp(name, "counts") && n <= ATSTRACE_MAX_DEVICES)
			skel->rodata->count_slots = n;
		else if (!strcmp(name, "windows"))
			bpf_map__set_max_entries(skel->maps.windows, n);
		else if (!strcmp(name, "hists"))
			bpf_map__set_max_entries(skel->maps.hists, n);
		else if (!strcmp(name, "bus_slots") && n <= BUS_WINDOWS_MAX)
			skel->rodata->bus_slots = n;
		else if (!strcmp(name, "inflight_slots") && n <= INFLIGHT_SLOTS)
			skel->rodata->inflight_slots = n;
		else if (!strcmp(name, "vtd_units") && n <= VTD_MAX_UNITS)
			skel->rodata->vtd_unit_slots = n;
		else
			goto bad;
	}
	fprintf(stderr, "atstrace: test limits in force: %s\n", spec);
	return 0;
bad:
	fprintf(stderr, "atstrace: invalid ATSTRACE_TEST_LIMITS: '%s'\n", spec);
	return 2;
}

/*
 * --assert: the workload starts once everything is attached. With
 * @stdout_to_stderr (--ktap, --json) what it prints goes to standard error, so
 * standard output carries atstrace's document alone.
 */
static pid_t start_command(char **argv, int *go_fd, bool stdout_to_stderr)
{
	int pipefd[2];
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid == 0) {
		char c;

		close(pipefd[1]);
		if (read(pipefd[0], &c, 1) != 1)
			_exit(126);
		if (stdout_to_stderr && dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
			_exit(126);
		execvp(argv[0], argv);
		fprintf(stderr, "atstrace: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(pipefd[0]);
	*go_fd = pipefd[1];
	return pid;
}

int main(int argc, char **argv)
{
	struct plan_entry plan[64];
	struct kernel_facts facts;
	struct atstrace *skel = NULL;
	struct ring_buffer *rb = NULL;
	struct run_totals *totals = calloc(1, sizeof(*totals));
	uint64_t start, next_interval, next_prom;
	int err, missing, ret = 2, go_fd = -1, stats_fd = -1, beat_fd = -1;
	__u64 cgroup_id = 0;
	__u32 cgroup_level = 0;
	struct run_end end = { 0 };
	unsigned long intervals = 0;
	bool counted_out = false; /* the last of COUNT intervals was printed */
	pthread_t beat_thread;
	bool beating = false;
	pid_t child = -1;

	if (!totals)
		return 2;
	switch (atstrace_parse_args(argc, argv, &env)) {
	case 1:
		return 0;
	case 2:
		return 2;
	}
	json_init(&jw, stdout);
	libbpf_set_print(print_libbpf);
	if (env.timeline_path) {
		char name[300];
		struct utsname u;

		snprintf(name, sizeof(name), "atstrace on %s", uname(&u) ? "?" : u.nodename);
		timeline = timeline_open(env.timeline_path, name);
		if (!timeline) {
			fprintf(stderr, "atstrace: cannot write --timeline %s: %s\n",
				env.timeline_path, strerror(errno));
			return 2;
		}
	}
	/* a file that cannot be written is a usage error, said before anything is attached */
	if (env.prom_path) {
		int perr = prom_textfile_update(env.prom_path, totals, NULL, 0, prom_info());

		if (perr) {
			fprintf(stderr, "atstrace: cannot write --prom-textfile %s: %s\n",
				env.prom_path, strerror(-perr));
			return 2;
		}
	}
	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		fprintf(stderr, "atstrace: this kernel has no BTF (/sys/kernel/btf/vmlinux): "
				"it needs CONFIG_DEBUG_INFO_BTF=y\n");
		return 2;
	}
	if (!env.list_probes && check_privileges())
		return 2;
	err = kernel_facts_load(&facts);
	if (err) {
		fprintf(stderr, "atstrace: cannot read the kernel's BTF or tracefs "
				"(available_filter_functions): %s\n", strerror(-err));
		return 2;
	}
	/* latency and injection need the completion hook; so does --inflight calls */
	facts.queue_state = !env.hist && !env.prom_path && !env.inject_delay_ns &&
			    !env.inflight_calls;
	missing = probe_plan_resolve(&facts, plan, METHOD_SLOTS, ATTACH_SLOTS, BUS_END_SLOTS,
				     KMETHOD_SLOTS);
	if (facts.kprobe_methods)
		fprintf(stderr, "atstrace: test: reset methods by kprobe "
				"(ATSTRACE_TEST_KPROBE_METHODS)\n");
	if (env.list_probes && env.json)
		print_header(&facts, plan, "list_probes");
	else if (env.list_probes || env.verbose)
		probe_plan_print(env.list_probes ? stdout : stderr, &facts, plan, probe_table_len);
	if (env.verify) {
		ret = verify_programs(&facts);
		goto out_facts;
	}
	if (!facts.drivers) {
		fprintf(stderr, "atstrace: no IOMMU driver it knows: no Intel VT-d (dmar*), "
				"AMD-Vi (ivhd*) or Arm SMMUv3 (smmu3.*) unit in /sys/class/iommu\n");
		goto out_facts;
	}
	if (missing) {
		fprintf(stderr, "atstrace: %d required probe(s) cannot attach on this kernel "
				"(see --list-probes)\n", missing);
		goto out_facts;
	}
	if (env.list_probes) {
		ret = 0;
		goto out_facts;
	}
	if (env.inject_delay_ns && inject_refused(plan))
		goto out_facts;
	if (env.inject_cgroup && cgroup_of(env.inject_cgroup, &cgroup_id, &cgroup_level))
		goto out_facts;

	nr_cpus = libbpf_num_possible_cpus();
	skel = atstrace__open();
	if (!skel) {
		fprintf(stderr, "atstrace: cannot open the BPF object: %s\n", strerror(errno));
		goto out_facts;
	}
	skel->rodata->bracketing = facts.bracketing;
	/* a DPC recovery's reset began in hardware: its window opens at its start */
	skel->rodata->dpc_reset_fn = ksyms_lookup(NULL, "dpc_reset_link");
	if (env.verbose)
		fprintf(stderr, "atstrace: DPC: %s\n", skel->rodata->dpc_reset_fn ?
			"dpc_reset_link() found: a DPC recovery's window opens at its start" :
			"no dpc_reset_link() in kallsyms: a DPC recovery, if any, shows as "
			"recovery_unseen");
	/* the textfile carries the histograms, printed or not */
	skel->rodata->want_hist = env.hist || env.prom_path;
	/* the histograms' table locks memory only when they are wanted */
	if (!env.hist && !env.prom_path)
		bpf_map__set_max_entries(skel->maps.hists, 1);
	/* JSON carries them always: -v changes only what goes to stderr */
	skel->rodata->want_open_events = env.verbose || env.json;
	skel->rodata->want_events = !env.quiet || env.timeline_path;
	skel->rodata->want_inv_events = env.timeline_path != NULL;
	skel->rodata->max_stacks = env.max_stacks;
	skel->rodata->nr_cpus = nr_cpus; /* every possible CPU: no cap */
	skel->rodata->inject_delay_ns = env.inject_delay_ns;
	skel->rodata->inject_rule.prob_ppm = env.inject_prob_ppm;
	skel->rodata->inject_rule.space = env.inject_space;
	skel->rodata->inject_rule.interval = env.inject_interval;
	skel->rodata->inject_rule.seeded = env.inject_seeded;
	skel->rodata->inject_rule.seed = env.inject_seed;
	skel->rodata->inject_by_comm = env.inject_comm[0] != 0;
	memcpy((char *)skel->rodata->inject_comm, env.inject_comm, sizeof(env.inject_comm));
	skel->rodata->inject_by_cgroup = env.inject_cgroup != NULL;
	skel->rodata->inject_cgroup_id = cgroup_id;
	skel->rodata->inject_cgroup_level = cgroup_level;
	skel->rodata->inject_stacks = env.verbose;
	skel->rodata->inject_max = env.inject_max;
	skel->rodata->inject_budget_ns = env.inject_budget_ns;
	skel->rodata->inject_total_budget_ns = env.inject_total_budget_ns;
	skel->rodata->inject_in_kretprobe = env.unsafe;
	skel->rodata->n_inject = env.ninject;
	for (int i = 0; i < env.ninject; i++)
		skel->rodata->inject_rid[i] = (__u32)env.inject_devices[i].segment << 16 |
					      env.inject_devices[i].bus << 8 |
					      env.inject_devices[i].devfn;
	skel->rodata->n_filter = env.ndevices;
	for (int i = 0; i < env.ndevices; i++)
		skel->rodata->filter_rid[i] = (__u32)env.devices[i].segment << 16 |
					      env.devices[i].bus << 8 | env.devices[i].devfn;
	apply_plan(skel, &facts, plan, probe_table_len);
	skel->rodata->smmu_prepare_records = plan_smmu_prepare_records(plan, probe_table_len);
	skel->rodata->vtd_lean = bpf_program__autoload(skel->progs.vtd_submit_tp);
	skel->rodata->vtd_qi_in_use = facts.vtd_qi_in_use;
	if (apply_test_limits(skel))
		goto out;
	/* the VT-d cross-check serves the gate only: an extra program per descriptor */
	if (!env.assert_mode)
		bpf_program__set_autoload(skel->progs.vtd_qi_submit_tp, false);
	if (env.stats) {
		stats_fd = prog_stats_enable();
		if (stats_fd < 0) {
			fprintf(stderr, "atstrace: cannot enable BPF run-time stats: %s\n",
				strerror(-stats_fd));
			goto out;
		}
	}
	err = atstrace__load(skel);
	if (!err)
		err = atstrace__attach(skel);
	if (!err)
		err = attach_kprobe_methods(skel, plan, probe_table_len);
	if (err) {
		fprintf(stderr, "atstrace: cannot load or attach the BPF programs: %s "
				"(run with -v for libbpf's log)\n", strerror(-err));
		goto out;
	}
	rb = ring_buffer__new(bpf_map__fd(skel->maps.events), on_event, NULL, NULL);
	if (!rb) {
		fprintf(stderr, "atstrace: cannot open the ring buffer\n");
		goto out;
	}
	stop_on_signals();
	stop_second_signal_exits(-1);
	summary_on_sigusr1();
	beat_fd = bpf_map__fd(skel->maps.heartbeat);
	beating = !pthread_create(&beat_thread, NULL, heartbeat, &beat_fd);
	if (!beating && env.inject_delay_ns) {
		fprintf(stderr, "atstrace: cannot start the heartbeat thread: injection refused\n");
		goto out;
	}
	if (env.assert_mode) {
		child = start_command(env.command, &go_fd, env.ktap || env.json);
		if (child < 0) {
			fprintf(stderr, "atstrace: cannot start the command: %s\n", strerror(errno));
			goto out;
		}
		/* a hard exit on a second signal stops the command too */
		stop_second_signal_exits(child);
	}
	if (env.json)
		print_header(&facts, plan, env.assert_mode ? "assert" : "trace");
	if (!env.json)
		fprintf(stderr, "atstrace: tracing%s\n",
			env.assert_mode ? ": running the command" :
			env.duration_ns ? "" : ", Ctrl-C to stop");
	else
		fprintf(stderr, "atstrace: tracing\n");
	if (go_fd >= 0) {
		if (write(go_fd, "g", 1) != 1)
			fprintf(stderr, "atstrace: cannot start the command\n");
		close(go_fd);
	}

	start = now_ns();
	next_interval = start + env.interval_ns;
	/* the file exists from the start, every series at zero */
	if (env.prom_path)
		prom_update(skel, totals, &end);
	next_prom = start + env.prom_interval_ns;
	while (!atomic_load(&stop_requested)) {
		err = ring_buffer__poll(rb, 100);
		if (err < 0 && err != -EINTR) {
			fprintf(stderr, "atstrace: ring buffer: %s\n", strerror(-err));
			end.poll_error = err;
			break;
		}
		if (child > 0) {
			int st;

			if (waitpid(child, &st, WNOHANG) == child) {
				end.cmd_status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
				child = -1;
				stop_second_signal_exits(-1);
				break;
			}
		}
		if (atomic_exchange(&summary_requested, false))
			summary_so_far(skel, totals);
		if (env.duration_ns && now_ns() - start >= env.duration_ns)
			break;
		if (env.interval_ns && now_ns() >= next_interval) {
			summary_so_far(skel, totals);
			if (env.hist)
				print_hists(skel);
			fflush(stdout);
			next_interval += env.interval_ns;
			if (env.count && ++intervals >= env.count) {
				counted_out = true;
				break;
			}
		}
		if (env.prom_path && now_ns() >= next_prom) {
			prom_update(skel, totals, &end);
			next_prom += env.prom_interval_ns;
		}
	}
	/*
	 * A signal that came while the command ran interrupted the run, even
	 * if the command ended before the loop saw it (a long read of the ring
	 * buffer): counted whenever it came.
	 */
	end.stop_signal = atomic_load(&stop_signal);
	if (child > 0) { /* interrupted: stop the workload too */
		int st;

		kill(child, SIGTERM);
		waitpid(child, &st, 0);
		stop_second_signal_exits(-1);
		end.cmd_status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	}
	/*
	 * Detached first, the counts are final: the cross-check compares two
	 * programs' totals, and a submission between them would not match.
	 */
	atstrace__detach(skel);
	draining = true;
	err = ring_buffer__consume(rb);
	if (err < 0 && !end.poll_error)
		end.poll_error = err;
	if (env.prom_path)
		prom_update(skel, totals, &end);
	if (timeline) {
		err = timeline_close(timeline);
		timeline = NULL;
		if (err) {
			fprintf(stderr, "atstrace: --timeline %s: %s\n", env.timeline_path,
				strerror(-err));
			end.output_error = true;
		}
	}
	read_totals(skel, totals);
	/* what came after the last interval printed (none after COUNT of them) */
	if (env.hist && !counted_out)
		print_hists(skel);
	if (env.assert_mode) {
		struct verdict v;

		/* what could not be written counts against the run */
		end.output_error |= fflush(stdout) || ferror(stdout);
		assert_verdict(totals, &env, &end, &v);
		if (env.ktap) {
			/* the KTAP document alone on stdout; the rest is for people */
			report_summary_text(stderr, totals);
			fprintf(stderr, "%s\n", v.line);
			ret = assert_ktap(stdout, totals, &env, &end, &v);
			/* a document that did not get out is no verdict */
			if (fflush(stdout) || ferror(stdout)) {
				fprintf(stderr, "atstrace: the KTAP output could not be written\n");
				ret = 2;
			}
		} else {
			if (env.json)
				report_summary_json(&jw, totals, &end, v.word, v.exit_code);
			else
				report_summary_text(stdout, totals);
			if ((fflush(stdout) || ferror(stdout)) && !end.output_error) {
				/* the summary itself did not get out: judged again, on stderr */
				end.output_error = true;
				assert_verdict(totals, &env, &end, &v);
				fprintf(stderr, "%s\n", v.line);
			} else {
				/* the one-line verdict; on stderr when stdout carries JSON */
				fprintf(env.json ? stderr : stdout, "%s\n", v.line);
			}
			ret = v.exit_code;
		}
	} else {
		if (!counted_out) {
			if (env.json)
				report_summary_json(&jw, totals, &end, NULL, 0);
			else
				report_summary_text(stdout, totals);
		}
		ret = end.poll_error || fflush(stdout) || ferror(stdout) ? 2 : 0;
	}
	if (env.stats) {
		if (env.json) {
			json_object_begin(&jw);
			json_kv_u64(&jw, "schema_version", ATSTRACE_SCHEMA_VERSION);
			json_kv_string(&jw, "type", "program_stats");
			prog_stats_json(&jw, skel->obj);
			map_memory_json(&jw, skel->obj);
			json_object_end(&jw);
		} else {
			prog_stats_text(stdout, skel->obj);
			map_memory_text(stdout, skel->obj);
		}
	}
	if (totals->global[G_RINGBUF_DROPS])
		fprintf(stderr, "atstrace: %llu events dropped (ring buffer full); counts are exact\n",
			(unsigned long long)totals->global[G_RINGBUF_DROPS]);
	if (totals->global[G_EVENTS_SHED])
		fprintf(stderr, "atstrace: %llu flagged invalidations not reported one by one "
				"(ring buffer half full); counts are exact\n",
			(unsigned long long)totals->global[G_EVENTS_SHED]);
out:
	if (beating) {
		atomic_store(&stop_requested, true);
		pthread_join(beat_thread, NULL);
	}
	if (stats_fd >= 0)
		close(stats_fd);
	ring_buffer__free(rb);
	atstrace__destroy(skel);
out_facts:
	kernel_facts_free(&facts);
	ksyms_free(ksyms);
	free(totals);
	return ret;
}
