/*
 * Condition variables on a wait queue (see condvar.h).
 */
#include <kernel/sync/condvar.h>

#include <kernel/panic.h>
#include <kernel/sched/errno.h>
#include <kernel/sched/sched.h>

void cond_init(struct condvar *cv, const char *name)
{
	wait_queue_init(&cv->wq, name);
}

int cond_wait(struct condvar *cv, struct mutex *m)
{
	struct thread *me = thread_current();

	if (!mutex_held(m)) {
		kernel_bug("cond_wait: thread %d (%s) does not own mutex %s",
		           me->tid, me->name, m->name);
		return -EPERM;
	}
	if (mutex_depth(m) > 1) {
		kernel_bug("cond_wait: mutex %s held %u times", m->name,
		           mutex_depth(m));
		return -EINVAL;
	}

	/*
	 * Take the condvar's lock BEFORE releasing the mutex, and keep it
	 * until we are queued and blocked: a signaller changes the condition
	 * under the mutex, then needs this lock to signal, so it finds us
	 * already on the queue.
	 */
	unsigned long flags = spin_lock_irqsave(&cv->wq.lock);
	mutex_unlock(m);
	wait_queue_wait_locked(&cv->wq);
	spin_unlock_irqrestore(&cv->wq.lock, flags);

	return mutex_lock(m);
}

void cond_signal(struct condvar *cv)
{
	wait_queue_wake_one(&cv->wq);
}

void cond_broadcast(struct condvar *cv)
{
	wait_queue_wake_all(&cv->wq);
}
