/*
 * In-kernel tests of POSIX message queues (boot with test=mqueue): the
 * queue object driven from kernel threads through kernel/ipc/mqueue.h,
 * with no process and no user memory. Priorities and FIFO order, the
 * limits and their errors, names and unlink, O_NONBLOCK, blocking and
 * being woken, deadlines, poll events, and that every page comes back.
 * The system calls on top are tested by the guest test /tests/test_mqueue.
 */
#include <kernel/ktest/ktest.h>

#include <kernel/arch.h>
#include <kernel/errno.h>
#include <kernel/fs/vfs.h>
#include <kernel/ipc/mqueue.h>
#include <kernel/lib/string.h>
#include <kernel/mm/pmm.h>
#include <kernel/printk.h>
#include <kernel/sched/sched.h>
#include <kernel/sched/thread.h>

static struct file *open_q(const char *name, unsigned oflag, long maxmsg,
                           long msgsize)
{
	struct mq_attr_k attr = { .mq_maxmsg = maxmsg, .mq_msgsize = msgsize };
	struct file *f = NULL;
	int err = mqueue_open(name, oflag | O_CREAT, 0600, &attr, &f, NULL);
	KEXPECT_EQ(err, 0);
	return err ? NULL : f;
}

static long send(struct file *f, const char *text, unsigned prio)
{
	return mqueue_send(f, iobuf_kernel((void *)text), strlen(text), prio, NULL);
}

static long recv(struct file *f, char *buf, size_t size, unsigned *prio)
{
	long n = mqueue_receive(f, iobuf_kernel(buf), size, prio, NULL);
	if (n >= 0 && (size_t)n < size)
		buf[n] = '\0';
	return n;
}

static long curmsgs(struct file *f)
{
	struct mq_attr_k a;
	KEXPECT_EQ(mqueue_getsetattr(f, NULL, &a), 0);
	return a.mq_curmsgs;
}

/* Let other threads run until t is blocked (bounded: never hangs here). */
static bool wait_until_blocked(struct thread *t)
{
	for (int k = 0; k < 100000; k++) {
		if (__atomic_load_n(&t->state, __ATOMIC_RELAXED) == THREAD_BLOCKED)
			return true;
		thread_yield();
	}
	return false;
}

KTEST(mqueue, highest_priority_first_fifo_within)
{
	uint64_t pages = pmm_free_count();
	struct file *q = open_q("kt-prio", O_RDWR, 8, 16);
	KASSERT_T(q != NULL);
	static const struct { const char *text; unsigned prio; } in[] = {
		{ "low-a", 1 }, { "high-a", 5 }, { "mid", 3 }, { "high-b", 5 },
		{ "zero", 0 }, { "low-b", 1 }, { "high-c", 5 }, { "top", 32767 },
	};
	for (unsigned k = 0; k < 8; k++)
		KEXPECT_EQ(send(q, in[k].text, in[k].prio), 0);
	static const char *const out[] = {
		"top", "high-a", "high-b", "high-c", "mid", "low-a", "low-b", "zero",
	};
	static const unsigned out_prio[] = { 32767, 5, 5, 5, 3, 1, 1, 0 };
	for (unsigned k = 0; k < 8; k++) {
		char buf[16];
		unsigned prio = 99;
		KEXPECT_EQ(recv(q, buf, sizeof buf, &prio), (long)strlen(out[k]));
		KEXPECT(strcmp(buf, out[k]) == 0);
		KEXPECT_EQ(prio, out_prio[k]);
	}
	KEXPECT_EQ(curmsgs(q), 0);
	KEXPECT_EQ(mqueue_unlink("kt-prio"), 0);
	file_put(q);
	KEXPECT_EQ(mqueue_count(), 0);
	KEXPECT_EQ(pmm_free_count(), pages);
}

KTEST(mqueue, messages_keep_their_boundaries)
{
	struct file *q = open_q("kt-bound", O_RDWR, 4, 100);
	KASSERT_T(q != NULL);
	KEXPECT_EQ(send(q, "ab", 0), 0);
	KEXPECT_EQ(send(q, "", 0), 0);          /* an empty message is one */
	KEXPECT_EQ(send(q, "cde", 0), 0);
	char buf[100];
	KEXPECT_EQ(recv(q, buf, sizeof buf, NULL), 2);
	KEXPECT_EQ(recv(q, buf, sizeof buf, NULL), 0);
	KEXPECT_EQ(recv(q, buf, sizeof buf, NULL), 3);
	KEXPECT(strcmp(buf, "cde") == 0);
	KEXPECT_EQ(mqueue_unlink("kt-bound"), 0);
	file_put(q);
}

