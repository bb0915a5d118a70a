/*
 * Sleeping mutexes with an owner and direct hand-off (see mutex.h).
 */
#include <kernel/sync/mutex.h>

#include <kernel/panic.h>
#include <kernel/sched/errno.h>
#include <kernel/sched/sched.h>
#include <kernel/sync/deadlock.h>

static void init(struct mutex *m, const char *name, bool recursive)
{
	wait_queue_init(&m->wq, name);
	m->owner = NULL;
	m->depth = 0;
	m->recursive = recursive;
	m->name = name;
}

void mutex_init(struct mutex *m, const char *name)
{
	init(m, name, false);
}

void mutex_init_recursive(struct mutex *m, const char *name)
{
	init(m, name, true);
}

/* The cases that don't wait. Returns 1 if it must wait. wq.lock held. */
static int try_locked(struct mutex *m, struct thread *me)
{
	if (!m->owner) {
		__atomic_store_n(&m->owner, me, __ATOMIC_RELAXED);
		m->depth = 1;
		return 0;
	}
	if (m->owner == me) {
		if (m->recursive) {
			m->depth++;
			return 0;
		}
		kernel_bug("mutex %s: thread %d (%s) locks it again",
		           m->name, me->tid, me->name);
		return -EDEADLK;
	}
	return 1;
}

/*
 * Wait for m; with timed, only until deadline_ns. While asleep, the
 * thread is an edge of the wait-for graph (deadlock.c), which reports a
 * wait that would close a cycle.
 */
static int lock_or_wait(struct mutex *m, bool timed, uint64_t deadline_ns)
{
	struct thread *me = thread_current();
	unsigned long flags = spin_lock_irqsave(&m->wq.lock);

	int r = try_locked(m, me);
	if (r == 1 && timed && arch_clock_ns() >= deadline_ns)
		r = -ETIMEDOUT;         /* too late to wait at all */
	if (r == 1) {
		wait_graph_enter(me, m);
		if (timed) {
			r = wait_queue_wait_deadline_locked(&m->wq, deadline_ns);
		} else {
			wait_queue_wait_locked(&m->wq);
			r = 0;
		}
		if (r == 0)
			/* The unlocker made us the owner before waking us, and
			 * took us out of the graph (wait_graph_hand_off). */
			KASSERT(m->owner == me);
		else
			wait_graph_leave(me); /* gave up: off the queue already */
	}
	spin_unlock_irqrestore(&m->wq.lock, flags);
	return r;
}

int mutex_lock(struct mutex *m)
{
	return lock_or_wait(m, false, 0);
}

int mutex_lock_timeout(struct mutex *m, uint64_t deadline_ns)
{
	return lock_or_wait(m, true, deadline_ns);
}

int mutex_trylock(struct mutex *m)
{
	struct thread *me = thread_current();
	unsigned long flags = spin_lock_irqsave(&m->wq.lock);
	int r = try_locked(m, me);
	spin_unlock_irqrestore(&m->wq.lock, flags);
	return r == 1 ? -EAGAIN : r;
}

int mutex_unlock(struct mutex *m)
{
	struct thread *me = thread_current();
	unsigned long flags = spin_lock_irqsave(&m->wq.lock);

	if (m->owner != me) {
		struct thread *o = m->owner;
		spin_unlock_irqrestore(&m->wq.lock, flags);
		kernel_bug("mutex %s: unlocked by thread %d (%s), owner is %d",
		           m->name, me ? me->tid : -1, me ? me->name : "?",
		           o ? o->tid : -1);
		return -EPERM;
	}
	if (--m->depth == 0) {
		struct thread *next = wait_queue_first_locked(&m->wq);
		/* Hand-off: the next owner is chosen now, not when it runs. */
		if (next) {
			wait_graph_hand_off(m, next);
			m->depth = 1;
			wait_queue_wake_one_locked(&m->wq);
		} else {
			__atomic_store_n(&m->owner, NULL, __ATOMIC_RELAXED);
		}
	}
	spin_unlock_irqrestore(&m->wq.lock, flags);
	return 0;
}

bool mutex_held(struct mutex *m)
{
	return __atomic_load_n(&m->owner, __ATOMIC_RELAXED) == thread_current();
}

struct thread *mutex_owner(struct mutex *m)
{
	return __atomic_load_n(&m->owner, __ATOMIC_RELAXED);
}

unsigned mutex_depth(struct mutex *m)
{
	return __atomic_load_n(&m->depth, __ATOMIC_RELAXED);
}
