/*
 * Lesson: Queue -- a bounded FIFO between processes.
 *
 * Python's multiprocessing.Queue(maxsize=3) made of a POSIX message
 * queue, which the kernel keeps: put() blocks while the queue is full and
 * get() while it is empty, both may give up after a timeout, the
 * _nowait variants fail at once, and qsize(), full() and empty() can be
 * asked. The queue is opened twice: once blocking, once with O_NONBLOCK
 * (that flag belongs to the open descriptor, not to the queue). fork()
 * hands both descriptors to the child, so the name is removed at once,
 * as with a temporary file.
 *
 * Expected output (always the same; only the parent prints):
 *   maxsize 3: qsize 0, empty yes, full no
 *   get_nowait(): Empty, at once
 *   get(timeout=0.2): Empty, after the timeout
 *   put(1) put(2) put(3): qsize 3, empty no, full yes
 *   put_nowait(4): Full, at once
 *   put(4, timeout=0.2): Full, after the timeout
 *   get() get() get(): 1 2 3 (first in, first out)
 *   -- a producer process puts 1..6 into the queue of 3
 *   consumer: the queue is full, so the producer's next put() blocks
 *   consumer: got 1
 *   consumer: got 2
 *   consumer: got 3
 *   consumer: got 4
 *   consumer: got 5
 *   consumer: got 6
 *   consumer: the producer exited with status 0
 *   get(timeout=0.2): Empty, nothing more is coming
 *   -- get() on an empty queue blocks until another process puts
 *   consumer: get() returned 42
 */
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define FOREVER (-1)

struct queue {
	mqd_t q;            /* put and get wait here */
	mqd_t q_nowait;     /* the same queue, opened with O_NONBLOCK */
};

/* CLOCK_REALTIME now + ms: mq_timedsend/receive take an absolute time. */
static struct timespec deadline_in(long ms)
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

/* 0, or -1 with errno EAGAIN (full, nowait) or ETIMEDOUT. */
static int put(struct queue *qu, int item, bool block, long timeout_ms)
{
	const char *msg = (const char *)&item;
	if (!block)
		return mq_send(qu->q_nowait, msg, sizeof item, 0);
	if (timeout_ms == FOREVER)
		return mq_send(qu->q, msg, sizeof item, 0);
	struct timespec t = deadline_in(timeout_ms);
	return mq_timedsend(qu->q, msg, sizeof item, 0, &t);
}

/* 0 and *item, or -1 with errno EAGAIN (empty, nowait) or ETIMEDOUT. */
static int get(struct queue *qu, int *item, bool block, long timeout_ms)
{
	ssize_t n;
	if (!block) {
		n = mq_receive(qu->q_nowait, (char *)item, sizeof *item, NULL);
	} else if (timeout_ms == FOREVER) {
		n = mq_receive(qu->q, (char *)item, sizeof *item, NULL);
	} else {
		struct timespec t = deadline_in(timeout_ms);
		n = mq_timedreceive(qu->q, (char *)item, sizeof *item, NULL, &t);
	}
	return n == sizeof *item ? 0 : -1;
}

static long qsize(struct queue *qu)
{
	struct mq_attr a;
	mq_getattr(qu->q, &a);
	return a.mq_curmsgs;
}

static bool full(struct queue *qu)
{
	struct mq_attr a;
	mq_getattr(qu->q, &a);
	return a.mq_curmsgs == a.mq_maxmsg;
}

static bool empty(struct queue *qu)
{
	return qsize(qu) == 0;
}

static const char *yes_no(bool b)
{
	return b ? "yes" : "no";
}

static void show(struct queue *qu)
{
	printf("qsize %ld, empty %s, full %s\n", qsize(qu), yes_no(empty(qu)),
	       yes_no(full(qu)));
}

static const char *why(void)
{
	return errno == EAGAIN ? "at once" : errno == ETIMEDOUT ? "after the timeout"
								: "unexpected error";
}

int main(void)
{
	/* The message is one int; at most 3 of them fit. */
	struct mq_attr attr = { .mq_maxmsg = 3, .mq_msgsize = sizeof(int) };
	char name[64];
	snprintf(name, sizeof name, "/queue-lesson-%d", (int)getpid());
	struct queue qu;
	qu.q = mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, &attr);
	qu.q_nowait = mq_open(name, O_RDWR | O_NONBLOCK);
	mq_unlink(name);
	if (qu.q == (mqd_t)-1 || qu.q_nowait == (mqd_t)-1) {
		perror("mq_open");
		return 1;
	}
	setvbuf(stdout, NULL, _IONBF, 0); /* nothing buffered to copy at fork */

	int item;
	printf("maxsize 3: ");
	show(&qu);
	if (get(&qu, &item, false, 0) < 0)
		printf("get_nowait(): Empty, %s\n", why());
	if (get(&qu, &item, true, 200) < 0)
		printf("get(timeout=0.2): Empty, %s\n", why());
	put(&qu, 1, true, FOREVER);
	put(&qu, 2, true, FOREVER);
	put(&qu, 3, true, FOREVER);
	printf("put(1) put(2) put(3): ");
	show(&qu);
	if (put(&qu, 4, false, 0) < 0)
		printf("put_nowait(4): Full, %s\n", why());
	if (put(&qu, 4, true, 200) < 0)
		printf("put(4, timeout=0.2): Full, %s\n", why());
	printf("get() get() get():");
	for (int k = 0; k < 3; k++)
		if (get(&qu, &item, true, FOREVER) == 0)
			printf(" %d", item);
	printf(" (first in, first out)\n");

	printf("-- a producer process puts 1..6 into the queue of 3\n");
	pid_t producer = fork();
	if (producer == 0) {
		for (int k = 1; k <= 6; k++)
			put(&qu, k, true, FOREVER); /* blocks while the queue is full */
		_exit(0);
	}
	while (!full(&qu)) {
		struct timespec ms = { 0, 1000000L };
		nanosleep(&ms, NULL);
	}
	printf("consumer: the queue is full, so the producer's next put() blocks\n");
	for (int k = 1; k <= 6; k++)
		if (get(&qu, &item, true, 10 * 1000) == 0)
			printf("consumer: got %d\n", item);
	int status;
	waitpid(producer, &status, 0);
	printf("consumer: the producer exited with status %d\n", WEXITSTATUS(status));
	if (get(&qu, &item, true, 200) < 0)
		printf("get(timeout=0.2): Empty, nothing more is coming\n");

	printf("-- get() on an empty queue blocks until another process puts\n");
	pid_t late = fork();
	if (late == 0) {
		struct timespec pause = { 0, 200 * 1000000L };
		nanosleep(&pause, NULL);
		put(&qu, 42, true, FOREVER);
		_exit(0);
	}
	if (get(&qu, &item, true, FOREVER) == 0)
		printf("consumer: get() returned %d\n", item);
	waitpid(late, &status, 0);
	mq_close(qu.q);
	mq_close(qu.q_nowait);
	return 0;
}