KTEST(mqueue, limits)
{
	struct mq_attr_k bad[] = {
		{ .mq_maxmsg = 0, .mq_msgsize = 8 },
		{ .mq_maxmsg = -1, .mq_msgsize = 8 },
		{ .mq_maxmsg = MQ_MAXMSG_MAX + 1, .mq_msgsize = 8 },
		{ .mq_maxmsg = 1, .mq_msgsize = 0 },
		{ .mq_maxmsg = 1, .mq_msgsize = MQ_MSGSIZE_MAX + 1 },
	};
	struct file *f;
	for (unsigned k = 0; k < sizeof bad / sizeof *bad; k++)
		KEXPECT_EQ(mqueue_open("kt-bad", O_RDWR | O_CREAT, 0600, &bad[k],
		                       &f, NULL), -EINVAL);
	KEXPECT_EQ(mqueue_count(), 0);

	/* No attributes: Linux's defaults. */
	KASSERT_T_EQ(mqueue_open("kt-def", O_RDWR | O_CREAT, 0600, NULL, &f, NULL), 0);
	struct mq_attr_k a;
	KEXPECT_EQ(mqueue_getsetattr(f, NULL, &a), 0);
	KEXPECT_EQ(a.mq_maxmsg, MQ_MAXMSG_DEFAULT);
	KEXPECT_EQ(a.mq_msgsize, MQ_MSGSIZE_DEFAULT);
	KEXPECT_EQ(a.mq_flags, 0);
	file_put(f);
	KEXPECT_EQ(mqueue_unlink("kt-def"), 0);

	/* The largest queue there may be, filled up. */
	uint64_t pages = pmm_free_count();
	struct file *q = open_q("kt-big", O_RDWR, MQ_MAXMSG_MAX, MQ_MSGSIZE_MAX);
	KASSERT_T(q != NULL);
	static char big[MQ_MSGSIZE_MAX + 1];
	memset(big, 'b', sizeof big);
	KEXPECT_EQ(mqueue_send(q, iobuf_kernel(big), sizeof big, 0, NULL), -EMSGSIZE);
	KEXPECT_EQ(mqueue_send(q, iobuf_kernel(big), 1, MQ_PRIO_MAX, NULL), -EINVAL);
	for (int k = 0; k < MQ_MAXMSG_MAX; k++)
		KEXPECT_EQ(mqueue_send(q, iobuf_kernel(big), MQ_MSGSIZE_MAX,
		                       (unsigned)k, NULL), 0);
	KEXPECT_EQ(curmsgs(q), MQ_MAXMSG_MAX);
	/* A buffer smaller than msgsize, even though this message would fit. */
	KEXPECT_EQ(mqueue_receive(q, iobuf_kernel(big), MQ_MSGSIZE_MAX - 1, NULL, NULL),
	           -EMSGSIZE);
	unsigned prio;
	KEXPECT_EQ(mqueue_receive(q, iobuf_kernel(big), sizeof big, &prio, NULL),
	           MQ_MSGSIZE_MAX);
	KEXPECT_EQ(prio, MQ_MAXMSG_MAX - 1);
	KEXPECT_EQ(mqueue_unlink("kt-big"), 0);
	file_put(q);                /* freed with 63 messages still in it */
	KEXPECT_EQ(mqueue_count(), 0);
	KEXPECT_EQ(pmm_free_count(), pages);
}

