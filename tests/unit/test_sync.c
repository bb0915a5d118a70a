/*
 * Host tests of kernel synchronisation: spinlocks, wait queues, mutexes
 * (ownership, hand-off, recursion, the non-owner error, time-outs, the
 * deadlock report), semaphores and condition variables, including that no
 * wake-up is ever lost.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <kernel/arch.h>
#include <kernel/cpu.h>
#include <kernel/sched/errno.h>
#include <kernel/sched/sched.h>
#include <kernel/sched/thread.h>
#include <kernel/sync/condvar.h>
#include <kernel/sync/deadlock.h>
#include <kernel/sync/mutex.h>
#include <kernel/sync/semaphore.h>
#include <kernel/sync/spinlock.h>
#include <kernel/sync/waitqueue.h>

#include "fake.h"

static int teardown(void **state)
{
	(void)state;
	fake_reap_zombies();
	assert_int_equal(sched_thread_count(), cpus[0].idle ? 1 : 0);
	assert_int_equal(fake_heap_live(), 0);
	return 0;
}

/* ---- spinlocks ---- */

static void test_spinlock_irqsave_and_trylock(void **state)
{
	(void)state;
	struct spinlock l;
	fake_reset("rr", 10, 1000);
	spin_init(&l, "test");

	arch_irq_enable();
	unsigned long flags = spin_lock_irqsave(&l);
	assert_false(arch_irq_enabled());
	assert_true(spin_held(&l));
	assert_false(spin_trylock(&l));        /* held: refused, no spin */
	spin_unlock_irqrestore(&l, flags);
	assert_true(arch_irq_enabled());       /* put back as it was */
	assert_false(spin_held(&l));

	arch_irq_disable();
	flags = spin_lock_irqsave(&l);
	spin_unlock_irqrestore(&l, flags);
	assert_false(arch_irq_enabled());      /* still off: it was off */

	assert_true(spin_trylock(&l));
	assert_true(spin_held(&l));
	spin_unlock(&l);
	assert_int_equal(l.next_ticket, 3);    /* three tickets served */
	assert_int_equal(l.now_serving, 3);
}

/* ---- wait queues ---- */

static struct wait_queue wq;
static int wq_woken;

static void wq_waiter(void *arg)
{
	(void)arg;
	unsigned long flags = spin_lock_irqsave(&wq.lock);
	wait_queue_wait_locked(&wq);
	wq_woken++;
	spin_unlock_irqrestore(&wq.lock, flags);
}

static void test_wait_queue_wake_one_and_all(void **state)
{
	(void)state;
	wq_woken = 0;
	fake_reset("rr", 10, 1000);
	wait_queue_init(&wq, "wq");
	assert_null(wait_queue_wake_one(&wq));
	struct thread *t[3];
	for (int i = 0; i < 3; i++)
		t[i] = kthread_create("waiter", wq_waiter, NULL);
	fake_run_until_idle();
	assert_int_equal(wq_woken, 0);

	assert_ptr_equal(wait_queue_wake_one(&wq), t[0]);   /* FIFO */
	fake_run_until_idle();
	assert_int_equal(wq_woken, 1);
	assert_int_equal(t[1]->state, THREAD_BLOCKED);

	assert_int_equal(wait_queue_wake_all(&wq), 2);
	fake_run_until_idle();
	assert_int_equal(wq_woken, 3);
	assert_int_equal(wait_queue_wake_all(&wq), 0);
}

/* ---- mutex: mutual exclusion under preemption ---- */

#define MX_THREADS 4
#define MX_ROUNDS 50

static struct mutex mx;
static long counter;
static int inside, max_inside;

static void mx_worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < MX_ROUNDS; i++) {
		mutex_lock(&mx);
		if (++inside > max_inside)
			max_inside = inside;
		long v = counter;
		fake_advance_ticks(1);          /* preempted inside, often */
		thread_yield();
		counter = v + 1;
		inside--;
		mutex_unlock(&mx);
		fake_advance_ticks(i % 3);
	}
}

