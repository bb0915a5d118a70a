/*
 * test_fork — fork returns twice, pids are unique, and fork/exit/wait
 * holds up under repetition (500 in a row) and in numbers (64 at once).
 */
#include <signal.h>
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>

#include "guest.h"

/* What a child tells its parent: what fork returned to it, and who it is. */
struct report {
	pid_t fork_ret, pid, ppid;
};

static void fork_returns_twice(void)
{
	int fds[2];
	REQUIRE(pipe(fds) == 0);
	pid_t parent = getpid();
	pid_t ret = fork();
	if (ret == 0) {
		struct report r = { ret, getpid(), getppid() };
		_exit(write(fds[1], &r, sizeof r) == sizeof r ? 0 : 1);
	}
	close(fds[1]);
	REQUIRE(ret > 0);
	struct report r;
	CHECK_EQ(read(fds[0], &r, sizeof r), sizeof r);
	close(fds[0]);
	CHECK_EQ(r.fork_ret, 0);     /* the child's return */
	CHECK_EQ(r.pid, ret);        /* the parent's return is the child's pid */
	CHECK_EQ(r.ppid, parent);    /* and the child knows its parent */
	CHECK(ret != parent);
	CHECK_EQ(getpid(), parent);  /* the parent is still itself */
	int status;
	CHECK_EQ(waitpid(ret, &status, 0), ret);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* 32 live children at once: no two share a pid, none has the parent's. */
static void pids_are_unique(void)
{
	enum { N = 32 };
	pid_t pids[N];
	int gate[2];
	REQUIRE(pipe(gate) == 0);
	int n = 0;
	for (; n < N; n++) {
		pids[n] = fork();
		if (pids[n] == 0) {
			char c;
			close(gate[1]);
			/* stay alive, so no pid can be reused, until EOF */
			_exit(read(gate[0], &c, 1) == 0 ? 0 : 1);
		}
		if (pids[n] < 0)
			break;
	}
	close(gate[1]);
	close(gate[0]);
	CHECK_EQ(n, N);
	for (int i = 0; i < n; i++) {
		CHECK(pids[i] != getpid());
		for (int j = i + 1; j < n; j++)
			CHECK(pids[i] != pids[j]);
	}
	for (int i = 0; i < n; i++) {
		int status;
		CHECK_EQ(waitpid(pids[i], &status, 0), pids[i]);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
}

static void fork_exit_wait_500_times(void)
{
	int bad = 0;
	for (int i = 0; i < 500; i++) {
		pid_t pid = fork();
		if (pid == 0)
			_exit(i & 0xff);
		if (pid < 0) {
			CHECK(pid > 0);
			return;
		}
		int status;
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != (i & 0xff))
			bad++;
	}
	CHECK_EQ(bad, 0);
}

/*
 * 64 children alive at the same time, each exiting with its own index.
 * wait(-1) must hand back each one exactly once, with its own status.
 */
static void sixty_four_concurrent_children(void)
{
	enum { N = 64 };
	pid_t pids[N];
	int seen[N] = { 0 };
	int gate[2];
	REQUIRE(pipe(gate) == 0);
	int n = 0;
	for (; n < N; n++) {
		pids[n] = fork();
		if (pids[n] == 0) {
			char c;
			close(gate[1]);
			read(gate[0], &c, 1); /* all wait until the parent lets go */
			_exit(n);
		}
		if (pids[n] < 0)
			break;
	}
	close(gate[1]); /* EOF: every child runs on and exits at once */
	close(gate[0]);
	CHECK_EQ(n, N);
	int status;
	pid_t pid;
	int reaped = 0;
	while ((pid = wait(&status)) > 0) {
		reaped++;
		int i = 0;
		while (i < n && pids[i] != pid)
			i++;
		CHECK(i < n);
		if (i < n) {
			seen[i]++;
			CHECK(WIFEXITED(status) && WEXITSTATUS(status) == i);
		}
	}
	CHECK_EQ(errno, ECHILD);
	CHECK_EQ(reaped, n);
	for (int i = 0; i < n; i++)
		CHECK_EQ(seen[i], 1);
}

/* An open descriptor is inherited: both ends of one pipe, two processes. */
static void child_inherits_descriptors(void)
{
	int fds[2];
	REQUIRE(pipe(fds) == 0);
	pid_t pid = fork();
	if (pid == 0)
		_exit(write(fds[1], "hi", 2) == 2 ? 0 : 1);
	REQUIRE(pid > 0);
	char buf[2];
	CHECK_EQ(read(fds[0], buf, 2), 2);
	CHECK(memcmp(buf, "hi", 2) == 0);
	close(fds[0]);
	close(fds[1]);
	int status;
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

int main(void)
{
	guest_begin();
	TAP(fork_returns_twice);
	TAP(pids_are_unique);
	TAP(fork_exit_wait_500_times);
	TAP(sixty_four_concurrent_children);
	TAP(child_inherits_descriptors);
	guest_end();
	return tap_done();
}
