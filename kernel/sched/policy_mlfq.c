/*
 * The multi-level feedback queue, following the rules of OSTEP's
 * chapter 8 ("Scheduling: The Multi-Level Feedback Queue"):
 *
 *   1. If Priority(A) > Priority(B), A runs (B doesn't).
 *   2. If Priority(A) = Priority(B), A and B run in round-robin, each
 *      for the time slice of their level.
 *   3. A new thread enters at the top level.
 *   4. Once a thread uses up its allotment at a level -- however many
 *      times it gave up the CPU on the way -- it moves down one level.
 *   5. Every MLFQ_BOOST_QUANTA quanta, every thread moves to the top.
 *
 * Rule 4 is what makes the accounting gaming-proof: `used` counts the
 * ticks a thread ran at its level and is NOT reset when it blocks or
 * yields, so a thread that yields just before its slice ends still
 * sinks once its allotment is gone. (The earlier rule, "a thread that
 * gives up the CPU before its slice ends stays at its level", can be
 * gamed by exactly that trick.) Rule 5 keeps a long-running thread from
 * starving under a stream of interactive ones, and lets a thread whose
 * behaviour changed climb back.
 *
 *   level   slice      allotment
 *     0     1 quantum  1 quantum     (top: interactive threads live here)
 *     1     2 quanta   2 quanta
 *     2     4 quanta   4 quanta
 *     3     8 quanta   (bottom: round-robin, no further to fall)
 *
 * The boost moves every thread without touching each one: the ready
 * lists of all levels are spliced onto the top list (O(levels)), and the
 * run queue's boost counter (epoch) goes up. A thread whose epoch is
 * behind was boosted while running or blocked; the first time the
 * policy sees it again it is put at the top (refresh()). So every
 * operation stays O(1) in the number of threads.
 *
 * nice does not change anything here: OSTEP's MLFQ has no user
 * priorities (getpriority still returns what setpriority set).
 */
#include <kernel/sched/policy.h>

#include <kernel/sched/runqueue.h>
#include <kernel/sched/thread.h>

/* Rule 2: a level's time slice, in quanta. */
static const unsigned slice_quanta[MLFQ_LEVELS] = { 1, 2, 4, 8 };
/* Rule 4: the CPU time a thread may use at a level, in quanta. */
static const unsigned allot_quanta[MLFQ_LEVELS] = { 1, 2, 4, 8 };

/* Rule 5, for a thread the boost found running or blocked: at the top,
 * with a fresh allotment. True if it was behind. */
static bool refresh(const struct runqueue *rq, struct thread *t)
{
	if (t->pd.mlfq.epoch == rq->mlfq.epoch)
		return false;
	t->pd.mlfq.epoch = rq->mlfq.epoch;
	t->pd.mlfq.level = 0;
	t->pd.mlfq.used = 0;
	return true;
}

/* Epochs count each CPU's own boosts: carry over only whether t has seen
 * the latest boost of the queue it leaves. */
static void mlfq_migrate(struct runqueue *from, struct runqueue *to, struct thread *t)
{
	bool current = t->pd.mlfq.epoch == from->mlfq.epoch;
	t->pd.mlfq.epoch = current ? to->mlfq.epoch : to->mlfq.epoch - 1;
}

static void unmark_if_empty(struct runqueue *rq, unsigned level)
{
	if (list_empty(&rq->mlfq.level[level]))
		rq->mlfq.bitmap &= ~(1u << level);
}

static void mlfq_rq_init(struct runqueue *rq)
{
	rq->mlfq.bitmap = 0;
	for (unsigned l = 0; l < MLFQ_LEVELS; l++)
		list_init(&rq->mlfq.level[l]);
	rq->mlfq.epoch = 0;
	rq->mlfq.boost_countdown = MLFQ_BOOST_QUANTA * sched_quantum_ticks;
}

/* Rule 3. */
static void mlfq_thread_init(struct thread *t)
{
	t->pd.mlfq.level = 0;
	t->pd.mlfq.used = 0;
	t->pd.mlfq.slice_left = 0;
	t->pd.mlfq.epoch = 0;  /* if behind, refresh() puts it at the top anyway */
}

