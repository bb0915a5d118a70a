/*
 * In-kernel tests of the policies on the real machine, in the "sched"
 * group, so they run under every boot policy (tests/qemu runs the group
 * as sched, sched-prio, sched-mlfq and sched-fair; see
 * tests/qemu/expect/sched-*.prepare). The exact traces of each policy are
 * checked on the host (tests/unit/test_policies.c); here: that the boot
 * policy is the one asked for, and that changing a live thread's policy
 * works with a real timer. Counted in ticks, never in wall-clock time.
 */
#include <kernel/ktest/ktest.h>

#include <stdint.h>

#include <kernel/cmdline.h>
#include <kernel/cpu.h>
#include <kernel/lib/string.h>
#include <kernel/printk.h>
#include <kernel/sched/policy.h>
#include <kernel/sched/sched.h>
#include <kernel/sched/thread.h>

static uint64_t now_ticks(void)
{
	return __atomic_load_n(&this_cpu()->ticks, __ATOMIC_RELAXED);
}

KTEST(sched, boot_policy_is_in_use)
{
	printk("    # policy %s\n", sched_default_policy()->name);
	KEXPECT(strcmp(sched_default_policy()->name, boot_options.sched) == 0);
	KEXPECT(thread_current()->policy == sched_default_policy());
	KEXPECT_EQ(thread_current()->pd.params.linux_policy, SCHED_OTHER);
}

struct fifo_run {
	unsigned ticks;             /* how long to compute */
	volatile int done;
	uint64_t involuntary;       /* its preemptions, read before it exits */
};

static void fifo_spin(void *arg)
{
	struct fifo_run *r = arg;
	uint64_t until = now_ticks() + r->ticks;
	while (now_ticks() < until)
		;                   /* compute: never yields, never blocks */
	r->involuntary = thread_current()->switches_involuntary;
	r->done = 1;
}

/*
 * A thread made SCHED_FIFO while it waits takes the CPU from us (a normal
 * thread) at the next interrupt, and keeps it for three quanta although
 * we are ready the whole time: no time slice, no preemption.
 */
KTEST(sched, fifo_thread_is_not_time_sliced)
{
	static struct fifo_run r;
	r.ticks = 3 * sched_quantum_ticks + 2;
	r.done = 0;
	struct thread *t = kthread_create("fifo", fifo_spin, &r);
	KASSERT_T(t != NULL);
	struct sched_params p = { .rt_priority = 10, .linux_policy = SCHED_FIFO };
	sched_set_policy(t, sched_policy_for(&p), &p);
	KEXPECT(t->policy == &sched_policy_prio);

	/* Compute too, until it is done (with a bound, never for ever). */
	uint64_t give_up = now_ticks() + 100 * sched_quantum_ticks + 1000;
	while (!r.done && now_ticks() < give_up)
		;
	KEXPECT(r.done);
	KEXPECT_EQ(r.involuntary, 0);
	KEXPECT_EQ(kthread_join(t, NULL), 0);
}

static void nap_then_exit(void *arg)
{
	(void)arg;
	thread_sleep_ticks(5);
	thread_yield();
}

/* Policy changes of a sleeping thread and back: it still wakes and ends. */
KTEST(sched, policy_change_while_asleep)
{
	struct thread *t = kthread_create("napper", nap_then_exit, NULL);
	KASSERT_T(t != NULL);
	thread_sleep_ticks(1);      /* let it fall asleep */
	struct sched_params rt = { .rt_priority = 5, .linux_policy = SCHED_RR };
	sched_set_policy(t, sched_policy_for(&rt), &rt);
	KEXPECT(t->policy == &sched_policy_prio);
	struct sched_params other = { .nice = 3, .linux_policy = SCHED_OTHER };
	sched_set_policy(t, sched_policy_for(&other), &other);
	KEXPECT(t->policy == sched_default_policy());
	KEXPECT_EQ(t->pd.params.nice, 3);
	KEXPECT_EQ(kthread_join(t, NULL), 0);
}