static void run_mutex_exclusion(unsigned storm)
{
	counter = 0;
	inside = max_inside = 0;
	fake_reset("rr", 2, 1000);              /* 2-tick quantum */
	fake_set_preempt_storm(storm);
	mutex_init(&mx, "mx");
	struct thread *t[MX_THREADS];
	for (int i = 0; i < MX_THREADS; i++)
		t[i] = kthread_create("mx", mx_worker, NULL);
	fake_run_until_idle();
	assert_int_equal(counter, MX_THREADS * MX_ROUNDS);
	assert_int_equal(max_inside, 1);
	assert_null(mutex_owner(&mx));
	long blocked = 0;
	for (int i = 0; i < MX_THREADS; i++)
		blocked += t[i]->switches_voluntary;
	assert_true(blocked > MX_THREADS);     /* there was contention */
	assert_int_equal(fake_bug_count(), 0);
	assert_int_equal(fake_reap_zombies(), MX_THREADS);
}

static void test_mutex_exclusion(void **state)
{
	(void)state;
	run_mutex_exclusion(0);
}

static void test_mutex_exclusion_storm(void **state)
{
	(void)state;
	for (unsigned seed = 1; seed <= 10; seed++)
		run_mutex_exclusion(seed);
}

/* ---- mutex: owner, hand-off order, the non-owner error ---- */

static char order[16];
static int order_len;
static struct thread *owner_after_unlock;
static int nonowner_ret, unlocked_ret, relock_ret, steal_ret;

static void mx_contender(void *arg)
{
	mutex_lock(&mx);
	order[order_len++] = (char)(intptr_t)arg;
	mutex_unlock(&mx);
}

static void mx_holder(void *arg)
{
	(void)arg;
	mutex_lock(&mx);
	order[order_len++] = 'H';
	fake_advance_ticks(5);                  /* B, C, D queue up meanwhile */
	mutex_unlock(&mx);
	/* Handed off: B owns it before B even runs. */
	owner_after_unlock = mutex_owner(&mx);
	/* A thread that does not own it cannot steal it back. */
	steal_ret = mutex_trylock(&mx);
}

static void test_mutex_handoff_fifo(void **state)
{
	(void)state;
	memset(order, 0, sizeof order);
	order_len = 0;
	fake_reset("rr", 1, 1000);
	mutex_init(&mx, "mx");
	kthread_create("H", mx_holder, NULL);
	struct thread *b = kthread_create("B", mx_contender, (void *)'B');
	kthread_create("C", mx_contender, (void *)'C');
	kthread_create("D", mx_contender, (void *)'D');
	fake_run_until_idle();
	assert_string_equal(order, "HBCD");
	assert_ptr_equal(owner_after_unlock, b);
	assert_int_equal(steal_ret, -EAGAIN);
	assert_null(mutex_owner(&mx));
}

static void mx_lock_and_sleep(void *arg)
{
	(void)arg;
	mutex_lock(&mx);
	thread_sleep_ticks(10);
	mutex_unlock(&mx);
}

static void mx_wrong_unlocker(void *arg)
{
	(void)arg;
	thread_sleep_ticks(2);                  /* the other one owns it now */
	nonowner_ret = mutex_unlock(&mx);
	thread_sleep_ticks(20);                 /* now nobody owns it */
	unlocked_ret = mutex_unlock(&mx);
	mutex_lock(&mx);
	relock_ret = mutex_lock(&mx);           /* a plain mutex: self-deadlock */
	mutex_unlock(&mx);
}

static void test_mutex_nonowner_unlock_is_a_bug(void **state)
{
	(void)state;
	nonowner_ret = unlocked_ret = relock_ret = 0;
	fake_reset("rr", 10, 1000);
	mutex_init(&mx, "mx-owned");
	struct thread *owner = kthread_create("owner", mx_lock_and_sleep, NULL);
	kthread_create("thief", mx_wrong_unlocker, NULL);
	(void)owner;
	fake_run_until_idle();

	assert_int_equal(nonowner_ret, -EPERM);
	assert_int_equal(unlocked_ret, -EPERM);
	assert_int_equal(relock_ret, -EDEADLK);
	assert_int_equal(fake_bug_count(), 3);
	assert_true(fake_console_contains("BUG: mutex mx-owned: unlocked by thread"));
	assert_null(mutex_owner(&mx));          /* the owner's unlock still worked */
}

/* ---- recursive mutex ---- */

static struct mutex rmx;
static unsigned depths[4];
static int other_try;
static struct thread *owner_seen;

