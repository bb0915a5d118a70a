/*
 * test_poll — poll, ppoll, select and pselect over pipes, socketpairs,
 * regular files and the console: readable after a write, POLLHUP once
 * the writer is gone, POLLOUT while there is room and not when full,
 * POLLERR for a pipe without reader, POLLNVAL for a closed descriptor; a
 * zero time-out returns at once and a short one expires; a poller
 * sleeping with no time-out is woken by another process's write or
 * close, and can be killed by a signal; a message queue is readable
 * with a message and writable with room; select's three sets and its
 * errors. No check depends on how long anything took.
 */
#define _GNU_SOURCE             /* ppoll, POLLRDHUP */
#include <fcntl.h>
#include <mqueue.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "guest.h"

/* Long enough to never run out in a passing test, short enough that a
 * lost wake-up fails the check instead of hanging the run. */
#define LONG_MS 20000

static bool exited_ok(pid_t pid)
{
	int status;
	return waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	       WEXITSTATUS(status) == 0;
}

/* revents of one descriptor polled with time-out 0 (-1 if poll failed). */
static int poll1(int fd, short events)
{
	struct pollfd p = { fd, events, 0 };
	int r = poll(&p, 1, 0);
	return r < 0 ? -1 : p.revents;
}

static void pipe_readable_after_write(void)
{
	int p[2];
	char c;
	REQUIRE(pipe(p) == 0);
	struct pollfd pf = { p[0], POLLIN, 0 };
	CHECK_EQ(poll(&pf, 1, 0), 0);           /* empty: not ready */
	CHECK_EQ(pf.revents, 0);
	CHECK_EQ(write(p[1], "x", 1), 1);
	CHECK_EQ(poll(&pf, 1, 0), 1);
	CHECK_EQ(pf.revents, POLLIN);
	CHECK_EQ(poll1(p[0], POLLRDNORM), POLLRDNORM);  /* the other spelling */
	int n = -1;
	CHECK_EQ(ioctl(p[0], FIONREAD, &n), 0);         /* how much is there */
	CHECK_EQ(n, 1);
	CHECK_EQ(read(p[0], &c, 1), 1);
	CHECK_EQ(poll1(p[0], POLLIN), 0);
	close(p[0]);
	close(p[1]);
}

/* No writer left: POLLHUP, asked for or not (with POLLIN while bytes
 * remain). No reader left: the write end gets POLLERR. */
static void pipe_hangup_and_error(void)
{
	int p[2];
	char c;
	REQUIRE(pipe(p) == 0);
	CHECK_EQ(write(p[1], "x", 1), 1);
	close(p[1]);
	CHECK_EQ(poll1(p[0], POLLIN), POLLIN | POLLHUP);
	CHECK_EQ(read(p[0], &c, 1), 1);
	CHECK_EQ(poll1(p[0], POLLIN), POLLHUP);
	CHECK_EQ(poll1(p[0], 0), POLLHUP);
	close(p[0]);

	REQUIRE(pipe(p) == 0);
	close(p[0]);
	CHECK_EQ(poll1(p[1], POLLOUT), POLLOUT | POLLERR);
	close(p[1]);
}

static void pipe_writable_until_full(void)
{
	int p[2];
	char buf[4096];
	REQUIRE(pipe2(p, O_NONBLOCK) == 0);
	CHECK_EQ(poll1(p[1], POLLOUT), POLLOUT);
	memset(buf, 'f', sizeof buf);
	while (write(p[1], buf, sizeof buf) > 0)
		;
	CHECK_EQ(errno, EAGAIN);
	CHECK_EQ(poll1(p[1], POLLOUT), 0);      /* full */
	CHECK_EQ(poll1(p[0], POLLIN | POLLOUT), POLLIN);
	while (read(p[0], buf, sizeof buf) > 0)
		;
	CHECK_EQ(poll1(p[1], POLLOUT), POLLOUT);
	close(p[0]);
	close(p[1]);
}

static void socketpair_events(void)
{
	int sv[2];
	char c;
	REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	CHECK_EQ(poll1(sv[0], POLLIN | POLLOUT), POLLOUT);
	CHECK_EQ(write(sv[1], "x", 1), 1);
	CHECK_EQ(poll1(sv[0], POLLIN | POLLOUT), POLLIN | POLLOUT);
	CHECK_EQ(read(sv[0], &c, 1), 1);
	/* The peer shut down writing: readable (EOF), and POLLRDHUP. */
	CHECK_EQ(shutdown(sv[1], SHUT_WR), 0);
	CHECK_EQ(poll1(sv[0], POLLIN | POLLRDHUP), POLLIN | POLLRDHUP);
	CHECK_EQ(poll1(sv[1], POLLIN | POLLOUT), POLLOUT);
	/* Both ways shut: POLLHUP. */
	close(sv[1]);
	CHECK_EQ(poll1(sv[0], POLLIN | POLLRDHUP) & (POLLIN | POLLRDHUP | POLLHUP),
	         POLLIN | POLLRDHUP | POLLHUP);
	close(sv[0]);
}

