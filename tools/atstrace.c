// SPDX-License-Identifier: GPL-2.0
/*
 * atstrace, user side: loads the CO-RE programs in bpf/atstrace.bpf.c,
 * traces for a duration, and reports ATC invalidations per device.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "lib/json_writer.h"
#include "lib/parse.h"
#include "atstrace.skel.h"

#include "atstrace.h"

static volatile sig_atomic_t exiting;
static bool verbose;

static void on_signal(int sig)
{
	(void)sig;
	exiting = 1;
}

static int print_libbpf(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (level == LIBBPF_DEBUG && !verbose)
		return 0;
	return vfprintf(stderr, fmt, args);
}

static void usage(FILE *f)
{
	fprintf(f,
"Usage: atstrace [OPTIONS]\n"
"Count ATC (device-TLB) invalidations per PCI device, with CO-RE eBPF.\n"
"\n"
"  -d, --duration TIME   trace for TIME (10, 500ms, 2m), default until Ctrl-C\n"
"  -j, --json            print the summary as JSON\n"
"  -v, --verbose         libbpf debug output\n"
"  -h, --help            this text\n"
"\n"
"Exit status: 0 traced; 2 bad arguments or the programs could not be loaded.\n");
}

/* Why loading failed, in words a user can act on. */
static void explain_load_error(int err)
{
	if (access("/sys/kernel/btf/vmlinux", R_OK))
		fprintf(stderr, "atstrace: this kernel has no BTF (/sys/kernel/btf/vmlinux): "
				"it needs CONFIG_DEBUG_INFO_BTF=y\n");
	else if (err == -EPERM || err == -EACCES)
		fprintf(stderr, "atstrace: permission denied: run as root "
				"(or with CAP_BPF and CAP_PERFMON)\n");
	else if (err == -ESRCH || err == -ENOENT)
		fprintf(stderr, "atstrace: no IOMMU driver it knows: qi_submit_sync "
				"(Intel VT-d) is not in this kernel\n");
	else
		fprintf(stderr, "atstrace: cannot load the BPF programs: %s (run with -v)\n",
			strerror(-err));
}

static void report(struct atstrace *skel, bool json)
{
	int ncpu = libbpf_num_possible_cpus(), fd = bpf_map__fd(skel->maps.inv_counts);
	struct inv_counts *vals = calloc(ncpu, sizeof(*vals));
	struct dev_key key, *prev = NULL;
	struct json_writer w;

	if (!vals)
		return;
	if (json) {
		json_init(&w, stdout);
		json_object_begin(&w);
		json_kv_u64(&w, "schema_version", 1);
		json_kv_string(&w, "type", "summary");
		json_key(&w, "devices");
		json_object_begin(&w);
	} else {
		printf("%-14s %14s %14s\n", "DEVICE", "DEVTLB-INVS", "SUBMISSIONS");
	}
	while (!bpf_map_get_next_key(fd, prev, &key)) {
		struct inv_counts sum = { 0 };
		struct pci_bdf bdf = {
			.segment = key.rid >> 16, .bus = (key.rid >> 8) & 0xff, .devfn = key.rid & 0xff,
		};
		char name[16];

		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, vals))
			continue;
		for (int i = 0; i < ncpu; i++) {
			sum.descriptors += vals[i].descriptors;
			sum.submissions += vals[i].submissions;
		}
		format_bdf(&bdf, name, sizeof(name));
		if (json) {
			json_key(&w, name);
			json_object_begin(&w);
			json_kv_u64(&w, "devtlb_invalidations", sum.descriptors);
			json_kv_u64(&w, "submissions", sum.submissions);
			json_object_end(&w);
		} else {
			printf("%-14s %14llu %14llu\n", name, sum.descriptors, sum.submissions);
		}
	}
	if (json) {
		json_object_end(&w);
		json_object_end(&w);
	}
	free(vals);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "duration", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t duration_ns = 0;
	struct atstrace *skel;
	bool json = false;
	struct timespec t0, t;
	int c, err;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":d:jvh", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (parse_duration_ns(optarg, &duration_ns) || !duration_ns) {
				fprintf(stderr, "atstrace: invalid duration '%s'\n", optarg);
				return 2;
			}
			break;
		case 'j':
			json = true;
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case ':':
			fprintf(stderr, "atstrace: option '%s' needs a value\nTry 'atstrace --help'.\n",
				argv[optind - 1]);
			return 2;
		default:
			fprintf(stderr, "atstrace: unknown option '%s'\nTry 'atstrace --help'.\n",
				argv[optind - 1]);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "atstrace: unexpected argument '%s'\nTry 'atstrace --help'.\n",
			argv[optind]);
		return 2;
	}

	libbpf_set_print(print_libbpf);
	skel = atstrace__open();
	if (!skel) {
		explain_load_error(-errno);
		return 2;
	}
	err = atstrace__load(skel);
	if (!err)
		err = atstrace__attach(skel);
	if (err) {
		explain_load_error(err);
		atstrace__destroy(skel);
		return 2;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	fprintf(stderr, "atstrace: tracing%s\n", duration_ns ? "" : ", Ctrl-C to stop");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!exiting) {
		usleep(20000);
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (duration_ns &&
		    (uint64_t)(t.tv_sec - t0.tv_sec) * 1000000000ULL + t.tv_nsec - t0.tv_nsec >= duration_ns)
			break;
	}
	report(skel, json);
	atstrace__destroy(skel);
	return 0;
}
