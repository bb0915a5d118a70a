/*
 * test_mqueue — POSIX message queues between processes: attributes and
 * mq_curmsgs, priorities (highest first, FIFO within one), message size
 * limits (EMSGSIZE), a bounded queue whose send blocks when full and
 * receive when empty, O_NONBLOCK (EAGAIN), absolute timeouts (ETIMEDOUT,
 * never before the deadline), names (EEXIST, ENOENT, EACCES,
 * ENAMETOOLONG) and unlink while open, descriptors shared over fork and
 * closed on exec, the read() status line, poll, and the errors for bad
 * arguments.
 *
 * It also passes natively on Linux, where the defaults allow at most 10
 * messages of at most 8192 bytes without privileges: no queue here is
 * bigger. Names carry the pid, and every queue is unlinked.
 */
#include <fcntl.h>
#include <mqueue.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "guest.h"

static pid_t test_pid; /* the main process's, also in its children */

/* "/weft-mq-<pid>-<tag>" (rotating buffers, for two at a time). */
static const char *qname(const char *tag)
{
	static char buf[4][64];
	static int k;
	k = (k + 1) % 4;
	snprintf(buf[k], sizeof buf[k], "/weft-mq-%d-%s", (int)test_pid, tag);
	return buf[k];
}

/* A new queue of maxmsg messages of msgsize bytes, its name already
 * unlinked unless keep_name: the descriptor keeps it alive. */
static mqd_t new_queue(const char *tag, int oflag, long maxmsg, long msgsize,
		       bool keep_name)
{
	struct mq_attr a = { .mq_maxmsg = maxmsg, .mq_msgsize = msgsize };
	mq_unlink(qname(tag)); /* a leftover of an earlier, crashed run */
	mqd_t q = mq_open(qname(tag), oflag | O_CREAT | O_EXCL, 0600, &a);
	CHECK(q != (mqd_t)-1);
	if (q != (mqd_t)-1 && !keep_name)
		CHECK_EQ(mq_unlink(qname(tag)), 0);
	return q;
}

static long curmsgs(mqd_t q)
{
	struct mq_attr a;
	if (mq_getattr(q, &a) != 0)
		return -1;
	return a.mq_curmsgs;
}

static bool exited_ok(pid_t pid)
{
	int status;
	return waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	       WEXITSTATUS(status) == 0;
}

/* CLOCK_REALTIME now + ms, the kind of deadline mq_timed* take. */
static struct timespec in_ms(long ms)
{
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	t.tv_sec += ms / 1000;
	t.tv_nsec += (ms % 1000) * 1000000L;
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	return t;
}

static bool reached(const struct timespec *deadline)
{
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	return now.tv_sec > deadline->tv_sec ||
	       (now.tv_sec == deadline->tv_sec && now.tv_nsec >= deadline->tv_nsec);
}

/*
 * mq_send and mq_receive with a deadline a minute away, for the calls
 * that should not wait at all: a kernel bug then fails the case instead
 * of hanging the test. (The plain, unbounded calls are tested where they
 * are meant to block.)
 */
static int send_(mqd_t q, const char *msg, size_t len, unsigned prio)
{
	struct timespec t = in_ms(60 * 1000);
	return mq_timedsend(q, msg, len, prio, &t);
}

static ssize_t recv_(mqd_t q, char *buf, size_t size, unsigned *prio)
{
	struct timespec t = in_ms(60 * 1000);
	return mq_timedreceive(q, buf, size, prio, &t);
}

/* ---- the queue ------------------------------------------------------------ */

