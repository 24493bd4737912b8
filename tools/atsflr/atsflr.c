// SPDX-License-Identifier: GPL-2.0
/*
 * atsflr: the lab's VFIO FLR workload. Opens PCI devices through VFIO, runs
 * threads that map and unmap DMA buffers (every unmap invalidates the IOTLB
 * and, with ATS, the device-TLB) while another thread resets a device in a
 * loop, and reports every operation and error as JSON.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "lib/clock.h"
#include "lib/json_writer.h"
#include "lib/parse.h"
#include "lib/stop.h"
#include "op_stats.h"
#include "pci_sysfs.h"
#include "vfio_session.h"

#define IOVA_BASE 0x100000000ULL
#define MAX_MAP_THREADS 64
#define HUGE_2M (2ULL << 20)

enum reset_kind { RESET_FUNCTION, RESET_HOT, RESET_NONE };

struct config {
	enum vfio_mode mode;
	struct pci_bdf bdf[VFIO_MAX_DEVICES];
	int ndev;
	int reset_dev;          /* index into bdf[], -1: round robin */
	unsigned int threads;
	uint64_t size;
	bool hugetlb;           /* each thread's buffer in one huge page */
	uint64_t rate;          /* map+unmap pairs per second per thread, 0 = flat out */
	uint64_t duration_ns;
	uint64_t reset_interval_ns;
	uint64_t max_resets;    /* 0 = until the duration ends */
	enum reset_kind reset;
	uint64_t replace_interval_ns; /* 0 = no replace thread */
	const char *output;
};

static struct vfio_session session;

struct map_worker {
	pthread_t thread;
	unsigned int idx;
	const struct config *cfg;
	struct op_stats map, unmap;
};

static struct op_stats reset_stats, replace_stats;

static void sleep_until(uint64_t t)
{
	struct timespec ts = { .tv_sec = t / 1000000000ULL, .tv_nsec = t % 1000000000ULL };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

static void *map_loop(void *arg)
{
	struct map_worker *w = arg;
	const struct config *cfg = w->cfg;
	uint64_t iova = IOVA_BASE + (uint64_t)w->idx * cfg->size * 2;
	uint64_t period = cfg->rate ? 1000000000ULL / cfg->rate : 0, next = now_ns();
	/*
	 * A huge page is physically contiguous, so VFIO pins and maps the
	 * buffer as one run whatever state the page allocator is in: the
	 * same work on every map (make bench's deterministic mode).
	 */
	uint64_t len = cfg->hugetlb ? (cfg->size + HUGE_2M - 1) & ~(HUGE_2M - 1) : cfg->size;
	void *buf;

	buf = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE | (cfg->hugetlb ? MAP_HUGETLB : 0), -1, 0);
	if (buf == MAP_FAILED) {
		int err = errno;

		fprintf(stderr, "atsflr: cannot allocate the buffer%s: %s\n",
			cfg->hugetlb ? " in huge pages (reserve them: hugepages=N, vm.nr_hugepages)" : "",
			strerror(err));
		op_stats_add(&w->map, -err, 0);
		return NULL;
	}
	while (!atomic_load_explicit(&stop_requested, memory_order_relaxed)) {
		uint64_t t0 = now_ns(), t1;
		int err = vfio_dma_map(&session, buf, iova, cfg->size);

		t1 = now_ns();
		op_stats_add(&w->map, err, t1 - t0);
		if (!err) {
			err = vfio_dma_unmap(&session, iova, cfg->size);
			op_stats_add(&w->unmap, err, now_ns() - t1);
		}
		if (period) {
			next += period;
			sleep_until(next);
		}
	}
	munmap(buf, len);
	return NULL;
}

static void *reset_loop(void *arg)
{
	const struct config *cfg = arg;
	uint64_t n = 0;

	while (!atomic_load_explicit(&stop_requested, memory_order_relaxed)) {
		int i = cfg->reset_dev >= 0 ? cfg->reset_dev : (int)(n % cfg->ndev);
		uint64_t t0 = now_ns();
		int err = cfg->reset == RESET_HOT ? vfio_hot_reset(&session, &session.dev[i])
						  : vfio_function_reset(&session.dev[i]);

		op_stats_add(&reset_stats, err, now_ns() - t0);
		if (++n == cfg->max_resets)
			break;
		if (cfg->reset_interval_ns)
			sleep_until(now_ns() + cfg->reset_interval_ns);
	}
	return NULL;
}

