// SPDX-License-Identifier: GPL-2.0
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atstrace_cli.h"
#include "hist_group.h"
#include "version.h" /* generated: ATSTRACE_VERSION, from the Makefile's and git's */

const char atstrace_version[] = ATSTRACE_VERSION;

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
"  -T, --timestamp       print each event's own time (wall clock) on its line\n"
"  -j, --json            NDJSON output: a header, one object per event, then a\n"
"                        summary (docs/atstrace.schema.json)\n"
"      --hist            log2 histograms: invalidation latency, reset window,\n"
"                        prepare and done durations, per device\n"
"      --hist-by KEY     --hist, one histogram per KEY: device (default), vendor\n"
"                        (IOMMU driver) or kind (reset windows by window kind)\n"
"  -q, --quiet           no live lines; the summary (and histograms) only\n"
"      --stacks N        print the kernel stack of the first N flagged\n"
"                        invalidations per device (default 5)\n"
"      --stats           per-program run counts and run time (BPF_ENABLE_STATS)\n"
"                        and the memory each map locks, after the summary:\n"
"                        atstrace's own cost\n"
"      --inflight HOW    how a window opening finds invalidations still in flight:\n"
"                        queue (default: VT-d's own invalidation queue, with no\n"
"                        completion hook; where the kernel allows it) or calls\n"
"                        (a record per submission, released by a completion\n"
"                        hook; always so with --hist and --inject-delay)\n"
"      --list-probes     print the probe plan for this kernel and exit\n"
"      --dry-run         same as --list-probes\n"
"      --verify          load every program into this kernel's verifier (those of\n"
"                        drivers it lacks against a stand-in), attach none, exit\n"
"      --inject-delay T  delay the completion of ATC invalidations by T (busy-wait\n"
"                        at the completion point), at most --inject-cap\n"
"      --inject-device BDF  only invalidations to this device (repeatable)\n"
"      --inject-prob P   delay each one with probability P (default 1)\n"
"      --inject-max N    delay at most N in all (also --inject-times N)\n"
"      --inject-space N  never the first N eligible completions\n"
"      --inject-interval N  then every Nth of them (default 1: each)\n"
"      --inject-seed S   draw --inject-prob's choices from seed S: the same calls\n"
"                        in the same order get the same delays\n"
"      --inject-comm NAME  only completions waited for by tasks named NAME\n"
"      --inject-cgroup DIR only by tasks in cgroup (v2) DIR or below it\n"
"      --inject-cap T    the largest delay allowed (default 1ms, at most 10ms)\n"
"      --inject-budget T delay time allowed per CPU per second (default 200ms,\n"
"                        at most 500ms)\n"
"      --inject-total-budget T  delay time allowed per second on all CPUs\n"
"                        together (default 200ms, at most 500ms)\n"
"      --unsafe          allow injection from a kretprobe fallback\n"
"      --assert          run COMMAND, trace for its lifetime, exit with a verdict\n"
"      --min-resets N    --assert: fewer reset windows than N proves nothing (default 1)\n"
"      --fail-unbracketed --assert: an unbracketed reset of an ATS device fails too\n"
"      --ktap            --assert: the verdict as KTAP (one test per check) on\n"
"                        standard output, the summary on standard error; exit\n"
"                        as kselftest: 0 pass, 1 fail, 4 skip (proved nothing)\n"
"  -v, --verbose         window openings too (always in JSON), the probe plan\n"
"                        and libbpf's debug output on standard error\n"
"      --prom-textfile FILE  keep FILE a Prometheus textfile (node_exporter's\n"
"                        textfile collector) of the counts, tool health and\n"
"                        histograms since the start, rewritten atomically\n"
"      --prom-interval T rewrite it every T (default 15s) and at exit\n"
"      --timeline FILE   the run as a Trace Event Format file (Perfetto,\n"
"                        chrome://tracing): a track per device, windows and\n"
"                        injected delays as slices, invalidations and attaches\n"
"                        as instants (every invalidation: costs an event each)\n"
"  -V, --version         print atstrace's version and exit\n"
"  -h, --help            this text\n"
"\n"
"INTERVAL (seconds) prints the summary every INTERVAL, COUNT times.\n"
"Exit status: 0 clean (or traced without --assert); 1 --assert saw an in-window\n"
"invalidation; 2 usage, permission or attach error; 3 --assert: the run proved\n"
"nothing (too few resets, or no invalidation seen). With --ktap: 0, 1 or 4.\n");
}

