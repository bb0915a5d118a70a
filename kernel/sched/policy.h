/*
 * A scheduling policy is a table of functions, in the way Linux's
 * sched_class is. The core (sched.c) owns the thread state machine and
 * decides WHEN to schedule; the policy decides only WHO runs next and
 * for how long. Every hook is called with the run queue locked and
 * interrupts off, and must not block.
 *
 * Each thread points at its policy and carries a small policy-private
 * area (union sched_policy_data), so policies can later be chosen per
 * thread (sched_setscheduler) as well as at boot (sched=NAME).
 */
#ifndef WEFT_SCHED_POLICY_H
#define WEFT_SCHED_POLICY_H

#include <stdbool.h>
#include <stdint.h>

struct runqueue;
struct thread;

/* Per-thread data each policy may keep. Add a member per policy. */
union sched_policy_data {
	struct {
		unsigned slice_left;    /* ticks left in this turn */
	} rr;
	uint64_t reserved[4];           /* room for priority, MLFQ, vruntime */
};

struct sched_policy {
	const char *name;               /* what sched= selects */

	/* A thread joins this policy (created, or switched to it). */
	void (*thread_init)(struct thread *t);
	/* t becomes ready (created, woken, preempted or yielding): queue it. */
	void (*enqueue)(struct runqueue *rq, struct thread *t);
	/* Take t off the queue without running it (later: migration, policy change). */
	void (*dequeue)(struct runqueue *rq, struct thread *t);
	/* Remove and return the thread to run next; NULL = nothing ready. */
	struct thread *(*pick_next)(struct runqueue *rq);
	/* A timer tick charged to curr; true = its time is up, preempt it. */
	bool (*on_tick)(struct runqueue *rq, struct thread *curr);
	/* curr gives up the CPU voluntarily (before it is enqueued again). */
	void (*on_yield)(struct runqueue *rq, struct thread *curr);
	/* woken became ready while curr runs: should curr be preempted now? */
	bool (*wakeup_preempt)(struct runqueue *rq, struct thread *curr,
	                       struct thread *woken);
};

/* The policies known by name, and lookup. */
const struct sched_policy *sched_policy_find(const char *name);
bool sched_policy_exists(const char *name);

/* Round-robin: FIFO order, each turn is one full quantum. */
extern const struct sched_policy sched_policy_rr;

/* The quantum in ticks, set by sched_init from quantum_ms and hz. */
extern unsigned sched_quantum_ticks;

#endif