KTEST(mqueue, names)
{
	struct file *f, *g;
	KEXPECT_EQ(mqueue_open("kt-none", O_RDWR, 0, NULL, &f, NULL), -ENOENT);
	KEXPECT_EQ(mqueue_open("", O_RDWR | O_CREAT, 0600, NULL, &f, NULL), -ENOENT);
	KEXPECT_EQ(mqueue_open("a/b", O_RDWR | O_CREAT, 0600, NULL, &f, NULL), -EACCES);
	KEXPECT_EQ(mqueue_open("..", O_RDWR | O_CREAT, 0600, NULL, &f, NULL), -EACCES);
	char longname[MQ_NAME_MAX + 2];
	memset(longname, 'n', sizeof longname);
	longname[MQ_NAME_MAX + 1] = '\0';
	KEXPECT_EQ(mqueue_open(longname, O_RDWR | O_CREAT, 0600, NULL, &f, NULL),
	           -ENAMETOOLONG);
	KEXPECT_EQ(mqueue_unlink(longname), -ENAMETOOLONG);
	longname[MQ_NAME_MAX] = '\0';           /* exactly NAME_MAX: fine */
	bool created = false;
	KASSERT_T_EQ(mqueue_open(longname, O_RDWR | O_CREAT, 0600, NULL, &f,
	                         &created), 0);
	KEXPECT(created);
	file_put(f);
	KEXPECT_EQ(mqueue_unlink(longname), 0);

	struct file *first = open_q("kt-name", O_RDWR | O_EXCL, 2, 8);
	KASSERT_T(first != NULL);
	KEXPECT_EQ(mqueue_open("kt-name", O_RDWR | O_CREAT | O_EXCL, 0600, NULL,
	                       &g, NULL), -EEXIST);
	KEXPECT_EQ(mqueue_open("kt-name", O_ACCMODE, 0, NULL, &g, NULL), -EINVAL);
	KASSERT_T_EQ(mqueue_open("kt-name", O_WRONLY | O_CREAT, 0600, NULL, &g,
	                         &created), 0);
	KEXPECT(!created);              /* O_CREAT alone opens the existing one */
	KEXPECT_EQ(send(g, "kept", 0), 0);

	/* Unlink removes the name; the queue lives while g is open. */
	KEXPECT_EQ(mqueue_unlink("kt-name"), 0);
	KEXPECT_EQ(mqueue_unlink("kt-name"), -ENOENT);
	KEXPECT_EQ(mqueue_open("kt-name", O_RDWR, 0, NULL, &f, NULL), -ENOENT);
	KEXPECT_EQ(curmsgs(g), 1);
	/* The name can be used again, for a new and different queue. */
	struct file *h = open_q("kt-name", O_RDWR | O_EXCL, 2, 8);
	KASSERT_T(h != NULL);
	KEXPECT_EQ(curmsgs(h), 0);
	KEXPECT_EQ(mqueue_count(), 2);
	KEXPECT_EQ(mqueue_unlink("kt-name"), 0);
	file_put(h);
	file_put(g);
	KEXPECT_EQ(mqueue_count(), 1);  /* first still holds the old one */
	file_put(first);
	KEXPECT_EQ(mqueue_count(), 0);
}

KTEST(mqueue, access_modes_and_nonblocking)
{
	struct file *rw = open_q("kt-mode", O_RDWR | O_NONBLOCK, 2, 8);
	KASSERT_T(rw != NULL);
	struct file *ro, *wo;
	KASSERT_T_EQ(mqueue_open("kt-mode", O_RDONLY, 0, NULL, &ro, NULL), 0);
	KASSERT_T_EQ(mqueue_open("kt-mode", O_WRONLY, 0, NULL, &wo, NULL), 0);
	char buf[8];
	KEXPECT_EQ(send(ro, "x", 0), -EBADF);
	KEXPECT_EQ(recv(wo, buf, sizeof buf, NULL), -EBADF);

	KEXPECT_EQ(recv(rw, buf, sizeof buf, NULL), -EAGAIN);      /* empty */
	KEXPECT_EQ(send(rw, "1", 0), 0);
	KEXPECT_EQ(send(rw, "2", 0), 0);
	KEXPECT_EQ(send(rw, "3", 0), -EAGAIN);                     /* full */
	KEXPECT_EQ(curmsgs(rw), 2);

	/* mq_flags is the descriptor's O_NONBLOCK, and only that may be set. */
	struct mq_attr_k set = { .mq_flags = 0 }, old;
	KEXPECT_EQ(mqueue_getsetattr(rw, &set, &old), 0);
	KEXPECT_EQ(old.mq_flags, O_NONBLOCK);
	KEXPECT_EQ(old.mq_curmsgs, 2);
	KEXPECT_EQ(rw->flags & O_NONBLOCK, 0);
	set.mq_flags = O_NONBLOCK | O_APPEND;
	KEXPECT_EQ(mqueue_getsetattr(rw, &set, NULL), -EINVAL);
	set.mq_flags = O_NONBLOCK;
	set.mq_maxmsg = 99;                                    /* ignored */
	KEXPECT_EQ(mqueue_getsetattr(rw, &set, NULL), 0);
	KEXPECT_EQ(mqueue_getsetattr(rw, NULL, &old), 0);
	KEXPECT_EQ(old.mq_flags, O_NONBLOCK);
	KEXPECT_EQ(old.mq_maxmsg, 2);

	KEXPECT_EQ(mqueue_unlink("kt-mode"), 0);
	file_put(ro);
	file_put(wo);
	file_put(rw);
}

