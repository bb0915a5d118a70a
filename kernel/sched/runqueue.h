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
#include <kernel/sched/policy.h>
#include <kernel/sched/rbtree.h>
#include <kernel/sync/spinlock.h>

struct thread;

struct runqueue {
	struct spinlock lock;

	/* Round-robin's ready threads: one FIFO. */
	struct list_node queue;
	unsigned nr_ready;          /* ready threads, all policies */
	/* Every queued thread, oldest first, whatever its policy: where an
	 * idle or less loaded CPU looks for a thread to take (balancing). */
	struct list_node ready_list;
	/* READY threads of this CPU that may no longer run here
	 * (sched_setaffinity), on no queue, linked by rq_node: moved to an
	 * allowed CPU by sched_push_pending() once this lock is let go. */
	struct list_node migrate_list;
	unsigned balance_countdown;  /* ticks to the next periodic balance */

	/* Threads in thread_sleep_*, earliest deadline first. */
	struct list_node sleepers;

	/* The thread this CPU just switched away from; see sched_finish_switch. */
	struct thread *switched_from;

	/*
	 * Each policy's own shape of the ready threads (policy_*.c).
	 * prio and mlfq: one FIFO per level and a bitmap of the non-empty
	 * levels, so the best level is one find-first-bit away: O(1).
	 */
	struct {
		uint64_t bitmap[PRIO_WORDS];    /* bit L: level[L] not empty */
		struct list_node level[PRIO_LEVELS];
		unsigned age_countdown;         /* ticks to the next aging step */
	} prio;
	struct {
		uint32_t bitmap;
		struct list_node level[MLFQ_LEVELS];
		uint32_t epoch;                 /* boosts so far */
		unsigned boost_countdown;       /* ticks to the next boost */
	} mlfq;
	/* fair: a red-black tree by virtual runtime, O(log n). */
	struct {
		struct rb_tree tree;
		uint64_t min_vruntime;          /* never decreases */
	} fair;
};

#endif
