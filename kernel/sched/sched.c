/*
 * The scheduler core: the thread state machine (see sched.h and the
 * diagram in thread.h). Policies decide who runs next (policy.h); this
 * file decides when, keeps the accounting, and does the switch.
 *
 * Locking: a thread's state and queue links belong to the run queue of
 * thread->cpu and change only under its lock, with interrupts off. The
 * lock is held across arch_context_switch and released by the thread that
 * comes in (sched_finish_switch) -- so a thread that has just marked
 * itself BLOCKED cannot be woken and run elsewhere while it is still on
 * its own stack. Lock order: any other spinlock before a run-queue lock.
 */
#include <kernel/sched/sched.h>

#include <kernel/cpu.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/sched/runqueue.h>
#include <kernel/sched/trace.h>

static const struct sched_policy *default_policy = &sched_policy_rr;
void (*sched_switch_hook)(struct thread *prev, struct thread *next);
unsigned sched_quantum_ticks = 1;
static uint64_t tick_ns = 10 * 1000 * 1000;

/* Idle threads need no allocation: one per CPU, made from its boot context. */
static struct thread idle_threads[MAX_CPUS];

void sched_init(const char *policy_name, unsigned quantum_ms, unsigned hz)
{
	const struct sched_policy *p = &sched_policy_rr;

	if (policy_name && *policy_name) {
		p = sched_policy_find(policy_name);
		if (!p) {
			printk("sched: unknown policy '%s', using rr\n",
			       policy_name);
			p = &sched_policy_rr;
		}
	}
	default_policy = p;

	if (hz == 0)
		hz = 100;
	tick_ns = 1000000000ull / hz;
	/* Round up: a quantum is at least the time asked for, and never 0. */
	sched_quantum_ticks = (unsigned)(((uint64_t)quantum_ms * hz + 999) / 1000);
	if (sched_quantum_ticks == 0)
		sched_quantum_ticks = 1;

	/* Only the scheduler's fields: the arch owns self, id and arch. */
	for (unsigned i = 0; i < MAX_CPUS; i++) {
		struct cpu *c = &cpus[i];
		spin_init(&c->rq.lock, "runqueue");
		list_init(&c->rq.sleepers);
		sched_policies_rq_init(&c->rq);  /* each policy's queues */
		c->rq.nr_ready = 0;
		c->rq.switched_from = NULL;
		c->current = NULL;
		c->idle = NULL;
		c->need_resched = false;
		c->ticks = 0;
	}
	thread_table_reset();
}

const struct sched_policy *sched_default_policy(void)
{
	return default_policy;
}

uint64_t sched_tick_ns(void)
{
	return tick_ns;
}

struct thread *thread_current(void)
{
	return this_cpu()->current;
}

unsigned sched_cpus_running(void)
{
	return 1;
}

bool sched_has_ready(void)
{
	return __atomic_load_n(&this_cpu()->rq.nr_ready, __ATOMIC_RELAXED) != 0;
}

void sched_enqueue_locked(struct runqueue *rq, struct thread *t)
{
	t->policy->enqueue(rq, t);
	rq->nr_ready++;
}

/*
 * The decision. Policies are chosen per thread, so the policies are asked
 * in order of precedence (policy.c), as Linux walks its sched_classes.
 */
static struct thread *pick_next_locked(struct runqueue *rq)
{
	struct thread *t = sched_policies_pick_next(rq);
	if (t)
		rq->nr_ready--;
	return t;
}

void sched_switch_locked(struct cpu *c, bool preempted)
{
	struct runqueue *rq = &c->rq;
	struct thread *prev = c->current;

	if (prev->state == THREAD_READY && !prev->is_idle)
		sched_enqueue_locked(rq, prev);

	struct thread *next = pick_next_locked(rq);
	if (!next)
		next = c->idle;
	c->need_resched = false;

	if (next == prev) {
		prev->state = THREAD_RUNNING;
		return;
	}

	if (preempted)
		prev->switches_involuntary++;
	else
		prev->switches_voluntary++;
	next->state = THREAD_RUNNING;
	next->cpu = c;
	next->on_cpu = true;
	c->current = next;
	rq->switched_from = prev;
	sched_trace(SCHED_EV_SWITCH, prev, next);
	if (sched_switch_hook)
		sched_switch_hook(prev, next);

	arch_context_switch(&prev->ctx, &next->ctx);
	/* prev runs again here, maybe much later; the caller finishes. */
}

void sched_finish_switch(void)
{
	struct runqueue *rq = &this_cpu()->rq;
	struct thread *prev = rq->switched_from;

	rq->switched_from = NULL;
	/*
	 * prev is off its stack only now. A joiner waits for this before
	 * freeing an exited thread's stack (release: our last use of prev's
	 * memory comes before).
	 */
	if (prev)
		__atomic_store_n(&prev->on_cpu, false, __ATOMIC_RELEASE);
	spin_unlock(&rq->lock);
}

