/* SPDX-License-Identifier: GPL-2.0 */
/* log2 histograms with 64-bit counters, printed in libbpf-tools' layout, or as JSON. */
#ifndef ATSTRACE_HIST_PRINT_H
#define ATSTRACE_HIST_PRINT_H

#include <stdint.h>
#include <stdio.h>

#include "lib/json_writer.h"

/* slot i holds [2^i, 2^(i+1)), slot 0 holds 0 and 1 */
void hist_slot_range(int slot, uint64_t *low, uint64_t *high);
void hist_print_log2(FILE *f, const uint64_t *slots, int n, const char *unit);
/* "buckets": [{"low":..,"high":..,"count":..}] for the non-empty range */
void hist_json_buckets(struct json_writer *w, const uint64_t *slots, int n);

#endif
