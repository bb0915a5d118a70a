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
 * its own stack. Lock order: any other spinlock before a run-queue lock;
 * two run-queue locks in CPU order (double_lock), or the second one only
 * tried (spin_trylock) while the first is held.
 *
 * Several CPUs (see docs/architecture.md, "Several CPUs"): each CPU has
 * its own run queue, and a thread belongs to one of them (thread->cpu).
 * A thread moves to another CPU only while it is READY and off every CPU,
 * under both run-queue locks:
 *   - placement: a new or woken thread goes to an idle CPU it may use if
 *     its own CPU is busy (select_cpu);
 *   - balancing: an idle CPU, and every BALANCE_MS a busy one, takes a
 *     queued thread from the busiest CPU (balance());
 *   - affinity: a thread that may no longer run where it is waits on its
 *     CPU's migrate list until push_pending() moves it.
 * A CPU whose need_resched another CPU set gets an interrupt
 * (arch_send_resched) so that it switches now, not at its next tick.
 */
#include <kernel/sched/sched.h>

#include <kernel/cpu.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/sched/errno.h>
#include <kernel/sched/runqueue.h>
#include <kernel/sched/trace.h>

static const struct sched_policy *default_policy = &sched_policy_rr;
void (*sched_switch_hook)(struct thread *prev, struct thread *next);
void (*sched_block_hook)(struct thread *me);
static uint64_t online_mask;     /* bit N: CPU N schedules (atomic) */