static void rmx_other(void *arg)
{
	(void)arg;
	other_try = mutex_trylock(&rmx);        /* held 3 deep by the first */
	mutex_lock(&rmx);                       /* waits for all 3 unlocks */
	owner_seen = mutex_owner(&rmx);
	depths[3] = mutex_depth(&rmx);
	mutex_unlock(&rmx);
}

static void rmx_owner(void *arg)
{
	(void)arg;
	for (int i = 0; i < 3; i++)
		mutex_lock(&rmx);
	depths[0] = mutex_depth(&rmx);
	thread_yield();                         /* let the other one try */
	mutex_unlock(&rmx);
	depths[1] = mutex_depth(&rmx);
	mutex_unlock(&rmx);
	thread_yield();                         /* still ours, depth 1 */
	depths[2] = mutex_depth(&rmx);
	mutex_unlock(&rmx);
}

static void test_recursive_mutex_counts(void **state)
{
	(void)state;
	memset(depths, 0, sizeof depths);
	fake_reset("rr", 10, 1000);
	mutex_init_recursive(&rmx, "rmx");
	kthread_create("owner", rmx_owner, NULL);
	struct thread *other = kthread_create("other", rmx_other, NULL);
	fake_run_until_idle();
	assert_int_equal(depths[0], 3);
	assert_int_equal(depths[1], 2);
	assert_int_equal(depths[2], 1);
	assert_int_equal(other_try, -EAGAIN);
	assert_ptr_equal(owner_seen, other);
	assert_int_equal(depths[3], 1);
	assert_null(mutex_owner(&rmx));
	assert_int_equal(fake_bug_count(), 0);
}

/* ---- mutex_lock_timeout ---- */

static int to_ret[3];
static uint64_t to_tick[3];

static void to_holder(void *arg)
{
	(void)arg;
	mutex_lock(&mx);
	thread_sleep_ticks(30);
	mutex_unlock(&mx);
}

/* Gives up at tick 1 + 10, while the holder still has it. */
static void to_gives_up(void *arg)
{
	(void)arg;
	thread_sleep_ticks(1);
	to_ret[0] = mutex_lock_timeout(&mx, fake_now_ns() + 10 * fake_tick_ns());
	to_tick[0] = fake_now_ticks();
	/* A deadline already past: refused at once, without sleeping. */
	to_ret[2] = mutex_lock_timeout(&mx, fake_now_ns());
	to_tick[2] = fake_now_ticks();
}

/* Waits long enough: handed the mutex at the holder's unlock. */
static void to_gets_it(void *arg)
{
	(void)arg;
	thread_sleep_ticks(1);
	to_ret[1] = mutex_lock_timeout(&mx, fake_now_ns() + 100 * fake_tick_ns());
	to_tick[1] = fake_now_ticks();
	if (to_ret[1] == 0)
		mutex_unlock(&mx);
}

static void test_mutex_lock_timeout(void **state)
{
	(void)state;
	unsigned long reported = mutex_deadlocks_reported;
	fake_reset("rr", 10, 1000);
	mutex_init(&mx, "mx-timed");
	kthread_create("holder", to_holder, NULL);
	struct thread *g = kthread_create("gives-up", to_gives_up, NULL);
	struct thread *w = kthread_create("gets-it", to_gets_it, NULL);
	fake_run_until_idle();
	assert_int_equal(to_ret[0], -ETIMEDOUT);
	assert_true(to_tick[0] >= 11);          /* not before the deadline */
	assert_true(to_tick[0] < 30);           /* and before the unlock */
	assert_int_equal(to_ret[2], -ETIMEDOUT);
	assert_int_equal(to_tick[2], to_tick[0]);
	assert_int_equal(to_ret[1], 0);
	assert_true(to_tick[1] >= 30);
	assert_null(mutex_owner(&mx));
	assert_null(thread_waiting_mutex(g));   /* nobody left in the graph */
	assert_null(thread_waiting_mutex(w));
	assert_int_equal(mutex_deadlocks_reported, reported);
	assert_int_equal(fake_bug_count(), 0);
	assert_false(fake_console_contains("DEADLOCK"));
}

/* ---- the deadlock report ---- */

static struct mutex lock_a, lock_b, lock_c;
static struct thread *dl_t[4];
static volatile int dl_holding;
static int dl_ret[4];
static char seen_a[64], seen_b[64], seen_report[1024];
static unsigned long seen_count;

