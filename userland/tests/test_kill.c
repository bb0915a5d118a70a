/*
 * test_kill — ending other processes: kill a child that spins in user mode
 * (it never enters the kernel, so only the timer interrupt can stop it),
 * one blocked in a read, one asleep; signal 0; ESRCH and EINVAL; ignored
 * signals; process groups, which is how a shell's ^C reaches a whole job.
 */
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "guest.h"

/*
 * Start a child that reports "ready" on a pipe, then runs body forever.
 * When this returns, the child has reached body.
 */
static pid_t start_child(void (*body)(void))
{
	int ready[2];
	char c;
	if (pipe(ready) != 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		close(ready[0]);
		write(ready[1], "r", 1);
		body();
		_exit(0);
	}
	close(ready[1]);
	if (pid > 0 && read(ready[0], &c, 1) != 1)
		pid = -1;
	close(ready[0]);
	return pid;
}

static void spin(void)
{
	volatile unsigned long n = 0;
	for (;;)
		n++;
}

static void block_in_read(void)
{
	int fds[2];
	char c;
	pipe(fds);
	read(fds[0], &c, 1); /* nobody will ever write */
}

static void sleep_long(void)
{
	struct timespec ts = { 3600, 0 };
	nanosleep(&ts, NULL);
}

static void expect_killed(void (*body)(void), int sig)
{
	pid_t pid = start_child(body);
	REQUIRE(pid > 0);
	CHECK_EQ(kill(pid, sig), 0);
	int status;
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFSIGNALED(status));
	CHECK_EQ(WTERMSIG(status), sig);
}

static void kill_spinning_child(void) { expect_killed(spin, SIGKILL); }
static void term_spinning_child(void) { expect_killed(spin, SIGTERM); }
static void kill_child_blocked_in_read(void) { expect_killed(block_in_read, SIGKILL); }
static void kill_sleeping_child(void) { expect_killed(sleep_long, SIGKILL); }

static void signal_zero_and_errors(void)
{
	pid_t pid = start_child(block_in_read);
	REQUIRE(pid > 0);
	/* Signal 0 checks that the process exists and delivers nothing. */
	CHECK_EQ(kill(pid, 0), 0);
	CHECK_EQ(kill(getpid(), 0), 0);
	CHECK_ERR(kill(pid, 1000), EINVAL);
	CHECK_ERR(kill(pid, -1), EINVAL);
	/* No process has this pid (Linux's pid_max is at most 4194304). */
	CHECK_ERR(kill(0x3fffffff, 0), ESRCH);
	CHECK_EQ(kill(pid, SIGKILL), 0);
	int status;
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}

/*
 * An ignored signal is thrown away when it is sent. The child ignores
 * SIGTERM and then waits for a byte; we send SIGTERM *before* the byte,
 * so had it not been ignored the child would die on its way back from
 * read instead of exiting 7.
 */
static void ignored_signal_is_discarded(void)
{
	int ready[2], go[2];
	char c;
	REQUIRE(pipe(ready) == 0 && pipe(go) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		signal(SIGTERM, SIG_IGN);
		write(ready[1], "r", 1);
		_exit(read(go[0], &c, 1) == 1 ? 7 : 8);
	}
	REQUIRE(pid > 0);
	CHECK_EQ(read(ready[0], &c, 1), 1);
	CHECK_EQ(kill(pid, SIGTERM), 0);
	CHECK_EQ(write(go[1], "g", 1), 1);
	int status;
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 7);
	close(ready[0]), close(ready[1]), close(go[0]), close(go[1]);
}

/* SIGKILL cannot be ignored. */
static void sigkill_cannot_be_ignored(void)
{
	CHECK_ERR(sigaction(SIGKILL, &(struct sigaction){ .sa_handler = SIG_IGN }, NULL),
		  EINVAL);
}

/*
 * A process group is what ^C signals: the shell puts each job in its own
 * group, and the terminal sends SIGINT to the foreground group. Here two
 * children join a new group; kill(-pgid) ends both and not us.
 */
static void kill_a_process_group(void)
{
	pid_t a = start_child(spin);
	REQUIRE(a > 0);
	/* The parent may move its child into a group (until it execs). */
	CHECK_EQ(setpgid(a, a), 0);
	pid_t b = start_child(block_in_read);
	REQUIRE(b > 0);
	CHECK_EQ(setpgid(b, a), 0);
	CHECK_EQ(getpgid(a), a);
	CHECK_EQ(getpgid(b), a);
	CHECK(getpgid(0) != a);
	CHECK_EQ(kill(-a, SIGINT), 0);
	int status;
	CHECK_EQ(waitpid(a, &status, 0), a);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGINT);
	CHECK_EQ(waitpid(b, &status, 0), b);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGINT);
}

int main(void)
{
	guest_begin();
	TAP(kill_spinning_child);
	TAP(term_spinning_child);
	TAP(kill_child_blocked_in_read);
	TAP(kill_sleeping_child);
	TAP(signal_zero_and_errors);
	TAP(ignored_signal_is_discarded);
	TAP(sigkill_cannot_be_ignored);
	TAP(kill_a_process_group);
	guest_end();
	return tap_done();
}