static void attributes_and_curmsgs(void)
{
	mqd_t q = new_queue("attr", O_RDWR, 4, 32, false);
	REQUIRE(q != (mqd_t)-1);
	struct mq_attr a;
	CHECK_EQ(mq_getattr(q, &a), 0);
	CHECK_EQ(a.mq_flags, 0);
	CHECK_EQ(a.mq_maxmsg, 4);
	CHECK_EQ(a.mq_msgsize, 32);
	CHECK_EQ(a.mq_curmsgs, 0);
	for (int k = 1; k <= 4; k++) {
		CHECK_EQ(send_(q, "m", 1, 0), 0);
		CHECK_EQ(curmsgs(q), k); /* qsize */
	}
	char buf[32];
	CHECK_EQ(recv_(q, buf, sizeof buf, NULL), 1);
	CHECK_EQ(curmsgs(q), 3);
	mq_close(q);

	/* No attributes: Linux's defaults, 10 messages of 8192 bytes. */
	mq_unlink(qname("dflt"));
	q = mq_open(qname("dflt"), O_RDWR | O_CREAT | O_EXCL, 0600, NULL);
	REQUIRE(q != (mqd_t)-1);
	CHECK_EQ(mq_unlink(qname("dflt")), 0);
	CHECK_EQ(mq_getattr(q, &a), 0);
	CHECK_EQ(a.mq_maxmsg, 10);
	CHECK_EQ(a.mq_msgsize, 8192);
	/* Closed with messages in it: they are freed with the queue (on
	 * Weft, the free-pages check at the end sees any that are not). */
	static char big[8192];
	for (int k = 0; k < 3; k++)
		CHECK_EQ(send_(q, big, sizeof big, 0), 0);
	mq_close(q);
}

static void highest_priority_first_fifo_within(void)
{
	mqd_t q = new_queue("prio", O_RDWR, 10, 16, false);
	REQUIRE(q != (mqd_t)-1);
	static const struct { const char *text; unsigned prio; } in[] = {
		{ "low-a", 1 }, { "high-a", 9 }, { "mid", 4 }, { "high-b", 9 },
		{ "zero", 0 }, { "low-b", 1 }, { "high-c", 9 }, { "top", 32767 },
	};
	for (unsigned k = 0; k < 8; k++)
		CHECK_EQ(send_(q, in[k].text, strlen(in[k].text), in[k].prio), 0);
	static const char *const want[] = {
		"top", "high-a", "high-b", "high-c", "mid", "low-a", "low-b", "zero",
	};
	static const unsigned want_prio[] = { 32767, 9, 9, 9, 4, 1, 1, 0 };
	for (unsigned k = 0; k < 8; k++) {
		char buf[16] = { 0 };
		unsigned prio = 12345;
		CHECK_EQ(recv_(q, buf, sizeof buf, &prio), (ssize_t)strlen(want[k]));
		CHECK(strcmp(buf, want[k]) == 0);
		CHECK_EQ(prio, want_prio[k]);
	}
	mq_close(q);
}

static void message_sizes(void)
{
	mqd_t q = new_queue("size", O_RDWR, 2, 8, false);
	REQUIRE(q != (mqd_t)-1);
	char buf[64];
	memset(buf, 'x', sizeof buf);
	CHECK_ERR(mq_send(q, buf, 9, 0), EMSGSIZE);
	CHECK_EQ(send_(q, buf, 8, 0), 0);
	CHECK_EQ(send_(q, buf, 0, 0), 0); /* an empty message is a message */
	/* The buffer must hold msgsize bytes, whatever comes next. */
	CHECK_ERR(mq_receive(q, buf, 7, NULL), EMSGSIZE);
	CHECK_EQ(recv_(q, buf, 8, NULL), 8);
	CHECK_EQ(recv_(q, buf, sizeof buf, NULL), 0);
	CHECK_EQ(curmsgs(q), 0);
	mq_close(q);
}

/* ---- names ---------------------------------------------------------------- */

