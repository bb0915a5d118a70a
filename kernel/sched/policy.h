/*
 * A scheduling policy is a table of functions, in the way Linux's
 * sched_class is. The core (sched.c) owns the thread state machine and
 * decides WHEN to schedule; the policy decides only WHO runs next and
 * for how long. Every hook is called with the run queue locked and
 * interrupts off, and must not block.
 *
 * Each thread points at its policy and carries a small policy-private
 * area (union sched_policy_data), so policies are chosen per thread
 * (sched_setscheduler, nice) as well as at boot (sched=NAME).
 *
 * Several policies can have ready threads on one run queue at once (a
 * SCHED_FIFO thread in "prio" next to the boot policy's threads). They
 * are asked in the order of the table in policy.c, as Linux walks its
 * sched_classes: the first policy with a ready thread decides.
 *
 * The policies (docs/scheduling.md has the details and the numbers):
 *   rr     round-robin: one FIFO, every turn one quantum
 *   prio   static priority, 140 levels, aging lifts starved threads
 *   mlfq   multi-level feedback queue, following OSTEP's five rules
 *   fair   weighted virtual runtime (CFS-like): nice sets the weight
 */
#ifndef WEFT_SCHED_POLICY_H
#define WEFT_SCHED_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include <kernel/sched/list.h>
#include <kernel/sched/rbtree.h>

struct runqueue;
struct thread;

/* ---- Linux's names for policies (sched_setscheduler) ---------------- */

#define SCHED_OTHER     0   /* normal: the boot policy, with nice */
#define SCHED_FIFO      1   /* real-time, no time slice: "prio" */
#define SCHED_RR        2   /* real-time with a time slice: "prio" */
#define SCHED_BATCH     3   /* normal, CPU-bound hint: as SCHED_OTHER */
#define SCHED_IDLE      5   /* below nice 19 */
#define SCHED_RESET_ON_FORK 0x40000000

#define NICE_MIN (-20)
#define NICE_MAX 19
#define RT_PRIO_MIN 1
#define RT_PRIO_MAX 99

/* ---- the shapes of the policies' queues ------------------------------ */

/*
 * prio: level 0..139, higher runs first. Normal threads sit at
 * 19 - nice (0..39), real-time ones at 40 + rt_priority - 1 (40..138).
 */
#define PRIO_LEVELS      140
#define PRIO_WORDS       ((PRIO_LEVELS + 63) / 64)
#define PRIO_NORMAL_TOP  39     /* aging lifts normal threads up to here */
/* Every PRIO_AGING_QUANTA quanta, the longest waiter of each normal level
 * below the top moves up one level. */
#define PRIO_AGING_QUANTA 2

/* mlfq: level 0 is the top. */
#define MLFQ_LEVELS 4
/* Rule 5: every MLFQ_BOOST_QUANTA quanta, everyone goes to the top. */
#define MLFQ_BOOST_QUANTA 100

/* ---- per thread ------------------------------------------------------ */

/*
 * What user space set for a thread, whatever policy it is in: kept
 * across policy changes (Linux keeps a SCHED_FIFO thread's nice too).
 */
struct sched_params {
	int8_t nice;            /* -20..19 */
	uint8_t rt_priority;    /* 1..99 for SCHED_FIFO/RR, else 0 */
	uint8_t linux_policy;   /* SCHED_OTHER, _FIFO, _RR, _BATCH, _IDLE */
	bool reset_on_fork;     /* children start as SCHED_OTHER, nice >= 0 */
};

/*
 * Per-thread data: the parameters, and one area per policy. (A union
 * around one anonymous struct, so that thread.h's "union
 * sched_policy_data pd" stays as it was: t->pd.params, t->pd.rr, ...)
 */
