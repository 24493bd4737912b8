// SPDX-License-Identifier: GPL-2.0
#include "prog_stats.h"

#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

int prog_stats_enable(void)
{
	return bpf_enable_stats(BPF_STATS_RUN_TIME);
}

static int prog_info(struct bpf_program *p, struct bpf_prog_info *info)
{
	__u32 len = sizeof(*info);
	int fd = bpf_program__fd(p);

	memset(info, 0, sizeof(*info));
	if (fd < 0 || !bpf_program__autoload(p))
		return -1;
	return bpf_obj_get_info_by_fd(fd, info, &len);
}

void prog_stats_json(struct json_writer *w, struct bpf_object *obj)
{
	struct bpf_prog_info info;
	struct bpf_program *p;

	json_key(w, "programs");
	json_array_begin(w);
	bpf_object__for_each_program(p, obj) {
		if (prog_info(p, &info))
			continue;
		json_object_begin(w);
		json_kv_string(w, "name", bpf_program__name(p));
		json_kv_u64(w, "run_cnt", info.run_cnt);
		json_kv_u64(w, "run_time_ns", info.run_time_ns);
		json_kv_double(w, "ns_per_run", info.run_cnt ? (double)info.run_time_ns / info.run_cnt : 0);
		json_kv_u64(w, "recursion_misses", info.recursion_misses);
		json_object_end(w);
	}
	json_array_end(w);
}

void prog_stats_text(FILE *f, struct bpf_object *obj)
{
	struct bpf_prog_info info;
	struct bpf_program *p;

	fprintf(f, "\n%-26s %12s %14s %10s %10s\n", "PROGRAM", "RUNS", "RUN-TIME-NS", "NS/RUN",
		"RECURSION");
	bpf_object__for_each_program(p, obj) {
		if (prog_info(p, &info))
			continue;
		fprintf(f, "%-26s %12llu %14llu %10.0f %10llu\n", bpf_program__name(p),
			(unsigned long long)info.run_cnt, (unsigned long long)info.run_time_ns,
			info.run_cnt ? (double)info.run_time_ns / info.run_cnt : 0,
			(unsigned long long)info.recursion_misses);
	}
}

unsigned long long map_memlock(int fd)
{
	unsigned long long v = 0;
	char path[64], line[128];
	FILE *f;

	if (fd < 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "memlock:", 8)) {
			v = strtoull(line + 8, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

void map_memory_json(struct json_writer *w, struct bpf_object *obj)
{
	unsigned long long total = 0, b;
	struct bpf_map *m;

	json_key(w, "maps");
	json_array_begin(w);
	bpf_object__for_each_map(m, obj) {
		if (bpf_map__fd(m) < 0)
			continue;
		b = map_memlock(bpf_map__fd(m));
		total += b;
		json_object_begin(w);
		json_kv_string(w, "name", bpf_map__name(m));
		json_kv_string(w, "type", libbpf_bpf_map_type_str(bpf_map__type(m)));
		json_kv_u64(w, "max_entries", bpf_map__max_entries(m));
		json_kv_u64(w, "bytes_memlock", b);
		json_object_end(w);
	}
	json_array_end(w);
	json_kv_u64(w, "bytes_memlock", total);
	json_kv_u64(w, "possible_cpus", (unsigned long long)libbpf_num_possible_cpus());
}

void map_memory_text(FILE *f, struct bpf_object *obj)
{
	unsigned long long total = 0, b;
	struct bpf_map *m;

	fprintf(f, "\n%-26s %-16s %12s %14s\n", "MAP", "TYPE", "ENTRIES", "LOCKED-BYTES");
	bpf_object__for_each_map(m, obj) {
		if (bpf_map__fd(m) < 0)
			continue;
		b = map_memlock(bpf_map__fd(m));
		total += b;
		fprintf(f, "%-26s %-16s %12u %14llu\n", bpf_map__name(m),
			libbpf_bpf_map_type_str(bpf_map__type(m)), bpf_map__max_entries(m), b);
	}
	fprintf(f, "%-26s %-16s %12s %14llu  (%d possible CPUs)\n", "total", "", "", total,
		libbpf_num_possible_cpus());
}
