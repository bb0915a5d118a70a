/*
 * In-kernel tests of kernel threads and the scheduler, on the real
 * machine (boot with test=sched). Timing is in timer ticks, never in
 * wall-clock time: under TCG a tick may take any real time.
 */
#include <kernel/ktest/ktest.h>

#include <stdint.h>

#include <kernel/cpu.h>
#include <kernel/sched/sched.h>
#include <kernel/sched/errno.h>
#include <kernel/sched/thread.h>
#include <kernel/sync/semaphore.h>

static uint64_t cpu_ticks(void)
{
	return __atomic_load_n(&this_cpu()->ticks, __ATOMIC_RELAXED);
}

/*
 * Keep the calling thread, and the threads it creates, on the CPU it is
 * on: for tests of what happens among threads sharing one CPU (who
 * preempts whom, in which order sleepers wake), which several CPUs
 * running side by side would blur. Returns the old mask for unpin().
 */
static uint64_t pin_here(void)
{
	struct thread *me = thread_current();
	uint64_t mask = sched_get_affinity(me);
	KEXPECT_EQ(sched_set_affinity(me, 1ull << sched_thread_cpu(me)), 0);
	return mask;
}

static void unpin(uint64_t mask)
{
	KEXPECT_EQ(sched_set_affinity(thread_current(), mask), 0);
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
	/* One CPU's sleepers list; on several, each CPU's ticks are its own. */
	uint64_t mask = pin_here();

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
	unpin(mask);
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
	/* On several CPUs they would run side by side, never preempted. */
	uint64_t mask = pin_here();

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
	/* Neither gave up the CPU by itself: only the timer took it away. */
	KEXPECT(invol[0] + invol[1] > 0);
	unpin(mask);
}

KTEST(sched, yield_lets_others_run)
{
	runs = 0;
	/* With two CPUs "other" would start on the idle one at once. */
	uint64_t mask = pin_here();
	struct thread *t = kthread_create("other", count_run, NULL);
	KASSERT_T(t != NULL);
	uint64_t vol = thread_current()->switches_voluntary;
	for (int i = 0; i < 100 && __atomic_load_n(&runs, __ATOMIC_RELAXED) == 0; i++)
		thread_yield();
	KEXPECT_EQ(runs, 1);
	KEXPECT(thread_current()->switches_voluntary > vol);
	KEXPECT_EQ(kthread_join(t, NULL), 0);
	unpin(mask);
}

/* ---- several CPUs ----
 * With one CPU (the host, or cpus=1) these have nothing to spread and
 * check only that a thread pinned to the one CPU stays there. */

/* The CPU this code runs on now (interrupts off: no move in between). */
static unsigned running_on(void)
{
	unsigned long f = arch_irq_save();
	unsigned id = this_cpu()->id;
	arch_irq_restore(f);
	return id;
}

static int spread_stop;
static uint64_t spread_seen;

static void spinner(void *arg)
{
	(void)arg;
	while (!__atomic_load_n(&spread_stop, __ATOMIC_RELAXED))
		__atomic_fetch_or(&spread_seen, 1ull << running_on(), __ATOMIC_RELAXED);
}

KTEST(sched, cpu_bound_threads_spread_over_all_cpus)
{
	unsigned n = sched_cpus_running();
	struct thread *t[2 * MAX_CPUS];
	spread_stop = 0;
	spread_seen = 0;
	for (unsigned i = 0; i < 2 * n; i++)
		KASSERT_T((t[i] = kthread_create("spinner", spinner, NULL)) != NULL);
	/* Placement and balancing must get work to every CPU: wait (in
	 * ticks, up to 2 s of them) until every CPU has run a spinner. */
	uint64_t until = cpu_ticks() + 2000;
	while (__atomic_load_n(&spread_seen, __ATOMIC_RELAXED) != sched_cpus_online_mask() &&
	       cpu_ticks() < until)
		thread_sleep_ticks(1);
	__atomic_store_n(&spread_stop, 1, __ATOMIC_RELAXED);
	for (unsigned i = 0; i < 2 * n; i++)
		KEXPECT_EQ(kthread_join(t[i], NULL), 0);
	KEXPECT_EQ(spread_seen, sched_cpus_online_mask());
}

static int pinned_wrong;
static unsigned pinned_target;

/* Pin itself, then check where it runs, across yields and sleeps. */
static void pinned_worker(void *arg)
{
	(void)arg;
	KEXPECT_EQ(sched_set_affinity(thread_current(), 1ull << pinned_target), 0);
	for (int i = 0; i < 200; i++) {
		if (running_on() != pinned_target)
			__atomic_fetch_add(&pinned_wrong, 1, __ATOMIC_RELAXED);
		if (i % 50 == 0)
			thread_sleep_ticks(1);
		else
			thread_yield();
	}
}

KTEST(sched, affinity_pins_a_thread_to_each_cpu)
{
	uint64_t online = sched_cpus_online_mask();
	for (unsigned k = 0; k < MAX_CPUS; k++) {
		if (!((online >> k) & 1))
			continue;
		pinned_wrong = 0;
		pinned_target = k;
		struct thread *t = kthread_create("pinned", pinned_worker, NULL);
		KASSERT_T(t != NULL);
		KEXPECT_EQ(kthread_join(t, NULL), 0);
		KEXPECT_EQ(pinned_wrong, 0);
	}
	/* Nothing left to run on: refused, and nothing changed. */
	struct thread *me = thread_current();
	uint64_t before = sched_get_affinity(me);
	KEXPECT_EQ(sched_set_affinity(me, 0), -EINVAL);
	KEXPECT_EQ(sched_get_affinity(me), before);
}

static struct semaphore moved_sem;
static unsigned moved_ran_on;

static void sleeper_then_report(void *arg)
{
	(void)arg;
	sem_down(&moved_sem);
	moved_ran_on = running_on();
}

KTEST(sched, a_blocked_thread_wakes_where_its_new_affinity_says)
{
	uint64_t online = sched_cpus_online_mask();
	unsigned last = 0;
	for (unsigned k = 0; k < MAX_CPUS; k++)
		if ((online >> k) & 1)
			last = k;
	sem_init(&moved_sem, 0, "moved");
	moved_ran_on = MAX_CPUS;
	struct thread *t = kthread_create("moved", sleeper_then_report, NULL);
	KASSERT_T(t != NULL);
	KEXPECT_EQ(sched_set_affinity(t, 1ull), 0);     /* CPU 0 first */
	while (__atomic_load_n(&t->state, __ATOMIC_ACQUIRE) != THREAD_BLOCKED)
		thread_sleep_ticks(1);                  /* until it waits */
	KEXPECT_EQ(sched_set_affinity(t, 1ull << last), 0);
	sem_up(&moved_sem);
	KEXPECT_EQ(kthread_join(t, NULL), 0);
	KEXPECT_EQ(moved_ran_on, last);
}
