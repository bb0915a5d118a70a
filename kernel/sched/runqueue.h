/*
 * A run queue: one per CPU (embedded in struct cpu), each with its own
 * lock, so CPUs schedule without contending on one global lock.
 *
 * The lock protects everything below AND the scheduling state of every
 * thread whose thread->cpu is this CPU: its state, its queue links and its
 * policy data. Whoever changes a thread's state takes the lock of that
 * thread's CPU first.
 *
 * The lock is held across a context switch: the thread that switches away
 * takes it, the thread that comes in releases it (sched_finish_switch), so
 * no other CPU can see a half-switched thread.
 */
#ifndef WEFT_SCHED_RUNQUEUE_H
#define WEFT_SCHED_RUNQUEUE_H

#include <stdint.h>

#include <kernel/sched/list.h>
#include <kernel/sync/spinlock.h>

struct thread;

struct runqueue {
	struct spinlock lock;

	/*
	 * The ready threads, in the order the policy wants: round-robin keeps
	 * a FIFO here. Policies with other shapes (priority arrays, a tree by
	 * virtual runtime) will add their own fields beside it.
	 */
	struct list_node queue;
	unsigned nr_ready;          /* threads on queue */

	/* Threads in thread_sleep_*, earliest deadline first. */
	struct list_node sleepers;

	/* The thread this CPU just switched away from; see sched_finish_switch. */
	struct thread *switched_from;
};

#endif
