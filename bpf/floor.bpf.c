// SPDX-License-Identifier: GPL-2.0
/*
 * The cost floors for `make bench`: an empty program on each hook
 * atstrace's VT-d submission uses, the fentry of qi_submit_sync() (once per
 * call) and the intel_iommu:qi_submit tracepoint (once per descriptor).
 * Their run time is what any program on that hook costs before doing
 * anything. User space loads one of them.
 */
#include "kernel_types.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("?fentry/qi_submit_sync")
int BPF_PROG(floor_fentry)
{
	return 0;
}

SEC("?tp_btf/qi_submit")
int BPF_PROG(floor_tp)
{
	return 0;
}