void sched_check_preempt_locked(struct cpu *c, struct thread *woken)
{
	struct thread *curr = c->current;
	if (!curr || curr->is_idle ||
	    sched_policies_wakeup_preempt(&c->rq, curr, woken))
		c->need_resched = true;
}

void sched_add_new(struct thread *t)
{
	struct cpu *c = this_cpu();
	struct thread *parent = c->current;

	t->cpu = c;
	/*
	 * As on Linux, a user thread's children (fork, clone) inherit its
	 * policy and nice; kernel threads start as SCHED_OTHER in the boot
	 * policy. (parent is the running thread: its params change only
	 * under our run-queue lock, and a stale read is harmless.)
	 */
	if (!parent || parent->is_idle || !parent->proc)
		parent = NULL;
	t->pd.params = sched_params_for_child(parent);
	t->policy = sched_policy_for(&t->pd.params);
	t->policy->thread_init(t);

	unsigned long flags = spin_lock_irqsave(&c->rq.lock);
	t->state = THREAD_READY;
	sched_enqueue_locked(&c->rq, t);
	/* A new thread does not preempt its creator, whatever the policy
	 * (as Linux's default, sched_child_runs_first=0): the creator runs
	 * on to its next tick or block, and finishes what it was doing with
	 * the new thread (fork and clone publish it in the process table
	 * right after creating it). */
	if (!c->current || c->current->is_idle)
		c->need_resched = true;
	sched_trace(SCHED_EV_CREATE, t, NULL);
	spin_unlock_irqrestore(&c->rq.lock, flags);
}

void sched_block(struct spinlock *lock)
{
	struct cpu *c = this_cpu();
	struct thread *me = c->current;

	KASSERT(!arch_irq_enabled());
	KASSERT(me && !me->is_idle);

	/*
	 * Take the run-queue lock before letting go of the caller's lock: a
	 * waker needs both, so it finds us either still running with its
	 * condition unchanged, or properly BLOCKED -- never in between.
	 */
	spin_lock(&c->rq.lock);
	spin_unlock(lock);
	me->state = THREAD_BLOCKED;
	sched_trace(SCHED_EV_BLOCK, me, NULL);
	sched_switch_locked(c, false);
	sched_finish_switch();
	spin_lock(lock);
}

/* Block interruptibly; with a deadline, also sit on the sleepers list so
 * the tick can end the wait (sleep.c). */
static bool block_interruptible(struct spinlock *lock, bool timed, uint64_t deadline)
{
	struct cpu *c = this_cpu();
	struct thread *me = c->current;

	KASSERT(!arch_irq_enabled());
	spin_lock(&c->rq.lock);
	me->timed_out = false;
	if (me->interrupt_pending) {
		/* The signal came first: don't sleep at all. */
		spin_unlock(&c->rq.lock);
		return false;
	}
	if (timed && arch_clock_ns() >= deadline) {
		me->timed_out = true;
		spin_unlock(&c->rq.lock);
		return false;
	}
	spin_unlock(lock);
	me->interruptible = true;
	me->state = THREAD_BLOCKED;
	if (timed) {
		me->timed_wait = true;
		sched_sleeper_insert_locked(c, me, deadline);
	}
	sched_trace(SCHED_EV_BLOCK, me, NULL);
	sched_switch_locked(c, false);
	sched_finish_switch();
	spin_lock(lock);
	/* Cleared only with the caller's lock held again: until we take
	 * ourselves off its wait queue, a waker holding that lock may still
	 * find us there, and must see that we were in an interruptible wait
	 * (another CPU's timeout or signal may have woken us first). */
	me->interruptible = false;
	me->timed_wait = false;
	return true;
}

bool sched_block_interruptible(struct spinlock *lock)
{
	return block_interruptible(lock, false, 0);
}

bool sched_block_deadline(struct spinlock *lock, uint64_t deadline_ns)
{
	return block_interruptible(lock, true, deadline_ns);
}

void sched_interrupt(struct thread *t)
{
	struct cpu *c = t->cpu;
	unsigned long flags = spin_lock_irqsave(&c->rq.lock);
	t->interrupt_pending = true;
	if (t->interruptible &&
	    (t->state == THREAD_BLOCKED || t->state == THREAD_SLEEPING)) {
		if (t->state == THREAD_SLEEPING || t->timed_wait)
			list_remove(&t->rq_node);
		t->state = THREAD_READY;
		sched_enqueue_locked(&c->rq, t);
		c->need_resched = true;
		sched_trace(SCHED_EV_WAKEUP, t, this_cpu()->current);
	}
	spin_unlock_irqrestore(&c->rq.lock, flags);
}