KTEST(mqueue, poll_and_status_line)
{
	struct file *q = open_q("kt-poll", O_RDWR, 2, 8);
	KASSERT_T(q != NULL);
	struct wait_queue *wq = NULL;
	KEXPECT_EQ(q->ops->poll(q, &wq) & (POLLIN | POLLOUT), POLLOUT);
	KEXPECT(wq != NULL);
	KEXPECT_EQ(send(q, "abc", 0), 0);
	KEXPECT_EQ(q->ops->poll(q, &wq) & (POLLIN | POLLOUT), POLLIN | POLLOUT);
	KEXPECT_EQ(send(q, "de", 0), 0);
	KEXPECT_EQ(q->ops->poll(q, &wq) & (POLLIN | POLLOUT), POLLIN);

	/* read() is a status line; QSIZE counts bytes, 3 + 2. */
	char text[100];
	long n = vfs_read(q, text, sizeof text - 1);
	KEXPECT(n > 0);
	text[n > 0 ? n : 0] = '\0';
	KEXPECT(strncmp(text, "QSIZE:5 ", 8) == 0);
	KEXPECT_EQ(vfs_read(q, text, sizeof text), 0);         /* then the end */
	KEXPECT_EQ(vfs_write(q, "x", 1), -EINVAL);
	KEXPECT_EQ(mqueue_unlink("kt-poll"), 0);
	file_put(q);
}

/* ---- waiting ---- */

static struct file *wq_file;
static long wq_result;
static char wq_buf[16];

static void receiver(void *deadline)
{
	wq_result = mqueue_receive(wq_file, iobuf_kernel(wq_buf), sizeof wq_buf,
	                           NULL, deadline);
}

static void sender(void *deadline)
{
	wq_result = mqueue_send(wq_file, iobuf_kernel("late"), 4, 7, deadline);
}

/* A receiver blocks on an empty queue until a message comes; a sender
 * blocks on a full one until there is room. */
KTEST(mqueue, blocking_between_threads)
{
	wq_file = open_q("kt-block", O_RDWR, 1, 16);
	KASSERT_T(wq_file != NULL);
	wq_result = -1;
	struct thread *t = kthread_create("mq-recv", receiver, NULL);
	KASSERT_T(t != NULL);
	KEXPECT(wait_until_blocked(t));
	KEXPECT_EQ(send(wq_file, "hello", 0), 0);
	KEXPECT_EQ(kthread_join(t, NULL), 0);
	KEXPECT_EQ(wq_result, 5);
	KEXPECT(memcmp(wq_buf, "hello", 5) == 0);

	KEXPECT_EQ(send(wq_file, "fill", 1), 0);               /* now full */
	wq_result = -1;
	t = kthread_create("mq-send", sender, NULL);
	KASSERT_T(t != NULL);
	KEXPECT(wait_until_blocked(t));
	KEXPECT_EQ(curmsgs(wq_file), 1);
	char buf[16];
	unsigned prio;
	KEXPECT_EQ(recv(wq_file, buf, sizeof buf, &prio), 4);
	KEXPECT(strcmp(buf, "fill") == 0);
	KEXPECT_EQ(kthread_join(t, NULL), 0);
	KEXPECT_EQ(wq_result, 0);
	KEXPECT_EQ(recv(wq_file, buf, sizeof buf, &prio), 4);
	KEXPECT(strcmp(buf, "late") == 0);
	KEXPECT_EQ(prio, 7);
	KEXPECT_EQ(mqueue_unlink("kt-block"), 0);
	file_put(wq_file);
}

