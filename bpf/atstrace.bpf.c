// SPDX-License-Identifier: GPL-2.0
/*
 * atstrace, kernel side. Tracks each PCI device's reset window and flags
 * every ATC (device-TLB) invalidation that is submitted to a device inside
 * its window, or is still in flight when the window opens. Which function
 * each program attaches to is decided by user space from its probe plan
 * (tools/atstrace/probe_plan.c); programs are declared "?" (not autoloaded) and the
 * plan enables the ones the running kernel can take.
 *
 * One object, one skeleton; each concern in a header of its own, included
 * in this order (each uses what the ones before it define).
 */
#include "kernel_types.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "atc_decode.h"
#include "log2_hist.h"
#include "reset_window.h"
#include "inflight.h"
#include "inject_rule.h"
#include "atstrace.h"

char LICENSE[] SEC("license") = "GPL";

_Static_assert(WK_NR == sizeof(((struct dev_counts *)0)->windows) / sizeof(__u64),
	       "dev_counts.windows must have one slot per window kind");

#include "common.bpf.h"   /* configuration, shared maps, helpers */
#include "vtd_queue.bpf.h" /* VT-d's invalidation queue: what is in flight (vtd_queue.h) */
#include "windows.bpf.h"  /* reset windows, bus windows, upstream's bracketing */
#include "submit.bpf.h"   /* what the drivers' submission paths share */
#include "inject.bpf.h"   /* --inject-delay at the completion points */
#include "vtd.bpf.h"      /* Intel VT-d */
#include "amd.bpf.h"      /* AMD-Vi */
#include "smmu.bpf.h"     /* Arm SMMUv3, and its StreamIDs */
#include "attach.bpf.h"   /* IOMMU attach ops */
