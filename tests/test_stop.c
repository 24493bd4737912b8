// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: the stop flag SIGINT and SIGTERM set, the exit at once on a
 * second one (and SIGTERM to the child), SIGUSR1's summary flag
 * (tools/lib/stop.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/stop.h"

static void test_signals_set_the_flag(void **state)
{
	const int sigs[] = { SIGINT, SIGTERM };

	stop_on_signals();
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		atomic_store(&stop_requested, false);
		assert_int_equal(raise(sigs[i]), 0);
		assert_true(atomic_load(&stop_requested));
	}
}

/*
 * In a child: the first SIGINT asks, the second exits 130 and terminates its
 * own child, which this process (a subreaper) reaps.
 */
static void test_second_signal_exits(void **state)
{
	pid_t pid, grandchild, got = 0;
	int st, fds[2];

	if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) {
		/* qemu-aarch64 (make check's arm64 run) does not emulate it */
		assert_int_equal(errno, EINVAL);
		skip();
	}
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* the handler the first test installed is not the grandchild's */
		signal(SIGTERM, SIG_DFL);
		grandchild = fork();
		if (grandchild == 0) {
			for (;;)
				pause();
		}
		if (write(fds[1], &grandchild, sizeof(grandchild)) != sizeof(grandchild))
			_exit(3);
		atomic_store(&stop_requested, false);
		stop_on_signals();
		stop_second_signal_exits(grandchild);
		raise(SIGINT);
		if (!atomic_load(&stop_requested))
			_exit(1);
		raise(SIGINT);
		_exit(2); /* not reached */
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 128 + SIGINT);
	assert_int_equal(read(fds[0], &grandchild, sizeof(grandchild)), sizeof(grandchild));
	for (int i = 0; i < 5000 && got == 0; i++) {
		got = waitpid(grandchild, &st, WNOHANG);
		usleep(1000);
	}
	if (got != grandchild) {
		kill(grandchild, SIGKILL);
		waitpid(grandchild, &st, 0);
		fail_msg("the child was not terminated");
	}
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGTERM);
}

static void test_usr1_asks_a_summary(void **state)
{
	summary_on_sigusr1();
	atomic_store(&summary_requested, false);
	assert_int_equal(raise(SIGUSR1), 0);
	assert_true(atomic_load(&summary_requested));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_signals_set_the_flag),
		cmocka_unit_test(test_second_signal_exits),
		cmocka_unit_test(test_usr1_asks_a_summary),
	};

	return cmocka_run_group_tests_name("stop", tests, NULL, NULL);
}