static void names_and_open_errors(void)
{
	mqd_t q = new_queue("name", O_RDWR, 2, 8, true);
	REQUIRE(q != (mqd_t)-1);
	CHECK_ERR(mq_open(qname("name"), O_RDWR | O_CREAT | O_EXCL, 0600, NULL), EEXIST);
	/* O_CREAT without O_EXCL opens the existing queue (attr ignored). */
	struct mq_attr other = { .mq_maxmsg = 5, .mq_msgsize = 5 };
	mqd_t q2 = mq_open(qname("name"), O_WRONLY | O_CREAT, 0600, &other);
	CHECK(q2 != (mqd_t)-1);
	CHECK_EQ(send_(q2, "shared", 6, 0), 0);
	CHECK_EQ(curmsgs(q), 1);
	struct mq_attr a;
	CHECK_EQ(mq_getattr(q2, &a), 0);
	CHECK_EQ(a.mq_maxmsg, 2);
	CHECK_ERR(mq_open(qname("name"), O_RDWR | O_WRONLY), EINVAL);
	mq_close(q2);
	CHECK_EQ(mq_unlink(qname("name")), 0);
	mq_close(q);

	CHECK_ERR(mq_open(qname("missing"), O_RDWR), ENOENT);
	CHECK_ERR(mq_unlink(qname("missing")), ENOENT);
	/* One flat name space: no '/' after the first, no "." or "..". */
	CHECK_ERR(mq_open("/weft-mq/sub", O_RDWR | O_CREAT, 0600, NULL), EACCES);
	CHECK_ERR(mq_open("/..", O_RDWR | O_CREAT, 0600, NULL), EACCES);
	CHECK_ERR(mq_unlink("/weft-mq/sub"), EACCES);
	/* NAME_MAX (255) bytes after the slash, not more. */
	char longname[300];
	longname[0] = '/';
	memset(longname + 1, 'n', sizeof longname - 2);
	longname[sizeof longname - 1] = '\0';
	CHECK_ERR(mq_open(longname, O_RDWR | O_CREAT, 0600, NULL), ENAMETOOLONG);
	CHECK_ERR(mq_unlink(longname), ENAMETOOLONG);
	int at = snprintf(longname, sizeof longname, "/%d-", (int)test_pid);
	memset(longname + at, 'n', 256 - at);
	longname[256] = '\0'; /* '/' and 255 more */
	mqd_t q3 = mq_open(longname, O_RDWR | O_CREAT | O_EXCL, 0600, NULL);
	CHECK(q3 != (mqd_t)-1);
	CHECK_EQ(mq_unlink(longname), 0);
	mq_close(q3);
}

static void bad_attributes(void)
{
	static const struct { long maxmsg, msgsize; } bad[] = {
		{ 0, 8 }, { -1, 8 }, { 1, 0 }, { 1, -5 },
		{ 1 << 20, 8 }, { 1, 1 << 25 }, /* beyond any limit */
	};
	for (unsigned k = 0; k < sizeof bad / sizeof *bad; k++) {
		struct mq_attr a = { .mq_maxmsg = bad[k].maxmsg, .mq_msgsize = bad[k].msgsize };
		CHECK_ERR(mq_open(qname("badattr"), O_RDWR | O_CREAT, 0600, &a), EINVAL);
	}
	CHECK_ERR(mq_unlink(qname("badattr")), ENOENT); /* nothing was made */
}

/* Unlink takes the name away at once; the queue lives while it is open,
 * also in another process, and the name can then name a new queue. */
