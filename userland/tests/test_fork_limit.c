/*
 * test_fork_limit — fork until the kernel says no. The answer must be an
 * error (EAGAIN or ENOMEM), never a panic or a hang; every child must
 * then be reapable; and (on Weft, checked by guest_end) every page must
 * come back. Afterwards fork works again.
 *
 * On Weft nothing caps the number of processes but memory, so we really
 * go until failure. On a Linux host we must not fork-bomb the machine
 * (and as root RLIMIT_NPROC is not enforced), so we stop at 200 children:
 * reaching the cap passes there too.
 */
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "guest.h"

static void fork_until_failure(void)
{
	const int cap = on_weft() ? -1 : 200;
	int gate[2];
	REQUIRE(pipe(gate) == 0);
	int n = 0, err = 0;
	for (;;) {
		if (n == cap)
			break;
		pid_t pid = fork();
		if (pid == 0) {
			char c;
			close(gate[1]);
			/* Block until the parent closes the gate: then EOF. */
			_exit(read(gate[0], &c, 1) == 0 ? 0 : 1);
		}
		if (pid < 0) {
			err = errno;
			break;
		}
		n++;
	}
	DIAG("%d children, then %s\n", n, err ? strerror(err) : "the cap");
	CHECK(n > 0);
	if (err)
		CHECK(err == EAGAIN || err == ENOMEM);
	else
		CHECK_EQ(n, cap);
	/* Let them all go, and reap every one. */
	close(gate[1]);
	close(gate[0]);
	int reaped = 0, clean = 0, status;
	while (wait(&status) > 0) {
		reaped++;
		clean += WIFEXITED(status) && WEXITSTATUS(status) == 0;
	}
	CHECK_EQ(errno, ECHILD);
	CHECK_EQ(reaped, n);
	CHECK_EQ(clean, n);
}

/* After the storm, the system works: a fork, a pipe, an exit status. */
static void fork_works_again(void)
{
	int fds[2];
	REQUIRE(pipe(fds) == 0);
	pid_t pid = fork();
	if (pid == 0)
		_exit(write(fds[1], "k", 1) == 1 ? 9 : 1);
	REQUIRE(pid > 0);
	char c;
	CHECK_EQ(read(fds[0], &c, 1), 1);
	int status;
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 9);
	close(fds[0]);
	close(fds[1]);
}

/* Twice: a kernel that leaks per process runs out sooner the second time. */
static void fork_until_failure_again(void) { fork_until_failure(); }

int main(void)
{
	guest_begin();
	TAP(fork_until_failure);
	TAP(fork_works_again);
	TAP(fork_until_failure_again);
	guest_end();
	return tap_done();
}
