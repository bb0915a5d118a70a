/*
 * The fair policy: weighted virtual runtime, in the way of Linux's CFS.
 *
 * Every thread has a virtual runtime: the CPU time it got, divided by
 * its weight (1024 at nice 0; each nice step is a factor 1.25, see
 * sched_attr.c). Each tick adds  tick_ns * 1024 / weight  to the running
 * thread, so a nice-0 thread's clock runs at real speed, a heavier one's
 * slower, a lighter one's faster. The thread with the smallest virtual
 * runtime is the one that has had less than its share: it runs next.
 * Over time the CPU is shared in proportion to the weights.
 *
 * The ready threads sit in a red-black tree ordered by virtual runtime
 * (rbtree.h): the smallest is the cached leftmost node, insert and
 * remove are O(log n).
 *
 * When to switch: every turn is one quantum long, as in round-robin;
 * what the weights change is who gets the next turn -- the smallest
 * virtual runtime, first come first served among equals. Equal threads
 * therefore alternate exactly like round-robin; a nice-0 thread next to
 * a nice-5 one (weights 1024 and 336) gets about three turns for each of
 * the other's. Nobody falls behind by more than a turn, so over any run
 * each thread's CPU time is its weighted share to within about a
 * quantum. (Linux's CFS also makes the turn itself proportional to the
 * weight; that saves switches, and changes nothing in the shares.)
 *
 * Where to put a thread that was away:
 *   - new (or new to this policy): at min_vruntime, the run queue's
 *     floor (it never decreases and trails the smallest runnable
 *     virtual runtime) -- no credit for time it did not exist;
 *   - woken after sleeping: its own virtual runtime, but no less than
 *     min_vruntime - G/2. A sleeper gets a small head start (so an
 *     interactive thread runs promptly on waking), never credit for the
 *     whole time it slept, which would let it hog the CPU afterwards.
 * G is one quantum of virtual time (sched_quantum_ticks ticks at nice 0).
 * A woken thread preempts the running one when it is more than G/4
 * behind it.
 */
#include <kernel/sched/policy.h>

#include <kernel/sched/runqueue.h>
#include <kernel/sched/sched.h>
#include <kernel/sched/thread.h>

/* G: one quantum of virtual time. */
static uint64_t granularity(void)
{
	return (uint64_t)sched_quantum_ticks * sched_tick_ns();
}

/* Signed distance a - b between two virtual runtimes (they may wrap). */
static int64_t vdiff(uint64_t a, uint64_t b)
{
	return (int64_t)(a - b);
}

static struct thread *leftmost(const struct runqueue *rq)
{
	struct rb_node *n = rb_first(&rq->fair.tree);
	return n ? rb_entry(n, struct thread, pd.fair.node) : NULL;
}

/* min_vruntime may only move forward, to at most v. */
static void advance_min(struct runqueue *rq, uint64_t v)
{
	if (vdiff(v, rq->fair.min_vruntime) > 0)
		rq->fair.min_vruntime = v;
}

static void fair_rq_init(struct runqueue *rq)
{
	rb_init(&rq->fair.tree);
	rq->fair.min_vruntime = 0;
}

static void fair_thread_init(struct thread *t)
{
	t->pd.fair.vruntime = 0;
	t->pd.fair.weight = sched_nice_weight(&t->pd.params);
	t->pd.fair.placed = false;
	t->pd.fair.slice_left = 0;
}

static void fair_params_changed(struct thread *t)
{
	t->pd.fair.weight = sched_nice_weight(&t->pd.params);
}

/* A thread coming (back) to this run queue: see the comment on top. */
static void place(struct runqueue *rq, struct thread *t)
{
	if (!t->pd.fair.placed) {
		t->pd.fair.vruntime = rq->fair.min_vruntime;
		t->pd.fair.placed = true;
		return;
	}
	uint64_t floor = rq->fair.min_vruntime - granularity() / 2;
	if (vdiff(t->pd.fair.vruntime, floor) < 0)
		t->pd.fair.vruntime = floor;
}

static void fair_enqueue(struct runqueue *rq, struct thread *t)
{
	place(rq, t);
	t->pd.fair.node.key = t->pd.fair.vruntime;
	rb_insert(&rq->fair.tree, &t->pd.fair.node);
}

static void fair_dequeue(struct runqueue *rq, struct thread *t)
{
	rb_erase(&rq->fair.tree, &t->pd.fair.node);
}

/*
 * Each CPU's virtual clock (min_vruntime) runs at its own pace, so a
 * thread keeps its lead or lag relative to the queue it leaves, not its
 * absolute virtual runtime: otherwise a thread from a busy CPU (far
 * ahead) would wait long on a quiet one, and one from a quiet CPU would
 * hog a busy one.
 */
static void fair_migrate(struct runqueue *from, struct runqueue *to, struct thread *t)
{
	if (!t->pd.fair.placed)
		return;
	t->pd.fair.vruntime = t->pd.fair.vruntime - from->fair.min_vruntime +
	                      to->fair.min_vruntime;
}

static struct thread *fair_pick_next(struct runqueue *rq)
{
	struct thread *t = leftmost(rq);
	if (!t)
		return NULL;
	rb_erase(&rq->fair.tree, &t->pd.fair.node);
	t->pd.fair.slice_left = sched_quantum_ticks;
	/* The smallest of every runnable thread (the one that ran before
	 * is already back in the tree): the floor may rise to it. */
	advance_min(rq, t->pd.fair.vruntime);
	return t;
}

static bool fair_on_tick(struct runqueue *rq, struct thread *curr)
{
	struct thread *next = leftmost(rq);

	if (!curr->pd.fair.placed) {        /* switched to fair while running */
		curr->pd.fair.vruntime = rq->fair.min_vruntime;
		curr->pd.fair.placed = true;
	}
	curr->pd.fair.vruntime += sched_tick_ns() * 1024 / curr->pd.fair.weight;

	uint64_t lowest = curr->pd.fair.vruntime;
	if (next && vdiff(next->pd.fair.vruntime, lowest) < 0)
		lowest = next->pd.fair.vruntime;
	advance_min(rq, lowest);

	if (curr->pd.fair.slice_left > 0)
		curr->pd.fair.slice_left--;
	return curr->pd.fair.slice_left == 0;
}

/* Yield: go behind the leftmost waiting thread, so it runs next. */
static void fair_on_yield(struct runqueue *rq, struct thread *curr)
{
	struct thread *next = leftmost(rq);
	curr->pd.fair.slice_left = 0;
	if (next && vdiff(curr->pd.fair.vruntime, next->pd.fair.vruntime) < 0)
		curr->pd.fair.vruntime = next->pd.fair.vruntime;
}

static bool fair_wakeup_preempt(struct runqueue *rq, struct thread *curr,
                                struct thread *woken)
{
	(void)rq;
	return vdiff(curr->pd.fair.vruntime, woken->pd.fair.vruntime) >
	       (int64_t)(granularity() / 4);
}

const struct sched_policy sched_policy_fair = {
	.name = "fair",
	.rq_init = fair_rq_init,
	.thread_init = fair_thread_init,
	.params_changed = fair_params_changed,
	.enqueue = fair_enqueue,
	.dequeue = fair_dequeue,
	.pick_next = fair_pick_next,
	.on_tick = fair_on_tick,
	.on_yield = fair_on_yield,
	.wakeup_preempt = fair_wakeup_preempt,
	.rq_tick = NULL,
	.migrate = fair_migrate,
};
