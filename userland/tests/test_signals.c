/*
 * Signal handlers: the kernel runs them on the way back to user mode and
 * resumes the interrupted code afterwards (rt_sigreturn), registers, FPU
 * state and signal mask intact. A blocking call that a handled signal
 * interrupts fails with EINTR -- or starts again when the handler was
 * installed with SA_RESTART.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "guest.h"

#include <fcntl.h>

static int fcntl_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static volatile sig_atomic_t hits, last_sig, info_signo;

static void on_signal(int sig)
{
	hits++;
	last_sig = sig;
}

static void on_siginfo(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	hits++;
	last_sig = sig;
	info_signo = si->si_signo;
}

static void install(int sig, void (*fn)(int), int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = fn;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	REQUIRE(sigaction(sig, &sa, NULL) == 0);
}

static void handler_runs_and_returns(void)
{
	install(SIGUSR1, on_signal, 0);
	hits = 0;
	double x = 1.25;               /* live in a vector register meanwhile */
	CHECK_EQ(kill(getpid(), SIGUSR1), 0);
	CHECK_EQ(hits, 1);
	CHECK_EQ(last_sig, SIGUSR1);
	CHECK(x * 4 == 5.0);
	signal(SIGUSR1, SIG_DFL);
}

static void siginfo_says_who_sent_it(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_siginfo;
	sa.sa_flags = SA_SIGINFO;
	REQUIRE(sigaction(SIGUSR2, &sa, NULL) == 0);
	hits = 0;
	pid_t pid = fork();
	REQUIRE(pid >= 0);
	if (pid == 0) {
		kill(getppid(), SIGUSR2);
		_exit(0);
	}
	int st;
	pid_t w;
	/* The signal may interrupt waitpid (no SA_RESTART): wait again. */
	while ((w = waitpid(pid, &st, 0)) < 0 && errno == EINTR)
		;
	CHECK_EQ(w, pid);
	/* The child's kill is done: its signal has been handled. */
	CHECK_EQ(hits, 1);
	CHECK_EQ(info_signo, SIGUSR2);
	signal(SIGUSR2, SIG_DFL);
}

static void blocked_signal_waits_for_unblock(void)
{
	install(SIGUSR1, on_signal, 0);
	sigset_t set, old;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	REQUIRE(sigprocmask(SIG_BLOCK, &set, &old) == 0);
	hits = 0;
	raise(SIGUSR1);
	CHECK_EQ(hits, 0);
	REQUIRE(sigprocmask(SIG_SETMASK, &old, NULL) == 0);
	CHECK_EQ(hits, 1);
	signal(SIGUSR1, SIG_DFL);
}

static void resethand_runs_once(void)
{
	install(SIGUSR1, on_signal, SA_RESETHAND);
	hits = 0;
	raise(SIGUSR1);
	CHECK_EQ(hits, 1);
	struct sigaction now;
	REQUIRE(sigaction(SIGUSR1, NULL, &now) == 0);
	CHECK(now.sa_handler == SIG_DFL);
}

/*
 * A child keeps signalling until we say stop, so at least one signal
 * arrives while we are blocked in read, whatever the timing.
 */
static pid_t start_pester(int sig, int stop_fd)
{
	pid_t me = getpid(), pid = fork();
	if (pid == 0) {
		char c;
		for (;;) {
			kill(me, sig);
			usleep(10000);
			/* The stop pipe is non-blocking: a byte (or EOF) ends us. */
			if (read(stop_fd, &c, 1) != -1 || errno != EAGAIN)
				_exit(0);
		}
	}
	return pid;
}

static void interrupted_read_fails_with_eintr(void)
{
	int data[2], stop[2];
	REQUIRE(pipe(data) == 0 && pipe(stop) == 0);
	REQUIRE(fcntl_nonblock(stop[0]) == 0);
	install(SIGUSR1, on_signal, 0); /* no SA_RESTART */
	hits = 0;
	pid_t pid = start_pester(SIGUSR1, stop[0]);
	REQUIRE(pid > 0);
	char c;
	errno = 0;
	ssize_t r = read(data[0], &c, 1);
	int err = errno;
	CHECK_EQ(write(stop[1], "x", 1), 1);
	int st;
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK_EQ(r, -1);
	CHECK_EQ(err, EINTR);
	CHECK(hits >= 1);
	signal(SIGUSR1, SIG_DFL);
	close(data[0]), close(data[1]), close(stop[0]), close(stop[1]);
}

static void sa_restart_resumes_the_read(void)
{
	int data[2], stop[2];
	REQUIRE(pipe(data) == 0 && pipe(stop) == 0);
	REQUIRE(fcntl_nonblock(stop[0]) == 0);
	install(SIGUSR1, on_signal, SA_RESTART);
	hits = 0;
	pid_t pester = start_pester(SIGUSR1, stop[0]);
	REQUIRE(pester > 0);
	/* A second child writes the byte once a few signals have gone by. */
	pid_t writer = fork();
	REQUIRE(writer >= 0);
	if (writer == 0) {
		usleep(100000);
		_exit(write(data[1], "y", 1) == 1 ? 0 : 1);
	}
	char c = 0;
	ssize_t r = read(data[0], &c, 1);
	CHECK_EQ(write(stop[1], "x", 1), 1);
	int st;
	CHECK_EQ(waitpid(writer, &st, 0), writer);
	CHECK_EQ(waitpid(pester, &st, 0), pester);
	CHECK_EQ(r, 1);
	CHECK_EQ(c, 'y');
	signal(SIGUSR1, SIG_DFL);
	close(data[0]), close(data[1]), close(stop[0]), close(stop[1]);
}

int main(void)
{
	guest_begin();
	TAP(handler_runs_and_returns);
	TAP(siginfo_says_who_sent_it);
	TAP(blocked_signal_waits_for_unblock);
	TAP(resethand_runs_once);
	TAP(interrupted_read_fails_with_eintr);
	TAP(sa_restart_resumes_the_read);
	guest_end();
	return tap_done();
}
