/*
 * Host tests of sleeping and of block/wake-up: deadlines in virtual
 * ticks, wake-up order, and what a woken thread waits for under
 * round-robin.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <kernel/cpu.h>
#include <kernel/sched/sched.h>
#include <kernel/sched/thread.h>
#include <kernel/sync/spinlock.h>
#include <kernel/sync/waitqueue.h>
#include <kernel/sched/errno.h>

#include "fake.h"

static int teardown(void **state)
{
	(void)state;
	fake_reap_zombies();
	assert_int_equal(sched_thread_count(), cpus[0].idle ? 1 : 0);
	assert_int_equal(fake_heap_live(), 0);
	return 0;
}

/* ---- sleeping ---- */

struct wake_log {
	int order[8];
	uint64_t at[8];
	int n;
};

static struct wake_log wlog;

struct sleeper_arg {
	int id;
	uint64_t ticks;
};

static void sleeper(void *arg)
{
	struct sleeper_arg *a = arg;
	thread_sleep_ticks(a->ticks);
	wlog.order[wlog.n] = a->id;
	wlog.at[wlog.n] = fake_now_ticks();
	wlog.n++;
}

static void test_sleepers_wake_in_deadline_order(void **state)
{
	(void)state;
	struct sleeper_arg args[] = { {0, 30}, {1, 10}, {2, 20}, {3, 1} };
	memset(&wlog, 0, sizeof wlog);
	fake_reset("rr", 10, 1000);
	struct thread *t[4];
	for (int i = 0; i < 4; i++)
		t[i] = kthread_create("sleeper", sleeper, &args[i]);
	fake_run_until_idle();

	assert_int_equal(wlog.n, 4);
	int expect_order[] = { 3, 1, 2, 0 };
	uint64_t expect_at[] = { 1, 10, 20, 30 };
	for (int i = 0; i < 4; i++) {
		assert_int_equal(wlog.order[i], expect_order[i]);
		assert_int_equal(wlog.at[i], expect_at[i]);
	}
	/* Sleeping costs no CPU; the idle thread got every tick. */
	for (int i = 0; i < 4; i++)
		assert_int_equal(t[i]->ticks_run, 0);
	assert_int_equal(cpus[0].idle->ticks_run, 30);
}

static void test_equal_deadlines_wake_fifo(void **state)
{
	(void)state;
	struct sleeper_arg args[] = { {0, 5}, {1, 5}, {2, 5} };
	memset(&wlog, 0, sizeof wlog);
	fake_reset("rr", 10, 1000);
	for (int i = 0; i < 3; i++)
		kthread_create("sleeper", sleeper, &args[i]);
	fake_run_until_idle();
	assert_int_equal(wlog.n, 3);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(wlog.order[i], i);
		assert_int_equal(wlog.at[i], 5);
	}
}

static void sleep_durations(void *arg)
{
	uint64_t *at = arg;
	fake_advance_ticks(1);
	thread_sleep_ns(15 * 1000 * 1000);  /* 1.5 ticks at 100 Hz */
	at[0] = fake_now_ns();
	thread_sleep_ms(10);                /* exactly one tick */
	at[1] = fake_now_ns();
	thread_sleep_ns(1);                 /* the next tick, never now */
	at[2] = fake_now_ns();
	thread_sleep_ns(0);                 /* a yield: no time passes */
	at[3] = fake_now_ns();
}

static void test_sleep_rounds_up_to_a_tick(void **state)
{
	(void)state;
	uint64_t at[4] = {0};
	fake_reset("rr", 10, 100);
	kthread_create("sleepy", sleep_durations, at);
	fake_run_until_idle();
	/* Asleep at 10 ms, deadline 25 ms: the first tick at or after is 30 ms. */
	assert_int_equal(at[0], 30 * 1000 * 1000);
	assert_int_equal(at[1], 40 * 1000 * 1000);
	assert_int_equal(at[2], 50 * 1000 * 1000);
	assert_int_equal(at[3], 50 * 1000 * 1000);
}