static void unlink_while_open(void)
{
	mqd_t q = new_queue("unlink", O_RDWR, 4, 16, true);
	REQUIRE(q != (mqd_t)-1);
	int gate[2];
	REQUIRE(pipe(gate) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		close(gate[1]);
		mqd_t mine = mq_open(qname("unlink"), O_WRONLY);
		if (mine == (mqd_t)-1 || mq_send(mine, "opened", 6, 0) != 0)
			_exit(1);
		/* wait until the parent has unlinked the name */
		if (read(gate[0], &c, 1) != 1)
			_exit(2);
		_exit(mq_send(mine, "after unlink", 12, 0) == 0 ? 0 : 3);
	}
	REQUIRE(pid > 0);
	close(gate[0]);
	char buf[16];
	/* The child has the queue open once its first message is here (a
	 * deadline, so that a child that failed is a failure, not a hang). */
	struct timespec t = in_ms(60 * 1000);
	ssize_t got = mq_timedreceive(q, buf, sizeof buf, NULL, &t);
	CHECK_EQ(got, 6);
	if (got != 6) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		close(gate[1]);
		mq_unlink(qname("unlink"));
		mq_close(q);
		return;
	}
	CHECK_EQ(mq_unlink(qname("unlink")), 0);
	CHECK_ERR(mq_open(qname("unlink"), O_RDWR), ENOENT);
	CHECK_ERR(mq_unlink(qname("unlink")), ENOENT);
	CHECK_EQ(write(gate[1], "g", 1), 1);
	close(gate[1]);
	CHECK(exited_ok(pid));
	CHECK_EQ(mq_timedreceive(q, buf, sizeof buf, NULL, &t), 12);
	CHECK(memcmp(buf, "after unlink", 12) == 0);
	/* The name is free for a new, different queue. */
	mqd_t q2 = new_queue("unlink", O_RDWR, 2, 8, false);
	CHECK(q2 != (mqd_t)-1);
	CHECK_EQ(curmsgs(q2), 0);
	mq_close(q2);
	mq_close(q);
}

/* ---- blocking, O_NONBLOCK, timeouts --------------------------------------- */

static void nonblocking_full_and_empty(void)
{
	mqd_t q = new_queue("nb", O_RDWR | O_NONBLOCK, 2, 8, false);
	REQUIRE(q != (mqd_t)-1);
	char buf[8];
	CHECK_ERR(mq_receive(q, buf, sizeof buf, NULL), EAGAIN);
	CHECK_EQ(mq_send(q, "1", 1, 0), 0);
	CHECK_EQ(mq_send(q, "2", 1, 0), 0);
	CHECK_ERR(mq_send(q, "3", 1, 0), EAGAIN);
	/* A deadline changes nothing: O_NONBLOCK fails at once. */
	struct timespec t = in_ms(60000);
	CHECK_ERR(mq_timedsend(q, "3", 1, 0, &t), EAGAIN);
	struct mq_attr a;
	CHECK_EQ(mq_getattr(q, &a), 0);
	CHECK_EQ(a.mq_flags, O_NONBLOCK);
	CHECK_EQ(a.mq_curmsgs, 2);
	CHECK(fcntl(q, F_GETFL) & O_NONBLOCK);

	/* mq_setattr changes only O_NONBLOCK, and returns the old state. */
	struct mq_attr set = { .mq_flags = 0, .mq_maxmsg = 99 }, old;
	CHECK_EQ(mq_setattr(q, &set, &old), 0);
	CHECK_EQ(old.mq_flags, O_NONBLOCK);
	CHECK_EQ(mq_getattr(q, &a), 0);
	CHECK_EQ(a.mq_flags, 0);
	CHECK_EQ(a.mq_maxmsg, 2);
	CHECK(!(fcntl(q, F_GETFL) & O_NONBLOCK));
	/* ... and fcntl's O_NONBLOCK is the same flag. */
	CHECK_EQ(fcntl(q, F_SETFL, O_NONBLOCK), 0);
	CHECK_EQ(mq_getattr(q, &a), 0);
	CHECK_EQ(a.mq_flags, O_NONBLOCK);
	mq_close(q);
}