static void mlfq_enqueue(struct runqueue *rq, struct thread *t)
{
	refresh(rq, t);
	unsigned level = t->pd.mlfq.level;
	list_push_back(&rq->mlfq.level[level], &t->rq_node);
	rq->mlfq.bitmap |= 1u << level;
}

static void mlfq_dequeue(struct runqueue *rq, struct thread *t)
{
	refresh(rq, t);         /* a boost may have moved it to the top list */
	list_remove(&t->rq_node);
	unmark_if_empty(rq, t->pd.mlfq.level);
}

/* Rules 1 and 2: the head of the highest non-empty level. */
static struct thread *mlfq_pick_next(struct runqueue *rq)
{
	if (!rq->mlfq.bitmap)
		return NULL;
	unsigned level = (unsigned)__builtin_ctz(rq->mlfq.bitmap);
	struct list_node *n = rq->mlfq.level[level].next;
	list_remove(n);
	unmark_if_empty(rq, level);
	struct thread *t = list_entry(n, struct thread, rq_node);
	refresh(rq, t);
	t->pd.mlfq.slice_left = slice_quanta[t->pd.mlfq.level] * sched_quantum_ticks;
	return t;
}

static bool mlfq_on_tick(struct runqueue *rq, struct thread *curr)
{
	struct thread *t = curr;
	unsigned top_slice = slice_quanta[0] * sched_quantum_ticks;

	/*
	 * Boosted while running: at the top from now on, with at most a top
	 * slice left. The tick that just ended was run before the boost, so
	 * it is not charged to the new allotment.
	 */
	if (refresh(rq, t)) {
		if (t->pd.mlfq.slice_left > top_slice)
			t->pd.mlfq.slice_left = top_slice;
		return false;
	}

	t->pd.mlfq.used++;
	if (t->pd.mlfq.slice_left > 0)
		t->pd.mlfq.slice_left--;

	/* Rule 4: allotment used up (over all its turns): one level down. */
	if (t->pd.mlfq.level < MLFQ_LEVELS - 1 &&
	    t->pd.mlfq.used >= allot_quanta[t->pd.mlfq.level] * sched_quantum_ticks) {
		t->pd.mlfq.level++;
		t->pd.mlfq.used = 0;
		return true;
	}
	return t->pd.mlfq.slice_left == 0;
}

/* Yielding ends the turn but keeps `used`: that is rule 4. */
static void mlfq_on_yield(struct runqueue *rq, struct thread *curr)
{
	(void)rq;
	curr->pd.mlfq.slice_left = 0;
}

static bool mlfq_wakeup_preempt(struct runqueue *rq, struct thread *curr,
                                struct thread *woken)
{
	refresh(rq, curr);
	return woken->pd.mlfq.level < curr->pd.mlfq.level;
}

/* Append all of from's nodes to the tail of to, in order; from is left empty. */
static void splice_tail(struct list_node *to, struct list_node *from)
{
	if (list_empty(from))
		return;
	struct list_node *first = from->next, *last = from->prev;
	first->prev = to->prev;
	to->prev->next = first;
	last->next = to;
	to->prev = last;
	list_init(from);
}

/* Rule 5. */
static void mlfq_rq_tick(struct runqueue *rq)
{
	if (rq->mlfq.boost_countdown > 1) {
		rq->mlfq.boost_countdown--;
		return;
	}
	rq->mlfq.boost_countdown = MLFQ_BOOST_QUANTA * sched_quantum_ticks;
	rq->mlfq.epoch++;
	/* Higher levels first: who was higher stays ahead at the top. */
	for (unsigned l = 1; l < MLFQ_LEVELS; l++)
		splice_tail(&rq->mlfq.level[0], &rq->mlfq.level[l]);
	rq->mlfq.bitmap = list_empty(&rq->mlfq.level[0]) ? 0 : 1;
}

const struct sched_policy sched_policy_mlfq = {
	.name = "mlfq",
	.rq_init = mlfq_rq_init,
	.thread_init = mlfq_thread_init,
	.params_changed = NULL,
	.enqueue = mlfq_enqueue,
	.dequeue = mlfq_dequeue,
	.pick_next = mlfq_pick_next,
	.on_tick = mlfq_on_tick,
	.on_yield = mlfq_on_yield,
	.wakeup_preempt = mlfq_wakeup_preempt,
	.rq_tick = mlfq_rq_tick,
	.migrate = mlfq_migrate,
};
