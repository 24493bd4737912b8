/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-program run statistics (run count, run time, recursion misses) of a
 * loaded BPF object, collected while a BPF_ENABLE_STATS fd is held.
 */
#ifndef ATSTRACE_PROG_STATS_H
#define ATSTRACE_PROG_STATS_H

#include <stdio.h>

#include "lib/json_writer.h"

struct bpf_object;

/* Turns run-time stats on for as long as the returned fd stays open (< 0: error). */
int prog_stats_enable(void);
/* "programs": [{"name","run_cnt","run_time_ns","ns_per_run","recursion_misses"}] */
void prog_stats_json(struct json_writer *w, struct bpf_object *obj);
void prog_stats_text(FILE *f, struct bpf_object *obj);
/*
 * The memory each created map locks (the kernel's own figure, "memlock" in
 * its fdinfo), 0 when it cannot be read: "maps": [{"name","type",
 * "max_entries","bytes_memlock"}], "bytes_memlock": total, "possible_cpus"
 */
void map_memory_json(struct json_writer *w, struct bpf_object *obj);
void map_memory_text(FILE *f, struct bpf_object *obj);
/* one map's locked bytes from its fd's fdinfo; 0 when unknown */
unsigned long long map_memlock(int fd);

#endif
