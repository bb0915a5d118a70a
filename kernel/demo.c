/*
 * The lessons `make run` shows, as kernel threads:
 *
 *  1. "Sing and dance": two threads print three lines each, sleeping
 *     between lines. The lines interleave: while one sleeps, the other
 *     runs. Expected (the order within a pair may vary):
 *        sing: line 1   dance: step 1   sing: line 2   dance: step 2 ...
 *  2. Preemption: two threads that spin and never yield, both on one CPU
 *     (with several CPUs they would simply run side by side). Both report
 *     progress every 100 ms, alternately, because the timer interrupt takes
 *     the CPU from each at the end of its quantum. (Without preemption the
 *     first would print all its lines before the second printed any.)
 *  3. The thread table: name, state, ticks run, context switches.
 *  4. The cost of one kernel-thread context switch, in CPU cycles.
 */
#include <stdint.h>
#include <kernel/arch.h>
#include <kernel/cpu.h>
#include <kernel/demo.h>
#include <kernel/printk.h>
#include <kernel/sched/sched.h>

static void sing(void *arg)
{
	(void)arg;
	for (int i = 1; i <= 3; i++) {
		printk("  sing:  la la la, line %d\n", i);
		thread_sleep_ms(200);
	}
}

static void dance(void *arg)
{
	(void)arg;
	thread_sleep_ms(100); /* start half a beat later */
	for (int i = 1; i <= 3; i++) {
		printk("  dance: step %d, turn around\n", i);
		thread_sleep_ms(200);
	}
}

#define SPIN_REPORTS 5
#define SPIN_REPORT_NS 100000000ull /* every 100 ms of wall-clock time */

/* Never yields, never sleeps: only the timer can take the CPU away. */
static void spinner(void *arg)
{
	const char *who = arg;
	uint64_t loops = 0, next = arch_clock_ns() + SPIN_REPORT_NS;
	for (int reports = 0; reports < SPIN_REPORTS;) {
		loops++;
		if ((loops & 0xfff) == 0 && arch_clock_ns() >= next) {
			reports++;
			printk("  %s: %llu M loops, preempted %llu times so far\n", who,
			       (unsigned long long)(loops >> 20),
			       (unsigned long long)thread_current()->switches_involuntary);
			next += SPIN_REPORT_NS;
		}
	}
}

/* Start two threads and wait until both have finished (they stay ZOMBIEs,
 * with their accounting, until joined, so the table can show them). */
static void run_pair(struct thread **t, const char *n1, void (*f1)(void *), void *a1,
                     const char *n2, void (*f2)(void *), void *a2)
{
	t[0] = kthread_create(n1, f1, a1);
	t[1] = kthread_create(n2, f2, a2);
	for (int i = 0; i < 2; i++)
		while (t[i] && __atomic_load_n(&t[i]->state, __ATOMIC_ACQUIRE) != THREAD_ZOMBIE)
			thread_sleep_ms(20);
}

static void print_row(struct thread *t, void *arg)
{
	(void)arg;
	printk("  %4d  %-16s %-9s %8llu %10llu %12llu\n", t->tid, t->name,
	       thread_state_name(t->state), (unsigned long long)t->ticks_run,
	       (unsigned long long)t->switches_voluntary,
	       (unsigned long long)t->switches_involuntary);
}

static void print_thread_table(void)
{
	printk("  %4s  %-16s %-9s %8s %10s %12s\n", "tid", "name", "state",
	       "ticks", "voluntary", "involuntary");
	sched_for_each_thread(print_row, NULL);
}

/* Two threads yield to each other: every yield is one switch. */
struct pingpong {
	unsigned rounds;
};

static void yielder(void *arg)
{
	struct pingpong *p = arg;
	for (unsigned i = 0; i < p->rounds; i++)
		thread_yield();
}

/*
 * Keep the caller, and the threads it creates (they inherit the mask), on
 * the CPU it runs on; returns the old mask for sched_set_affinity.
 */
static uint64_t stay_on_this_cpu(void)
{
	struct thread *me = thread_current();
	uint64_t mask = sched_get_affinity(me);
	sched_set_affinity(me, 1ull << sched_thread_cpu(me));
	return mask;
}

uint64_t demo_switch_cycles(unsigned n)
{
	struct pingpong p = { n };
	/* Both on one CPU: on two, each yield would find nothing to switch to. */
	uint64_t mask = stay_on_this_cpu();
	uint64_t start = arch_cycles();
	struct thread *a = kthread_create("yield-a", yielder, &p);
	struct thread *b = kthread_create("yield-b", yielder, &p);
	if (a)
		kthread_join(a, NULL);
	if (b)
		kthread_join(b, NULL);
	uint64_t cycles = arch_cycles() - start;
	sched_set_affinity(thread_current(), mask);
	if (!a || !b)
		return 0;
	/* 2n yields, each one switch, plus a handful to start and join. */
	return cycles / (2ull * n);
}

void demo_main(void *arg)
{
	struct thread *t[4];
	(void)arg;
	printk("Lesson: sing and dance -- two threads, sleeping between lines, interleave\n");
	run_pair(&t[0], "sing", sing, NULL, "dance", dance, NULL);

	printk("\nLesson: preemption -- two threads that never yield, on one CPU, both make progress\n");
	uint64_t mask = stay_on_this_cpu();
	run_pair(&t[2], "spin-A", spinner, "spin-A", "spin-B", spinner, "spin-B");
	sched_set_affinity(thread_current(), mask);

	printk("\nThreads (tid, name, state, timer ticks run, context switches):\n");
	print_thread_table();
	for (int i = 0; i < 4; i++)
		if (t[i])
			kthread_join(t[i], NULL);

	uint64_t c = demo_switch_cycles(20000);
	printk("\nA kernel-thread context switch (yield to yield) costs about %llu cycles"
	       " (%llu ns)\n", (unsigned long long)c,
	       (unsigned long long)arch_cycles_to_ns(c));
	printk("\n");
}