/* A: takes lock-a, then waits (plainly, no time-out) for lock-b. */
static void worker_a(void *arg)
{
	(void)arg;
	mutex_lock(&lock_a);
	dl_holding++;
	while (dl_holding < 2)
		thread_yield();
	dl_ret[0] = mutex_lock(&lock_b);
	mutex_unlock(&lock_b);
	mutex_unlock(&lock_a);
}

/* B: takes lock-b, then -- once A sleeps on lock-b -- waits for lock-a,
 * closing the cycle, but gives up after 50 ticks and lets A go on. */
static void worker_b(void *arg)
{
	(void)arg;
	mutex_lock(&lock_b);
	dl_holding++;
	while (thread_waiting_mutex(dl_t[0]) != &lock_b)
		thread_yield();
	dl_ret[1] = mutex_lock_timeout(&lock_a, fake_now_ns() + 50 * fake_tick_ns());
	if (dl_ret[1] == 0)
		mutex_unlock(&lock_a);
	mutex_unlock(&lock_b);
}

/* Looks while both sleep: what /proc's wchan would show. */
static void observer(void *arg)
{
	(void)arg;
	thread_sleep_ticks(10);
	if (!mutex_wait_describe(dl_t[0], seen_a, sizeof seen_a))
		strcpy(seen_a, "(not waiting)");
	if (!mutex_wait_describe(dl_t[1], seen_b, sizeof seen_b))
		strcpy(seen_b, "(not waiting)");
	mutex_deadlock_last_report(seen_report, sizeof seen_report);
	seen_count = mutex_deadlocks_reported;
}

static void test_deadlock_two_threads_reported_once(void **state)
{
	(void)state;
	char want[400];
	unsigned long before = mutex_deadlocks_reported;
	dl_holding = 0;
	fake_reset("rr", 10, 1000);
	mutex_init(&lock_a, "lock-a");
	mutex_init(&lock_b, "lock-b");
	dl_t[0] = kthread_create("worker-a", worker_a, NULL);
	dl_t[1] = kthread_create("worker-b", worker_b, NULL);
	kthread_create("observer", observer, NULL);
	int ta = dl_t[0]->tid, tb = dl_t[1]->tid;
	fake_run_until_idle();

	/* B's wait closed the cycle: one report, naming both threads and
	 * both locks, B's edge first. */
	assert_int_equal(seen_count, before + 1);
	assert_int_equal(mutex_deadlocks_reported, before + 1);
	snprintf(want, sizeof want, "DEADLOCK:   thread %d (worker-b) waits for "
	         "mutex \"lock-a\" held by thread %d (worker-a)\n", tb, ta);
	assert_true(fake_console_contains(want));
	assert_non_null(strstr(seen_report, want));
	snprintf(want, sizeof want, "DEADLOCK:   thread %d (worker-a) waits for "
	         "mutex \"lock-b\" held by thread %d (worker-b)\n", ta, tb);
	assert_true(fake_console_contains(want));
	assert_non_null(strstr(seen_report, want));
	assert_true(fake_console_contains("DEADLOCK: 2 threads wait"));
	/* Once: the header appears a single time. */
	const char *first = strstr(fake_console(), "DEADLOCK: 2 threads");
	assert_null(strstr(first + 1, "DEADLOCK: 2 threads"));

	/* What each waited for, while they were stuck. */
	snprintf(want, sizeof want, "mutex lock-b (held by %d)", tb);
	assert_string_equal(seen_a, want);
	snprintf(want, sizeof want, "mutex lock-a (held by %d)", ta);
	assert_string_equal(seen_b, want);

	/* B gave up, so A got lock-b and both finished. */
	assert_int_equal(dl_ret[1], -ETIMEDOUT);
	assert_int_equal(dl_ret[0], 0);
	assert_null(mutex_owner(&lock_a));
	assert_null(mutex_owner(&lock_b));
	assert_int_equal(fake_bug_count(), 0);
	assert_int_equal(fake_reap_zombies(), 3);
}

/*
 * Three threads in a ring (1 waits for 2's lock, 2 for 3's, 3 for 1's),
 * and a fourth that then waits for a lock held inside the ring: one
 * report of three lines; the latecomer follows the chain into the ring,
 * never gets back to itself and reports nothing.
 */