void sched_clear_interrupt(struct thread *t)
{
	struct cpu *c = t->cpu;
	unsigned long flags = spin_lock_irqsave(&c->rq.lock);
	t->interrupt_pending = false;
	spin_unlock_irqrestore(&c->rq.lock, flags);
}

bool sched_wakeup(struct thread *t)
{
	/* Threads don't migrate yet, so t->cpu is stable; with migration this
	 * becomes "lock t->cpu's queue, re-check t->cpu, retry". */
	struct cpu *c = t->cpu;
	unsigned long flags = spin_lock_irqsave(&c->rq.lock);

	if (t->state != THREAD_BLOCKED) {
		spin_unlock_irqrestore(&c->rq.lock, flags);
		return false;
	}
	if (t->timed_wait)
		list_remove(&t->rq_node); /* off the sleepers: no timeout now */
	t->state = THREAD_READY;
	sched_enqueue_locked(&c->rq, t);
	sched_trace(SCHED_EV_WAKEUP, t, this_cpu()->current);
	sched_check_preempt_locked(c, t);
	/* Later, SMP: if c is not this CPU, send it a reschedule IPI. */
	spin_unlock_irqrestore(&c->rq.lock, flags);
	return true;
}

void thread_yield(void)
{
	unsigned long flags = arch_irq_save();
	struct cpu *c = this_cpu();

	spin_lock(&c->rq.lock);
	struct thread *me = c->current;
	if (!me->is_idle)
		me->policy->on_yield(&c->rq, me);
	me->state = THREAD_READY;
	sched_switch_locked(c, false);
	sched_finish_switch();
	arch_irq_restore(flags);
}

void sched_tick(void)
{
	struct cpu *c = this_cpu();

	c->ticks++;
	if (!c->current)    /* the timer may start before sched_start */
		return;

	spin_lock(&c->rq.lock);
	struct thread *curr = c->current;
	curr->ticks_run++;
	sched_wake_sleepers_locked(c, arch_clock_ns());
	sched_policies_rq_tick(&c->rq);    /* aging, boosts */
	if (curr->is_idle) {
		if (c->rq.nr_ready)
			c->need_resched = true;
	} else if (curr->policy->on_tick(&c->rq, curr)) {
		c->need_resched = true;
	}
	spin_unlock(&c->rq.lock);
}

void sched_preempt_irq(void)
{
	struct cpu *c = this_cpu();

	if (!c->need_resched || !c->current)
		return;

	spin_lock(&c->rq.lock);
	struct thread *me = c->current;
	me->state = THREAD_READY;
	sched_trace(SCHED_EV_PREEMPT, me, NULL);
	/* Leaving idle because work arrived is not a preemption. */
	sched_switch_locked(c, !me->is_idle);
	sched_finish_switch();
}

/*
 * A new policy or new parameters for t (sched_setscheduler, nice): off
 * its old policy's queue, on the new one's, under its run-queue lock. A
 * running t is told to reschedule: it may no longer be the one to run.
 */
void sched_set_policy(struct thread *t, const struct sched_policy *p,
                      const struct sched_params *params)
{
	struct cpu *c = t->cpu;
	unsigned long flags = spin_lock_irqsave(&c->rq.lock);
	bool queued = t->state == THREAD_READY;
	const struct sched_policy *old = t->policy;

	if (queued)
		old->dequeue(&c->rq, t);
	t->pd.params = *params;
	t->policy = p;
	if (p != old)
		p->thread_init(t);
	else if (p->params_changed)
		p->params_changed(t);
	if (queued) {
		p->enqueue(&c->rq, t);
		sched_check_preempt_locked(c, t);
	} else if (t == c->current) {
		c->need_resched = true;
	}
	spin_unlock_irqrestore(&c->rq.lock, flags);
}

_Noreturn void sched_exit_current(struct spinlock *held)
{
	struct cpu *c = this_cpu();
	struct thread *me = c->current;

	KASSERT(!arch_irq_enabled());
	spin_lock(&c->rq.lock);
	spin_unlock(held);
	me->state = THREAD_ZOMBIE;
	sched_trace(SCHED_EV_EXIT, me, NULL);
	sched_switch_locked(c, false);
	panic("zombie thread %d (%s) was scheduled", me->tid, me->name);
}

/*
 * The idle thread: runs when nothing else is ready. It never blocks and
 * is never on a run queue; pick_next falling back to it is what "nothing
 * to do" means.
 */
static _Noreturn void idle_loop(void)
{
	for (;;) {
		arch_irq_disable();
		if (sched_has_ready())
			thread_yield();
		else
			arch_idle_wait();  /* interrupts on, atomically with the wait */
	}
}

_Noreturn void sched_start(void)
{
	struct cpu *c = this_cpu();
	struct thread *idle = &idle_threads[c->id];

	arch_irq_disable();
	thread_init_idle(idle, c);
	c->idle = idle;
	c->current = idle;
	idle_loop();
}