union sched_policy_data {
	struct {
		struct sched_params params;
		union {
			struct {
				unsigned slice_left;    /* ticks left in this turn */
			} rr;
			struct {
				uint8_t base;           /* level from params */
				uint8_t cur;            /* base, or higher after aging */
				bool fifo;              /* SCHED_FIFO: no time slice */
				unsigned slice_left;
			} prio;
			struct {
				uint8_t level;          /* 0 = top */
				unsigned used;          /* ticks used at this level */
				unsigned slice_left;
				uint32_t epoch;         /* boosts seen (see policy_mlfq.c) */
			} mlfq;
			struct {
				struct rb_node node;    /* in the tree while READY */
				uint64_t vruntime;      /* weighted ns of CPU time */
				uint32_t weight;        /* from nice: 1024 at nice 0 */
				bool placed;            /* vruntime set on this queue */
				unsigned slice_left;
			} fair;
		};
	};
};

struct sched_policy {
	const char *name;               /* what sched= selects */

	/* Set up this policy's part of a run queue (sched_init). */
	void (*rq_init)(struct runqueue *rq);
	/* A thread joins this policy (created, or switched to it); it is
	 * on no queue. Reads t->pd.params. */
	void (*thread_init)(struct thread *t);
	/* t's params changed while it stays in this policy (nice); t is on
	 * no queue. NULL: nothing to do. */
	void (*params_changed)(struct thread *t);
	/* t becomes ready (created, woken, preempted or yielding): queue it. */
	void (*enqueue)(struct runqueue *rq, struct thread *t);
	/* Take t off the queue without running it (policy change). */
	void (*dequeue)(struct runqueue *rq, struct thread *t);
	/* Remove and return the thread to run next; NULL = nothing ready. */
	struct thread *(*pick_next)(struct runqueue *rq);
	/* A timer tick charged to curr; true = its time is up, preempt it. */
	bool (*on_tick)(struct runqueue *rq, struct thread *curr);
	/* curr gives up the CPU voluntarily (before it is enqueued again). */
	void (*on_yield)(struct runqueue *rq, struct thread *curr);
	/* woken (of this policy) became ready while curr (of this policy)
	 * runs: should curr be preempted now? */
	bool (*wakeup_preempt)(struct runqueue *rq, struct thread *curr,
	                       struct thread *woken);
	/* Every timer tick of the run queue's CPU, whoever runs: periodic
	 * work (aging, boosts). NULL: none. */
	void (*rq_tick)(struct runqueue *rq);
	/* t (on no queue) moves from one CPU's queue to another's: make its
	 * data relative to the new queue. NULL: nothing to do. */
	void (*migrate)(struct runqueue *from, struct runqueue *to, struct thread *t);
};

/* The policies known by name, and lookup. */
const struct sched_policy *sched_policy_find(const char *name);
bool sched_policy_exists(const char *name);

extern const struct sched_policy sched_policy_rr;
extern const struct sched_policy sched_policy_prio;
extern const struct sched_policy sched_policy_mlfq;
extern const struct sched_policy sched_policy_fair;

/* The quantum in ticks, set by sched_init from quantum_ms and hz. */
extern unsigned sched_quantum_ticks;

/* ---- the table as a whole (policy.c; run-queue lock held) ------------ */

/* Every policy's rq_init. */
void sched_policies_rq_init(struct runqueue *rq);
/* Every policy's rq_tick. */
void sched_policies_rq_tick(struct runqueue *rq);
/* The first policy in precedence order with a ready thread picks it. */
struct thread *sched_policies_pick_next(struct runqueue *rq);
/* woken became ready while curr runs: should curr give way? Across
 * policies the earlier one in the table wins; within one, the policy's
 * wakeup_preempt decides. */
bool sched_policies_wakeup_preempt(struct runqueue *rq, struct thread *curr,
                                   struct thread *woken);

/* ---- Linux's view (sched_attr.c) ------------------------------------- */

/* The policy a thread with these parameters belongs in. */
const struct sched_policy *sched_policy_for(const struct sched_params *p);
/* The parameters a new thread starts with, created by parent (NULL:
 * a kernel thread): inherited, unless parent asked to reset on fork. */
struct sched_params sched_params_for_child(const struct thread *parent);
/* The weight of a nice value (SCHED_IDLE: below nice 19). */
uint32_t sched_nice_weight(const struct sched_params *p);

#endif