/* A sleeper that wakes while another thread computes waits its turn:
 * round-robin never preempts on wake-up. */
static uint64_t woke_and_ran_at;

static void nap(void *arg)
{
	(void)arg;
	thread_sleep_ticks(5);
	woke_and_ran_at = fake_now_ticks();
}

static void compute_50(void *arg)
{
	(void)arg;
	fake_advance_ticks(50);
}

static void test_woken_thread_waits_for_quantum_end(void **state)
{
	(void)state;
	woke_and_ran_at = 0;
	fake_reset("rr", 10, 1000);
	kthread_create("nap", nap, NULL);
	struct thread *c = kthread_create("compute", compute_50, NULL);
	fake_run_until_idle();
	/* nap slept at 0, was due at 5, ran when compute's quantum ended. */
	assert_int_equal(woke_and_ran_at, 10);
	assert_int_equal(c->ticks_run, 50);
	assert_int_equal(c->switches_involuntary, 1);
}

/* ---- block and wake-up ---- */

static struct spinlock flag_lock = SPINLOCK_INIT("flag");
static int flag;
static struct thread *blocked_thread;
static uint64_t unblocked_at;
static int wake_again_result = -1;

static void wait_for_flag(void *arg)
{
	(void)arg;
	unsigned long flags = spin_lock_irqsave(&flag_lock);
	while (!flag)
		sched_block(&flag_lock);
	spin_unlock_irqrestore(&flag_lock, flags);
	unblocked_at = fake_now_ticks();
}

static void set_flag_later(void *arg)
{
	(void)arg;
	fake_advance_ticks(3);
	unsigned long flags = spin_lock_irqsave(&flag_lock);
	flag = 1;
	bool woke = sched_wakeup(blocked_thread);
	spin_unlock_irqrestore(&flag_lock, flags);
	/* Waking a thread that is not blocked (any more) does nothing. */
	wake_again_result = woke ? sched_wakeup(blocked_thread) : -1;
}

static void test_block_and_wakeup(void **state)
{
	(void)state;
	flag = 0;
	unblocked_at = 0;
	spin_init(&flag_lock, "flag");
	fake_reset("rr", 10, 1000);
	blocked_thread = kthread_create("waiter", wait_for_flag, NULL);
	struct thread *setter = kthread_create("setter", set_flag_later, NULL);

	fake_run_until_idle();
	assert_int_equal(unblocked_at, 3);
	assert_int_equal(wake_again_result, 0);
	assert_int_equal(blocked_thread->switches_voluntary, 2);  /* block, exit */
	assert_int_equal(setter->ticks_run, 3);
}

static void block_forever(void *arg)
{
	(void)arg;
	unsigned long flags = spin_lock_irqsave(&flag_lock);
	while (!flag)
		sched_block(&flag_lock);
	spin_unlock_irqrestore(&flag_lock, flags);
}

static void test_blocked_thread_stays_blocked(void **state)
{
	(void)state;
	flag = 0;
	spin_init(&flag_lock, "flag");
	fake_reset("rr", 10, 1000);
	struct thread *t = kthread_create("stuck", block_forever, NULL);
	fake_run_until_idle();
	/* Nothing ready, nothing sleeping: the scenario ends with t blocked. */
	assert_int_equal(t->state, THREAD_BLOCKED);
	assert_int_equal(fake_now_ticks(), 0);

	/* Wake it from outside (as an interrupt handler would) and go on. */
	unsigned long flags = spin_lock_irqsave(&flag_lock);
	flag = 1;
	assert_true(sched_wakeup(t));
	spin_unlock_irqrestore(&flag_lock, flags);
	assert_int_equal(t->state, THREAD_READY);
	fake_run_until_idle();
	assert_int_equal(t->state, THREAD_ZOMBIE);
}

/* ---- timed and interruptible waits (futex, poll, pipes) ---- */

static struct wait_queue twq;
static int t_result[4];
static uint64_t t_at[4];

