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
	struct list_node watchers;      /* of wait_watcher->node (poll) */
};

/*
 * A watcher is told about every wake-up of a queue without being one of
 * its waiters: poll() and select() watch many queues at once (a thread
 * has one wait_node, so it can wait on only one queue), and a watcher
 * never takes a wake-up away from a waiter. notify() runs with wq->lock
 * held and interrupts off, maybe in an interrupt handler: it must be
 * quick, must not sleep, and must not add or remove watchers.
 *
 * So that pollers hear of every change, code whose state poll reports
 * wakes through wait_queue_wake_one/all, even when no thread waits.
 */
struct wait_watcher {
	struct list_node node;
	void (*notify)(struct wait_watcher *w);
};

/* For a queue defined statically: struct wait_queue q = WAIT_QUEUE_INIT(q, "q"); */
#define WAIT_QUEUE_INIT(wq, lockname)                                        \
	{ .lock = SPINLOCK_INIT(lockname),                                   \
	  .waiters = LIST_HEAD_INIT((wq).waiters),                           \
	  .watchers = LIST_HEAD_INIT((wq).watchers) }

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

/* Wake the longest waiter; returns it, or NULL if none. wq->lock held.
 * Both wakes also notify every watcher. */
struct thread *wait_queue_wake_one_locked(struct wait_queue *wq);
/* Wake every waiter; returns how many. wq->lock held. */
unsigned wait_queue_wake_all_locked(struct wait_queue *wq);
/* The longest waiter without waking it, or NULL. wq->lock held. */
struct thread *wait_queue_first_locked(const struct wait_queue *wq);

/* Start / stop watching wq (they take wq->lock). */
void wait_queue_add_watcher(struct wait_queue *wq, struct wait_watcher *w,
                            void (*notify)(struct wait_watcher *w));
void wait_queue_remove_watcher(struct wait_queue *wq, struct wait_watcher *w);

/* The same, taking and releasing the lock. */
struct thread *wait_queue_wake_one(struct wait_queue *wq);
unsigned wait_queue_wake_all(struct wait_queue *wq);

#endif
