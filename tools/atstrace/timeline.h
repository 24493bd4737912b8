/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --timeline: the run as a Trace Event Format file (JSON array form), for
 * Perfetto's UI and chrome://tracing. One process, one track (thread) per
 * PCI function named by its BDF; reset, bus and recovery windows and
 * injected delays as complete slices ("X"); invalidations, attaches and
 * unbracketed resets as instants ("i"), flagged invalidations in category
 * "flagged". Times in microseconds, to the nanosecond.
 */
#ifndef ATSTRACE_TIMELINE_H
#define ATSTRACE_TIMELINE_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>

#include "atstrace.h"

struct timeline;

/* Opens PATH and writes its header; NULL with errno set. */
struct timeline *timeline_open(const char *path, const char *process_name);
void timeline_event(struct timeline *tl, const struct event *e);
/* Ends the array and closes the file: 0, or -errno if anything was not written. */
int timeline_close(struct timeline *tl);

#endif
