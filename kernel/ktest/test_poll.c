/*
 * In-kernel tests of poll (boot with test=poll), with the real timer and
 * real interrupts: a poller woken by another thread's write, a deadline
 * that never ends early, a signal that ends the wait, and an event loop
 * that moves 256 KiB over a socketpair with non-blocking reads, sleeping
 * in poll whenever the socket is empty. The fine-grained and
 * interleaving cases run on the host (tests/unit/test_fs_poll.c).
 */
#include <kernel/ktest/ktest.h>

#include <kernel/arch.h>
#include <kernel/errno.h>
#include <kernel/fs/poll.h>
#include <kernel/fs/vfs.h>
#include <kernel/ipc/pipe.h>
#include <kernel/ipc/socketpair.h>
#include <kernel/lib/string.h>
#include <kernel/sched/sched.h>
#include <kernel/sched/thread.h>

static struct file *rd, *wr;
static long poll_result;
static unsigned poll_revents;

static void poll_pipe(void *arg)
{
	(void)arg;
	struct poll_item it;
	memset(&it, 0, sizeof it);
	it.f = rd;
	it.events = POLLIN | POLLERR | POLLHUP;
	poll_result = poll_files(&it, 1, POLL_FOREVER);
	poll_revents = it.revents;
}

KTEST(poll, woken_by_write)
{
	KASSERT_T_EQ(pipe_create(&rd, &wr, 0), 0);
	poll_result = -1;
	struct thread *t = kthread_create("poller", poll_pipe, NULL);
	KASSERT_T(t != NULL);
	thread_sleep_ms(5);         /* the poller is most likely asleep now */
	KEXPECT_EQ(vfs_write(wr, "x", 1), 1);
	KEXPECT_EQ(kthread_join(t, NULL), 0);
	KEXPECT_EQ(poll_result, 1);
	KEXPECT_EQ(poll_revents, POLLIN);
	file_put(rd);
	file_put(wr);
}

KTEST(poll, deadline_never_early)
{
	KASSERT_T_EQ(pipe_create(&rd, &wr, 0), 0);
	struct poll_item it;
	memset(&it, 0, sizeof it);
	it.f = rd;
	it.events = POLLIN;
	uint64_t deadline = arch_clock_ns() + 20 * 1000 * 1000;
	KEXPECT_EQ(poll_files(&it, 1, deadline), 0);
	KEXPECT(arch_clock_ns() >= deadline);
	KEXPECT_EQ(poll_files(&it, 1, 0), 0);
	file_put(rd);
	file_put(wr);
}

KTEST(poll, signal_ends_wait)
{
	KASSERT_T_EQ(pipe_create(&rd, &wr, 0), 0);
	poll_result = 0;
	struct thread *t = kthread_create("poller", poll_pipe, NULL);
	KASSERT_T(t != NULL);
	thread_sleep_ms(5);
	sched_interrupt(t);         /* what a fatal signal does */
	KEXPECT_EQ(kthread_join(t, NULL), 0);
	KEXPECT_EQ(poll_result, -EINTR);
	file_put(rd);
	file_put(wr);
}

/* ---- an event loop over a socketpair ---- */

enum { TOTAL = 256 * 1024 };

static struct file *sa, *sb;
static long received, bad_bytes, sleeps;

static void sender(void *arg)
{
	(void)arg;
	static char buf[3000];
	for (long sent = 0; sent < TOTAL;) {
		long chunk = TOTAL - sent < 3000 ? TOTAL - sent : 3000;
		for (long k = 0; k < chunk; k++)
			buf[k] = (char)((sent + k) % 253);
		long n = vfs_write(sa, buf, (size_t)chunk);
		if (n <= 0)
			break;
		sent += n;
	}
	file_put(sa);               /* EOF (POLLHUP) for the loop */
	sa = NULL;
}

KTEST(poll, event_loop_over_socketpair)
{
	static char buf[1000];
	received = bad_bytes = sleeps = 0;
	KASSERT_T_EQ(socketpair_create(&sa, &sb, O_NONBLOCK), 0);
	sa->flags &= ~O_NONBLOCK;   /* the sender blocks; the loop doesn't */
	struct thread *t = kthread_create("sender", sender, NULL);
	KASSERT_T(t != NULL);
	for (;;) {
		long n = vfs_read(sb, buf, sizeof buf);
		if (n > 0) {
			for (long k = 0; k < n; k++)
				bad_bytes += buf[k] != (char)((received + k) % 253);
			received += n;
			continue;
		}
		if (n == 0)
			break;              /* EOF */
		KASSERT_T_EQ(n, -EAGAIN);
		struct poll_item it;
		memset(&it, 0, sizeof it);
		it.f = sb;
		it.events = POLLIN | POLLERR | POLLHUP;
		KASSERT_T_EQ(poll_files(&it, 1, POLL_FOREVER), 1);
		sleeps++;
	}
	KEXPECT_EQ(kthread_join(t, NULL), 0);
	KEXPECT_EQ(received, TOTAL);
	KEXPECT_EQ(bad_bytes, 0);
	KEXPECT(sleeps > 0);
	file_put(sb);
}
