/*
 * Counting semaphores with hand-off (see semaphore.h).
 */
#include <kernel/sync/semaphore.h>

#include <kernel/sched/sched.h>

void sem_init(struct semaphore *s, unsigned count, const char *name)
{
	wait_queue_init(&s->wq, name);
	s->count = count;
}

void sem_down(struct semaphore *s)
{
	unsigned long flags = spin_lock_irqsave(&s->wq.lock);
	if (s->count > 0)
		s->count--;
	else
		wait_queue_wait_locked(&s->wq);  /* woken = given a unit */
	spin_unlock_irqrestore(&s->wq.lock, flags);
}

bool sem_trydown(struct semaphore *s)
{
	bool ok = false;
	unsigned long flags = spin_lock_irqsave(&s->wq.lock);
	if (s->count > 0) {
		s->count--;
		ok = true;
	}
	spin_unlock_irqrestore(&s->wq.lock, flags);
	return ok;
}

void sem_up(struct semaphore *s)
{
	unsigned long flags = spin_lock_irqsave(&s->wq.lock);
	if (!wait_queue_wake_one_locked(&s->wq))
		s->count++;
	spin_unlock_irqrestore(&s->wq.lock, flags);
}

unsigned sem_count(struct semaphore *s)
{
	return __atomic_load_n(&s->count, __ATOMIC_RELAXED);
}