static void timeouts(void)
{
	mqd_t q = new_queue("time", O_RDWR, 1, 8, false);
	REQUIRE(q != (mqd_t)-1);
	char buf[8];
	/* Empty: the receive waits until the deadline, then ETIMEDOUT. */
	struct timespec t = in_ms(30);
	CHECK_ERR(mq_timedreceive(q, buf, sizeof buf, NULL, &t), ETIMEDOUT);
	CHECK(reached(&t));
	/* A deadline in the past does not matter when no wait is needed... */
	struct timespec past = { 0, 0 };
	CHECK_EQ(mq_timedsend(q, "x", 1, 0, &past), 0);
	/* ... and ends at once a wait that would be needed. */
	CHECK_ERR(mq_timedsend(q, "y", 1, 0, &past), ETIMEDOUT);
	/* Full: the send waits until the deadline. */
	t = in_ms(30);
	CHECK_ERR(mq_timedsend(q, "y", 1, 0, &t), ETIMEDOUT);
	CHECK(reached(&t));
	CHECK_EQ(curmsgs(q), 1);
	CHECK_EQ(mq_timedreceive(q, buf, sizeof buf, NULL, &past), 1);
	CHECK_ERR(mq_timedreceive(q, buf, sizeof buf, NULL, &past), ETIMEDOUT);
	mq_close(q);
}

/* A receive on an empty queue blocks until another process sends, even
 * with a deadline (which then does not come into it). */
static void receive_blocks_until_a_send(void)
{
	mqd_t q = new_queue("rblock", O_RDWR, 2, 16, false);
	REQUIRE(q != (mqd_t)-1);
	pid_t pid = fork();
	if (pid == 0) {
		struct timespec pause = { 0, 20 * 1000000L };
		nanosleep(&pause, NULL); /* most likely the parent waits now */
		_exit(mq_send(q, "wake up", 7, 3) == 0 ? 0 : 1);
	}
	REQUIRE(pid > 0);
	char buf[16];
	unsigned prio = 0;
	struct timespec far = in_ms(60 * 1000);
	CHECK_EQ(mq_timedreceive(q, buf, sizeof buf, &prio, &far), 7);
	CHECK(memcmp(buf, "wake up", 7) == 0);
	CHECK_EQ(prio, 3);
	CHECK(exited_ok(pid));
	mq_close(q);
}

/*
 * The bounded buffer: a producer sends 200 numbered messages through a
 * queue that holds 3, so it blocks whenever the queue is full; the
 * consumer gets them all, in order, then the queue is empty.
 */
static void bounded_producer_consumer(void)
{
	enum { COUNT = 200 };
	mqd_t q = new_queue("pc", O_RDWR, 3, sizeof(int), false);
	REQUIRE(q != (mqd_t)-1);
	pid_t pid = fork();
	if (pid == 0) {
		for (int k = 0; k < COUNT; k++)
			if (mq_send(q, (const char *)&k, sizeof k, 0) != 0)
				_exit(1);
		_exit(0);
	}
	REQUIRE(pid > 0);
	int bad = 0;
	/* A deadline far away, so that a failed child is not a hang. */
	struct timespec t = in_ms(60 * 1000);
	for (int k = 0; k < COUNT; k++) {
		int v = -1;
		if (mq_timedreceive(q, (char *)&v, sizeof v, NULL, &t) != sizeof v ||
		    v != k)
			bad++;
		if (curmsgs(q) > 3)
			bad++;
	}
	CHECK_EQ(bad, 0);
	if (bad)
		kill(pid, SIGKILL); /* it may be blocked in mq_send for ever */
	CHECK(exited_ok(pid));
	CHECK_EQ(curmsgs(q), 0);
	mq_close(q);
}

/* Several producers and consumers on one queue: every message arrives
 * exactly once, and each producer's messages in the order it sent them. */
