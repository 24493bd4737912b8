/* SPDX-License-Identifier: GPL-2.0 */
/* The tools' clock: CLOCK_MONOTONIC, the one bpf_ktime_get_ns() reads. */
#ifndef ATSTRACE_CLOCK_H
#define ATSTRACE_CLOCK_H

#include <stdint.h>

uint64_t now_ns(void);

#endif