static void timed_waiter(void *arg)
{
	int id = (int)(intptr_t)arg;
	unsigned long f = spin_lock_irqsave(&twq.lock);
	t_result[id] = wait_queue_wait_deadline_locked(&twq, fake_now_ns() + 5 * fake_tick_ns());
	spin_unlock_irqrestore(&twq.lock, f);
	t_at[id] = fake_now_ticks();
}

static void test_deadline_wait_times_out(void **state)
{
	(void)state;
	fake_reset("rr", 10, 1000);
	wait_queue_init(&twq, "timed");
	kthread_create("timed", timed_waiter, (void *)0);
	fake_run_until_idle();
	assert_int_equal(t_result[0], -ETIMEDOUT);
	assert_int_equal(t_at[0], 5); /* at the first tick at the deadline */
	assert_true(list_empty(&twq.waiters));
}

static void early_waker(void *arg)
{
	(void)arg;
	thread_sleep_ticks(2);
	wait_queue_wake_all(&twq);
}

static void test_deadline_wait_woken_before(void **state)
{
	(void)state;
	fake_reset("rr", 10, 1000);
	wait_queue_init(&twq, "timed");
	kthread_create("timed", timed_waiter, (void *)1);
	kthread_create("waker", early_waker, NULL);
	fake_run_until_idle();
	assert_int_equal(t_result[1], 0);
	assert_int_equal(t_at[1], 2);
	/* It left the sleepers list too: nothing wakes it again at tick 5. */
	assert_int_equal(fake_now_ticks(), 2);
}

static struct thread *interruptee;

static void interruptible_waiter(void *arg)
{
	int id = (int)(intptr_t)arg;
	unsigned long f = spin_lock_irqsave(&twq.lock);
	t_result[id] = wait_queue_wait_interruptible_locked(&twq);
	spin_unlock_irqrestore(&twq.lock, f);
	t_at[id] = fake_now_ticks();
}

static void interrupter(void *arg)
{
	(void)arg;
	thread_sleep_ticks(3);
	sched_interrupt(interruptee);
}

static void test_interrupt_ends_waits(void **state)
{
	(void)state;
	fake_reset("rr", 10, 1000);
	wait_queue_init(&twq, "intr");
	interruptee = kthread_create("waiter", interruptible_waiter, (void *)2);
	kthread_create("interrupter", interrupter, NULL);
	fake_run_until_idle();
	assert_int_equal(t_result[2], -EINTR);
	assert_int_equal(t_at[2], 3);
	assert_true(list_empty(&twq.waiters));
}

static void interruptible_sleeper(void *arg)
{
	int id = (int)(intptr_t)arg;
	t_result[id] = thread_sleep_ns_interruptible(100 * fake_tick_ns());
	t_at[id] = fake_now_ticks();
}

static void test_interrupt_ends_sleep(void **state)
{
	(void)state;
	fake_reset("rr", 10, 1000);
	interruptee = kthread_create("sleeper", interruptible_sleeper, (void *)3);
	kthread_create("interrupter", interrupter, NULL);
	fake_run_until_idle();
	assert_int_equal(t_result[3], -EINTR);
	assert_int_equal(t_at[3], 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_sleepers_wake_in_deadline_order, teardown),
		cmocka_unit_test_teardown(test_equal_deadlines_wake_fifo, teardown),
		cmocka_unit_test_teardown(test_sleep_rounds_up_to_a_tick, teardown),
		cmocka_unit_test_teardown(test_woken_thread_waits_for_quantum_end, teardown),
		cmocka_unit_test_teardown(test_block_and_wakeup, teardown),
		cmocka_unit_test_teardown(test_blocked_thread_stays_blocked, teardown),
		cmocka_unit_test_teardown(test_deadline_wait_times_out, teardown),
		cmocka_unit_test_teardown(test_deadline_wait_woken_before, teardown),
		cmocka_unit_test_teardown(test_interrupt_ends_waits, teardown),
		cmocka_unit_test_teardown(test_interrupt_ends_sleep, teardown),
	};
	return cmocka_run_group_tests_name("sleep", tests, NULL, NULL);
}
