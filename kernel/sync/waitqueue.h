/*
 * Wait queues: the one way a thread sleeps until something happens.
 * Mutexes, semaphores, condition variables and kthread_join are all a
 * condition plus a wait queue.
 *
 * The rule that prevents lost wake-ups: check the condition and call
 * wait_queue_wait_locked() while holding wq->lock, and change the
 * condition and wake while holding the same lock. The waiter releases the
 * lock only once the scheduler has it marked BLOCKED (see sched_block),
 * so a wake-up can never slip in between "condition false" and "asleep".
 *
 * A waker removes the waiter from the queue itself, so when
 * wait_queue_wait_locked() returns the thread has been woken on purpose
 * by someone who knew why -- which is what lets mutexes and semaphores
 * hand ownership straight to the woken thread.
 */
#ifndef WEFT_SYNC_WAITQUEUE_H
#define WEFT_SYNC_WAITQUEUE_H

#include <stdbool.h>
#include <stdint.h>

#include <kernel/sched/list.h>
#include <kernel/sync/spinlock.h>

struct thread;

struct wait_queue {
	struct spinlock lock;
	struct list_node waiters;       /* FIFO of thread->wait_node */
};

void wait_queue_init(struct wait_queue *wq, const char *name);

/*
 * Sleep on wq until woken. Call with wq->lock held (interrupts off, as
 * always with a spinlock); returns with it held again.
 */
void wait_queue_wait_locked(struct wait_queue *wq);

/*
 * The same, but a signal for the thread (sched_interrupt) also ends the
 * wait: returns 0 when woken by a waker, -EINTR when interrupted. The
 * caller re-checks its condition either way.
 */
int wait_queue_wait_interruptible_locked(struct wait_queue *wq);

/*
 * The same with a time limit: 0 when woken, -ETIMEDOUT when deadline_ns
 * (arch_clock_ns time) passed first, -EINTR for a signal.
 */
int wait_queue_wait_deadline_locked(struct wait_queue *wq, uint64_t deadline_ns);

/* Wake the longest waiter; returns it, or NULL if none. wq->lock held. */
struct thread *wait_queue_wake_one_locked(struct wait_queue *wq);
/* Wake every waiter; returns how many. wq->lock held. */
unsigned wait_queue_wake_all_locked(struct wait_queue *wq);
/* The longest waiter without waking it, or NULL. wq->lock held. */
struct thread *wait_queue_first_locked(const struct wait_queue *wq);

/* The same, taking and releasing the lock. */
struct thread *wait_queue_wake_one(struct wait_queue *wq);
unsigned wait_queue_wake_all(struct wait_queue *wq);

#endif
