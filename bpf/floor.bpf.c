// SPDX-License-Identifier: GPL-2.0
/*
 * The cost floor for `make bench`: an empty fentry program on the hook
 * atstrace's busiest program uses. Its per-call run time is what any
 * program on that hook costs before doing anything.
 */
#include "kernel_types.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("fentry/qi_submit_sync")
int BPF_PROG(floor_fentry)
{
	return 0;
}
