/*
 * In-kernel tests of the deadlock report (boot with test=deadlock): two
 * kernel threads take two mutexes in opposite order and deadlock for
 * real; the kernel reports the cycle once, naming both threads and both
 * locks. One of them waits with mutex_lock_timeout, gives up, and so
 * lets the other finish: the test ends and the kernel stays usable.
 * Taking the mutexes in one order never deadlocks and reports nothing.
 *
 * No test depends on how fast anything runs: the threads meet through
 * flags and the wait-for graph itself (thread_waiting_mutex), and a
 * deadline only ends a wait that is known to be stuck.
 */
#include <kernel/ktest/ktest.h>

#include <stddef.h>
#include <stdint.h>

#include <kernel/arch.h>
#include <kernel/lib/string.h>
#include <kernel/printk.h>
#include <kernel/sched/errno.h>
#include <kernel/sched/thread.h>
#include <kernel/sync/deadlock.h>
#include <kernel/sync/mutex.h>

#define MS 1000000ull

static bool contains(const char *s, const char *part)
{
	size_t n = strlen(part);
	for (; *s; s++)
		if (strncmp(s, part, n) == 0)
			return true;
	return false;
}

/* Sleep 1 ms at a time until *flag, for at most about a minute (a
 * broken kernel fails the test instead of hanging it). */
static bool wait_for(volatile int *flag)
{
	for (int i = 0; i < 60000 && !*flag; i++)
		thread_sleep_ms(1);
	return *flag;
}

static bool wait_until_waiting(struct thread *t, struct mutex *m)
{
	for (int i = 0; i < 60000 && thread_waiting_mutex(t) != m; i++)
		thread_sleep_ms(1);
	return thread_waiting_mutex(t) == m;
}

/* ---- two threads, two locks, opposite order ---- */

static struct mutex lock1, lock2;
static struct thread *worker_a_thread;
static volatile int a_has_lock1, b_has_lock2;
static int ret_a, ret_b;

/* A: lock 1, then lock 2. Its deadline (a minute) is only a safety net:
 * B gives up long before, and A then gets lock 2. */
static void worker_a(void *arg)
{
	(void)arg;
	mutex_lock(&lock1);
	a_has_lock1 = 1;
	if (!wait_for(&b_has_lock2)) {
		ret_a = -1;
	} else {
		ret_a = mutex_lock_timeout(&lock2, arch_clock_ns() + 60000 * MS);
		if (ret_a == 0)
			mutex_unlock(&lock2);
	}
	mutex_unlock(&lock1);
}

/* B: lock 2, then -- once A sleeps on lock 2 -- lock 1: this wait closes
 * the cycle. B gives up after 100 ms and releases lock 2. */
static void worker_b(void *arg)
{
	(void)arg;
	mutex_lock(&lock2);
	b_has_lock2 = 1;
	if (!wait_for(&a_has_lock1) || !wait_until_waiting(worker_a_thread, &lock2)) {
		ret_b = -1;
	} else {
		ret_b = mutex_lock_timeout(&lock1, arch_clock_ns() + 100 * MS);
		if (ret_b == 0)
			mutex_unlock(&lock1);
	}
	mutex_unlock(&lock2);
}

KTEST(deadlock, opposite_order_is_reported_once)
{
	static char report[2048];
	char line[160];
	unsigned long before = mutex_deadlocks_reported;

	mutex_init(&lock1, "ktest-lock-1");
	mutex_init(&lock2, "ktest-lock-2");
	a_has_lock1 = b_has_lock2 = 0;
	ret_a = ret_b = 1;
	struct thread *a = kthread_create("dl-worker-a", worker_a, NULL);
	KASSERT_T(a != NULL);
	worker_a_thread = a;
	struct thread *b = kthread_create("dl-worker-b", worker_b, NULL);
	KASSERT_T(b != NULL);
	int ta = a->tid, tb = b->tid;
	KEXPECT_EQ(kthread_join(b, NULL), 0);
	KEXPECT_EQ(kthread_join(a, NULL), 0);

	KEXPECT_EQ(ret_b, -ETIMEDOUT);      /* B gave up ... */
	KEXPECT_EQ(ret_a, 0);               /* ... so A got lock 2 */
	KEXPECT(mutex_owner(&lock1) == NULL);
	KEXPECT(mutex_owner(&lock2) == NULL);
	KEXPECT_EQ(mutex_deadlocks_reported, before + 1);

	/* B closed the cycle, so the report starts with B's wait. */
	mutex_deadlock_last_report(report, sizeof report);
	KEXPECT(contains(report, "DEADLOCK: 2 threads wait"));
	snprintk(line, sizeof line, "thread %d (dl-worker-b) waits for mutex "
	         "\"ktest-lock-1\" held by thread %d (dl-worker-a)\n", tb, ta);
	KEXPECT(contains(report, line));
	snprintk(line, sizeof line, "thread %d (dl-worker-a) waits for mutex "
	         "\"ktest-lock-2\" held by thread %d (dl-worker-b)\n", ta, tb);
	KEXPECT(contains(report, line));
}

