/*
 * test_wait — what wait tells a parent: exit codes, deaths by signal,
 * WNOHANG, ECHILD, waiting for one child among several, zombies, and
 * orphans being adopted.
 */
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "guest.h"

/* Fork a child that just exits with code; return its wait status. */
static int status_of_exit(int code)
{
	int status = -1;
	pid_t pid = fork();
	if (pid == 0)
		_exit(code);
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

static void exit_codes(void)
{
	static const int codes[] = { 0, 1, 2, 42, 127, 255 };
	for (unsigned i = 0; i < sizeof codes / sizeof codes[0]; i++) {
		int st = status_of_exit(codes[i]);
		CHECK(WIFEXITED(st));
		CHECK(!WIFSIGNALED(st));
		CHECK_EQ(WEXITSTATUS(st), codes[i]);
	}
	/* Only the low 8 bits of the exit code reach the parent. */
	int st = status_of_exit(256 + 7);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7);
}

static void raise_signal(void *sig)
{
	kill(getpid(), *(int *)sig);
	_exit(99); /* not reached if the signal killed us */
}

static void killed_by_signal(void)
{
	static const int sigs[] = { SIGKILL, SIGTERM, SIGINT, SIGUSR1 };
	for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		int sig = sigs[i];
		int st = run_in_child(raise_signal, &sig);
		CHECK(WIFSIGNALED(st));
		CHECK(!WIFEXITED(st));
		CHECK_EQ(WTERMSIG(st), sig);
	}
}

/* WNOHANG: 0 while the child lives, its pid once it has exited. */
static void wnohang(void)
{
	int gate[2], status;
	REQUIRE(pipe(gate) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		close(gate[1]);
		_exit(read(gate[0], &c, 1) == 1 ? 5 : 6);
	}
	REQUIRE(pid > 0);
	close(gate[0]);
	/* The child cannot exit before it reads the byte we have not sent. */
	CHECK_EQ(waitpid(pid, &status, WNOHANG), 0);
	CHECK_EQ(waitpid(-1, &status, WNOHANG), 0);
	CHECK_EQ(write(gate[1], "x", 1), 1);
	close(gate[1]);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 5);
	/* Nothing left: WNOHANG does not turn ECHILD into 0. */
	CHECK_ERR(waitpid(-1, &status, WNOHANG), ECHILD);
}

static void echild(void)
{
	int status;
	CHECK_ERR(waitpid(-1, &status, 0), ECHILD);
	CHECK_ERR(wait(&status), ECHILD);
	/* Our own pid and our parent's are not our children. */
	CHECK_ERR(waitpid(getpid(), &status, 0), ECHILD);
	if (getpid() != 1)
		CHECK_ERR(waitpid(getppid(), &status, 0), ECHILD);
	/* A child can be waited for once; the second time it is gone. */
	pid_t pid = fork();
	if (pid == 0)
		_exit(0);
	REQUIRE(pid > 0);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK_ERR(waitpid(pid, &status, 0), ECHILD);
}

/* waitpid(pid) waits for that child, even when another exits first. */
static void wait_for_one_child(void)
{
	int gate[2], status;
	REQUIRE(pipe(gate) == 0);
	pid_t slow = fork();
	if (slow == 0) {
		char c;
		close(gate[1]);
		read(gate[0], &c, 1);
		_exit(1);
	}
	REQUIRE(slow > 0);
	close(gate[0]);
	pid_t quick = fork();
	if (quick == 0)
		_exit(2);
	REQUIRE(quick > 0);
	CHECK_EQ(waitpid(quick, &status, 0), quick);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 2);
	CHECK_EQ(waitpid(slow, &status, WNOHANG), 0);
	close(gate[1]);
	CHECK_EQ(waitpid(slow, &status, 0), slow);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 1);
}

/*
 * An exited child stays a zombie until it is waited for: it still exists
 * (kill with signal 0 finds it), and its status is kept.
 */
static void zombie_until_waited(void)
{
	int fds[2], status;
	REQUIRE(pipe(fds) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		close(fds[0]);
		_exit(3); /* closing fds[1] on exit is what the parent sees */
	}
	REQUIRE(pid > 0);
	close(fds[1]);
	char c;
	CHECK_EQ(read(fds[0], &c, 1), 0); /* EOF: the child has exited */
	close(fds[0]);
	CHECK_EQ(kill(pid, 0), 0);          /* ... but is still there */
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 3);
}

/*
 * A child whose parent exits is adopted. On Weft the test is pid 1, the
 * init that adopts every orphan. On Linux we ask to be a "child
 * subreaper", so orphans below us come to us instead of the host's init.
 * Either way the orphan's new parent is this process, and we must reap it.
 */
static void orphan_is_adopted(void)
{
	if (getpid() != 1)
		CHECK_EQ(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	int gate[2], answer[2], status;
	REQUIRE(pipe(gate) == 0 && pipe(answer) == 0);
	pid_t middle = fork();
	if (middle == 0) {
		pid_t orphan = fork();
		if (orphan == 0) {
			char c;
			close(gate[1]);
			/* Wait until the middle process is dead and reaped. */
			read(gate[0], &c, 1);
			pid_t ppid = getppid();
			_exit(write(answer[1], &ppid, sizeof ppid) ==
					      sizeof ppid ? 0 : 1);
		}
		/* Tell the test who the orphan is, then die. */
		write(answer[1], &orphan, sizeof orphan);
		_exit(orphan > 0 ? 0 : 1);
	}
	REQUIRE(middle > 0);
	close(gate[0]);
	close(answer[1]);
	pid_t orphan = -1, ppid = -1;
	CHECK_EQ(read(answer[0], &orphan, sizeof orphan), sizeof orphan);
	CHECK_EQ(waitpid(middle, &status, 0), middle);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* The middle is gone: the orphan has a new parent by now. */
	close(gate[1]);
	CHECK_EQ(read(answer[0], &ppid, sizeof ppid), sizeof ppid);
	close(answer[0]);
	CHECK(ppid != middle);
	CHECK_EQ(ppid, getpid());
	/* It is our child now, so we can (and must) wait for it. */
	CHECK_EQ(waitpid(orphan, &status, 0), orphan);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

int main(void)
{
	guest_begin();
	TAP(exit_codes);
	TAP(killed_by_signal);
	TAP(wnohang);
	TAP(echild);
	TAP(wait_for_one_child);
	TAP(zombie_until_waited);
	TAP(orphan_is_adopted);
	guest_end();
	return tap_done();
}
