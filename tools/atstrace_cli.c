// SPDX-License-Identifier: GPL-2.0
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "atstrace_cli.h"

void atstrace_usage(FILE *f)
{
	fprintf(f,
"Usage: atstrace [OPTIONS] [INTERVAL [COUNT]]\n"
"       atstrace --assert [--min-resets N] [OPTIONS] -- COMMAND [ARGS...]\n"
"Trace ATC (device-TLB) invalidations, IOMMU attaches and PCI resets, and flag\n"
"every invalidation that reaches a device inside its reset window.\n"
"\n"
"  -D, --device BDF      only this device (repeatable, up to 8)\n"
"  -d, --duration TIME   trace for TIME (10, 500ms, 2m), default until Ctrl-C\n"
"  -T, --timestamp       print a timestamp on each line\n"
"  -j, --json            NDJSON output: one object per event, then a summary\n"
"      --hist            log2 histograms: invalidation latency, reset window,\n"
"                        prepare and done durations, per device\n"
"  -q, --quiet           no live lines; the summary (and histograms) only\n"
"      --stacks N        print the kernel stack of the first N flagged\n"
"                        invalidations per device (default 5)\n"
"      --stats           per-program run counts and run time (BPF_ENABLE_STATS)\n"
"                        in the summary: atstrace's own cost\n"
"      --list-probes     print the probe plan for this kernel and exit\n"
"      --dry-run         same as --list-probes\n"
"      --assert          run COMMAND, trace for its lifetime, exit with a verdict\n"
"      --min-resets N    --assert: fewer reset windows than N proves nothing (default 1)\n"
"      --fail-unbracketed --assert: an unbracketed reset of an ATS device fails too\n"
"  -v, --verbose         window openings too, and libbpf's debug output\n"
"  -h, --help            this text\n"
"\n"
"INTERVAL (seconds) prints the summary every INTERVAL, COUNT times.\n"
"Exit status: 0 clean (or traced without --assert); 1 --assert saw an in-window\n"
"invalidation; 2 usage, permission or attach error; 3 --assert: the run proved\n"
"nothing (too few resets, or no invalidation seen).\n");
}

static int bad(const char *what, const char *val)
{
	fprintf(stderr, "atstrace: invalid %s: '%s'\nTry 'atstrace --help'.\n", what, val);
	return 2;
}

int atstrace_parse_args(int argc, char **argv, struct atstrace_env *env)
{
	enum { OPT_HIST = 256, OPT_LIST, OPT_ASSERT, OPT_MIN_RESETS, OPT_FAIL_UNBR, OPT_STACKS,
	       OPT_STATS };
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'D' },
		{ "duration", required_argument, NULL, 'd' },
		{ "timestamp", no_argument, NULL, 'T' },
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "hist", no_argument, NULL, OPT_HIST },
		{ "list-probes", no_argument, NULL, OPT_LIST },
		{ "dry-run", no_argument, NULL, OPT_LIST },
		{ "assert", no_argument, NULL, OPT_ASSERT },
		{ "min-resets", required_argument, NULL, OPT_MIN_RESETS },
		{ "fail-unbracketed", no_argument, NULL, OPT_FAIL_UNBR },
		{ "stacks", required_argument, NULL, OPT_STACKS },
		{ "stats", no_argument, NULL, OPT_STATS },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	int c, npos;

	memset(env, 0, sizeof(*env));
	env->min_resets = 1;
	env->max_stacks = 5;
	optind = 1;
	opterr = 0;
	/* "+": stop at the first non-option, so "-- CMD -x" reaches us intact */
	while ((c = getopt_long(argc, argv, "+:D:d:Tjqvh", opts, NULL)) != -1) {
		switch (c) {
		case 'D':
			if (env->ndevices == CLI_MAX_DEVICES) {
				fprintf(stderr, "atstrace: at most %d devices\n", CLI_MAX_DEVICES);
				return 2;
			}
			if (parse_bdf(optarg, &env->devices[env->ndevices]))
				return bad("device (expected SSSS:BB:DD.F)", optarg);
			env->ndevices++;
			break;
		case 'd':
			if (parse_duration_ns(optarg, &env->duration_ns) || !env->duration_ns)
				return bad("duration", optarg);
			break;
		case 'T':
			env->timestamps = true;
			break;
		case 'j':
			env->json = true;
			break;
		case 'q':
			env->quiet = true;
			break;
		case 'v':
			env->verbose = true;
			break;
		case 'h':
			atstrace_usage(stdout);
			return 1;
		case OPT_HIST:
			env->hist = true;
			break;
		case OPT_LIST:
			env->list_probes = true;
			break;
		case OPT_ASSERT:
			env->assert_mode = true;
			break;
		case OPT_MIN_RESETS:
			if (parse_uint(optarg, UINT32_MAX, &env->min_resets))
				return bad("--min-resets", optarg);
			break;
		case OPT_STATS:
			env->stats = true;
			break;
		case OPT_FAIL_UNBR:
			env->fail_unbracketed = true;
			break;
		case OPT_STACKS:
			if (parse_uint(optarg, 1000000, &v))
				return bad("--stacks", optarg);
			env->max_stacks = v;
			break;
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
	if (env->assert_mode) {
		if (optind >= argc || strcmp(argv[optind - 1], "--")) {
			fprintf(stderr, "atstrace: --assert needs a command after '--'\n"
					"Try 'atstrace --help'.\n");
			return 2;
		}
		env->command = &argv[optind];
		return 0;
	}
	npos = argc - optind;
	if (npos > 2)
		return bad("argument", argv[optind + 2]);
	if (npos >= 1) {
		if (parse_uint(argv[optind], 86400, &v) || !v)
			return bad("interval (seconds)", argv[optind]);
		env->interval_ns = v * 1000000000ULL;
	}
	if (npos == 2 && (parse_uint(argv[optind + 1], UINT32_MAX, &env->count) || !env->count))
		return bad("count", argv[optind + 1]);
	return 0;
}
