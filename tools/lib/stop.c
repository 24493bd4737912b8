// SPDX-License-Identifier: GPL-2.0
#include "stop.h"

#include <signal.h>

/* C11 lets a signal handler store only to lock-free atomics */
_Static_assert(ATOMIC_BOOL_LOCK_FREE == 2, "atomic_bool is not lock-free");
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "atomic_int is not lock-free");

atomic_bool stop_requested;
atomic_int stop_signal;

static void on_signal(int sig)
{
	atomic_store(&stop_signal, sig);
	atomic_store(&stop_requested, true);
}

void stop_on_signals(void)
{
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
}