static void *replace_loop(void *arg)
{
	const struct config *cfg = arg;

	while (!atomic_load_explicit(&stop_requested, memory_order_relaxed)) {
		uint64_t t0 = now_ns();
		int err = vfio_ioas_toggle(&session, &session.dev[0]);

		op_stats_add(&replace_stats, err, now_ns() - t0);
		sleep_until(now_ns() + cfg->replace_interval_ns);
	}
	return NULL;
}

static void usage(FILE *f)
{
	fprintf(f,
"Usage: atsflr [OPTIONS] BDF [BDF...]\n"
"Stress PCI devices bound to vfio-pci: DMA map/unmap threads plus a reset loop.\n"
"\n"
"  -m, --mode MODE          legacy (container/group), iommufd (cdev) or auto (default)\n"
"  -t, --threads N          map/unmap threads (default 1)\n"
"  -s, --size SIZE          bytes per mapping, K/M/G suffixes (default 64K)\n"
"      --hugetlb            each thread's buffer in 2M huge pages: one physically\n"
"                           contiguous run, the same work whatever memory looks like\n"
"  -r, --rate N             map+unmap pairs per second per thread (default 0: flat out)\n"
"  -d, --duration TIME      how long to run: 3, 500ms, 2m (default 3s)\n"
"      --reset MODE         flr (VFIO_DEVICE_RESET, default), hot (VFIO_DEVICE_PCI_HOT_RESET)\n"
"                           or none\n"
"      --reset-device BDF   reset only this one of the devices (default: round robin)\n"
"      --reset-interval T   pause between resets (default 0)\n"
"      --resets N           stop resetting after N resets (default: until the end)\n"
"      --replace-interval T iommufd: move the first device between two IOASes every T\n"
"  -o, --output FILE        write the JSON report to FILE (default stdout)\n"
"  -h, --help               this text\n"
"\n"
"Exit status: 0 the workload ran; 1 it ran but no reset (or no map) ever succeeded;\n"
"2 bad arguments or the devices could not be opened (message on stderr).\n");
}

