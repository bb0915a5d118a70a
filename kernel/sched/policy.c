/*
 * The table of scheduling policies, looked up by the name given on the
 * kernel command line (sched=NAME). A new policy is one more line here.
 *
 * The order of the table is also the precedence when several policies
 * have ready threads on one CPU: "prio" first, so a SCHED_FIFO/SCHED_RR
 * thread runs before every normal one, as Linux's real-time class does.
 * (Normal threads are all in the boot policy, so the order of the other
 * three never matters in practice.)
 */
#include <kernel/sched/policy.h>

#include <kernel/lib/string.h>
#include <kernel/sched/thread.h>

static const struct sched_policy *const policies[] = {
	&sched_policy_prio,
	&sched_policy_mlfq,
	&sched_policy_fair,
	&sched_policy_rr,
};

#define NR_POLICIES (sizeof policies / sizeof policies[0])

const struct sched_policy *sched_policy_find(const char *name)
{
	if (!name)
		return NULL;
	for (unsigned i = 0; i < NR_POLICIES; i++)
		if (strcmp(policies[i]->name, name) == 0)
			return policies[i];
	return NULL;
}

bool sched_policy_exists(const char *name)
{
	return sched_policy_find(name) != NULL;
}

void sched_policies_rq_init(struct runqueue *rq)
{
	for (unsigned i = 0; i < NR_POLICIES; i++)
		policies[i]->rq_init(rq);
}

void sched_policies_rq_tick(struct runqueue *rq)
{
	for (unsigned i = 0; i < NR_POLICIES; i++)
		if (policies[i]->rq_tick)
			policies[i]->rq_tick(rq);
}

struct thread *sched_policies_pick_next(struct runqueue *rq)
{
	for (unsigned i = 0; i < NR_POLICIES; i++) {
		struct thread *t = policies[i]->pick_next(rq);
		if (t)
			return t;
	}
	return NULL;
}

static unsigned rank(const struct sched_policy *p)
{
	for (unsigned i = 0; i < NR_POLICIES; i++)
		if (policies[i] == p)
			return i;
	return NR_POLICIES;
}

bool sched_policies_wakeup_preempt(struct runqueue *rq, struct thread *curr,
                                   struct thread *woken)
{
	const struct sched_policy *pw = woken->policy, *pc = curr->policy;
	if (pw != pc)
		return rank(pw) < rank(pc);
	return pw->wakeup_preempt(rq, curr, woken);
}