static void regular_file_always_ready(void)
{
	char path[] = "/tmp/test_poll.XXXXXX";
	int fd = mkstemp(path);
	REQUIRE(fd >= 0);
	unlink(path);
	CHECK_EQ(poll1(fd, POLLIN | POLLOUT), POLLIN | POLLOUT);
	close(fd);
}

/* A closed descriptor is POLLNVAL and counts; a negative one is skipped. */
static void nval_and_negative_fds(void)
{
	int p[2];
	REQUIRE(pipe(p) == 0);
	int closed = dup(p[0]);
	REQUIRE(closed >= 0);
	close(closed);
	struct pollfd pf[3] = { { closed, POLLIN, 0 }, { -1, POLLIN, 0 },
	                        { p[0], POLLIN, 0 } };
	CHECK_EQ(poll(pf, 3, 0), 1);
	CHECK_EQ(pf[0].revents, POLLNVAL);
	CHECK_EQ(pf[1].revents, 0);
	CHECK_EQ(pf[2].revents, 0);
	close(p[0]);
	close(p[1]);
}

static void bad_arguments(void)
{
	struct rlimit rl;
	struct pollfd pf = { 0, POLLIN, 0 };
	REQUIRE(getrlimit(RLIMIT_NOFILE, &rl) == 0);
	if (rl.rlim_cur < 1u << 20) {
		/* more descriptors than a process may have */
		CHECK_ERR(poll(&pf, rl.rlim_cur + 1, 0), EINVAL);
	}
	CHECK_ERR(poll((struct pollfd *)8, 1, 0), EFAULT);
	struct timespec ts = { 0, 2000000000 };
	CHECK_ERR(ppoll(&pf, 1, &ts, NULL), EINVAL);
	/* a signal mask must be the kernel's size, 8 bytes */
	uint64_t mask = 0;
	struct timespec zero = { 0, 0 };
	CHECK_ERR(syscall(SYS_ppoll, &pf, 1, &zero, &mask, 4), EINVAL);
	CHECK(syscall(SYS_ppoll, &pf, 1, &zero, &mask, 8) >= 0);
}

/* Time-out 0 returns at once; a short one runs out (only the result is
 * checked, never the time it took). */
static void timeouts(void)
{
	int p[2];
	REQUIRE(pipe(p) == 0);
	struct pollfd pf = { p[0], POLLIN, 0 };
	CHECK_EQ(poll(&pf, 1, 0), 0);
	CHECK_EQ(poll(&pf, 1, 30), 0);
	CHECK_EQ(poll(NULL, 0, 10), 0);          /* poll as a sleep */
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	CHECK_EQ(ppoll(&pf, 1, &ts, NULL), 0);
	close(p[0]);
	close(p[1]);
}

/* A poller asleep (no deadline soon) is woken by a child's write, and
 * by a child closing the last write end. */
static void woken_by_another_process(void)
{
	int p[2];
	char c;
	REQUIRE(pipe(p) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		usleep(30 * 1000);
		if (write(p[1], "w", 1) != 1)
			_exit(1);
		usleep(30 * 1000);
		_exit(0);               /* closes the write end */
	}
	REQUIRE(pid > 0);
	close(p[1]);
	struct pollfd pf = { p[0], POLLIN, 0 };
	CHECK_EQ(poll(&pf, 1, LONG_MS), 1);
	CHECK_EQ(pf.revents, POLLIN);
	CHECK_EQ(read(p[0], &c, 1), 1);
	CHECK_EQ(poll(&pf, 1, LONG_MS), 1);
	CHECK_EQ(pf.revents, POLLHUP);
	close(p[0]);
	CHECK(exited_ok(pid));
}

/* Several descriptors of different kinds; only the ready one reports. */
static void many_descriptors(void)
{
	int p[2], sv[2];
	REQUIRE(pipe(p) == 0);
	REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		usleep(20 * 1000);
		_exit(write(sv[1], "s", 1) == 1 ? 0 : 1);
	}
	REQUIRE(pid > 0);
	struct pollfd pf[3] = { { p[0], POLLIN, 0 }, { sv[0], POLLIN, 0 },
	                        { p[1], 0, 0 } };
	CHECK_EQ(poll(pf, 3, LONG_MS), 1);
	CHECK_EQ(pf[0].revents, 0);
	CHECK_EQ(pf[1].revents, POLLIN);
	CHECK_EQ(pf[2].revents, 0);             /* POLLOUT was not asked for */
	CHECK(exited_ok(pid));
	close(p[0]);
	close(p[1]);
	close(sv[0]);
	close(sv[1]);
}