/* Returns 0, or the exit code to leave with. */
static int parse_args(int argc, char **argv, struct config *cfg)
{
	enum { OPT_RESET = 256, OPT_RESET_DEV, OPT_RESET_INT, OPT_RESETS, OPT_REPLACE, OPT_HUGETLB };
	static const struct option opts[] = {
		{ "mode", required_argument, NULL, 'm' },
		{ "threads", required_argument, NULL, 't' },
		{ "size", required_argument, NULL, 's' },
		{ "hugetlb", no_argument, NULL, OPT_HUGETLB },
		{ "rate", required_argument, NULL, 'r' },
		{ "duration", required_argument, NULL, 'd' },
		{ "reset", required_argument, NULL, OPT_RESET },
		{ "reset-device", required_argument, NULL, OPT_RESET_DEV },
		{ "reset-interval", required_argument, NULL, OPT_RESET_INT },
		{ "resets", required_argument, NULL, OPT_RESETS },
		{ "replace-interval", required_argument, NULL, OPT_REPLACE },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *reset_dev = NULL;
	uint64_t v;
	int c, i, err = 0;

	*cfg = (struct config){
		.mode = VFIO_MODE_AUTO, .reset_dev = -1, .threads = 1, .size = 64 << 10,
		.duration_ns = 3000000000ULL, .reset = RESET_FUNCTION,
	};
	opterr = 0;
	while (!err && (c = getopt_long(argc, argv, ":m:t:s:r:d:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			if (vfio_mode_parse(optarg, &cfg->mode))
				return usage_error("atsflr",
						   "invalid value for --mode: '%s'", optarg);
			break;
		case OPT_HUGETLB:
			cfg->hugetlb = true;
			break;
		case 't':
			err = arg_uint("atsflr", "value for --threads", optarg, 0, MAX_MAP_THREADS, &v);
			if (!err)
				cfg->threads = v;
			break;
		case 's':
			if (parse_size(optarg, &cfg->size) || !cfg->size ||
			    cfg->size % 4096 || cfg->size > (1ULL << 30))
				return usage_error("atsflr",
						   "invalid value for --size (a multiple of 4K, at most 1G): '%s'",
						   optarg);
			break;
		case 'r':
			err = arg_uint("atsflr", "value for --rate", optarg, 0, 10000000, &cfg->rate);
			break;
		case 'd':
			err = arg_duration_ns("atsflr", "value for --duration", optarg, 1, UINT64_MAX,
					      &cfg->duration_ns);
			break;
		case OPT_RESET:
			if (!strcmp(optarg, "flr"))
				cfg->reset = RESET_FUNCTION;
			else if (!strcmp(optarg, "hot"))
				cfg->reset = RESET_HOT;
			else if (!strcmp(optarg, "none"))
				cfg->reset = RESET_NONE;
			else
				return usage_error("atsflr",
						   "invalid value for --reset: '%s'", optarg);
			break;
		case OPT_RESET_DEV:
			reset_dev = optarg;
			break;
		case OPT_RESET_INT:
			err = arg_duration_ns("atsflr", "value for --reset-interval", optarg, 0,
					      UINT64_MAX, &cfg->reset_interval_ns);
			break;
		case OPT_RESETS:
			err = arg_uint("atsflr", "value for --resets", optarg, 0, UINT64_MAX,
				       &cfg->max_resets);
			break;
		case OPT_REPLACE:
			err = arg_duration_ns("atsflr", "value for --replace-interval", optarg, 1,
					      UINT64_MAX, &cfg->replace_interval_ns);
			break;
		case 'o':
			cfg->output = optarg;
			break;
		case 'h':
			usage(stdout);
			return -1;
		default:
			return option_error("atsflr", c, argv);
		}
	}
	if (err)
		return err;
	if (optind == argc) {
		fprintf(stderr, "atsflr: no device given\n");
		usage(stderr);
		return 2;
	}
	for (i = optind; i < argc; i++) {
		if (cfg->ndev == VFIO_MAX_DEVICES) {
			fprintf(stderr, "atsflr: at most %d devices\n", VFIO_MAX_DEVICES);
			return 2;
		}
		if (arg_bdf("atsflr", "value for BDF", argv[i], &cfg->bdf[cfg->ndev]))
			return 2;
		cfg->ndev++;
	}
	if (reset_dev) {
		struct pci_bdf b;

		if (parse_bdf(reset_dev, &b))
			return usage_error("atsflr",
					   "invalid value for --reset-device: '%s'", reset_dev);
		for (i = 0; i < cfg->ndev; i++)
			if (!memcmp(&b, &cfg->bdf[i], sizeof(b)))
				cfg->reset_dev = i;
		if (cfg->reset_dev < 0)
			return usage_error("atsflr",
					   "invalid value for --reset-device (not one of the devices): '%s'",
					   reset_dev);
	}
	if (cfg->replace_interval_ns && cfg->mode == VFIO_MODE_LEGACY) {
		fprintf(stderr, "atsflr: --replace-interval needs --mode iommufd\n");
		return 2;
	}
	return 0;
}

static void report_ats(struct json_writer *w, const char *key, const struct ats_state *st, int err)
{
	json_key(w, key);
	json_object_begin(w);
	if (err) {
		json_kv_string(w, "error", strerror(-err));
	} else {
		json_kv_bool(w, "present", st->present);
		if (st->present) {
			json_kv_u64(w, "cap_offset", st->cap_offset);
			json_kv_bool(w, "enabled", st->enabled);
			json_kv_u64(w, "stu", st->stu);
			json_kv_u64(w, "qdep", st->qdep);
		}
	}
	json_object_end(w);
}

static const char *reset_name(enum reset_kind r)
{
	return r == RESET_HOT ? "hot" : r == RESET_NONE ? "none" : "flr";
}

int main(int argc, char **argv)
{
	struct ats_state ats_before[VFIO_MAX_DEVICES], ats_after[VFIO_MAX_DEVICES];
	int ats_err_before[VFIO_MAX_DEVICES], ats_err_after[VFIO_MAX_DEVICES];
	int err_irq[VFIO_MAX_DEVICES];
	struct map_worker workers[MAX_MAP_THREADS] = { 0 };
	struct op_stats map_all = { 0 }, unmap_all = { 0 };
	pthread_t reset_thread, replace_thread;
	struct json_writer w;
	struct config cfg;
	uint64_t t_start, t_end;
	FILE *out = stdout;
	unsigned int i;
	int ret, err;

	ret = parse_args(argc, argv, &cfg);
	if (ret)
		return ret < 0 ? 0 : ret;
	if (cfg.output) {
		out = fopen(cfg.output, "w");
		if (!out) {
			fprintf(stderr, "atsflr: %s: %s\n", cfg.output, strerror(errno));
			return 2;
		}
	}
	err = vfio_session_open(&session, cfg.mode, cfg.bdf, cfg.ndev);
	if (err) {
		fprintf(stderr, "atsflr: %s\n", session.err);
		return 2;
	}
	if (cfg.replace_interval_ns && session.mode != VFIO_MODE_IOMMUFD) {
		fprintf(stderr, "atsflr: --replace-interval needs iommufd, this kernel has none\n");
		return 2;
	}
	for (i = 0; i < (unsigned int)cfg.ndev; i++) {
		ats_err_before[i] = pci_ats_read(&cfg.bdf[i], &ats_before[i]);
		/* the error interrupt, as a VMM has it: AER events on the device */
		err_irq[i] = vfio_err_irq_open(&session.dev[i]);
	}

	stop_on_signals();
	t_start = now_ns();
	for (i = 0; i < cfg.threads; i++) {
		workers[i].idx = i;
		workers[i].cfg = &cfg;
		pthread_create(&workers[i].thread, NULL, map_loop, &workers[i]);
	}
	if (cfg.reset != RESET_NONE)
		pthread_create(&reset_thread, NULL, reset_loop, &cfg);
	if (cfg.replace_interval_ns)
		pthread_create(&replace_thread, NULL, replace_loop, &cfg);

	while (!atomic_load(&stop_requested) && now_ns() - t_start < cfg.duration_ns)
		sleep_until(now_ns() + 10000000ULL);
	atomic_store(&stop_requested, true);
	for (i = 0; i < cfg.threads; i++) {
		pthread_join(workers[i].thread, NULL);
		op_stats_merge(&map_all, &workers[i].map);
		op_stats_merge(&unmap_all, &workers[i].unmap);
	}
	if (cfg.reset != RESET_NONE)
		pthread_join(reset_thread, NULL);
	if (cfg.replace_interval_ns)
		pthread_join(replace_thread, NULL);
	t_end = now_ns();
	for (i = 0; i < (unsigned int)cfg.ndev; i++)
		ats_err_after[i] = pci_ats_read(&cfg.bdf[i], &ats_after[i]);

	json_init(&w, out);
	json_object_begin(&w);
	json_kv_u64(&w, "schema_version", SCHEMA_VERSION);
	json_kv_string(&w, "tool", "atsflr");
	json_kv_string(&w, "mode", vfio_mode_name(session.mode));
	json_kv_string(&w, "reset_kind", reset_name(cfg.reset));
	json_kv_u64(&w, "threads", cfg.threads);
	json_kv_u64(&w, "size", cfg.size);
	json_kv_bool(&w, "hugetlb", cfg.hugetlb);
	json_kv_double(&w, "elapsed_s", (t_end - t_start) / 1e9);
	json_key(&w, "devices");
	json_array_begin(&w);
	for (i = 0; i < (unsigned int)cfg.ndev; i++) {
		json_object_begin(&w);
		json_kv_string(&w, "bdf", session.dev[i].name);
		json_kv_i64(&w, "iommu_group", session.dev[i].group);
		report_ats(&w, "ats_before", &ats_before[i], ats_err_before[i]);
		report_ats(&w, "ats_after", &ats_after[i], ats_err_after[i]);
		json_key(&w, "error_irq");
		json_object_begin(&w);
		json_kv_bool(&w, "registered", err_irq[i] >= 0);
		if (err_irq[i] >= 0) {
			json_kv_u64(&w, "signals", vfio_err_irq_take(err_irq[i]));
			close(err_irq[i]);
		} else {
			json_kv_string(&w, "error", strerror(-err_irq[i]));
		}
		json_object_end(&w);
		json_object_end(&w);
	}
	json_array_end(&w);
	op_stats_json(&w, "map", &map_all);
	op_stats_json(&w, "unmap", &unmap_all);
	op_stats_json(&w, "reset", &reset_stats);
	if (cfg.replace_interval_ns)
		op_stats_json(&w, "replace", &replace_stats);
	json_object_end(&w);
	if (out != stdout)
		fclose(out);
	vfio_session_close(&session);

	if (!map_all.ok && cfg.threads)
		return 1;
	if (cfg.reset != RESET_NONE && !reset_stats.ok)
		return 1;
	return 0;
}