int atstrace_parse_args(int argc, char **argv, struct atstrace_env *env)
{
	enum { OPT_HIST = 256, OPT_LIST, OPT_ASSERT, OPT_MIN_RESETS, OPT_FAIL_UNBR, OPT_STACKS,
	       OPT_STATS, OPT_INJ_DELAY, OPT_INJ_DEV, OPT_INJ_PROB, OPT_INJ_MAX, OPT_INJ_CAP,
	       OPT_INJ_BUDGET, OPT_INJ_TOTAL, OPT_UNSAFE, OPT_VERIFY, OPT_KTAP, OPT_PROM,
	       OPT_PROM_INTERVAL, OPT_INJ_INTERVAL, OPT_INJ_SPACE, OPT_INJ_COMM, OPT_INJ_CGROUP,
	       OPT_INJ_SEED, OPT_TIMELINE, OPT_HIST_BY, OPT_INFLIGHT };
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'D' },
		{ "duration", required_argument, NULL, 'd' },
		{ "timestamp", no_argument, NULL, 'T' },
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "hist", no_argument, NULL, OPT_HIST },
		{ "hist-by", required_argument, NULL, OPT_HIST_BY },
		{ "inflight", required_argument, NULL, OPT_INFLIGHT },
		{ "list-probes", no_argument, NULL, OPT_LIST },
		{ "dry-run", no_argument, NULL, OPT_LIST },
		{ "verify", no_argument, NULL, OPT_VERIFY },
		{ "assert", no_argument, NULL, OPT_ASSERT },
		{ "min-resets", required_argument, NULL, OPT_MIN_RESETS },
		{ "fail-unbracketed", no_argument, NULL, OPT_FAIL_UNBR },
		{ "ktap", no_argument, NULL, OPT_KTAP },
		{ "prom-textfile", required_argument, NULL, OPT_PROM },
		{ "prom-interval", required_argument, NULL, OPT_PROM_INTERVAL },
		{ "timeline", required_argument, NULL, OPT_TIMELINE },
		{ "stacks", required_argument, NULL, OPT_STACKS },
		{ "stats", no_argument, NULL, OPT_STATS },
		{ "inject-delay", required_argument, NULL, OPT_INJ_DELAY },
		{ "inject-device", required_argument, NULL, OPT_INJ_DEV },
		{ "inject-prob", required_argument, NULL, OPT_INJ_PROB },
		{ "inject-max", required_argument, NULL, OPT_INJ_MAX },
		{ "inject-times", required_argument, NULL, OPT_INJ_MAX },
		{ "inject-interval", required_argument, NULL, OPT_INJ_INTERVAL },
		{ "inject-space", required_argument, NULL, OPT_INJ_SPACE },
		{ "inject-comm", required_argument, NULL, OPT_INJ_COMM },
		{ "inject-cgroup", required_argument, NULL, OPT_INJ_CGROUP },
		{ "inject-seed", required_argument, NULL, OPT_INJ_SEED },
		{ "inject-cap", required_argument, NULL, OPT_INJ_CAP },
		{ "inject-budget", required_argument, NULL, OPT_INJ_BUDGET },
		{ "inject-total-budget", required_argument, NULL, OPT_INJ_TOTAL },
		{ "unsafe", no_argument, NULL, OPT_UNSAFE },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	int c, npos, err = 0;

	memset(env, 0, sizeof(*env));
	env->min_resets = 1;
	env->max_stacks = 5;
	env->inject_cap_ns = INJECT_CAP_DEFAULT_NS;
	env->inject_budget_ns = INJECT_BUDGET_DEFAULT_NS;
	env->inject_total_budget_ns = INJECT_TOTAL_BUDGET_DEFAULT_NS;
	env->inject_prob_ppm = 1000000;
	optind = 1;
	opterr = 0;
	/* "+": stop at the first non-option, so "-- CMD -x" reaches us intact */
	while (!err && (c = getopt_long(argc, argv, "+:D:d:TjqvVh", opts, NULL)) != -1) {
		switch (c) {
		case 'D':
			if (env->ndevices == CLI_MAX_DEVICES) {
				fprintf(stderr, "atstrace: at most %d devices\n", CLI_MAX_DEVICES);
				return 2;
			}
			err = arg_bdf("atstrace", "device", optarg, &env->devices[env->ndevices]);
			if (!err)
				env->ndevices++;
			break;
		case 'd':
			err = arg_duration_ns("atstrace", "duration", optarg, 1, UINT64_MAX,
					      &env->duration_ns);
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
		case 'V':
			printf("atstrace %s\n", atstrace_version);
			return 1;
		case OPT_HIST:
			env->hist = true;
			break;
		case OPT_HIST_BY: {
			enum hist_by by;

			if (hist_by_parse(optarg, &by))
				return usage_error("atstrace", "invalid --hist-by (device, vendor or "
						   "kind): '%s'", optarg);
			env->hist_by = by;
			env->hist = true;
			break;
		}
		case OPT_INFLIGHT:
			if (!strcmp(optarg, "queue"))
				env->inflight_calls = false;
			else if (!strcmp(optarg, "calls"))
				env->inflight_calls = true;
			else
				return usage_error("atstrace", "invalid --inflight (queue or calls): "
						   "'%s'", optarg);
			break;
		case OPT_LIST:
			env->list_probes = true;
			break;
		case OPT_VERIFY:
			env->verify = true;
			break;
		case OPT_ASSERT:
			env->assert_mode = true;
			break;
		case OPT_MIN_RESETS:
			err = arg_uint("atstrace", "--min-resets", optarg, 0, UINT32_MAX,
				       &env->min_resets);
			break;
		case OPT_STATS:
			env->stats = true;
			break;
		case OPT_INJ_DELAY:
			err = arg_duration_ns("atstrace", "--inject-delay", optarg, 1, UINT64_MAX,
					      &env->inject_delay_ns);
			break;
		case OPT_INJ_DEV:
			if (env->ninject == CLI_MAX_DEVICES)
				return usage_error("atstrace",
						   "invalid --inject-device (at most 8): '%s'",
						   optarg);
			err = arg_bdf("atstrace", "--inject-device", optarg,
				      &env->inject_devices[env->ninject]);
			if (!err)
				env->ninject++;
			break;
		case OPT_INJ_PROB: {
			char *end;
			double p = strtod(optarg, &end);

			if (*end || end == optarg || !(p > 0 && p <= 1))
				return usage_error("atstrace",
						   "invalid --inject-prob (a probability in (0, 1]): '%s'",
						   optarg);
			env->inject_prob_ppm = (uint32_t)(p * 1000000 + 0.5);
			break;
		}
		case OPT_INJ_MAX:
			err = arg_uint("atstrace", "--inject-max/--inject-times", optarg, 1,
				       UINT64_MAX, &v);
			if (!err && env->inject_max && env->inject_max != v)
				return usage_error("atstrace", "--inject-max and --inject-times "
						   "name one limit: give it once");
			if (!err)
				env->inject_max = v;
			break;
		case OPT_INJ_INTERVAL:
			err = arg_uint("atstrace", "--inject-interval", optarg, 1, UINT64_MAX,
				       &env->inject_interval);
			break;
		case OPT_INJ_SPACE:
			err = arg_uint("atstrace", "--inject-space", optarg, 0, UINT64_MAX,
				       &env->inject_space);
			break;
		case OPT_INJ_COMM:
			if (!*optarg || strlen(optarg) >= sizeof(env->inject_comm))
				return usage_error("atstrace", "invalid --inject-comm (a task name "
						   "of 1 to 15 characters): '%s'", optarg);
			strcpy(env->inject_comm, optarg);
			break;
		case OPT_INJ_CGROUP:
			if (!*optarg)
				return usage_error("atstrace", "--inject-cgroup needs a cgroup "
						   "directory");
			env->inject_cgroup = optarg;
			break;
		case OPT_INJ_SEED:
			err = arg_uint("atstrace", "--inject-seed", optarg, 0, UINT64_MAX,
				       &env->inject_seed);
			env->inject_seeded = !err;
			break;
		case OPT_INJ_CAP:
			err = arg_duration_ns("atstrace", "--inject-cap (at most 10ms)", optarg, 1,
					      INJECT_CAP_HARD_NS, &env->inject_cap_ns);
			break;
		case OPT_INJ_BUDGET:
			err = arg_duration_ns("atstrace", "--inject-budget (at most 500ms per second)",
					      optarg, 1, INJECT_BUDGET_HARD_NS, &env->inject_budget_ns);
			break;
		case OPT_INJ_TOTAL:
			err = arg_duration_ns("atstrace", "--inject-total-budget (at most 500ms per second)",
					      optarg, 1, INJECT_TOTAL_BUDGET_HARD_NS,
					      &env->inject_total_budget_ns);
			break;
		case OPT_UNSAFE:
			env->unsafe = true;
			break;
		case OPT_FAIL_UNBR:
			env->fail_unbracketed = true;
			break;
		case OPT_KTAP:
			env->ktap = true;
			break;
		case OPT_PROM:
			if (!*optarg)
				return usage_error("atstrace", "--prom-textfile needs a file name");
			env->prom_path = optarg;
			break;
		case OPT_TIMELINE:
			if (!*optarg)
				return usage_error("atstrace", "--timeline needs a file name");
			env->timeline_path = optarg;
			break;
		case OPT_PROM_INTERVAL:
			err = arg_duration_ns("atstrace", "--prom-interval", optarg, 100000000ULL,
					      86400000000000ULL, &env->prom_interval_ns);
			break;
		case OPT_STACKS:
			err = arg_uint("atstrace", "--stacks", optarg, 0, 1000000, &v);
			if (!err)
				env->max_stacks = v;
			break;
		default:
			return option_error("atstrace", c, argv);
		}
	}
	if (err)
		return err;
	if (env->inject_delay_ns > env->inject_cap_ns) {
		fprintf(stderr, "atstrace: --inject-delay %llu ns is above the cap of %llu ns "
				"(raise it with --inject-cap, at most 10ms)\n",
			(unsigned long long)env->inject_delay_ns,
			(unsigned long long)env->inject_cap_ns);
		return 2;
	}
	if (env->inject_delay_ns > env->inject_budget_ns ||
	    env->inject_delay_ns > env->inject_total_budget_ns) {
		fprintf(stderr, "atstrace: --inject-delay is above the per-second budget\n");
		return 2;
	}
	if (!env->inject_delay_ns && (env->ninject || env->inject_max ||
				     env->inject_prob_ppm != 1000000 || env->inject_interval ||
				     env->inject_space || env->inject_comm[0] ||
				     env->inject_cgroup || env->inject_seeded)) {
		fprintf(stderr, "atstrace: --inject-device, --inject-prob, --inject-max "
				"(--inject-times), --inject-interval, --inject-space, "
				"--inject-comm, --inject-cgroup and --inject-seed need "
				"--inject-delay\n");
		return 2;
	}
	if (env->inject_seeded && env->inject_prob_ppm == 1000000)
		return usage_error("atstrace", "--inject-seed seeds --inject-prob's draws: "
				   "it needs a probability below 1");
	if (env->ktap && !env->assert_mode)
		return usage_error("atstrace", "--ktap needs --assert (it reports the verdict)");
	/* standard output carries the KTAP document and nothing else */
	if (env->ktap && (env->json || env->hist || env->stats || env->verbose))
		return usage_error("atstrace", "--ktap cannot be combined with -j, --hist, --stats "
				   "or -v (they write to standard output too)");
	if (env->ktap)
		env->quiet = true;
	if (env->prom_interval_ns && !env->prom_path)
		return usage_error("atstrace", "--prom-interval needs --prom-textfile");
	if (!env->prom_interval_ns)
		env->prom_interval_ns = PROM_INTERVAL_DEFAULT_NS;
	if (env->assert_mode) {
		if (optind >= argc || strcmp(argv[optind - 1], "--"))
			return usage_error("atstrace", "--assert needs a command after '--'");
		env->command = &argv[optind];
		return 0;
	}
	npos = argc - optind;
	if (npos > 2)
		return usage_error("atstrace", "invalid argument: '%s'", argv[optind + 2]);
	if (npos >= 1) {
		if (arg_uint("atstrace", "interval (seconds)", argv[optind], 1, 86400, &v))
			return 2;
		env->interval_ns = v * 1000000000ULL;
	}
	if (npos == 2)
		return arg_uint("atstrace", "count", argv[optind + 1], 1, UINT32_MAX, &env->count);
	return 0;
}