/* A signal that kills ends a poll with no time-out. */
static void signal_ends_poll(void)
{
	int p[2];
	REQUIRE(pipe(p) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		struct pollfd pf = { p[0], POLLIN, 0 };
		poll(&pf, 1, -1);
		_exit(1);               /* not reached */
	}
	REQUIRE(pid > 0);
	usleep(30 * 1000);          /* most likely asleep in poll by now */
	CHECK_EQ(kill(pid, SIGTERM), 0);
	int status;
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
	close(p[0]);
	close(p[1]);
}

/* A message queue descriptor: POLLIN with a message, POLLOUT with room;
 * a message sent by another process wakes the poller. */
static void message_queue(void)
{
	struct mq_attr attr = { .mq_maxmsg = 2, .mq_msgsize = 16 };
	char name[32], msg[16];
	snprintf(name, sizeof name, "/test_poll.%d", (int)getpid());
	mqd_t q = mq_open(name, O_CREAT | O_EXCL | O_RDWR, 0600, &attr);
	REQUIRE(q != (mqd_t)-1);
	mq_unlink(name);
	CHECK_EQ(poll1(q, POLLIN | POLLOUT), POLLOUT);
	CHECK_EQ(mq_send(q, "one", 3, 0), 0);
	CHECK_EQ(poll1(q, POLLIN | POLLOUT), POLLIN | POLLOUT);
	CHECK_EQ(mq_send(q, "two", 3, 0), 0);
	CHECK_EQ(poll1(q, POLLIN | POLLOUT), POLLIN);     /* full */
	CHECK_EQ(mq_receive(q, msg, sizeof msg, NULL), 3);
	CHECK_EQ(mq_receive(q, msg, sizeof msg, NULL), 3);
	CHECK_EQ(poll1(q, POLLIN), 0);

	pid_t pid = fork();
	if (pid == 0) {
		usleep(30 * 1000);
		_exit(mq_send(q, "late", 4, 0) == 0 ? 0 : 1);
	}
	REQUIRE(pid > 0);
	struct pollfd pf = { q, POLLIN, 0 };
	CHECK_EQ(poll(&pf, 1, LONG_MS), 1);
	CHECK_EQ(pf.revents, POLLIN);
	CHECK_EQ(mq_receive(q, msg, sizeof msg, NULL), 4);
	CHECK(exited_ok(pid));
	mq_close(q);
}

static void on_usr1(int sig) { (void)sig; }

/* With a handler, poll returns EINTR. Weft runs no user handlers yet. */
static void eintr_with_handler(void)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	int p[2];
	REQUIRE(pipe(p) == 0);
	sigemptyset(&sa.sa_mask);
	REQUIRE(sigaction(SIGUSR1, &sa, NULL) == 0);
	pid_t me = getpid();
	pid_t pid = fork();
	if (pid == 0) {
		usleep(30 * 1000);
		kill(me, SIGUSR1);
		_exit(0);
	}
	REQUIRE(pid > 0);
	struct pollfd pf = { p[0], POLLIN, 0 };
	CHECK_ERR(poll(&pf, 1, LONG_MS), EINTR);
	CHECK(exited_ok(pid));
	signal(SIGUSR1, SIG_DFL);
	close(p[0]);
	close(p[1]);
}

static void console(void)
{
	/* On Weft fd 1 is the console: always writable. */
	CHECK_EQ(poll1(1, POLLOUT), POLLOUT);
}

/* ---- select ---- */

