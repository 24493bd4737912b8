/* SPDX-License-Identifier: GPL-2.0 */
/* Stopping a tool's main loop, and its threads, on SIGINT or SIGTERM. */
#ifndef ATSTRACE_STOP_H
#define ATSTRACE_STOP_H

#include <stdatomic.h>
#include <stdbool.h>

/* Lock-free: a signal handler may set it, any thread may read it. */
extern atomic_bool stop_requested;
/* the signal that set it (0 while none did) */
extern atomic_int stop_signal;

/* From now on SIGINT and SIGTERM set stop_requested. */
void stop_on_signals(void);

#endif