static void many_producers_and_consumers(void)
{
	enum { PRODUCERS = 3, CONSUMERS = 2, EACH = 60 };
	mqd_t q = new_queue("many", O_RDWR, 4, 2 * sizeof(int), false);
	REQUIRE(q != (mqd_t)-1);
	/* Every wait has a far deadline: a process that failed makes the
	 * others fail too, instead of leaving them blocked for ever. */
	struct timespec t = in_ms(60 * 1000);
	int results[2];
	REQUIRE(pipe(results) == 0);
	for (int p = 0; p < PRODUCERS; p++) {
		if (fork() == 0) {
			for (int k = 0; k < EACH; k++) {
				int m[2] = { p, k };
				if (mq_timedsend(q, (const char *)m, sizeof m, 0, &t) != 0)
					_exit(1);
			}
			_exit(0);
		}
	}
	for (int c = 0; c < CONSUMERS; c++) {
		if (fork() == 0) {
			/* Take messages until the "stop" message (-1). */
			int last[PRODUCERS], got = 0, disorder = 0;
			for (int p = 0; p < PRODUCERS; p++)
				last[p] = -1;
			for (;;) {
				int m[2];
				if (mq_timedreceive(q, (char *)m, sizeof m, NULL, &t) != sizeof m)
					_exit(1);
				if (m[0] < 0)
					break;
				if (m[0] >= PRODUCERS || m[1] <= last[m[0]])
					disorder++;
				else
					last[m[0]] = m[1];
				got++;
			}
			int report[2] = { got, disorder };
			write(results[1], report, sizeof report);
			_exit(0);
		}
	}
	int status, ok = 0;
	for (int p = 0; p < PRODUCERS + CONSUMERS; p++) {
		/* Once the producers are done, tell each consumer to stop. */
		if (p == PRODUCERS)
			for (int c = 0; c < CONSUMERS; c++) {
				int stop[2] = { -1, -1 };
				CHECK_EQ(mq_timedsend(q, (const char *)stop, sizeof stop, 0, &t), 0);
			}
		pid_t w = wait(&status);
		ok += w > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
	}
	close(results[1]);
	int total = 0, disorder = 0, report[2];
	while (read(results[0], report, sizeof report) == sizeof report) {
		total += report[0];
		disorder += report[1];
	}
	close(results[0]);
	CHECK_EQ(ok, PRODUCERS + CONSUMERS);
	CHECK_EQ(total, PRODUCERS * EACH);
	CHECK_EQ(disorder, 0);
	CHECK_EQ(curmsgs(q), 0);
	mq_close(q);
}

/* A process blocked in mq_receive can still be killed. */
static void blocked_receiver_can_be_killed(void)
{
	mqd_t q = new_queue("kill", O_RDWR, 2, 8, false);
	REQUIRE(q != (mqd_t)-1);
	pid_t pid = fork();
	if (pid == 0) {
		char buf[8];
		mq_receive(q, buf, sizeof buf, NULL); /* nobody ever sends */
		_exit(1);
	}
	REQUIRE(pid > 0);
	struct timespec pause = { 0, 20 * 1000000L };
	nanosleep(&pause, NULL); /* most likely it is blocked by now */
	CHECK_EQ(kill(pid, SIGTERM), 0);
	int status;
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
	mq_close(q);
}

/* ---- descriptors ---------------------------------------------------------- */

/* fork shares the open queue description: the child's messages arrive,
 * and a flag the child sets is the parent's too. */
static void shared_over_fork(void)
{
	mqd_t q = new_queue("fork", O_RDWR, 4, 16, false);
	REQUIRE(q != (mqd_t)-1);
	pid_t pid = fork();
	if (pid == 0) {
		struct mq_attr nb = { .mq_flags = O_NONBLOCK };
		bool ok = mq_send(q, "from child", 10, 2) == 0 &&
			  mq_setattr(q, &nb, NULL) == 0;
		_exit(ok ? 0 : 1);
	}
	REQUIRE(pid > 0);
	CHECK(exited_ok(pid));
	char buf[16];
	unsigned prio;
	CHECK_EQ(recv_(q, buf, sizeof buf, &prio), 10);
	CHECK(memcmp(buf, "from child", 10) == 0);
	CHECK_EQ(prio, 2);
	struct mq_attr a;
	CHECK_EQ(mq_getattr(q, &a), 0);
	CHECK_EQ(a.mq_flags, O_NONBLOCK);
	CHECK_ERR(mq_receive(q, buf, sizeof buf, NULL), EAGAIN);
	mq_close(q);
}