static void select_sets(void)
{
	int p[2], sv[2];
	REQUIRE(pipe(p) == 0);
	REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	int maxfd = p[0] > p[1] ? p[0] : p[1];
	maxfd = sv[0] > maxfd ? sv[0] : maxfd;
	fd_set rd, wr;
	struct timeval tv = { 0, 0 };

	FD_ZERO(&rd);
	FD_ZERO(&wr);
	FD_SET(p[0], &rd);
	FD_SET(sv[0], &rd);
	CHECK_EQ(select(maxfd + 1, &rd, NULL, NULL, &tv), 0);   /* nothing yet */
	CHECK(!FD_ISSET(p[0], &rd) && !FD_ISSET(sv[0], &rd));

	CHECK_EQ(write(p[1], "x", 1), 1);
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	FD_SET(sv[0], &rd);
	FD_SET(p[1], &wr);
	FD_SET(sv[0], &wr);
	tv.tv_sec = 0;
	tv.tv_usec = 0;
	/* p[0] readable, p[1] and sv[0] writable: three bits */
	CHECK_EQ(select(maxfd + 1, &rd, &wr, NULL, &tv), 3);
	CHECK(FD_ISSET(p[0], &rd) && !FD_ISSET(sv[0], &rd));
	CHECK(FD_ISSET(p[1], &wr) && FD_ISSET(sv[0], &wr));

	/* a descriptor in two sets counts twice */
	CHECK_EQ(write(sv[1], "y", 1), 1);
	FD_ZERO(&rd);
	FD_ZERO(&wr);
	FD_SET(sv[0], &rd);
	FD_SET(sv[0], &wr);
	CHECK_EQ(select(sv[0] + 1, &rd, &wr, NULL, NULL), 2);

	/* EOF is readable */
	close(p[1]);
	char buf[4];
	CHECK_EQ(read(p[0], buf, sizeof buf), 1);
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	CHECK_EQ(select(p[0] + 1, &rd, NULL, NULL, NULL), 1);
	close(p[0]);
	close(sv[0]);
	close(sv[1]);
}

static void select_timeout_and_wakeup(void)
{
	int p[2];
	REQUIRE(pipe(p) == 0);
	fd_set rd;
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	/* The system call itself, because musl's select() hands the kernel
	 * a copy of the time-out, which Linux updates with the time left. */
	struct timeval tv = { 0, 20 * 1000 };
	CHECK_EQ(syscall(SYS_select, p[0] + 1, &rd, NULL, NULL, &tv), 0);
	CHECK(!FD_ISSET(p[0], &rd));
	CHECK(tv.tv_sec == 0 && tv.tv_usec == 0);   /* it ran out */
	tv.tv_sec = 0;
	tv.tv_usec = 10 * 1000;
	CHECK_EQ(select(0, NULL, NULL, NULL, &tv), 0);           /* a sleep */

	pid_t pid = fork();
	if (pid == 0) {
		usleep(30 * 1000);
		_exit(write(p[1], "w", 1) == 1 ? 0 : 1);
	}
	REQUIRE(pid > 0);
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	tv.tv_sec = LONG_MS / 1000;
	tv.tv_usec = 0;
	CHECK_EQ(syscall(SYS_select, p[0] + 1, &rd, NULL, NULL, &tv), 1);
	CHECK(FD_ISSET(p[0], &rd));
	CHECK(tv.tv_sec > 0 || tv.tv_usec > 0);     /* time was left */
	CHECK(tv.tv_sec < LONG_MS / 1000 || tv.tv_usec == 0);
	CHECK(exited_ok(pid));

	/* pselect: a timespec and a signal mask */
	struct timespec ts = { 0, 0 };
	sigset_t none;
	sigemptyset(&none);
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	CHECK_EQ(pselect(p[0] + 1, &rd, NULL, NULL, &ts, &none), 1);
	close(p[0]);
	close(p[1]);
}

static void select_errors(void)
{
	int p[2];
	REQUIRE(pipe(p) == 0);
	int closed = dup(p[0]);
	REQUIRE(closed >= 0);
	close(closed);
	fd_set rd;
	struct timeval tv = { 0, 0 };
	FD_ZERO(&rd);
	FD_SET(closed, &rd);
	CHECK_ERR(select(closed + 1, &rd, NULL, NULL, &tv), EBADF);
	FD_ZERO(&rd);
	CHECK_ERR(select(-1, &rd, NULL, NULL, &tv), EINVAL);
	tv.tv_sec = -1;
	CHECK_ERR(select(1, &rd, NULL, NULL, &tv), EINVAL);
	tv.tv_sec = 0;
	CHECK_ERR(select(p[0] + 1, (fd_set *)8, NULL, NULL, &tv), EFAULT);
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	guest_begin();
	TAP(pipe_readable_after_write);
	TAP(pipe_hangup_and_error);
	TAP(pipe_writable_until_full);
	TAP(socketpair_events);
	TAP(regular_file_always_ready);
	TAP(nval_and_negative_fds);
	TAP(bad_arguments);
	TAP(timeouts);
	TAP(woken_by_another_process);
	TAP(many_descriptors);
	TAP(signal_ends_poll);
	TAP(message_queue);
	if (on_weft())
		tap_skip("eintr_with_handler", "Weft runs no user signal handlers yet");
	else
		TAP(eintr_with_handler);
	if (on_weft())
		TAP(console);
	else
		tap_skip("console", "fd 1 is the console only on Weft");
	TAP(select_sets);
	TAP(select_timeout_and_wakeup);
	TAP(select_errors);
	guest_end();
	return tap_done();
}
