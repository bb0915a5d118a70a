/*
 * Host tests of waiting on several queues at once: wait-queue watchers
 * (notified by every wake, never taking a wake-up from a waiter), the
 * poll core between kernel threads (woken by a write, by a close, by a
 * signal; a deadline in virtual ticks), no lost wake-up under the
 * preemption storm, socketpairs and the poll/select calls through the
 * syscall table, and the console: readable once a whole line is typed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <kernel/arch.h>
#include <kernel/errno.h>
#include <kernel/fs/files.h>
#include <kernel/fs/poll.h>
#include <kernel/fs/tty.h>
#include <kernel/fs/vfs.h>
#include <kernel/ipc/pipe.h>
#include <kernel/ipc/socketpair.h>
#include <kernel/proc/process.h>
#include <kernel/sched/sched.h>
#include <kernel/sched/thread.h>
#include <kernel/sync/waitqueue.h>

#include "fake.h"
#include "fs_fake_harness.h"

#define SYS(nr, ...) fake_syscall(nr, __VA_ARGS__)
#define L(x) ((long)(x))

/* ---- watchers ---- */

struct counting_watcher {
	struct wait_watcher w;
	int notified;
};

static void count_notify(struct wait_watcher *w)
{
	list_entry(w, struct counting_watcher, w)->notified++;
}

static struct wait_queue wq;
static int woke;

static void waiter(void *arg)
{
	(void)arg;
	unsigned long f = spin_lock_irqsave(&wq.lock);
	wait_queue_wait_locked(&wq);
	woke++;
	spin_unlock_irqrestore(&wq.lock, f);
}

static void body_watchers(void *arg)
{
	(void)arg;
	struct counting_watcher a = { .notified = 0 }, b = { .notified = 0 };
	wait_queue_init(&wq, "test");
	woke = 0;
	wait_queue_add_watcher(&wq, &a.w, count_notify);
	wait_queue_add_watcher(&wq, &b.w, count_notify);

	/* No waiter: nothing woken, but the watchers hear of it. */
	FS_CHECK(wait_queue_wake_one(&wq) == NULL);
	FS_CHECK_EQ(wait_queue_wake_all(&wq), 0);
	FS_CHECK_EQ(a.notified, 2);
	FS_CHECK_EQ(b.notified, 2);

	/* With two waiters: wake_one still wakes exactly one of them. */
	struct thread *t1 = kthread_create("w1", waiter, NULL);
	struct thread *t2 = kthread_create("w2", waiter, NULL);
	thread_yield();                 /* both block on wq */
	FS_CHECK(wait_queue_wake_one(&wq) == t1);
	thread_yield();
	FS_CHECK_EQ(woke, 1);
	FS_CHECK_EQ(a.notified, 3);
	/* wake_all notifies each watcher once, however many it wakes. */
	wait_queue_remove_watcher(&wq, &b.w);
	FS_CHECK_EQ(wait_queue_wake_all(&wq), 1);
	FS_CHECK_EQ(a.notified, 4);
	FS_CHECK_EQ(b.notified, 3);     /* removed: not told any more */
	FS_CHECK_EQ(kthread_join(t1, NULL), 0);
	FS_CHECK_EQ(kthread_join(t2, NULL), 0);
	FS_CHECK_EQ(woke, 2);
	wait_queue_remove_watcher(&wq, &a.w);
}

static void test_watchers(void **state)
{
	(void)state;
	fs_run(body_watchers, NULL);
}

/* ---- the poll core between kernel threads ---- */

struct scene {
	struct file *rd, *wr;
	struct file *sa, *sb;       /* a socketpair */
	long result;
	unsigned revents[2];
	uint64_t done_at;           /* virtual tick the poller returned */
	unsigned delay;             /* ticks the other thread waits first */
	int action;                 /* what it does then */
	struct thread *poller;
};

enum { WRITE_PIPE, CLOSE_WRITER, SIGNAL_POLLER, WRITE_SOCKET };

static void poller(void *arg)
{
	struct scene *s = arg;
	struct poll_item it[2];
	memset(it, 0, sizeof it);
	it[0].f = s->rd;
	it[0].events = POLLIN | POLLERR | POLLHUP;
	it[1].f = s->sa;
	it[1].events = POLLIN | POLLERR | POLLHUP;
	s->result = poll_files(it, 2, POLL_FOREVER);
	s->revents[0] = it[0].revents;
	s->revents[1] = it[1].revents;
	s->done_at = fake_now_ticks();
}