/* Deadlines: a wait that nobody ends times out -- never before its
 * deadline -- and one that is ended in time does not. */
KTEST(mqueue, deadlines)
{
	struct file *q = open_q("kt-time", O_RDWR, 1, 16);
	KASSERT_T(q != NULL);
	char buf[16];
	uint64_t deadline = arch_clock_ns() + 3 * sched_tick_ns();
	KEXPECT_EQ(mqueue_receive(q, iobuf_kernel(buf), sizeof buf, NULL, &deadline),
	           -ETIMEDOUT);
	KEXPECT(arch_clock_ns() >= deadline);
	/* A deadline already past does not matter when no wait is needed. */
	uint64_t past = 0;
	KEXPECT_EQ(mqueue_send(q, iobuf_kernel("x"), 1, 0, &past), 0);
	KEXPECT_EQ(mqueue_send(q, iobuf_kernel("y"), 1, 0, &past), -ETIMEDOUT);
	deadline = arch_clock_ns() + 3 * sched_tick_ns();
	KEXPECT_EQ(mqueue_send(q, iobuf_kernel("y"), 1, 0, &deadline), -ETIMEDOUT);
	KEXPECT(arch_clock_ns() >= deadline);
	KEXPECT_EQ(mqueue_receive(q, iobuf_kernel(buf), sizeof buf, NULL, &past), 1);
	KEXPECT_EQ(mqueue_receive(q, iobuf_kernel(buf), sizeof buf, NULL, &past),
	           -ETIMEDOUT);
	KEXPECT_EQ(curmsgs(q), 0);
	file_put(q);

	/* Woken by a message long before a far deadline: no timeout. */
	wq_file = q = open_q("kt-time", O_RDWR, 1, 16);
	KASSERT_T(q != NULL);
	static uint64_t far;
	far = arch_clock_ns() + 3600ull * 1000000000ull;
	wq_result = -1;
	struct thread *t = kthread_create("mq-timed", receiver, &far);
	KASSERT_T(t != NULL);
	KEXPECT(wait_until_blocked(t));
	KEXPECT_EQ(send(q, "in time", 0), 0);
	KEXPECT_EQ(kthread_join(t, NULL), 0);
	KEXPECT_EQ(wq_result, 7);
	KEXPECT_EQ(mqueue_unlink("kt-time"), 0);
	file_put(q);
}

/* Linux's RLIMIT_MSGQUEUE (bytes a queue may hold, summed) and the count
 * of queues; both come back when queues are freed, and so do the pages. */
KTEST(mqueue, resource_limits_and_memory)
{
	uint64_t pages = pmm_free_count();
	unsigned base = mqueue_count();
	static struct file *files[MQ_QUEUES_MAX + 1];
	char name[16];
	int n = 0, err = 0;
	/* Default queues (10 x 8 KiB) until the byte budget says no. */
	while (n < MQ_QUEUES_MAX) {
		snprintk(name, sizeof name, "kt-b%d", n);
		err = mqueue_open(name, O_RDWR | O_CREAT, 0600, NULL, &files[n], NULL);
		if (err)
			break;
		mqueue_unlink(name);    /* still counted while open */
		n++;
	}
	KEXPECT_EQ(err, -EMFILE);
	KEXPECT(n >= 8 && n <= 10);
	for (int k = 0; k < n; k++)
		file_put(files[k]);
	KEXPECT_EQ(mqueue_count(), base);

	/* The smallest queues run into the count instead. */
	n = 0;
	while (n <= MQ_QUEUES_MAX) {
		snprintk(name, sizeof name, "kt-c%d", n);
		err = mqueue_open(name, O_RDWR | O_CREAT, 0600,
		                  &(struct mq_attr_k){ .mq_maxmsg = 1, .mq_msgsize = 1 },
		                  &files[n], NULL);
		if (err)
			break;
		n++;
	}
	KEXPECT_EQ(err, -ENOSPC);
	KEXPECT_EQ((unsigned)n + base, MQ_QUEUES_MAX);
	for (int k = 0; k < n; k++) {
		snprintk(name, sizeof name, "kt-c%d", k);
		KEXPECT_EQ(mqueue_unlink(name), 0);
		file_put(files[k]);
	}
	KEXPECT_EQ(mqueue_count(), base);
	KEXPECT_EQ(pmm_free_count(), pages);
}
