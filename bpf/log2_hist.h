/* SPDX-License-Identifier: GPL-2.0 */
/*
 * log2 histogram bucketing, written once for the BPF programs and the host
 * tests. Slot 0 holds 0 and 1; slot i > 0 holds [2^i, 2^(i+1)), the layout
 * libbpf-tools' print_log2_hist() prints.
 */
#ifndef ATSTRACE_LOG2_HIST_H
#define ATSTRACE_LOG2_HIST_H

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

static __always_inline __u32 log2_slot(__u64 v)
{
	__u32 r = 0, shift;

	shift = (v > 0xffffffffULL) << 5; v >>= shift; r |= shift;
	shift = (v > 0xffff) << 4; v >>= shift; r |= shift;
	shift = (v > 0xff) << 3; v >>= shift; r |= shift;
	shift = (v > 0xf) << 2; v >>= shift; r |= shift;
	shift = (v > 0x3) << 1; v >>= shift; r |= shift;
	r |= (v >> 1);
	return r;
}

#endif
