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
	list_init(&wq->watchers);
}

void wait_queue_wait_locked(struct wait_queue *wq)
{
	struct thread *me = thread_current();

	KASSERT(spin_held(&wq->lock));
	list_push_back(&wq->waiters, &me->wait_node);
	me->wait_reason = wq->lock.name;        /* for /proc/.../wchan */
	sched_block(&wq->lock);
	me->wait_reason = NULL;
	/* Whoever woke us took us off the queue. */
}

int wait_queue_wait_interruptible_locked(struct wait_queue *wq)
{
	struct thread *me = thread_current();

	KASSERT(spin_held(&wq->lock));
	list_push_back(&wq->waiters, &me->wait_node);
	me->wait_reason = wq->lock.name;
	bool slept = sched_block_interruptible(&wq->lock);
	me->wait_reason = NULL;
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
	me->wait_reason = wq->lock.name;
	sched_block_deadline(&wq->lock, deadline_ns);
	me->wait_reason = NULL;
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

static void notify_watchers_locked(struct wait_queue *wq)
{
	struct list_node *n;
	/* A queue set up by a static initializer that names only its
	 * waiters (see WAIT_QUEUE_INIT) has a zeroed list: no watchers. */
	if (!wq->watchers.next)
		return;
	list_for_each(n, &wq->watchers) {
		struct wait_watcher *w = list_entry(n, struct wait_watcher, node);
		w->notify(w);
	}
}

/* Take the longest waiter off the queue and make it READY. */
static struct thread *wake_first_locked(struct wait_queue *wq)
{
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

struct thread *wait_queue_wake_one_locked(struct wait_queue *wq)
{
	KASSERT(spin_held(&wq->lock));
	notify_watchers_locked(wq);
	return wake_first_locked(wq);
}

unsigned wait_queue_wake_all_locked(struct wait_queue *wq)
{
	unsigned n = 0;
	KASSERT(spin_held(&wq->lock));
	notify_watchers_locked(wq);
	while (wake_first_locked(wq))
		n++;
	return n;
}

void wait_queue_add_watcher(struct wait_queue *wq, struct wait_watcher *w,
                            void (*notify)(struct wait_watcher *w))
{
	w->notify = notify;
	unsigned long flags = spin_lock_irqsave(&wq->lock);
	list_push_back(&wq->watchers, &w->node);
	spin_unlock_irqrestore(&wq->lock, flags);
}

void wait_queue_remove_watcher(struct wait_queue *wq, struct wait_watcher *w)
{
	unsigned long flags = spin_lock_irqsave(&wq->lock);
	list_remove(&w->node);
	spin_unlock_irqrestore(&wq->lock, flags);
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