/* ---- the same two locks, always taken in the same order ---- */

enum { ORDERED_THREADS = 4, ORDERED_ROUNDS = 200 };
static long ordered_count;

static void ordered_worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < ORDERED_ROUNDS; i++) {
		mutex_lock(&lock1);
		thread_yield();         /* invite the others to contend */
		mutex_lock(&lock2);
		ordered_count++;
		mutex_unlock(&lock2);
		mutex_unlock(&lock1);
	}
}

KTEST(deadlock, one_order_never_deadlocks)
{
	struct thread *t[ORDERED_THREADS];
	unsigned long before = mutex_deadlocks_reported;

	mutex_init(&lock1, "ktest-lock-1");
	mutex_init(&lock2, "ktest-lock-2");
	ordered_count = 0;
	for (int i = 0; i < ORDERED_THREADS; i++) {
		t[i] = kthread_create("dl-ordered", ordered_worker, NULL);
		KASSERT_T(t[i] != NULL);
	}
	for (int i = 0; i < ORDERED_THREADS; i++)
		KEXPECT_EQ(kthread_join(t[i], NULL), 0);
	KEXPECT_EQ(ordered_count, ORDERED_THREADS * ORDERED_ROUNDS);
	KEXPECT_EQ(mutex_deadlocks_reported, before);
}

/* ---- what a waiter shows, and a plain time-out ---- */

static struct mutex held;
static int waiter_ret;

static void plain_waiter(void *arg)
{
	(void)arg;
	waiter_ret = mutex_lock(&held);
	mutex_unlock(&held);
}

KTEST(deadlock, waiter_shows_what_it_waits_for)
{
	char buf[64], want[64];

	mutex_init(&held, "ktest-held");
	mutex_lock(&held);
	waiter_ret = 1;
	struct thread *w = kthread_create("dl-waiter", plain_waiter, NULL);
	KASSERT_T(w != NULL);
	KASSERT_T(wait_until_waiting(w, &held));
	/* What /proc/<pid>/task/<tid>/wchan shows for a user thread. */
	KEXPECT(mutex_wait_describe(w, buf, sizeof buf));
	snprintk(want, sizeof want, "mutex ktest-held (held by %d)",
	         thread_current()->tid);
	KEXPECT(strcmp(buf, want) == 0);
	KEXPECT(w->wait_reason && strcmp(w->wait_reason, "ktest-held") == 0);
	/* Not waiting: nothing to describe. */
	KEXPECT(!mutex_wait_describe(thread_current(), buf, sizeof buf));
	mutex_unlock(&held);
	KEXPECT_EQ(kthread_join(w, NULL), 0);
	KEXPECT_EQ(waiter_ret, 0);
	KEXPECT(mutex_owner(&held) == NULL);
}

static void timed_waiter(void *arg)
{
	(void)arg;
	waiter_ret = mutex_lock_timeout(&held, arch_clock_ns() + 20 * MS);
	if (waiter_ret == 0)
		mutex_unlock(&held);
}

KTEST(deadlock, lock_timeout_gives_up)
{
	mutex_init(&held, "ktest-held");
	/* Free: taken at once. */
	KEXPECT_EQ(mutex_lock_timeout(&held, arch_clock_ns() + 20 * MS), 0);
	/* Held by us: another thread gives up at its deadline. */
	waiter_ret = 1;
	struct thread *w = kthread_create("dl-timed", timed_waiter, NULL);
	KASSERT_T(w != NULL);
	KEXPECT_EQ(kthread_join(w, NULL), 0);
	KEXPECT_EQ(waiter_ret, -ETIMEDOUT);
	KEXPECT(mutex_owner(&held) == thread_current());    /* still ours */
	KEXPECT_EQ(mutex_unlock(&held), 0);
}