static struct mutex *ring[3] = { &lock_a, &lock_b, &lock_c };

static void ring_member(void *arg)
{
	int k = (int)(intptr_t)arg;
	mutex_lock(ring[k]);
	dl_holding++;
	while (dl_holding < 3)
		thread_yield();
	/* Wait in order: 0 first, then 1 once 0 sleeps, then 2. */
	if (k > 0)
		while (thread_waiting_mutex(dl_t[k - 1]) != ring[k])
			thread_yield();
	struct mutex *want = ring[(k + 1) % 3];
	if (k == 2)
		dl_ret[k] = mutex_lock_timeout(want, fake_now_ns() + 50 * fake_tick_ns());
	else
		dl_ret[k] = mutex_lock(want);
	if (dl_ret[k] == 0)
		mutex_unlock(want);
	mutex_unlock(ring[k]);
}

static void latecomer(void *arg)
{
	(void)arg;
	while (thread_waiting_mutex(dl_t[2]) != &lock_a)
		thread_yield();
	dl_ret[3] = mutex_lock(&lock_b);
	mutex_unlock(&lock_b);
}

static void test_deadlock_ring_of_three(void **state)
{
	(void)state;
	char want[400];
	unsigned long before = mutex_deadlocks_reported;
	dl_holding = 0;
	fake_reset("rr", 10, 1000);
	mutex_init(&lock_a, "lock-a");
	mutex_init(&lock_b, "lock-b");
	mutex_init(&lock_c, "lock-c");
	for (int k = 0; k < 3; k++)
		dl_t[k] = kthread_create("ring", ring_member, (void *)(intptr_t)k);
	dl_t[3] = kthread_create("latecomer", latecomer, NULL);
	int tid[3];
	for (int k = 0; k < 3; k++)
		tid[k] = dl_t[k]->tid;
	fake_run_until_idle();

	assert_int_equal(mutex_deadlocks_reported, before + 1);
	assert_true(fake_console_contains("DEADLOCK: 3 threads wait"));
	/* From the thread that closed it (2), around the ring. */
	snprintf(want, sizeof want,
	         "DEADLOCK:   thread %d (ring) waits for mutex \"lock-a\" held by thread %d (ring)\n"
	         "DEADLOCK:   thread %d (ring) waits for mutex \"lock-b\" held by thread %d (ring)\n"
	         "DEADLOCK:   thread %d (ring) waits for mutex \"lock-c\" held by thread %d (ring)\n",
	         tid[2], tid[0], tid[0], tid[1], tid[1], tid[2]);
	assert_true(fake_console_contains(want));
	assert_false(fake_console_contains("latecomer"));
	assert_int_equal(dl_ret[2], -ETIMEDOUT);
	assert_int_equal(dl_ret[0], 0);
	assert_int_equal(dl_ret[1], 0);
	assert_int_equal(dl_ret[3], 0);
	for (int k = 0; k < 3; k++)
		assert_null(mutex_owner(ring[k]));
	assert_int_equal(fake_bug_count(), 0);
	assert_int_equal(fake_reap_zombies(), 4);
}

/*
 * The fix the lesson teaches: both threads take lock-a, then lock-b.
 * They contend (and are preempted while holding one) but never form a
 * cycle: no report, and both finish.
 */
static int ordered_rounds[2];

static void ordered_worker(void *arg)
{
	int me = (int)(intptr_t)arg;
	for (int i = 0; i < 20; i++) {
		mutex_lock(&lock_a);
		fake_advance_ticks(1);
		thread_yield();
		mutex_lock(&lock_b);
		fake_advance_ticks((unsigned)(i % 2));
		ordered_rounds[me]++;
		mutex_unlock(&lock_b);
		mutex_unlock(&lock_a);
		thread_yield();
	}
}