static void descriptor_is_a_file(void)
{
	mqd_t q = new_queue("file", O_RDWR, 4, 16, false);
	REQUIRE(q != (mqd_t)-1);
	/* POSIX: closed by exec. */
	CHECK_EQ(fcntl(q, F_GETFD), FD_CLOEXEC);
	CHECK_EQ(send_(q, "abc", 3, 0), 0);
	CHECK_EQ(send_(q, "de", 2, 0), 0);
	/* read() is a status line; QSIZE is the bytes queued. */
	char text[128];
	ssize_t n = read(q, text, sizeof text - 1);
	CHECK(n > 0);
	text[n > 0 ? n : 0] = '\0';
	CHECK(strncmp(text, "QSIZE:5 ", 8) == 0);
	CHECK_ERR(write(q, "x", 1), EINVAL);
	/* dup gives another descriptor of the same queue. */
	int d = dup(q);
	CHECK(d >= 0);
	CHECK_EQ(curmsgs(d), 2);
	close(d);
	/* poll: POLLOUT while not full, POLLIN while not empty. */
	struct pollfd p = { .fd = q, .events = POLLIN | POLLOUT };
	int r = poll(&p, 1, 0);
	if (r < 0 && errno == ENOSYS) {
		DIAG("poll is not there yet (ENOSYS)\n");
	} else {
		CHECK_EQ(r, 1);
		CHECK_EQ(p.revents, POLLIN | POLLOUT);
		CHECK_EQ(send_(q, "f", 1, 0), 0);
		CHECK_EQ(send_(q, "g", 1, 0), 0);
		CHECK_EQ(poll(&p, 1, 0), 1);
		CHECK_EQ(p.revents, POLLIN);
	}
	mq_close(q);
	CHECK_ERR(mq_getattr(q, &(struct mq_attr){ 0 }), EBADF);
}

/* ---- errors for bad arguments --------------------------------------------- */

static void bad_arguments(void)
{
	mqd_t q = new_queue("args", O_RDWR, 2, 8, false);
	REQUIRE(q != (mqd_t)-1);
	char buf[8];
	struct mq_attr a;
	CHECK_ERR(mq_send(q, "x", 1, 32768), EINVAL); /* MQ_PRIO_MAX */
	CHECK_ERR(mq_send(-1, "x", 1, 0), EBADF);
	CHECK_ERR(mq_receive(-1, buf, sizeof buf, NULL), EBADF);
	CHECK_ERR(mq_getattr(-1, &a), EBADF);
	CHECK_ERR(mq_getattr(200, &a), EBADF);
	/* A descriptor that is not a queue. */
	int fds[2];
	REQUIRE(pipe(fds) == 0);
	CHECK_ERR(mq_send(fds[1], "x", 1, 0), EBADF);
	CHECK_ERR(mq_receive(fds[0], buf, sizeof buf, NULL), EBADF);
	CHECK_ERR(mq_getattr(fds[0], &a), EBADF);
	close(fds[0]);
	close(fds[1]);
	/* The wrong direction for the way the queue was opened. */
	mq_unlink(qname("dir"));
	mqd_t rd = mq_open(qname("dir"), O_RDONLY | O_CREAT | O_EXCL, 0600,
			   &(struct mq_attr){ .mq_maxmsg = 2, .mq_msgsize = 8 });
	CHECK(rd != (mqd_t)-1);
	mqd_t wr = mq_open(qname("dir"), O_WRONLY);
	CHECK(wr != (mqd_t)-1);
	CHECK_EQ(mq_unlink(qname("dir")), 0);
	CHECK_ERR(mq_send(rd, "x", 1, 0), EBADF);
	CHECK_ERR(mq_receive(wr, buf, sizeof buf, NULL), EBADF);
	mq_close(rd);
	mq_close(wr);
	/* A timeout outside 0..999999999 ns, or before 1970, is invalid --
	 * on Linux even when the call would not have to wait. */
	struct timespec bad[] = { { 0, 1000000000L }, { 0, -1 }, { -1, 0 } };
	for (unsigned k = 0; k < 3; k++) {
		CHECK_ERR(mq_timedsend(q, "x", 1, 0, &bad[k]), EINVAL);
		CHECK_ERR(mq_timedreceive(q, buf, sizeof buf, NULL, &bad[k]), EINVAL);
	}
	CHECK_EQ(curmsgs(q), 0);
	/* mq_setattr may change O_NONBLOCK and nothing else. */
	struct mq_attr set = { .mq_flags = O_NONBLOCK | O_APPEND };
	CHECK_ERR(mq_setattr(q, &set, NULL), EINVAL);
	/* Bad pointers. */
	CHECK_ERR(mq_send(q, (const char *)8, 1, 0), EFAULT);
	CHECK_ERR(mq_getattr(q, (struct mq_attr *)8), EFAULT);
	CHECK_ERR(mq_timedreceive(q, buf, sizeof buf, NULL, (struct timespec *)8), EFAULT);
	CHECK_EQ(send_(q, "x", 1, 0), 0);
	CHECK_ERR(mq_receive(q, (char *)8, 8, NULL), EFAULT); /* not empty: no wait */
	mq_close(q);
}

