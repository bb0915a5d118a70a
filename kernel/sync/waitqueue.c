/*
 * Wait queues (see waitqueue.h for the protocol that prevents lost
 * wake-ups). The queue is FIFO, so waiters are served in arrival order.
 */
#include <kernel/sync/waitqueue.h>

#include <kernel/panic.h>
#include <kernel/sched/errno.h>
#include <kernel/sched/sched.h>

void wait_queue_init(struct wait_queue *wq, const char *name)
{
	spin_init(&wq->lock, name);
	list_init(&wq->waiters);
}

void wait_queue_wait_locked(struct wait_queue *wq)
{
	struct thread *me = thread_current();

	KASSERT(spin_held(&wq->lock));
	list_push_back(&wq->waiters, &me->wait_node);
	sched_block(&wq->lock);
	/* Whoever woke us took us off the queue. */
}

int wait_queue_wait_interruptible_locked(struct wait_queue *wq)
{
	struct thread *me = thread_current();

	KASSERT(spin_held(&wq->lock));
	list_push_back(&wq->waiters, &me->wait_node);
	bool slept = sched_block_interruptible(&wq->lock);
	if (list_linked(&me->wait_node)) {
		/* Still queued: nobody woke us, a signal did (or came first). */
		list_remove(&me->wait_node);
		return -EINTR;
	}
	(void)slept;
	return 0;
}

int wait_queue_wait_deadline_locked(struct wait_queue *wq, uint64_t deadline_ns)
{
	struct thread *me = thread_current();

	KASSERT(spin_held(&wq->lock));
	list_push_back(&wq->waiters, &me->wait_node);
	sched_block_deadline(&wq->lock, deadline_ns);
	if (list_linked(&me->wait_node)) {
		/* Nobody woke us: the deadline passed, or a signal came. */
		list_remove(&me->wait_node);
		return me->timed_out ? -ETIMEDOUT : -EINTR;
	}
	return 0;
}

struct thread *wait_queue_first_locked(const struct wait_queue *wq)
{
	struct list_node *n = list_first(&wq->waiters);
	return n ? list_entry(n, struct thread, wait_node) : NULL;
}

struct thread *wait_queue_wake_one_locked(struct wait_queue *wq)
{
	KASSERT(spin_held(&wq->lock));
	struct thread *t = wait_queue_first_locked(wq);
	if (!t)
		return NULL;
	list_remove(&t->wait_node);
	/*
	 * A thread on a wait queue is always BLOCKED by the time we hold the
	 * lock (it held this lock until it was), so the wake-up cannot miss.
	 */
	bool woken = sched_wakeup(t);
	/* Only an interruptible waiter can already be awake: a signal woke
	 * it and it has not yet taken itself off the queue. */
	KASSERT(woken || t->interruptible || t->interrupt_pending);
	return t;
}

unsigned wait_queue_wake_all_locked(struct wait_queue *wq)
{
	unsigned n = 0;
	while (wait_queue_wake_one_locked(wq))
		n++;
	return n;
}

struct thread *wait_queue_wake_one(struct wait_queue *wq)
{
	unsigned long flags = spin_lock_irqsave(&wq->lock);
	struct thread *t = wait_queue_wake_one_locked(wq);
	spin_unlock_irqrestore(&wq->lock, flags);
	return t;
}

unsigned wait_queue_wake_all(struct wait_queue *wq)
{
	unsigned long flags = spin_lock_irqsave(&wq->lock);
	unsigned n = wait_queue_wake_all_locked(wq);
	spin_unlock_irqrestore(&wq->lock, flags);
	return n;
}