static void run_lock_ordering(unsigned storm)
{
	unsigned long before = mutex_deadlocks_reported;
	ordered_rounds[0] = ordered_rounds[1] = 0;
	fake_reset("rr", 1, 1000);
	fake_set_preempt_storm(storm);
	mutex_init(&lock_a, "lock-a");
	mutex_init(&lock_b, "lock-b");
	struct thread *a = kthread_create("ordered", ordered_worker, (void *)0);
	struct thread *b = kthread_create("ordered", ordered_worker, (void *)1);
	fake_run_until_idle();
	assert_int_equal(ordered_rounds[0], 20);
	assert_int_equal(ordered_rounds[1], 20);
	assert_true(a->switches_voluntary + b->switches_voluntary > 2);
	assert_int_equal(mutex_deadlocks_reported, before);
	assert_false(fake_console_contains("DEADLOCK"));
	assert_int_equal(fake_reap_zombies(), 2);
}

static void test_lock_ordering_avoids_deadlock(void **state)
{
	(void)state;
	run_lock_ordering(0);
	for (unsigned seed = 1; seed <= 10; seed++)
		run_lock_ordering(seed);
}

/* ---- semaphores ---- */

static struct semaphore sem;
static int got[4];

static void sem_taker(void *arg)
{
	int id = (int)(intptr_t)arg;
	sem_down(&sem);
	got[id] = (int)fake_now_ticks() + 1;    /* +1: 0 means "never" */
}

static void sem_giver(void *arg)
{
	(void)arg;
	fake_advance_ticks(4);
	sem_up(&sem);
}

static void test_semaphore_counts(void **state)
{
	(void)state;
	memset(got, 0, sizeof got);
	fake_reset("rr", 10, 1000);
	sem_init(&sem, 2, "sem");
	assert_int_equal(sem_count(&sem), 2);
	for (int i = 0; i < 3; i++)
		kthread_create("taker", sem_taker, (void *)(intptr_t)i);
	fake_run_until_idle();
	assert_int_equal(got[0], 1);
	assert_int_equal(got[1], 1);
	assert_int_equal(got[2], 0);            /* no unit left: still waiting */
	assert_int_equal(sem_count(&sem), 0);

	kthread_create("giver", sem_giver, NULL);
	fake_run_until_idle();
	assert_int_equal(got[2], 5);            /* handed the unit at tick 4 */
	assert_int_equal(sem_count(&sem), 0);   /* handed off, not counted */

	assert_false(sem_trydown(&sem));
	sem_up(&sem);
	sem_up(&sem);
	assert_int_equal(sem_count(&sem), 2);
	assert_true(sem_trydown(&sem));
	assert_int_equal(sem_count(&sem), 1);
}

#define PC_ITEMS 200
#define PC_SLOTS 4

static struct semaphore pc_free, pc_full;
static struct mutex pc_lock;
static int pc_buf[PC_SLOTS], pc_head, pc_tail;
static int pc_received[PC_ITEMS], pc_nrecv;

static void producer(void *arg)
{
	(void)arg;
	for (int i = 0; i < PC_ITEMS; i++) {
		sem_down(&pc_free);
		mutex_lock(&pc_lock);
		pc_buf[pc_head] = i;
		pc_head = (pc_head + 1) % PC_SLOTS;
		mutex_unlock(&pc_lock);
		sem_up(&pc_full);
		fake_advance_ticks(i % 2);
	}
}

static void consumer(void *arg)
{
	(void)arg;
	for (int i = 0; i < PC_ITEMS; i++) {
		sem_down(&pc_full);
		mutex_lock(&pc_lock);
		pc_received[pc_nrecv++] = pc_buf[pc_tail];
		pc_tail = (pc_tail + 1) % PC_SLOTS;
		mutex_unlock(&pc_lock);
		sem_up(&pc_free);
		fake_advance_ticks(i % 3 == 0);
	}
}

static void run_bounded_buffer(unsigned storm)
{
	pc_head = pc_tail = pc_nrecv = 0;
	fake_reset("rr", 1, 1000);
	fake_set_preempt_storm(storm);
	sem_init(&pc_free, PC_SLOTS, "free");
	sem_init(&pc_full, 0, "full");
	mutex_init(&pc_lock, "buf");
	kthread_create("consumer", consumer, NULL);
	kthread_create("producer", producer, NULL);
	fake_run_until_idle();
	assert_int_equal(pc_nrecv, PC_ITEMS);
	for (int i = 0; i < PC_ITEMS; i++)
		assert_int_equal(pc_received[i], i);
	assert_int_equal(sem_count(&pc_free), PC_SLOTS);
	assert_int_equal(sem_count(&pc_full), 0);
	assert_int_equal(fake_reap_zombies(), 2);
}

