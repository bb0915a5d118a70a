/*
 * Round-robin: ready threads wait in one FIFO; the one at the head runs
 * for one quantum, then goes to the tail. Every turn starts with a full
 * quantum, so N CPU-bound threads share the CPU equally, each getting
 * sched_quantum_ticks ticks in turn. Nothing ever preempts on wake-up: a
 * woken thread simply queues at the tail.
 */
#include <kernel/sched/policy.h>

#include <kernel/sched/runqueue.h>
#include <kernel/sched/thread.h>

static void rr_rq_init(struct runqueue *rq)
{
	list_init(&rq->queue);
}

static void rr_thread_init(struct thread *t)
{
	t->pd.rr.slice_left = 0;
}

static void rr_enqueue(struct runqueue *rq, struct thread *t)
{
	list_push_back(&rq->queue, &t->rq_node);
}

static void rr_dequeue(struct runqueue *rq, struct thread *t)
{
	(void)rq;
	list_remove(&t->rq_node);
}

static struct thread *rr_pick_next(struct runqueue *rq)
{
	struct list_node *n = list_first(&rq->queue);
	if (!n)
		return NULL;
	list_remove(n);
	struct thread *t = list_entry(n, struct thread, rq_node);
	t->pd.rr.slice_left = sched_quantum_ticks;
	return t;
}

static bool rr_on_tick(struct runqueue *rq, struct thread *curr)
{
	(void)rq;
	if (curr->pd.rr.slice_left > 0)
		curr->pd.rr.slice_left--;
	return curr->pd.rr.slice_left == 0;
}

static void rr_on_yield(struct runqueue *rq, struct thread *curr)
{
	(void)rq;
	curr->pd.rr.slice_left = 0;
}

static bool rr_wakeup_preempt(struct runqueue *rq, struct thread *curr,
                              struct thread *woken)
{
	(void)rq; (void)curr; (void)woken;
	return false;
}

const struct sched_policy sched_policy_rr = {
	.name = "rr",
	.rq_init = rr_rq_init,
	.thread_init = rr_thread_init,
	.enqueue = rr_enqueue,
	.dequeue = rr_dequeue,
	.pick_next = rr_pick_next,
	.on_tick = rr_on_tick,
	.on_yield = rr_on_yield,
	.wakeup_preempt = rr_wakeup_preempt,
};
