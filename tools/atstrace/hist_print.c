// SPDX-License-Identifier: GPL-2.0
#include "hist_print.h"

#include <string.h>

void hist_slot_range(int slot, uint64_t *low, uint64_t *high)
{
	*low = slot ? 1ULL << slot : 0;
	*high = slot >= 63 ? UINT64_MAX : (1ULL << (slot + 1)) - 1;
}

static void print_stars(FILE *f, uint64_t val, uint64_t max, int width)
{
	int n = max ? (int)((double)val * width / max) : 0;

	for (int i = 0; i < width; i++)
		fputc(i < n ? '*' : ' ', f);
}

void hist_print_log2(FILE *f, const uint64_t *slots, int n, const char *unit)
{
	int first = -1, last = -1, width = 40;
	uint64_t max = 0, low, high;

	for (int i = 0; i < n; i++) {
		if (!slots[i])
			continue;
		if (first < 0)
			first = i;
		last = i;
		if (slots[i] > max)
			max = slots[i];
	}
	if (last < 0) {
		fprintf(f, "     (no samples)\n");
		return;
	}
	fprintf(f, "%*s%-*s : count    distribution\n", 10, "", 13, unit);
	for (int i = 0; i <= last; i++) {
		hist_slot_range(i, &low, &high);
		fprintf(f, "%*llu -> %-*llu : %-8llu |", 14, (unsigned long long)low, 14,
			(unsigned long long)high, (unsigned long long)slots[i]);
		print_stars(f, slots[i], max, width);
		fprintf(f, "|\n");
	}
}

void hist_json_buckets(struct json_writer *w, const uint64_t *slots, int n)
{
	uint64_t low, high;

	json_key(w, "buckets");
	json_array_begin(w);
	for (int i = 0; i < n; i++) {
		if (!slots[i])
			continue;
		hist_slot_range(i, &low, &high);
		json_object_begin(w);
		json_kv_u64(w, "low", low);
		json_kv_u64(w, "high", high);
		json_kv_u64(w, "count", slots[i]);
		json_object_end(w);
	}
	json_array_end(w);
}