static void test_semaphore_bounded_buffer(void **state)
{
	(void)state;
	run_bounded_buffer(0);
}

static void test_semaphore_bounded_buffer_storm(void **state)
{
	(void)state;
	for (unsigned seed = 1; seed <= 10; seed++)
		run_bounded_buffer(seed);
}

/* ---- condition variables ---- */

static struct condvar cv;
static int go, passed;

static void cv_waiter(void *arg)
{
	(void)arg;
	mutex_lock(&mx);
	while (go == 0)
		cond_wait(&cv, &mx);
	go--;
	passed++;
	mutex_unlock(&mx);
}

static void cv_signal_one(void *arg)
{
	(void)arg;
	mutex_lock(&mx);
	go++;
	cond_signal(&cv);
	mutex_unlock(&mx);
}

static void cv_broadcast_all(void *arg)
{
	mutex_lock(&mx);
	go += (int)(intptr_t)arg;
	cond_broadcast(&cv);
	mutex_unlock(&mx);
}

static void test_condvar_signal_and_broadcast(void **state)
{
	(void)state;
	go = passed = 0;
	fake_reset("rr", 10, 1000);
	mutex_init(&mx, "mx");
	cond_init(&cv, "cv");
	struct thread *w[4];
	for (int i = 0; i < 4; i++)
		w[i] = kthread_create("waiter", cv_waiter, NULL);
	fake_run_until_idle();
	assert_int_equal(passed, 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(w[i]->state, THREAD_BLOCKED);
	assert_null(mutex_owner(&mx));          /* waiting released it */

	kthread_create("signal", cv_signal_one, NULL);
	fake_run_until_idle();
	assert_int_equal(passed, 1);            /* exactly one woke */
	assert_int_equal(w[0]->state, THREAD_ZOMBIE);   /* the longest waiter */
	assert_int_equal(w[1]->state, THREAD_BLOCKED);

	kthread_create("broadcast", cv_broadcast_all, (void *)3);
	fake_run_until_idle();
	assert_int_equal(passed, 4);
	for (int i = 0; i < 4; i++)
		assert_int_equal(w[i]->state, THREAD_ZOMBIE);
	assert_int_equal(go, 0);
}

static int cv_wait_ret;

static void cv_wait_unowned(void *arg)
{
	(void)arg;
	cv_wait_ret = cond_wait(&cv, &mx);
}

static void test_condvar_wait_without_mutex(void **state)
{
	(void)state;
	cv_wait_ret = 0;
	fake_reset("rr", 10, 1000);
	mutex_init(&mx, "mx");
	cond_init(&cv, "cv");
	kthread_create("bad", cv_wait_unowned, NULL);
	fake_run_until_idle();
	assert_int_equal(cv_wait_ret, -EPERM);
	assert_int_equal(fake_bug_count(), 1);
}

/*
 * No lost wake-up: two threads hand a token back and forth ROUNDS times
 * through one condition variable, while the timer preempts them at every
 * possible point (1-tick quantum, ticks burnt at varying places). One
 * lost signal leaves both BLOCKED for ever, and the scenario ends early.
 */
#define PING_ROUNDS 300

static int token;           /* whose turn: 0 or 1 */
static int turns[2];

static void ping_pong(void *arg)
{
	int me = (int)(intptr_t)arg;
	for (int i = 0; i < PING_ROUNDS; i++) {
		fake_advance_ticks((unsigned)((i + me) % 3));
		mutex_lock(&mx);
		while (token != me)
			cond_wait(&cv, &mx);
		fake_advance_ticks((unsigned)(i % 2));
		token = 1 - me;
		turns[me]++;
		cond_signal(&cv);
		mutex_unlock(&mx);
	}
}

static void run_ping_pong(unsigned storm)
{
	token = 0;
	turns[0] = turns[1] = 0;
	fake_reset("rr", 1, 1000);
	fake_set_preempt_storm(storm);
	mutex_init(&mx, "mx");
	cond_init(&cv, "cv");
	struct thread *a = kthread_create("ping", ping_pong, (void *)0);
	struct thread *b = kthread_create("pong", ping_pong, (void *)1);
	fake_run_until_idle();
	assert_int_equal(turns[0], PING_ROUNDS);
	assert_int_equal(turns[1], PING_ROUNDS);
	assert_int_equal(a->state, THREAD_ZOMBIE);
	assert_int_equal(b->state, THREAD_ZOMBIE);
	assert_true(a->switches_involuntary > 0);   /* the timer did interleave */
	assert_int_equal(fake_reap_zombies(), 2);
}

/*
 * The classic race, forced: in storm mode the waiter is preempted right
 * after taking the mutex, so the signaller queues on the mutex; when the
 * waiter's cond_wait releases the mutex, the signaller runs at once and
 * signals. The waiter must already be on the condvar's queue by then.
 */
static int ready;
static int waiter_done;

static void wait_ready(void *arg)
{
	(void)arg;
	mutex_lock(&mx);
	while (!ready)
		cond_wait(&cv, &mx);
	waiter_done = 1;
	mutex_unlock(&mx);
}

static void set_ready(void *arg)
{
	(void)arg;
	mutex_lock(&mx);
	ready = 1;
	cond_signal(&cv);
	mutex_unlock(&mx);
}

static void test_condvar_signal_between_check_and_sleep(void **state)
{
	(void)state;
	int raced = 0;
	for (unsigned seed = 1; seed <= 64; seed++) {
		ready = waiter_done = 0;
		fake_reset("rr", 10, 1000);
		fake_set_preempt_storm(seed);
		mutex_init(&mx, "mx");
		cond_init(&cv, "cv");
		struct thread *w = kthread_create("waiter", wait_ready, NULL);
		struct thread *s = kthread_create("signaller", set_ready, NULL);
		fake_run_until_idle();
		if (!waiter_done)
			fail_msg("seed %u: the wake-up was lost", seed);
		assert_int_equal(w->state, THREAD_ZOMBIE);
		assert_int_equal(s->state, THREAD_ZOMBIE);
		/* Count the runs where the signaller had to wait for the mutex. */
		raced += s->switches_voluntary >= 2;
		assert_int_equal(fake_reap_zombies(), 2);
	}
	assert_true(raced > 0);   /* the race was set up at least once */
}

static void test_condvar_no_lost_wakeup(void **state)
{
	(void)state;
	run_ping_pong(0);
}

/* The same with a switch at every point where interrupts come back on,
 * e.g. between "release the mutex" and "sleep" if those were not atomic. */
static void test_condvar_no_lost_wakeup_storm(void **state)
{
	(void)state;
	for (unsigned seed = 1; seed <= 10; seed++)
		run_ping_pong(seed);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_spinlock_irqsave_and_trylock, teardown),
		cmocka_unit_test_teardown(test_wait_queue_wake_one_and_all, teardown),
		cmocka_unit_test_teardown(test_mutex_exclusion, teardown),
		cmocka_unit_test_teardown(test_mutex_exclusion_storm, teardown),
		cmocka_unit_test_teardown(test_mutex_handoff_fifo, teardown),
		cmocka_unit_test_teardown(test_mutex_nonowner_unlock_is_a_bug, teardown),
		cmocka_unit_test_teardown(test_recursive_mutex_counts, teardown),
		cmocka_unit_test_teardown(test_mutex_lock_timeout, teardown),
		cmocka_unit_test_teardown(test_deadlock_two_threads_reported_once, teardown),
		cmocka_unit_test_teardown(test_deadlock_ring_of_three, teardown),
		cmocka_unit_test_teardown(test_lock_ordering_avoids_deadlock, teardown),
		cmocka_unit_test_teardown(test_semaphore_counts, teardown),
		cmocka_unit_test_teardown(test_semaphore_bounded_buffer, teardown),
		cmocka_unit_test_teardown(test_semaphore_bounded_buffer_storm, teardown),
		cmocka_unit_test_teardown(test_condvar_signal_and_broadcast, teardown),
		cmocka_unit_test_teardown(test_condvar_wait_without_mutex, teardown),
		cmocka_unit_test_teardown(test_condvar_signal_between_check_and_sleep, teardown),
		cmocka_unit_test_teardown(test_condvar_no_lost_wakeup, teardown),
		cmocka_unit_test_teardown(test_condvar_no_lost_wakeup_storm, teardown),
	};
	return cmocka_run_group_tests_name("sync", tests, NULL, NULL);
}
