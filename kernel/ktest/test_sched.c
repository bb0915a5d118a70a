/*
 * In-kernel tests of kernel threads and the scheduler, on the real
 * machine (boot with test=sched). Timing is in timer ticks, never in
 * wall-clock time: under TCG a tick may take any real time.
 */
#include <kernel/ktest/ktest.h>

#include <stdint.h>

#include <kernel/cpu.h>
#include <kernel/sched/sched.h>
#include <kernel/sched/thread.h>

static uint64_t cpu_ticks(void)
{
	return __atomic_load_n(&this_cpu()->ticks, __ATOMIC_RELAXED);
}

/* ---- create and join ---- */

static int runs;

static void count_run(void *arg)
{
	(void)arg;
	__atomic_fetch_add(&runs, 1, __ATOMIC_RELAXED);
}

KTEST(sched, create_join_1000_in_sequence)
{
	unsigned before = sched_thread_count();
	runs = 0;
	for (int i = 0; i < 1000; i++) {
		struct thread *t = kthread_create("seq", count_run, NULL);
		KASSERT_T(t != NULL);
		KASSERT_T_EQ(kthread_join(t, NULL), 0);
	}
	KEXPECT_EQ(runs, 1000);
	KEXPECT_EQ(sched_thread_count(), before);
}

static void exit_with_index(void *arg)
{
	thread_yield();                 /* let the others interleave */
	kthread_exit((int)(intptr_t)arg);
}

KTEST(sched, create_join_100_at_once)
{
	enum { N = 100 };
	static struct thread *t[N];
	unsigned before = sched_thread_count();

	for (int i = 0; i < N; i++) {
		t[i] = kthread_create("many", exit_with_index, (void *)(intptr_t)i);
		KASSERT_T(t[i] != NULL);
	}
	KEXPECT_EQ(sched_thread_count(), before + N);
	for (int i = 0; i < N; i++) {
		int code = -1;
		KEXPECT_EQ(kthread_join(t[i], &code), 0);
		KEXPECT_EQ(code, i);
	}
	KEXPECT_EQ(sched_thread_count(), before);
}

KTEST(sched, join_errors)
{
	KEXPECT(kthread_join(thread_current(), NULL) < 0);   /* -EDEADLK */
	KEXPECT(kthread_join(NULL, NULL) < 0);               /* -ESRCH */
}

/* ---- sleeping ---- */

static int wake_order[4];
static int woken;

struct nap {
	int id;
	unsigned ticks;
	uint64_t slept_ns;
};

static void napper(void *arg)
{
	struct nap *n = arg;
	uint64_t t0 = arch_clock_ns();
	thread_sleep_ticks(n->ticks);
	n->slept_ns = arch_clock_ns() - t0;
	wake_order[__atomic_fetch_add(&woken, 1, __ATOMIC_RELAXED)] = n->id;
}

KTEST(sched, sleepers_wake_in_deadline_order)
{
	/* Created in a scrambled order; deadlines 10 ticks apart. */
	static struct nap naps[4] = { {2, 30, 0}, {0, 10, 0}, {3, 40, 0}, {1, 20, 0} };
	struct thread *t[4];

	woken = 0;
	for (int i = 0; i < 4; i++) {
		t[i] = kthread_create("nap", napper, &naps[i]);
		KASSERT_T(t[i] != NULL);
	}
	for (int i = 0; i < 4; i++)
		KEXPECT_EQ(kthread_join(t[i], NULL), 0);

	KEXPECT_EQ(woken, 4);
	for (int i = 0; i < 4; i++)
		KEXPECT_EQ(wake_order[i], i);
	/* Each slept at least what it asked (a tick may be late, never early). */
	for (int i = 0; i < 4; i++)
		KEXPECT(naps[i].slept_ns + sched_tick_ns() / 2 >=
		        naps[i].ticks * sched_tick_ns());
}

/* ---- preemption ---- */

static volatile int stop_spinning;

struct spinner {
	volatile uint64_t loops;
	uint64_t give_up_at;    /* a tick count: never spin for ever */
};

static void spin_until_told(void *arg)
{
	struct spinner *s = arg;
	while (!stop_spinning && cpu_ticks() < s->give_up_at)
		s->loops++;     /* never yields, never blocks */
}

KTEST(sched, cpu_bound_threads_are_preempted)
{
	static struct spinner s[2];
	struct thread *t[2];
	unsigned q = sched_quantum_ticks;

	stop_spinning = 0;
	for (int i = 0; i < 2; i++) {
		s[i].loops = 0;
		s[i].give_up_at = cpu_ticks() + 200 * q + 1000;
		t[i] = kthread_create("spinner", spin_until_told, &s[i]);
		KASSERT_T(t[i] != NULL);
	}
	/* Enough quanta for both to have had several turns. */
	thread_sleep_ticks(10 * q + 2);
	stop_spinning = 1;

	uint64_t invol[2];
	for (int i = 0; i < 2; i++) {
		/* Read the accounting before join frees the thread. */
		while (t[i]->state != THREAD_ZOMBIE)
			thread_yield();
		invol[i] = t[i]->switches_involuntary;
		KEXPECT(t[i]->ticks_run > 0);
		KEXPECT_EQ(kthread_join(t[i], NULL), 0);
	}
	KEXPECT(s[0].loops > 0);
	KEXPECT(s[1].loops > 0);
	/* Neither gave up the CPU by itself: only the timer took it away.
	 * (One CPU; with SMP they may run side by side instead.) */
	KEXPECT(invol[0] + invol[1] > 0);
}

KTEST(sched, yield_lets_others_run)
{
	runs = 0;
	struct thread *t = kthread_create("other", count_run, NULL);
	KASSERT_T(t != NULL);
	uint64_t vol = thread_current()->switches_voluntary;
	for (int i = 0; i < 100 && __atomic_load_n(&runs, __ATOMIC_RELAXED) == 0; i++)
		thread_yield();
	KEXPECT_EQ(runs, 1);
	KEXPECT(thread_current()->switches_voluntary > vol);
	KEXPECT_EQ(kthread_join(t, NULL), 0);
}