static void actor(void *arg)
{
	struct scene *s = arg;
	if (s->delay)
		thread_sleep_ticks(s->delay);
	switch (s->action) {
	case WRITE_PIPE:
		FS_CHECK_EQ(vfs_write(s->wr, "x", 1), 1);
		break;
	case CLOSE_WRITER:
		file_put(s->wr);
		s->wr = NULL;
		break;
	case SIGNAL_POLLER:
		sched_interrupt(s->poller);
		break;
	case WRITE_SOCKET:
		FS_CHECK_EQ(vfs_write(s->sb, "y", 1), 1);
		break;
	}
}

static void run_scene(struct scene *s, unsigned storm_seed)
{
	FS_CHECK_EQ(pipe_create(&s->rd, &s->wr, 0), 0);
	FS_CHECK_EQ(socketpair_create(&s->sa, &s->sb, 0), 0);
	fake_set_preempt_storm(storm_seed);
	s->poller = kthread_create("poller", poller, s);
	struct thread *a = kthread_create("actor", actor, s);
	FS_CHECK_EQ(kthread_join(s->poller, NULL), 0);
	FS_CHECK_EQ(kthread_join(a, NULL), 0);
	fake_set_preempt_storm(0);
	file_put(s->rd);
	file_put(s->wr);
	file_put(s->sa);
	file_put(s->sb);
}

static void body_scene(void *arg)
{
	long heap = fake_heap_live();
	run_scene(arg, 0);
	FS_CHECK_EQ(fake_heap_live(), heap);
}

static struct scene scene(int action, unsigned delay)
{
	struct scene s;
	memset(&s, 0, sizeof s);
	s.action = action;
	s.delay = delay;
	return s;
}

static void test_woken_by_write(void **state)
{
	(void)state;
	struct scene s = scene(WRITE_PIPE, 5);
	fs_run(body_scene, &s);
	assert_int_equal(s.result, 1);
	assert_int_equal(s.revents[0], POLLIN);
	assert_int_equal(s.revents[1], 0);
	assert_int_equal(s.done_at, 5);     /* slept until the write */
}

static void test_woken_by_close(void **state)
{
	(void)state;
	struct scene s = scene(CLOSE_WRITER, 3);
	fs_run(body_scene, &s);
	assert_int_equal(s.result, 1);
	assert_int_equal(s.revents[0], POLLHUP);
	assert_int_equal(s.done_at, 3);
}

static void test_woken_by_socket(void **state)
{
	(void)state;
	struct scene s = scene(WRITE_SOCKET, 4);
	fs_run(body_scene, &s);
	assert_int_equal(s.result, 1);
	assert_int_equal(s.revents[0], 0);
	assert_int_equal(s.revents[1], POLLIN);
	assert_int_equal(s.done_at, 4);
}

static void test_interrupted_by_signal(void **state)
{
	(void)state;
	struct scene s = scene(SIGNAL_POLLER, 2);
	fs_run(body_scene, &s);
	assert_int_equal(s.result, -EINTR);
	assert_int_equal(s.done_at, 2);
}

/* Nothing comes: the deadline ends the wait, at the first tick at or after it. */
static void body_deadline(void *arg)
{
	uint64_t *at = arg;
	struct file *rd, *wr;
	FS_CHECK_EQ(pipe_create(&rd, &wr, 0), 0);
	struct poll_item it;
	memset(&it, 0, sizeof it);
	it.f = rd;
	it.events = POLLIN;
	FS_CHECK_EQ(poll_files(&it, 1, 0), 0);           /* no wait at all */
	FS_CHECK_EQ(fake_now_ticks(), 0);
	uint64_t deadline = arch_clock_ns() + 7 * fake_tick_ns() + 1;
	FS_CHECK_EQ(poll_files(&it, 1, deadline), 0);
	at[0] = fake_now_ticks();
	/* Ready already: no sleep whatever the deadline. */
	FS_CHECK_EQ(vfs_write(wr, "z", 1), 1);
	FS_CHECK_EQ(poll_files(&it, 1, POLL_FOREVER), 1);
	at[1] = fake_now_ticks();
	file_put(rd);
	file_put(wr);
}

static void test_deadline(void **state)
{
	(void)state;
	uint64_t at[2] = { 0, 0 };
	fs_run(body_deadline, at);
	assert_int_equal(at[0], 8);
	assert_int_equal(at[1], 8);
}

/*
 * The storm: at every point where interrupts come back on, a switch may
 * happen. Whatever the interleaving of "look at the files" in the poller
 * and "write, wake" in the writer, the poller must not sleep through the
 * write: fs_run fails if a thread is left blocked.
 */
static void body_storm(void *arg)
{
	(void)arg;
	for (unsigned seed = 1; seed <= 200; seed++) {
		struct scene s = scene(seed % 2 ? WRITE_PIPE : WRITE_SOCKET, 0);
		run_scene(&s, seed);
		FS_CHECK_EQ(s.result, 1);
	}
}