/* A busy CPU looks for a busier one this often (idle CPUs every tick). */
#define BALANCE_MS 4
static unsigned balance_ticks = 4;
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
	balance_ticks = (unsigned)((uint64_t)BALANCE_MS * hz / 1000);
	if (balance_ticks == 0)
		balance_ticks = 1;
	online_mask = 0;

	/* Only the scheduler's fields: the arch owns self, id and arch. */
	for (unsigned i = 0; i < MAX_CPUS; i++) {
		struct cpu *c = &cpus[i];
		spin_init(&c->rq.lock, "runqueue");
		list_init(&c->rq.sleepers);
		sched_policies_rq_init(&c->rq);  /* each policy's queues */
		c->rq.nr_ready = 0;
		list_init(&c->rq.ready_list);
		list_init(&c->rq.migrate_list);
		c->rq.balance_countdown = balance_ticks;
		c->rq.switched_from = NULL;
		c->current = NULL;
		c->idle = NULL;
		c->need_resched = false;
		c->ticks = 0;
		c->ticks_user = c->ticks_system = c->ticks_idle = 0;
		c->online = false;
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

/*
 * With interrupts off: otherwise the thread could be preempted and moved
 * to another CPU between finding "this CPU" and reading its current,
 * and would read the other CPU's thread.
 */
struct thread *thread_current(void)
{
	unsigned long flags = arch_irq_save();
	struct thread *t = this_cpu()->current;
	arch_irq_restore(flags);
	return t;
}

uint64_t sched_cpus_online_mask(void)
{
	return __atomic_load_n(&online_mask, __ATOMIC_ACQUIRE);
}

unsigned sched_cpus_running(void)
{
	unsigned n = 0;    /* (no libgcc in the kernel for __builtin_popcount) */
	for (uint64_t m = sched_cpus_online_mask(); m; m &= m - 1)
		n++;
	return n;
}

unsigned sched_thread_cpu(const struct thread *t)
{
	struct cpu *c = __atomic_load_n(&t->cpu, __ATOMIC_RELAXED);
	return c ? c->id : 0;
}

/* ---- which run queue owns a thread ----------------------------------- */

/*
 * Lock the run queue of the CPU that owns t. t->cpu changes only under
 * the old and the new CPU's locks, so once we hold the lock of the CPU
 * t->cpu names, it stays ours; if t moved while we waited, try again.
 */
static struct cpu *lock_thread_cpu(struct thread *t, unsigned long *flags)
{
	*flags = arch_irq_save();
	for (;;) {
		struct cpu *c = __atomic_load_n(&t->cpu, __ATOMIC_ACQUIRE);
		spin_lock(&c->rq.lock);
		if (__atomic_load_n(&t->cpu, __ATOMIC_RELAXED) == c)
			return c;
		spin_unlock(&c->rq.lock);
	}
}

/* Both run queues, lower CPU number first (the lock order). */
static void double_lock(struct cpu *a, struct cpu *b)
{
	if (a == b) {
		spin_lock(&a->rq.lock);
	} else if (a->id < b->id) {
		spin_lock(&a->rq.lock);
		spin_lock(&b->rq.lock);
	} else {
		spin_lock(&b->rq.lock);
		spin_lock(&a->rq.lock);
	}
}

static void double_unlock(struct cpu *a, struct cpu *b)
{
	spin_unlock(&a->rq.lock);
	if (a != b)
		spin_unlock(&b->rq.lock);
}

static bool allowed_on(const struct thread *t, const struct cpu *c)
{
	return (t->cpus_allowed >> c->id) & 1;
}

/* How busy c is: queued threads plus the running one (a hint: no lock). */
static unsigned cpu_load(const struct cpu *c)
{
	const struct thread *curr = __atomic_load_n(&c->current, __ATOMIC_RELAXED);
	return __atomic_load_n(&c->rq.nr_ready, __ATOMIC_RELAXED) +
	       (curr && !curr->is_idle ? 1 : 0);
}

/*
 * Where a thread that becomes ready should run: `prefer` (its last CPU,
 * whose caches may still hold its data, or the creator's CPU) unless
 * another CPU it may use is less busy. Hints without locks: a wrong
 * guess costs a little balance, never correctness.
 */
static struct cpu *select_cpu(const struct thread *t, struct cpu *prefer)
{
	uint64_t ok = t->cpus_allowed & sched_cpus_online_mask();
	if (!ok)
		return prefer;      /* before the CPUs are up */
	struct cpu *best = NULL;
	unsigned best_load = ~0u;
	if ((ok >> prefer->id) & 1) {
		best = prefer;
		best_load = cpu_load(prefer);
	}
	for (unsigned i = 0; i < MAX_CPUS && best_load > 0; i++) {
		if (!((ok >> i) & 1) || &cpus[i] == prefer)
			continue;
		unsigned load = cpu_load(&cpus[i]);
		if (load < best_load) {
			best = &cpus[i];
			best_load = load;
		}
	}
	return best;
}

/* Tell another CPU to look at its need_resched now. */
static void kick(struct cpu *c)
{
	if (c != this_cpu() && c->need_resched)
		arch_send_resched(c->id);
}

bool sched_has_ready(void)
{
	return __atomic_load_n(&this_cpu()->rq.nr_ready, __ATOMIC_RELAXED) != 0;
}

void sched_enqueue_locked(struct runqueue *rq, struct thread *t)
{
	t->policy->enqueue(rq, t);
	list_push_back(&rq->ready_list, &t->ready_node);
	t->on_rq = true;
	__atomic_store_n(&rq->nr_ready, rq->nr_ready + 1, __ATOMIC_RELAXED);
}

static void dequeue_locked(struct runqueue *rq, struct thread *t)
{
	t->policy->dequeue(rq, t);
	list_remove(&t->ready_node);
	t->on_rq = false;
	__atomic_store_n(&rq->nr_ready, rq->nr_ready - 1, __ATOMIC_RELAXED);
}

/*
 * The decision. Policies are chosen per thread, so the policies are asked
 * in order of precedence (policy.c), as Linux walks its sched_classes.
 */
static struct thread *pick_next_locked(struct runqueue *rq)
{
	struct thread *t = sched_policies_pick_next(rq);
	if (t) {
		list_remove(&t->ready_node);
		t->on_rq = false;
		__atomic_store_n(&rq->nr_ready, rq->nr_ready - 1, __ATOMIC_RELAXED);
	}
	return t;
}

/* t (READY, on no queue, off every CPU) now belongs to `to`; both
 * run-queue locks held. */
static void move_locked(struct thread *t, struct cpu *from, struct cpu *to)
{
	if (t->policy->migrate)
		t->policy->migrate(&from->rq, &to->rq, t);
	__atomic_store_n(&t->cpu, to, __ATOMIC_RELEASE);
	t->migrations++;
	sched_trace(SCHED_EV_MIGRATE, t, NULL);
}

/*
 * t has just become READY on c (c's lock held, t on no queue): queue it
 * there, or -- if it may not run on c -- park it on c's migrate list for
 * push_pending(), which the caller runs once it has let go of c's lock.
 * Returns true when that is needed.
 */
bool sched_make_ready_locked(struct cpu *c, struct thread *t)
{
	if (!allowed_on(t, c) && (t->cpus_allowed & sched_cpus_online_mask())) {
		list_push_back(&c->rq.migrate_list, &t->rq_node);
		return true;
	}
	sched_enqueue_locked(&c->rq, t);
	sched_check_preempt_locked(c, t);
	return false;
}

/*
 * Move the threads on c's migrate list to CPUs they may use. Interrupts
 * off, no run-queue lock held. A parked thread is READY but on no queue:
 * wake-ups leave it alone (it is not BLOCKED) and only this function
 * changes its CPU.
 */
void sched_push_pending(struct cpu *c)
{
	for (;;) {
		spin_lock(&c->rq.lock);
		struct list_node *n = list_first(&c->rq.migrate_list);
		if (!n) {
			spin_unlock(&c->rq.lock);
			return;
		}
		list_remove(n);
		spin_unlock(&c->rq.lock);

		struct thread *t = list_entry(n, struct thread, rq_node);
		struct cpu *to = select_cpu(t, c);
		double_lock(c, to);
		if (to != c)
			move_locked(t, c, to);
		sched_enqueue_locked(&to->rq, t);
		sched_check_preempt_locked(to, t);
		double_unlock(c, to);
	}
}

void sched_switch_locked(struct cpu *c, bool preempted)
{
	struct runqueue *rq = &c->rq;
	struct thread *prev = c->current;

	if (prev->state == THREAD_READY && !prev->is_idle) {
		if (allowed_on(prev, c) || !(prev->cpus_allowed & sched_cpus_online_mask()))
			sched_enqueue_locked(rq, prev);
		else    /* its affinity changed: moved once off its stack */
			list_push_back(&rq->migrate_list, &prev->rq_node);
	}

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
	bool pending = !list_empty(&rq->migrate_list);
	spin_unlock(&rq->lock);
	if (pending)
		sched_push_pending(this_cpu());
}

void sched_check_preempt_locked(struct cpu *c, struct thread *woken)
{
	struct thread *curr = c->current;
	if (!curr || curr->is_idle ||
	    sched_policies_wakeup_preempt(&c->rq, curr, woken)) {
		c->need_resched = true;
		kick(c);
	}
}

void sched_add_new(struct thread *t)
{
	unsigned long flags = arch_irq_save();
	struct cpu *here = this_cpu();
	struct thread *parent = here->current;
	arch_irq_restore(flags);

	/* Children inherit the CPUs they may use, as on Linux. */
	t->cpus_allowed = parent && !parent->is_idle ? parent->cpus_allowed : ~0ull;
	struct cpu *c = select_cpu(t, here);
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

	flags = spin_lock_irqsave(&c->rq.lock);
	t->state = THREAD_READY;
	sched_enqueue_locked(&c->rq, t);
	/* A new thread does not preempt its creator, whatever the policy
	 * (as Linux's default, sched_child_runs_first=0): the creator runs
	 * on to its next tick or block, and finishes what it was doing with
	 * the new thread (fork and clone publish it in the process table
	 * right after creating it). On an idle CPU it starts at once. */
	if (!c->current || c->current->is_idle) {
		c->need_resched = true;
		kick(c);
	}
	sched_trace(SCHED_EV_CREATE, t, NULL);
	spin_unlock_irqrestore(&c->rq.lock, flags);
}

void sched_block(struct spinlock *lock)
{
	struct cpu *c = this_cpu();
	struct thread *me = c->current;

	KASSERT(!arch_irq_enabled());
	KASSERT(me && !me->is_idle);
	if (sched_block_hook)
		sched_block_hook(me);

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
	if (sched_block_hook)
		sched_block_hook(me);
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
	unsigned long flags;
	struct cpu *c = lock_thread_cpu(t, &flags);
	bool push = false;
	t->interrupt_pending = true;
	if (t->interruptible &&
	    (t->state == THREAD_BLOCKED || t->state == THREAD_SLEEPING)) {
		if (t->state == THREAD_SLEEPING || t->timed_wait)
			list_remove(&t->rq_node);
		t->state = THREAD_READY;
		sched_trace(SCHED_EV_WAKEUP, t, this_cpu()->current);
		push = sched_make_ready_locked(c, t);
		if (!push) {
			c->need_resched = true;    /* let it act on the signal now */
			kick(c);
		}
	}
	spin_unlock(&c->rq.lock);
	if (push)
		sched_push_pending(c);
	arch_irq_restore(flags);
}

void sched_clear_interrupt(struct thread *t)
{
	unsigned long flags;
	struct cpu *c = lock_thread_cpu(t, &flags);
	t->interrupt_pending = false;
	spin_unlock_irqrestore(&c->rq.lock, flags);
}

bool sched_wakeup(struct thread *t)
{
	unsigned long flags;
	struct cpu *c = lock_thread_cpu(t, &flags);

	if (t->state != THREAD_BLOCKED) {
		spin_unlock_irqrestore(&c->rq.lock, flags);
		return false;
	}
	/* BLOCKED, and we hold its CPU's lock: it is off that CPU (the lock
	 * was held across its switch away until its on_cpu was cleared). */
	if (t->timed_wait)
		list_remove(&t->rq_node); /* off the sleepers: no timeout now */
	t->state = THREAD_READY;
	sched_trace(SCHED_EV_WAKEUP, t, this_cpu()->current);

	/* Its own CPU is busy and another is idle: go there, if we can get
	 * that queue's lock without waiting (waiting here could deadlock
	 * with a CPU that takes the two locks the other way round). */
	struct cpu *to = select_cpu(t, c);
	if (to != c && spin_trylock(&to->rq.lock)) {
		move_locked(t, c, to);
		sched_enqueue_locked(&to->rq, t);
		sched_check_preempt_locked(to, t);
		spin_unlock(&to->rq.lock);
		spin_unlock_irqrestore(&c->rq.lock, flags);
		return true;
	}
	bool push = sched_make_ready_locked(c, t);
	spin_unlock(&c->rq.lock);
	if (push)
		sched_push_pending(c);
	arch_irq_restore(flags);
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

/* ---- balancing --------------------------------------------------------- */

/*
 * Take one queued thread that may run on c from `from` (both locks held):
 * the one that has waited longest. NULL if there is none.
 */
static struct thread *steal_locked(struct cpu *c, struct cpu *from)
{
	struct list_node *n;
	list_for_each(n, &from->rq.ready_list) {
		struct thread *t = list_entry(n, struct thread, ready_node);
		if (!allowed_on(t, c) || t->on_cpu)
			continue;
		dequeue_locked(&from->rq, t);
		move_locked(t, from, c);
		sched_enqueue_locked(&c->rq, t);
		return t;
	}
	return NULL;
}

/*
 * Pull work to this CPU from the busiest other one, when that evens
 * things out: an idle CPU takes a thread from any CPU with one waiting;
 * a busy one only from a CPU with at least two more. Interrupts off, no
 * run-queue lock held. Returns true if a thread came over.
 */
static bool balance(struct cpu *c)
{
	uint64_t online = sched_cpus_online_mask();
	struct cpu *busiest = NULL;
	unsigned most = 0, mine = cpu_load(c);

	for (unsigned i = 0; i < MAX_CPUS; i++) {
		if (!((online >> i) & 1) || &cpus[i] == c)
			continue;
		unsigned ready = __atomic_load_n(&cpus[i].rq.nr_ready, __ATOMIC_RELAXED);
		unsigned load = cpu_load(&cpus[i]);
		if (ready > 0 && load >= mine + 2 && load > most) {
			busiest = &cpus[i];
			most = load;
		}
	}
	if (!busiest)
		return false;
	double_lock(c, busiest);
	struct thread *t = NULL;
	if (busiest->rq.nr_ready > 0) {
		t = steal_locked(c, busiest);
		if (t)
			sched_check_preempt_locked(c, t);
	}
	double_unlock(c, busiest);
	return t != NULL;
}

void sched_tick(bool from_user)
{
	struct cpu *c = this_cpu();

	c->ticks++;
	if (!c->current)    /* the timer may start before sched_start */
		return;

	spin_lock(&c->rq.lock);
	struct thread *curr = c->current;
	if (curr->is_idle)
		c->ticks_idle++;
	else if (from_user)
		c->ticks_user++;
	else
		c->ticks_system++;
	curr->ticks_run++;
	sched_wake_sleepers_locked(c, arch_clock_ns());
	sched_policies_rq_tick(&c->rq);    /* aging, boosts */
	if (curr->is_idle) {
		if (c->rq.nr_ready)
			c->need_resched = true;
	} else if (curr->policy->on_tick(&c->rq, curr)) {
		c->need_resched = true;
	}
	bool pending = !list_empty(&c->rq.migrate_list);
	bool time_to_balance = --c->rq.balance_countdown == 0;
	if (time_to_balance)
		c->rq.balance_countdown = balance_ticks;
	spin_unlock(&c->rq.lock);

	if (pending)
		sched_push_pending(c);
	if (time_to_balance && !curr->is_idle)
		balance(c);     /* idle CPUs balance in their idle loop */
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
	unsigned long flags;
	struct cpu *c = lock_thread_cpu(t, &flags);
	bool queued = t->on_rq;
	const struct sched_policy *old = t->policy;

	if (queued)
		dequeue_locked(&c->rq, t);
	t->pd.params = *params;
	t->policy = p;
	if (p != old)
		p->thread_init(t);
	else if (p->params_changed)
		p->params_changed(t);
	if (queued) {
		sched_enqueue_locked(&c->rq, t);
		sched_check_preempt_locked(c, t);
	} else if (t == c->current) {
		c->need_resched = true;
		kick(c);
	}
	spin_unlock_irqrestore(&c->rq.lock, flags);
}

int sched_set_affinity(struct thread *t, uint64_t mask)
{
	mask &= MAX_CPUS >= 64 ? ~0ull : (1ull << MAX_CPUS) - 1;
	if (!(mask & sched_cpus_online_mask()))
		return -EINVAL;

	unsigned long flags;
	struct cpu *c = lock_thread_cpu(t, &flags);
	bool push = false, self = false;
	t->cpus_allowed = mask;
	if (!allowed_on(t, c) && !t->is_idle) {
		if (t->on_rq) {
			/* Queued: off this queue and on to an allowed CPU. */
			dequeue_locked(&c->rq, t);
			list_push_back(&c->rq.migrate_list, &t->rq_node);
			push = true;
		} else if (t == c->current) {
			/* Running: it moves at its next switch (now, if it is us). */
			self = c == this_cpu();
			c->need_resched = true;
			kick(c);
		}
		/* Blocked or sleeping: it moves when it wakes up (a thread
		 * parked on a migrate list just uses the new mask). */
	}
	spin_unlock(&c->rq.lock);
	if (push)
		sched_push_pending(c);
	arch_irq_restore(flags);
	if (self)
		thread_yield();
	return 0;
}

uint64_t sched_get_affinity(struct thread *t)
{
	return __atomic_load_n(&t->cpus_allowed, __ATOMIC_RELAXED) &
	       sched_cpus_online_mask();
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
		/* Nothing here: look for work elsewhere before halting. Every
		 * tick wakes the halted CPU, so an idle CPU looks once a tick. */
		if (!sched_has_ready() && sched_cpus_running() > 1)
			balance(this_cpu());
		if (sched_has_ready())
			thread_yield();
		else
			arch_idle_wait();  /* interrupts on, atomically with the wait */
	}
}

static _Noreturn void start_this_cpu(void)
{
	struct cpu *c = this_cpu();
	struct thread *idle = &idle_threads[c->id];

	arch_irq_disable();
	thread_init_idle(idle, c);
	idle->cpus_allowed = 1ull << c->id;
	c->idle = idle;
	c->current = idle;
	c->online = true;
	__atomic_fetch_or(&online_mask, 1ull << c->id, __ATOMIC_RELEASE);
	idle_loop();
}

_Noreturn void sched_start(void)
{
	start_this_cpu();
}

_Noreturn void sched_start_ap(void)
{
	start_this_cpu();
}
