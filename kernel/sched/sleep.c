/*
 * Sleeping for a duration. Each CPU keeps its sleeping threads in a list
 * sorted by deadline, so the timer tick only looks at the head. Deadlines
 * are in arch_clock_ns() nanoseconds (the same on every CPU); a sleeper
 * wakes at the first tick at or after its deadline, so a sleep lasts at
 * least what was asked and at most one tick more.
 */
#include <kernel/sched/sched.h>

#include <kernel/cpu.h>
#include <kernel/panic.h>
#include <kernel/sched/errno.h>
#include <kernel/sched/trace.h>

/* Sleep; with interruptible, a signal (sched_interrupt) may end it. */
static int sleep_ns(uint64_t ns, bool interruptible)
{
	if (ns == 0) {
		thread_yield();
		return 0;
	}

	unsigned long flags = arch_irq_save();
	struct cpu *c = this_cpu();
	if (sched_block_hook)
		sched_block_hook(c->current);
	spin_lock(&c->rq.lock);

	struct thread *me = c->current;
	KASSERT(me && !me->is_idle);
	if (interruptible && me->interrupt_pending) {
		spin_unlock(&c->rq.lock);
		arch_irq_restore(flags);
		return -EINTR;
	}
	me->interruptible = interruptible;
	sched_sleeper_insert_locked(c, me, arch_clock_ns() + ns);

	me->state = THREAD_SLEEPING;
	sched_trace(SCHED_EV_SLEEP, me, NULL);
	sched_switch_locked(c, false);
	sched_finish_switch();
	me->interruptible = false;
	/* Woken before the deadline means a signal did it. */
	int r = interruptible && me->interrupt_pending &&
	        arch_clock_ns() < me->wake_at_ns ? -EINTR : 0;
	arch_irq_restore(flags);
	return r;
}

void thread_sleep_ns(uint64_t ns)
{
	sleep_ns(ns, false);
}

int thread_sleep_ns_interruptible(uint64_t ns)
{
	return sleep_ns(ns, true);
}

void sched_sleeper_insert_locked(struct cpu *c, struct thread *t, uint64_t deadline)
{
	t->wake_at_ns = deadline;
	/* After every sleeper with the same or an earlier deadline: equal
	 * deadlines wake in the order they went to sleep. */
	struct list_node *pos;
	list_for_each(pos, &c->rq.sleepers) {
		struct thread *s = list_entry(pos, struct thread, rq_node);
		if (s->wake_at_ns > deadline)
			break;
	}
	list_insert_before(pos, &t->rq_node);
}

void thread_sleep_ms(uint64_t ms)
{
	thread_sleep_ns(ms * 1000000ull);
}

void thread_sleep_ticks(uint64_t ticks)
{
	thread_sleep_ns(ticks * sched_tick_ns());
}

void sched_wake_sleepers_locked(struct cpu *c, uint64_t now_ns)
{
	struct list_node *n;

	while ((n = list_first(&c->rq.sleepers)) != NULL) {
		struct thread *t = list_entry(n, struct thread, rq_node);
		if (t->wake_at_ns > now_ns)
			break;
		list_remove(n);
		if (t->timed_wait)
			t->timed_out = true; /* a blocked wait whose time ran out */
		t->state = THREAD_READY;
		sched_trace(SCHED_EV_WAKEUP, t, NULL);
		/* Queued here, where it slept (a higher priority may preempt),
		 * or parked for the tick to move it (its affinity changed). */
		sched_make_ready_locked(c, t);
	}
}

uint64_t sched_next_wakeup_ns(void)
{
	struct cpu *c = this_cpu();
	uint64_t when = UINT64_MAX;

	unsigned long flags = spin_lock_irqsave(&c->rq.lock);
	struct list_node *n = list_first(&c->rq.sleepers);
	if (n)
		when = list_entry(n, struct thread, rq_node)->wake_at_ns;
	spin_unlock_irqrestore(&c->rq.lock, flags);
	return when;
}
