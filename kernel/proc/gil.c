/*
 * The GIL option (see gil.h for what it does and why).
 *
 * The GIL is handed over, never grabbed: whoever lets go (the holder
 * blocking, honouring a drop request, exiting) makes the longest waiter
 * the holder and wakes it. So a waiter wakes up either owning the GIL, or
 * because its interval ran out, or for a signal -- and a holder that let
 * go and wants the GIL back joins the end of the queue.
 *
 * The waiter's patience is CPython's rule: it waits one switch interval;
 * if in that time the GIL changed hands (the switch counter moved), it
 * waits another; if not, the holder is hogging it, and the waiter sets
 * the drop request and waits on for the hand-over (still one interval at
 * a time, since the GIL may go to a waiter ahead of it first).
 * The holder's CPU gets a reschedule interrupt so that it notices at once
 * (CPython's holder checks the request every few bytecodes; waiting for
 * its next tick would add up to a tick to every hand-over).
 */
#include <kernel/proc/gil.h>

#include <kernel/arch.h>
#include <kernel/cpu.h>
#include <kernel/panic.h>
#include <kernel/proc/internal.h>
#include <kernel/sched/trace.h>

static bool default_on;
static uint32_t default_interval_us = GIL_INTERVAL_DEFAULT_US;

static void gil_block_hook(struct thread *me);

void gil_init(bool on, uint32_t interval_us)
{
	default_on = on;
	default_interval_us = gil_interval_ok(interval_us) ? interval_us
	                                                   : GIL_INTERVAL_DEFAULT_US;
	sched_block_hook = gil_block_hook;
}

void gil_process_init(struct process *p, const struct process *parent)
{
	struct gil *g = &p->gil;
	spin_init(&g->lock, "gil");
	list_init(&g->waiters);
	g->holder = NULL;
	g->holder_tid = g->last_tid = 0;
	g->drop_request = false;
	g->nr_waiters = 0;
	g->switches = g->drop_requests = g->waits = 0;
	if (parent) {
		g->enabled = __atomic_load_n(&parent->gil.enabled, __ATOMIC_RELAXED);
		g->interval_us = __atomic_load_n(&parent->gil.interval_us, __ATOMIC_RELAXED);
	} else {
		g->enabled = default_on;
		g->interval_us = default_interval_us;
	}
}

/* t (NULL: nobody) holds the GIL from now on. Locked. Every change of
 * holder is one trace event: (old, new), either may be NULL. */
static void set_holder_locked(struct gil *g, struct thread *t)
{
	if (g->holder != t)
		sched_trace(SCHED_EV_GIL, g->holder, t);
	__atomic_store_n(&g->holder, t, __ATOMIC_RELEASE);
	g->holder_tid = t ? t->utid : 0;
	if (!t)
		return;
	g->drop_request = false;        /* whoever asked has been served */
	if (t->utid != g->last_tid) {
		g->switches++;
		g->last_tid = t->utid;
	}
}

/*
 * The holder lets go: the longest waiter gets the GIL and is woken
 * (it may be awake already, for a signal or a timeout, and not yet have
 * looked: it will find it holds the GIL). Locked.
 */
static void hand_over_locked(struct gil *g)
{
	struct list_node *n = list_first(&g->waiters);
	struct thread *next = n ? list_entry(n, struct thread, wait_node) : NULL;
	if (next) {
		list_remove(&next->wait_node);
		g->nr_waiters--;
	}
	set_holder_locked(g, next);
	if (next)
		sched_wakeup(next);
}

/*
 * The scheduler calls this before any block or sleep: a thread that waits
 * for something in the kernel does not run user code, so its GIL goes to
 * the next waiter. It takes the GIL again on its way back to user mode.
 * (A thread waiting for the GIL itself blocks with the gil lock held, but
 * it is not the holder, so the unlocked check below returns first.)
 */
static void gil_block_hook(struct thread *me)
{
	struct process *p = me->proc;
	if (!p)
		return;
	struct gil *g = &p->gil;
	if (__atomic_load_n(&g->holder, __ATOMIC_ACQUIRE) != me)
		return;
	/* Only we make ourselves stop being the holder (or prctl turning
	 * the GIL off): the check is redone under the lock for that case. */
	spin_lock(&g->lock);
	if (g->holder == me)
		hand_over_locked(g);
	spin_unlock(&g->lock);
}

/*
 * Tell the holder about a drop request now rather than at its next tick:
 * an interrupt from its CPU brings it through user_return_check at once
 * if it runs user code (in the kernel, it passes there on its way out).
 * Not needed when it is off the CPU: it passes there before it runs user
 * code again. Locked.
 */
static void kick_holder_locked(struct gil *g)
{
	struct thread *h = g->holder;
	unsigned cpu = sched_thread_cpu(h);
	if (__atomic_load_n(&h->state, __ATOMIC_RELAXED) == THREAD_RUNNING &&
	    cpu != this_cpu()->id)
		arch_send_resched(cpu);
}

/* The switch interval in timer ticks, rounded up (at least one). */
static uint64_t interval_ticks(const struct gil *g)
{
	uint64_t ns = (uint64_t)__atomic_load_n(&g->interval_us, __ATOMIC_RELAXED) * 1000;
	uint64_t tick = sched_tick_ns();
	uint64_t n = (ns + tick - 1) / tick;
	return n ? n : 1;
}

/*
 * Sleep on the GIL until a hand-over, a signal, or the next tick (at the
 * latest the one after); returns how many ticks this CPU counted
 * meanwhile. Locked, interrupts off.
 */