/* Linux's RLIMIT_MSGQUEUE: the queues one user has may hold 800 KiB in
 * all, so default queues (80 KiB each) run out after a few: EMFILE.
 * Closing them gives the room back. */
static void queue_memory_is_limited(void)
{
	enum { MAX = 40 };
	mqd_t qs[MAX];
	int n = 0;
	errno = 0;
	while (n < MAX) {
		char tag[16];
		snprintf(tag, sizeof tag, "lim%d", n);
		mq_unlink(qname(tag));
		qs[n] = mq_open(qname(tag), O_RDWR | O_CREAT | O_EXCL, 0600, NULL);
		if (qs[n] == (mqd_t)-1)
			break;
		mq_unlink(qname(tag));
		n++;
	}
	CHECK(n > 0 && n < MAX);
	CHECK_EQ(errno, EMFILE);
	for (int k = 0; k < n; k++)
		mq_close(qs[k]);
	mqd_t q = mq_open(qname("lim-again"), O_RDWR | O_CREAT | O_EXCL, 0600, NULL);
	CHECK(q != (mqd_t)-1);
	mq_unlink(qname("lim-again"));
	mq_close(q);
}

/* Weft does not notify (documented); removing no registration is fine. */
static void notify(void)
{
	mqd_t q = new_queue("notify", O_RDWR, 2, 8, false);
	REQUIRE(q != (mqd_t)-1);
	CHECK_EQ(mq_notify(q, NULL), 0);
	CHECK_ERR(mq_notify(-1, NULL), EBADF);
	struct sigevent ev = { .sigev_notify = SIGEV_NONE };
	int r = mq_notify(q, &ev);
	if (on_weft())
		CHECK(r == -1 && errno == ENOSYS);
	else
		CHECK_EQ(r, 0);
	mq_close(q);
}

int main(void)
{
	guest_begin();
	test_pid = getpid();
	TAP(attributes_and_curmsgs);
	TAP(highest_priority_first_fifo_within);
	TAP(message_sizes);
	TAP(names_and_open_errors);
	TAP(bad_attributes);
	TAP(unlink_while_open);
	TAP(nonblocking_full_and_empty);
	TAP(timeouts);
	TAP(receive_blocks_until_a_send);
	TAP(bounded_producer_consumer);
	TAP(many_producers_and_consumers);
	TAP(blocked_receiver_can_be_killed);
	TAP(shared_over_fork);
	TAP(descriptor_is_a_file);
	TAP(bad_arguments);
	TAP(queue_memory_is_limited);
	TAP(notify);
	guest_end();
	return tap_done();
}
