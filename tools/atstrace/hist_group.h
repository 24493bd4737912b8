/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --hist-by: the histograms atstrace keeps (one per device, histogram and,
 * for reset windows, window kind) added up by what the user asked for:
 *   device  one per device and histogram (the default)
 *   vendor  one per IOMMU driver (vtd, amd, smmuv3) and histogram
 *   kind    reset windows one per window kind, the others one for all
 */
#ifndef ATSTRACE_HIST_GROUP_H
#define ATSTRACE_HIST_GROUP_H

#include "atstrace_report.h"

enum hist_by { HIST_BY_DEVICE, HIST_BY_VENDOR, HIST_BY_KIND };

#define HIST_KEY_ALL 0xffffffffU  /* HIST_BY_KIND, a histogram with no kinds */
#define VENDOR_NONE 0xfffffffeU   /* HIST_BY_VENDOR, a device no IOMMU driver names */

struct hist_row {
	__u32 kind;    /* enum hist_kind */
	__u32 key;     /* a rid, a VENDOR_*, a window kind, or HIST_KEY_ALL */
	struct hist h;
};

/* "device", "vendor", "kind" -> 0, or -1 */
int hist_by_parse(const char *s, enum hist_by *by);
const char *hist_by_name(enum hist_by by);
/* a VENDOR_* as --hist-by vendor names it: vtd, amd, smmuv3, none */
const char *vendor_key_name(__u32 vendor);

/*
 * Adds @n histograms up into rows by @by, sorted by histogram then key;
 * @vendor_of names a device's IOMMU driver (HIST_BY_VENDOR). @out holds @n
 * rows (never more are needed). Returns the number of rows.
 */
int hist_group(const struct hist_total *in, int n, enum hist_by by,
	       __u32 (*vendor_of)(__u32 rid), struct hist_row *out);

#endif
