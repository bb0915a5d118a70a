/*
 * The table of scheduling policies, looked up by the name given on the
 * kernel command line (sched=NAME). A new policy is one more line here.
 */
#include <kernel/sched/policy.h>

#include <kernel/lib/string.h>

static const struct sched_policy *const policies[] = {
	&sched_policy_rr,
};

const struct sched_policy *sched_policy_find(const char *name)
{
	if (!name)
		return NULL;
	for (unsigned i = 0; i < sizeof policies / sizeof policies[0]; i++)
		if (strcmp(policies[i]->name, name) == 0)
			return policies[i];
	return NULL;
}

bool sched_policy_exists(const char *name)
{
	return sched_policy_find(name) != NULL;
}