static void test_no_lost_wakeup_under_storm(void **state)
{
	(void)state;
	fs_run(body_storm, NULL);
}

/* ---- the console ---- */

struct typing {
	struct file *con;
	long result;
	unsigned revents;
	uint64_t done_at;
};

static void console_poller(void *arg)
{
	struct typing *t = arg;
	struct poll_item it;
	memset(&it, 0, sizeof it);
	it.f = t->con;
	it.events = POLLIN;
	t->result = poll_files(&it, 1, POLL_FOREVER);
	t->revents = it.revents;
	t->done_at = fake_now_ticks();
}

static void body_console(void *arg)
{
	struct typing *t = arg;
	tty_console_init();
	struct inode *i = inode_alloc(S_IFCHR | 0600, 0, NULL, &tty_console_fops);
	t->con = file_alloc(i, &tty_console_fops, O_RDWR);
	inode_put(i);
	struct thread *p = kthread_create("con-poll", console_poller, t);
	thread_sleep_ticks(2);
	/* Keys arrive as the serial interrupt would deliver them. */
	tty_receive_char('h');
	tty_receive_char('i');
	thread_sleep_ticks(2);          /* half a line: still not readable */
	tty_receive_char('\r');         /* Enter: the line is ready */
	FS_CHECK_EQ(kthread_join(p, NULL), 0);
	char buf[8];
	FS_CHECK_EQ(vfs_read(t->con, buf, sizeof buf), 3);
	struct poll_item it;
	memset(&it, 0, sizeof it);
	it.f = t->con;
	it.events = POLLIN | POLLOUT;
	FS_CHECK_EQ(poll_files(&it, 1, 0), 1);
	FS_CHECK_EQ(it.revents, POLLOUT);          /* always writable */
	file_put(t->con);
}

static void test_console(void **state)
{
	(void)state;
	struct typing t;
	memset(&t, 0, sizeof t);
	fs_run(body_console, &t);
	assert_int_equal(t.result, 1);
	assert_int_equal(t.revents, POLLIN);
	assert_int_equal(t.done_at, 4);
}

/* ---- through the syscall table ---- */

static struct process proc;

static void become_process(void)
{
	memset(&proc, 0, sizeof proc);
	proc.pid = 7;
	proc.pgid = 7;
	proc.files = files_new();
	proc.cwd = inode_get(vfs_root());
	proc.main_thread = thread_current();
	fake_current = &proc;
	fake_procs_reset();
	fake_procs_add(&proc);
}

static void stop_being_process(void)
{
	files_put(proc.files);
	inode_put(proc.cwd);
	fake_current = NULL;
	fake_procs_reset();
}

struct pollfd_k {
	int fd;
	short events, revents;
};

