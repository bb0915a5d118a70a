/*
 * Static priority with aging. Every thread has a level, 0..139: the
 * highest non-empty level runs, and threads of one level take turns of
 * one quantum (round-robin), except SCHED_FIFO threads, which keep the
 * CPU until they block, yield or a higher level wakes up.
 *
 *   levels 40..138   SCHED_FIFO / SCHED_RR, 40 + rt_priority - 1
 *   levels  0..39    normal threads, 19 - nice (nice -20 -> 39, 19 -> 0)
 *
 * Strict priority starves: a low thread never runs while a higher one
 * is busy. Aging is the cure: every PRIO_AGING_QUANTA quanta, the thread
 * that has waited longest at each normal level below 39 (the head of its
 * FIFO) moves up one level. When it finally runs it drops back to its
 * own level. So a ready normal thread at level L, alone at its level,
 * behind a CPU hog at level H <= 39, runs within
 *     (H - L) aging steps + one quantum
 * (docs/scheduling.md works an example; tests/unit/test_policies.c
 * checks it). Real-time levels never age and are never aged into, as on
 * Linux, where nothing lifts a normal thread above a real-time one.
 *
 * Cost: enqueue and dequeue are list operations; pick_next finds the
 * highest set bit of a 140-bit map (three words); aging touches at most
 * 39 levels per step, however many threads wait. All O(1) in the number
 * of threads.
 */
#include <kernel/sched/policy.h>

#include <kernel/sched/runqueue.h>
#include <kernel/sched/thread.h>

_Static_assert(PRIO_NORMAL_TOP < 64, "aging works on the first bitmap word");
_Static_assert(PRIO_NORMAL_TOP + RT_PRIO_MAX < PRIO_LEVELS, "levels for every rt_priority");

static unsigned level_of(const struct sched_params *p)
{
	if (p->linux_policy == SCHED_FIFO || p->linux_policy == SCHED_RR)
		return PRIO_NORMAL_TOP + p->rt_priority;
	if (p->linux_policy == SCHED_IDLE)
		return 0;
	return (unsigned)(PRIO_NORMAL_TOP - (p->nice - NICE_MIN));
}

static void mark(struct runqueue *rq, unsigned level)
{
	rq->prio.bitmap[level / 64] |= 1ull << (level % 64);
}

static void unmark_if_empty(struct runqueue *rq, unsigned level)
{
	if (list_empty(&rq->prio.level[level]))
		rq->prio.bitmap[level / 64] &= ~(1ull << (level % 64));
}

/* The highest non-empty level, or -1. */
static int highest(const struct runqueue *rq)
{
	for (int w = PRIO_WORDS - 1; w >= 0; w--)
		if (rq->prio.bitmap[w])
			return w * 64 + 63 - __builtin_clzll(rq->prio.bitmap[w]);
	return -1;
}

static unsigned aging_period(void)
{
	return PRIO_AGING_QUANTA * sched_quantum_ticks;
}

static void prio_rq_init(struct runqueue *rq)
{
	for (unsigned w = 0; w < PRIO_WORDS; w++)
		rq->prio.bitmap[w] = 0;
	for (unsigned l = 0; l < PRIO_LEVELS; l++)
		list_init(&rq->prio.level[l]);
	rq->prio.age_countdown = aging_period();
}

static void prio_thread_init(struct thread *t)
{
	t->pd.prio.base = (uint8_t)level_of(&t->pd.params);
	t->pd.prio.cur = t->pd.prio.base;
	t->pd.prio.fifo = t->pd.params.linux_policy == SCHED_FIFO;
	t->pd.prio.slice_left = 0;
}

static void prio_enqueue(struct runqueue *rq, struct thread *t)
{
	list_push_back(&rq->prio.level[t->pd.prio.cur], &t->rq_node);
	mark(rq, t->pd.prio.cur);
}

static void prio_dequeue(struct runqueue *rq, struct thread *t)
{
	list_remove(&t->rq_node);
	unmark_if_empty(rq, t->pd.prio.cur);
}

static struct thread *prio_pick_next(struct runqueue *rq)
{
	int level = highest(rq);
	if (level < 0)
		return NULL;
	struct list_node *n = rq->prio.level[level].next;
	list_remove(n);
	unmark_if_empty(rq, (unsigned)level);
	struct thread *t = list_entry(n, struct thread, rq_node);
	t->pd.prio.cur = t->pd.prio.base;   /* it got the CPU: aging is over */
	t->pd.prio.slice_left = sched_quantum_ticks;
	return t;
}

static bool prio_on_tick(struct runqueue *rq, struct thread *curr)
{
	(void)rq;
	if (curr->pd.prio.fifo)
		return false;
	if (curr->pd.prio.slice_left > 0)
		curr->pd.prio.slice_left--;
	return curr->pd.prio.slice_left == 0;
}

static void prio_on_yield(struct runqueue *rq, struct thread *curr)
{
	(void)rq;
	curr->pd.prio.slice_left = 0;
}

static bool prio_wakeup_preempt(struct runqueue *rq, struct thread *curr,
                                struct thread *woken)
{
	(void)rq;
	return woken->pd.prio.cur > curr->pd.prio.cur;
}

/* One aging step: the head of each non-empty normal level below the top
 * moves up one. From the top down, so nobody moves twice. */
static void age(struct runqueue *rq)
{
	uint64_t below_top = rq->prio.bitmap[0] & ((1ull << PRIO_NORMAL_TOP) - 1);

	while (below_top) {
		unsigned level = 63u - (unsigned)__builtin_clzll(below_top);
		below_top &= ~(1ull << level);
		struct list_node *n = rq->prio.level[level].next;
		list_remove(n);
		unmark_if_empty(rq, level);
		struct thread *t = list_entry(n, struct thread, rq_node);
		t->pd.prio.cur = (uint8_t)(level + 1);
		list_push_back(&rq->prio.level[level + 1], n);
		mark(rq, level + 1);
	}
}

static void prio_rq_tick(struct runqueue *rq)
{
	if (rq->prio.age_countdown > 1) {
		rq->prio.age_countdown--;
		return;
	}
	rq->prio.age_countdown = aging_period();
	age(rq);
}

const struct sched_policy sched_policy_prio = {
	.name = "prio",
	.rq_init = prio_rq_init,
	.thread_init = prio_thread_init,
	.params_changed = prio_thread_init,
	.enqueue = prio_enqueue,
	.dequeue = prio_dequeue,
	.pick_next = prio_pick_next,
	.on_tick = prio_on_tick,
	.on_yield = prio_on_yield,
	.wakeup_preempt = prio_wakeup_preempt,
	.rq_tick = prio_rq_tick,
};
