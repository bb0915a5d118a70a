/*
 * What user space sets per thread, in Linux's terms (sched_setscheduler,
 * sched_setparam, setpriority/nice), and what it means for Weft's
 * policies:
 *
 *   SCHED_FIFO, SCHED_RR (priority 1..99)   -> "prio", above every normal
 *                                              thread; FIFO has no slice
 *   SCHED_OTHER, SCHED_BATCH, SCHED_IDLE    -> the boot policy (sched=),
 *                                              nice -20..19 as it reads it
 *
 * The system calls are in kernel/proc/sys_sched.c; the switch of a live
 * thread is sched_set_policy (sched.c).
 */
#include <kernel/sched/policy.h>

#include <kernel/sched/sched.h>
#include <kernel/sched/thread.h>

const struct sched_policy *sched_policy_for(const struct sched_params *p)
{
	if (p->linux_policy == SCHED_FIFO || p->linux_policy == SCHED_RR)
		return &sched_policy_prio;
	return sched_default_policy();
}

struct sched_params sched_params_for_child(const struct thread *parent)
{
	struct sched_params c = { .linux_policy = SCHED_OTHER };

	if (!parent)
		return c;
	c = parent->pd.params;
	if (c.reset_on_fork) {
		/* As Linux: real-time becomes normal at nice 0; a negative
		 * nice becomes 0; the flag itself is not inherited. */
		if (c.linux_policy == SCHED_FIFO || c.linux_policy == SCHED_RR) {
			c.linux_policy = SCHED_OTHER;
			c.rt_priority = 0;
			c.nice = 0;
		} else if (c.nice < 0) {
			c.nice = 0;
		}
		c.reset_on_fork = false;
	}
	return c;
}

/*
 * 1024 / 1.25^nice, rounded: each nice step is about 10% of the CPU
 * between two otherwise equal threads (1.25 = 1.1 / 0.9, roughly). nice 0
 * is 1024; nice -20 is about 87 times, nice 19 about 1/68 of it.
 */
static const uint32_t nice_weight[40] = {
	/* -20 */ 88818, 71054, 56843, 45475, 36380,
	/* -15 */ 29104, 23283, 18626, 14901, 11921,
	/* -10 */  9537,  7629,  6104,  4883,  3906,
	/*  -5 */  3125,  2500,  2000,  1600,  1280,
	/*   0 */  1024,   819,   655,   524,   419,
	/*   5 */   336,   268,   215,   172,   137,
	/*  10 */   110,    88,    70,    56,    45,
	/*  15 */    36,    29,    23,    18,    15,
};

/* SCHED_IDLE: "very low priority", below nice 19 (Linux uses 3). */
#define IDLE_WEIGHT 3

uint32_t sched_nice_weight(const struct sched_params *p)
{
	if (p->linux_policy == SCHED_IDLE)
		return IDLE_WEIGHT;
	int n = p->nice;
	if (n < NICE_MIN)
		n = NICE_MIN;
	if (n > NICE_MAX)
		n = NICE_MAX;
	return nice_weight[n - NICE_MIN];
}