static void body_syscalls(void *arg)
{
	(void)arg;
	become_process();
	int sv[2], p[2];
	char buf[16];
	FS_CHECK_EQ(SYS(53, AF_UNIX, SOCK_STREAM, 0, L(sv), 0), 0);
	FS_CHECK_EQ(SYS(22, L(p), 0, 0, 0, 0), 0);

	/* socketpair: both ways, shutdown, EPIPE + SIGPIPE, MSG_NOSIGNAL */
	FS_CHECK_EQ(SYS(1, sv[0], L("hi"), 2, 0, 0), 2);
	FS_CHECK_EQ(SYS(45, sv[1], L(buf), sizeof buf, 0, 0), 2);
	FS_CHECK_EQ(SYS(44, sv[1], L("yo"), 2, 0, 0), 2);
	FS_CHECK_EQ(SYS(0, sv[0], L(buf), sizeof buf, 0, 0), 2);
	FS_CHECK_EQ(SYS(48, sv[0], SHUT_WR, 0, 0, 0), 0);
	FS_CHECK_EQ(SYS(0, sv[1], L(buf), sizeof buf, 0, 0), 0);
	FS_CHECK_EQ(SYS(44, sv[0], L("x"), 1, MSG_NOSIGNAL, 0), -EPIPE);
	FS_CHECK_EQ(fake_last_signal.count, 0);
	FS_CHECK_EQ(SYS(1, sv[0], L("x"), 1, 0, 0), -EPIPE);
	FS_CHECK_EQ(fake_last_signal.sig, SIGPIPE);
	FS_CHECK_EQ(SYS(45, sv[0], L(buf), 1, MSG_DONTWAIT, 0), -EAGAIN);
	FS_CHECK_EQ(SYS(48, p[0], SHUT_RD, 0, 0, 0), -ENOTSOCK);
	FS_CHECK_EQ(SYS(48, sv[0], 3, 0, 0, 0), -EINVAL);
	FS_CHECK_EQ(SYS(53, 2 /* AF_INET */, SOCK_STREAM, 0, L(sv), 0), -EAFNOSUPPORT);
	FS_CHECK_EQ(SYS(53, AF_UNIX, SOCK_DGRAM, 0, L(sv), 0), -ESOCKTNOSUPPORT);
	FS_CHECK_EQ(SYS(53, AF_UNIX, SOCK_STREAM, 0, L(FAKE_BAD_UPTR), 0), -EFAULT);
	FS_CHECK_EQ(SYS(41, AF_UNIX, SOCK_STREAM, 0, 0, 0), -EAFNOSUPPORT);

	/* poll: ready, POLLNVAL, negative fd, bad pointer, too many */
	FS_CHECK_EQ(SYS(1, p[1], L("d"), 1, 0, 0), 1);
	struct pollfd_k pf[4] = { { p[0], POLLIN, 0 }, { 99, POLLIN, 0 },
	                          { -5, POLLIN, 0 }, { sv[1], POLLOUT, 0 } };
	FS_CHECK_EQ(SYS(7, L(pf), 4, 0, 0, 0), 3);
	FS_CHECK_EQ(pf[0].revents, POLLIN);
	FS_CHECK_EQ(pf[1].revents, POLLNVAL);
	FS_CHECK_EQ(pf[2].revents, 0);
	/* sv[1] reads EOF now (POLLIN was not asked for) and may write:
	 * POLLOUT, and no POLLHUP while one direction is open. */
	FS_CHECK_EQ(pf[3].revents, POLLOUT);
	FS_CHECK_EQ(SYS(7, L(FAKE_BAD_UPTR), 1, 0, 0, 0), -EFAULT);
	FS_CHECK_EQ(SYS(7, L(pf), FILES_MAX + 1, 0, 0, 0), -EINVAL);
	/* ppoll: time-out checks, sigmask size */
	int64_t ts[2] = { 0, 1000000000 };
	FS_CHECK_EQ(SYS(271, L(pf), 1, L(ts), 0, 0), -EINVAL);
	ts[1] = 0;
	uint64_t mask = 0;
	FS_CHECK_EQ(SYS(271, L(pf), 1, L(ts), L(&mask), 4), -EINVAL);
	FS_CHECK_EQ(SYS(271, L(pf), 1, L(ts), L(&mask), 8), 1);
	/* a time-out that runs out, with the time left written back */
	pf[0].fd = sv[0];
	ts[0] = 0;
	ts[1] = 30 * 1000 * 1000;
	FS_CHECK_EQ(SYS(271, L(pf), 1, L(ts), 0, 0), 0);
	FS_CHECK(ts[0] == 0 && ts[1] == 0);

	/* select: sets in and out, EBADF, time-out */
	uint64_t rd[4] = { 0 }, wr[4] = { 0 };
	rd[0] = 1ull << p[0] | 1ull << sv[0];
	wr[0] = 1ull << p[1];
	int64_t tv[2] = { 0, 0 };
	FS_CHECK_EQ(SYS(23, 64, L(rd), L(wr), 0, L(tv)), 2);
	FS_CHECK_EQ(rd[0], 1ull << p[0]);
	FS_CHECK_EQ(wr[0], 1ull << p[1]);
	rd[0] = 1ull << 60;
	FS_CHECK_EQ(SYS(23, 64, L(rd), 0, 0, L(tv)), -EBADF);
	FS_CHECK_EQ(SYS(23, -1, 0, 0, 0, L(tv)), -EINVAL);
	tv[1] = -1;
	FS_CHECK_EQ(SYS(23, 1, 0, 0, 0, L(tv)), -EINVAL);
	tv[1] = 2500000;            /* 2.5 s in usec: Linux carries it over */
	rd[0] = 1ull << p[0];
	FS_CHECK_EQ(SYS(23, 64, L(rd), 0, 0, L(tv)), 1);
	FS_CHECK(tv[0] == 2 && tv[1] == 500000);   /* no time passed */
	stop_being_process();
}

static void test_syscalls(void **state)
{
	(void)state;
	fs_run_vfs(body_syscalls, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_watchers),
		cmocka_unit_test(test_woken_by_write),
		cmocka_unit_test(test_woken_by_close),
		cmocka_unit_test(test_woken_by_socket),
		cmocka_unit_test(test_interrupted_by_signal),
		cmocka_unit_test(test_deadline),
		cmocka_unit_test(test_no_lost_wakeup_under_storm),
		cmocka_unit_test(test_console),
		cmocka_unit_test(test_syscalls),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
