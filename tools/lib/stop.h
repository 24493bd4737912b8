/* SPDX-License-Identifier: GPL-2.0 */
/* Stopping a tool's main loop, and its threads, on SIGINT or SIGTERM; SIGUSR1. */
#ifndef ATSTRACE_STOP_H
#define ATSTRACE_STOP_H

#include <stdatomic.h>
#include <stdbool.h>
#include <sys/types.h>

/* Lock-free: a signal handler may set it, any thread may read it. */
extern atomic_bool stop_requested;
/* the signal that set it (0 while none did) */
extern atomic_int stop_signal;

/* set by SIGUSR1 once summary_on_sigusr1() ran; the main loop clears it */
extern atomic_bool summary_requested;

/* From now on SIGINT and SIGTERM set stop_requested. */
void stop_on_signals(void);
/*
 * ... and a second one, once a stop is under way, exits at once (128 +
 * signal), sending SIGTERM to child first when it is > 0.
 */
void stop_second_signal_exits(pid_t child);
/* From now on SIGUSR1 sets summary_requested. */
void summary_on_sigusr1(void);

#endif