static uint64_t block_one_tick(struct gil *g)
{
	struct cpu *c = this_cpu();
	uint64_t mark = __atomic_load_n(&c->ticks, __ATOMIC_RELAXED);
	sched_block_deadline(&g->lock, arch_clock_ns() + sched_tick_ns() / 2);
	if (this_cpu() != c)
		return 1;       /* moved to another CPU: count one */
	return __atomic_load_n(&c->ticks, __ATOMIC_RELAXED) - mark;
}

static void leave_queue_locked(struct gil *g, struct thread *me)
{
	if (list_linked(&me->wait_node)) {
		list_remove(&me->wait_node);
		g->nr_waiters--;
	}
}

/*
 * Wait at the end of the queue until the GIL is handed to us (or turned
 * off). Locked, interrupts off. False: a signal or exit_group ended the
 * wait, and we are off the queue.
 *
 * The interval is counted in timer ticks of the waiting CPU, as the
 * scheduler's quantum is: under QEMU on a busy host a virtual CPU gets
 * fewer ticks per second of real time, and an interval on the real
 * clock would then end after fewer ticks than a quantum's worth of work.
 */
static bool wait_locked(struct gil *g, struct thread *me)
{
	struct process *p = me->proc;
	uint64_t seen = g->switches, waited = 0;

	g->waits++;
	list_push_back(&g->waiters, &me->wait_node);
	g->nr_waiters++;
	me->wait_reason = "gil";
	for (;;) {
		waited += block_one_tick(g);
		if (g->holder == me || !g->enabled)
			break;          /* handed to us, or no GIL any more */
		if (!list_linked(&me->wait_node)) {
			/* Turned off (which let every waiter go) and on
			 * again while we slept: queue up afresh. */
			if (!g->holder && !g->nr_waiters) {
				set_holder_locked(g, me);
				break;
			}
			list_push_back(&g->waiters, &me->wait_node);
			g->nr_waiters++;
			if (!g->holder)
				hand_over_locked(g);
		}
		if (me->interrupt_pending) {
			/*
			 * Cleared before looking, so a signal arriving now is
			 * seen either here or by the next wait. One that is
			 * not for us (another thread took it, or it is
			 * blocked) must not keep us from sleeping.
			 */
			sched_clear_interrupt(me);
			if (__atomic_load_n(&p->group_exiting, __ATOMIC_ACQUIRE) ||
			    signal_pending()) {
				leave_queue_locked(g, me);
				me->wait_reason = NULL;
				return false;
			}
		} else if (waited >= interval_ticks(g)) {
			if (g->switches == seen && g->holder) {
				/* A whole interval and no switch: ask the holder
				 * to let go (once; the request stands until it
				 * is honoured). */
				if (!g->drop_request) {
					g->drop_request = true;
					g->drop_requests++;
					kick_holder_locked(g);
				}
			} else {
				/* It changed hands meanwhile (maybe to a waiter
				 * before us): be patient for another interval. */
				seen = g->switches;
			}
			/* Timed again even after asking: if the GIL goes to
			 * another waiter, its holder must be asked in turn. */
			waited = 0;
		}
	}
	leave_queue_locked(g, me);      /* when turned off; a hand-over did it */
	me->wait_reason = NULL;
	return true;
}

bool gil_user_return(struct thread *me)
{
	struct gil *g = &me->proc->gil;

	KASSERT(!arch_irq_enabled());
	/* The fast paths, without the lock: off, or ours and nobody asks. */
	if (!__atomic_load_n(&g->enabled, __ATOMIC_ACQUIRE))
		return true;
	if (__atomic_load_n(&g->holder, __ATOMIC_ACQUIRE) == me &&
	    !__atomic_load_n(&g->drop_request, __ATOMIC_ACQUIRE))
		return true;

	bool ok = true;
	spin_lock(&g->lock);
	if (!g->enabled) {
		/* turned off meanwhile */
	} else if (g->holder == me) {
		if (g->drop_request && g->nr_waiters) {
			/* Honour the request: the longest waiter gets it, and
			 * we queue up behind the others. */
			hand_over_locked(g);
			ok = wait_locked(g, me);
		} else {
			g->drop_request = false;   /* whoever asked left */
		}
	} else if (!g->holder && !g->nr_waiters) {
		set_holder_locked(g, me);
	} else {
		if (!g->holder) {
			/* Free but others queue (a holder turned it off and on
			 * again): first come, first served. */
			hand_over_locked(g);
		}
		ok = wait_locked(g, me);
	}
	spin_unlock(&g->lock);
	return ok;
}

void gil_thread_exit(struct thread *me)
{
	struct gil *g = &me->proc->gil;
	if (__atomic_load_n(&g->holder, __ATOMIC_ACQUIRE) != me)
		return;
	unsigned long f = spin_lock_irqsave(&g->lock);
	if (g->holder == me)
		hand_over_locked(g);
	spin_unlock_irqrestore(&g->lock, f);
}

void gil_set_enabled(struct process *p, bool on)
{
	struct gil *g = &p->gil;
	unsigned long f = spin_lock_irqsave(&g->lock);
	if (on != g->enabled) {
		__atomic_store_n(&g->enabled, on, __ATOMIC_RELEASE);
		if (!on) {
			/* Nobody holds it any more; every waiter goes on. */
			set_holder_locked(g, NULL);
			g->drop_request = false;
			while (!list_empty(&g->waiters)) {
				struct thread *t = list_entry(list_first(&g->waiters),
				                              struct thread, wait_node);
				list_remove(&t->wait_node);
				sched_wakeup(t);
			}
			g->nr_waiters = 0;
		}
	}
	spin_unlock_irqrestore(&g->lock, f);
}

void gil_exec(struct process *p)
{
	/* The new program starts as any program does: with the boot
	 * default, which it may change itself. */
	gil_set_enabled(p, default_on);
	gil_set_interval_us(&p->gil, default_interval_us);
}
