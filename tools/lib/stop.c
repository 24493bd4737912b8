// SPDX-License-Identifier: GPL-2.0
#include "stop.h"

#include <signal.h>
#include <unistd.h>

/* C11 lets a signal handler store only to lock-free atomics */
_Static_assert(ATOMIC_BOOL_LOCK_FREE == 2, "atomic_bool is not lock-free");
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "atomic_int is not lock-free");

atomic_bool stop_requested;
atomic_int stop_signal;
atomic_bool summary_requested;
static atomic_bool second_exits;
static atomic_int child_pid;

static void on_signal(int sig)
{
	/* a second stop while the first one is being carried out: at once */
	if (atomic_load(&second_exits) && atomic_load(&stop_requested)) {
		if (atomic_load(&child_pid) > 0)
			kill(atomic_load(&child_pid), SIGTERM);
		_exit(128 + sig);
	}
	atomic_store(&stop_signal, sig);
	atomic_store(&stop_requested, true);
}

static void on_usr1(int sig)
{
	(void)sig;
	atomic_store(&summary_requested, true);
}

void stop_second_signal_exits(pid_t child)
{
	atomic_store(&child_pid, child);
	atomic_store(&second_exits, true);
}

void summary_on_sigusr1(void)
{
	struct sigaction sa = { .sa_handler = on_usr1 };

	/* no SA_RESTART: the poll it interrupts returns, and the summary is printed */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
}

void stop_on_signals(void)
{
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
}
