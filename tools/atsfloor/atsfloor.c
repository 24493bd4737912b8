// SPDX-License-Identifier: GPL-2.0
/*
 * atsfloor: attaches an empty fentry program to qi_submit_sync() (the hook
 * atstrace's busiest program used) until interrupted, then prints its run
 * statistics as JSON: the per-call floor `make bench` compares against.
 * With --tracepoint, an empty program on the intel_iommu:qi_submit
 * tracepoint instead (atstrace's lean VT-d hook: once per descriptor).
 * With --no-stats it only stays attached (the kernel's run-time statistics
 * cost two clock reads per run): the throughput floor of the same hook.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "floor.skel.h"
#include "lib/json_writer.h"
#include "lib/prog_stats.h"
#include "lib/stop.h"

int main(int argc, char **argv)
{
	struct json_writer w;
	struct floor *skel;
	bool stats = true, tp = false;
	int stats_fd = -1;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--no-stats")) {
			stats = false;
		} else if (!strcmp(argv[i], "--tracepoint")) {
			tp = true;
		} else {
			fprintf(stderr, "Usage: atsfloor [--tracepoint] [--no-stats]   "
					"(runs until SIGINT/SIGTERM, then prints JSON)\n");
			return 2;
		}
	}
	if (stats)
		stats_fd = prog_stats_enable();
	if (stats && stats_fd < 0) {
		fprintf(stderr, "atsfloor: cannot enable BPF run-time stats: %s\n", strerror(-stats_fd));
		return 2;
	}
	skel = floor__open();
	if (skel)
		bpf_program__set_autoload(tp ? skel->progs.floor_tp : skel->progs.floor_fentry, true);
	if (!skel || floor__load(skel) || floor__attach(skel)) {
		fprintf(stderr, "atsfloor: cannot load or attach: %s\n", strerror(errno));
		floor__destroy(skel);
		return 2;
	}
	stop_on_signals();
	fprintf(stderr, "atsfloor: attached\n");
	while (!atomic_load(&stop_requested))
		pause();
	json_init(&w, stdout);
	json_object_begin(&w);
	json_kv_u64(&w, "schema_version", SCHEMA_VERSION);
	json_kv_string(&w, "type", "floor");
	prog_stats_json(&w, skel->obj);
	json_object_end(&w);
	floor__destroy(skel);
	if (stats_fd >= 0)
		close(stats_fd);
	return 0;
}
