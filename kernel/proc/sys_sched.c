/*
 * Scheduling system calls: a thread's policy, real-time priority and
 * nice, its CPU affinity and the CPU it runs on, with Linux's numbers and
 * semantics. What the policies mean for Weft's own is in
 * kernel/sched/sched_attr.c and docs/scheduling.md:
 * SCHED_FIFO and SCHED_RR threads go to "prio" (above every normal
 * thread); SCHED_OTHER, SCHED_BATCH and SCHED_IDLE to the boot policy.
 *
 * As on Linux, the "pid" these calls take names one thread (a tid; a
 * process's main thread has the pid as its tid), 0 is the caller, and
 * setpriority's PRIO_PGRP and PRIO_USER reach every thread of the
 * processes they name. Weft has one user, root, so nothing is refused
 * for lack of privilege.
 */
#include <kernel/arch.h>
#include <kernel/cpu.h>
#include <kernel/errno.h>
#include <kernel/proc/internal.h>
#include <kernel/sched/policy.h>
#include <kernel/sched/sched.h>
#include <kernel/syscall/syscall.h>
#include <kernel/uaccess.h>

struct linux_sched_param {
	int sched_priority;
};

#define PRIO_PROCESS 0
#define PRIO_PGRP    1
#define PRIO_USER    2

/*
 * The thread whose user-visible id is tid (0: the caller), or NULL.
 * Process table locked: a thread stays on its process's list until it
 * exits, and is freed only after, so the result is safe to use until
 * the lock is released.
 */
static struct thread *find_thread_locked(int tid)
{
	if (tid == 0)
		return thread_current();
	struct list_node *n, *m;
	list_for_each(n, process_list_head()) {
		struct process *p = list_entry(n, struct process, all_node);
		list_for_each(m, &p->threads) {
			struct thread *t = list_entry(m, struct thread, proc_node);
			if (t->utid == tid)
				return t;
		}
	}
	return NULL;
}

/* A change may have made another thread more deserving than the caller
 * (it lowered itself, or raised a waiting thread): let it run now rather
 * than at the next tick, as Linux does. */
static void resched_if_needed(void)
{
	unsigned long f = arch_irq_save();
	sched_preempt_irq();
	arch_irq_restore(f);
}

static bool is_rt(int policy)
{
	return policy == SCHED_FIFO || policy == SCHED_RR;
}

/* Apply policy (-1: keep t's) and priority to t. Table locked. */
static int set_scheduler_locked(struct thread *t, int policy, int priority)
{
	struct sched_params p = t->pd.params;

	if (policy < 0) {
		policy = p.linux_policy;
	} else {
		p.reset_on_fork = (policy & SCHED_RESET_ON_FORK) != 0;
		policy &= ~SCHED_RESET_ON_FORK;
	}
	switch (policy) {
	case SCHED_OTHER: case SCHED_FIFO: case SCHED_RR:
	case SCHED_BATCH: case SCHED_IDLE:
		break;
	default:
		return -EINVAL;     /* SCHED_DEADLINE needs sched_setattr */
	}
	/* 1..99 for the real-time policies, exactly 0 for the others. */
	if (is_rt(policy) ? priority < RT_PRIO_MIN || priority > RT_PRIO_MAX
	                  : priority != 0)
		return -EINVAL;

	p.linux_policy = (uint8_t)policy;
	p.rt_priority = (uint8_t)priority;
	sched_set_policy(t, sched_policy_for(&p), &p);
	return 0;
}

static long setscheduler(int pid, int policy, const void *uparam)
{
	struct linux_sched_param lp;

	if (!uparam || pid < 0)
		return -EINVAL;
	if (copy_from_user(&lp, uparam, sizeof(lp)))
		return -EFAULT;
	unsigned long f = spin_lock_irqsave(&proc_table.lock);
	struct thread *t = find_thread_locked(pid);
	long r = t ? set_scheduler_locked(t, policy, lp.sched_priority) : -ESRCH;
	spin_unlock_irqrestore(&proc_table.lock, f);
	if (r == 0)
		resched_if_needed();
	return r;
}

static long sys_sched_setscheduler(const struct syscall_args *a)
{
	int policy = (int)a->arg[1];
	if (policy < 0)
		return -EINVAL;
	return setscheduler((int)a->arg[0], policy, (const void *)a->arg[2]);
}
SYSCALL(144, sched_setscheduler, sys_sched_setscheduler)

static long sys_sched_setparam(const struct syscall_args *a)
{
	return setscheduler((int)a->arg[0], -1, (const void *)a->arg[1]);
}
SYSCALL(142, sched_setparam, sys_sched_setparam)

static long sys_sched_getscheduler(const struct syscall_args *a)
{
	int pid = (int)a->arg[0];
	if (pid < 0)
		return -EINVAL;
	unsigned long f = spin_lock_irqsave(&proc_table.lock);
	struct thread *t = find_thread_locked(pid);
	long r = -ESRCH;
	if (t)
		r = t->pd.params.linux_policy |
		    (t->pd.params.reset_on_fork ? SCHED_RESET_ON_FORK : 0);
	spin_unlock_irqrestore(&proc_table.lock, f);
	return r;
}
SYSCALL(145, sched_getscheduler, sys_sched_getscheduler)

static long sys_sched_getparam(const struct syscall_args *a)
{
	int pid = (int)a->arg[0];
	void *uparam = (void *)a->arg[1];
	if (!uparam || pid < 0)
		return -EINVAL;
	unsigned long f = spin_lock_irqsave(&proc_table.lock);
	struct thread *t = find_thread_locked(pid);
	struct linux_sched_param lp = { t ? t->pd.params.rt_priority : 0 };
	spin_unlock_irqrestore(&proc_table.lock, f);
	if (!t)
		return -ESRCH;
	return copy_to_user(uparam, &lp, sizeof(lp)) ? -EFAULT : 0;
}
SYSCALL(143, sched_getparam, sys_sched_getparam)

/* Linux: SCHED_DEADLINE (6) is a valid policy here, with range 0..0. */
static long sys_sched_get_priority_max(const struct syscall_args *a)
{
	int policy = (int)a->arg[0];
	if (is_rt(policy))
		return RT_PRIO_MAX;
	if (policy == SCHED_OTHER || policy == SCHED_BATCH || policy == SCHED_IDLE || policy == 6)
		return 0;
	return -EINVAL;
}
SYSCALL(146, sched_get_priority_max, sys_sched_get_priority_max)

static long sys_sched_get_priority_min(const struct syscall_args *a)
{
	int policy = (int)a->arg[0];
	if (is_rt(policy))
		return RT_PRIO_MIN;
	if (policy == SCHED_OTHER || policy == SCHED_BATCH || policy == SCHED_IDLE || policy == 6)
		return 0;
	return -EINVAL;
}
SYSCALL(147, sched_get_priority_min, sys_sched_get_priority_min)

/*
 * setpriority/getpriority: call fn on every thread `which`/`who` names.
 * Returns how many. Table locked.
 */
static int for_each_target_locked(int which, int who,
                                  void (*fn)(struct thread *t, void *arg), void *arg)
{
	int found = 0;
	struct list_node *n, *m;

	if (which == PRIO_PROCESS) {
		struct thread *t = find_thread_locked(who);
		if (t) {
			fn(t, arg);
			found = 1;
		}
		return found;
	}
	if (which == PRIO_USER && who != 0)
		return 0;       /* only root (uid 0) exists */
	int pgid = who ? who : current_process()->pgid;
	list_for_each(n, process_list_head()) {
		struct process *p = list_entry(n, struct process, all_node);
		if (which == PRIO_PGRP && p->pgid != pgid)
			continue;
		list_for_each(m, &p->threads) {
			fn(list_entry(m, struct thread, proc_node), arg);
			found++;
		}
	}
	return found;
}

static void set_nice(struct thread *t, void *arg)
{
	struct sched_params p = t->pd.params;
	p.nice = (int8_t)*(int *)arg;
	sched_set_policy(t, sched_policy_for(&p), &p);
}

static long sys_setpriority(const struct syscall_args *a)
{
	int which = (int)a->arg[0], who = (int)a->arg[1], nice = (int)a->arg[2];
	if (which < PRIO_PROCESS || which > PRIO_USER)
		return -EINVAL;
	/* Out-of-range values are clamped, not refused (as Linux). */
	if (nice < NICE_MIN)
		nice = NICE_MIN;
	if (nice > NICE_MAX)
		nice = NICE_MAX;
	unsigned long f = spin_lock_irqsave(&proc_table.lock);
	int found = for_each_target_locked(which, who, set_nice, &nice);
	spin_unlock_irqrestore(&proc_table.lock, f);
	if (!found)
		return -ESRCH;
	resched_if_needed();
	return 0;
}
SYSCALL(141, setpriority, sys_setpriority)

static void lowest_nice(struct thread *t, void *arg)
{
	int *lowest = arg;
	if (t->pd.params.nice < *lowest)
		*lowest = t->pd.params.nice;
}

/* The raw syscall returns 20 - nice (1..40), never negative; the C
 * library's getpriority() turns it back into a nice value. */
static long sys_getpriority(const struct syscall_args *a)
{
	int which = (int)a->arg[0], who = (int)a->arg[1];
	if (which < PRIO_PROCESS || which > PRIO_USER)
		return -EINVAL;
	int lowest = NICE_MAX + 1;
	unsigned long f = spin_lock_irqsave(&proc_table.lock);
	int found = for_each_target_locked(which, who, lowest_nice, &lowest);
	spin_unlock_irqrestore(&proc_table.lock, f);
	if (!found)
		return -ESRCH;
	return 20 - lowest;
}
SYSCALL(140, getpriority, sys_getpriority)

/*
 * CPU affinity. The mask is the bytes of a cpu_set_t, CPU n in bit n % 8
 * of byte n / 8; Weft has at most MAX_CPUS, so only the first 8 bytes
 * can name one. musl's sysconf(_SC_NPROCESSORS_ONLN) counts the bits
 * sched_getaffinity returns, so this is also how programs learn how many
 * CPUs they have.
 */
#define AFFINITY_BYTES sizeof(uint64_t)

static long sys_sched_setaffinity(const struct syscall_args *a)
{
	int pid = (int)a->arg[0];
	size_t len = (unsigned)a->arg[1];     /* an unsigned int, as Linux */
	uint64_t mask = 0;

	/* As Linux: a shorter mask means the missing CPUs are not allowed,
	 * bytes past the CPUs that can exist are ignored. */
	if (copy_from_user(&mask, (const void *)a->arg[2],
	                   len < AFFINITY_BYTES ? len : AFFINITY_BYTES))
		return -EFAULT;
	if (pid < 0)
		return -ESRCH;
	struct thread *me = thread_current();
	if (pid == 0 || pid == me->utid) {
		/* Not under the table lock: moving the caller switches away. */
		long r = sched_set_affinity(me, mask);
		if (r)
			return r;
		/* Linux moves the caller before the call returns. The scheduler
		 * moves a running thread at its next switch, which it makes now;
		 * this is only to be sure. */
		while (!(sched_get_affinity(me) & (1ull << sched_thread_cpu(me))))
			thread_yield();
		return 0;
	}
	unsigned long f = spin_lock_irqsave(&proc_table.lock);
	struct thread *t = find_thread_locked(pid);
	long r = t ? sched_set_affinity(t, mask) : -ESRCH;
	spin_unlock_irqrestore(&proc_table.lock, f);
	return r;
}
SYSCALL(203, sched_setaffinity, sys_sched_setaffinity)

/* Returns the bytes of the mask it wrote (8), as Linux does; musl clears
 * the rest of the caller's cpu_set_t. */
static long sys_sched_getaffinity(const struct syscall_args *a)
{
	int pid = (int)a->arg[0];
	size_t len = (unsigned)a->arg[1];

	if (len < AFFINITY_BYTES || (len & (AFFINITY_BYTES - 1)))
		return -EINVAL;
	if (pid < 0)
		return -ESRCH;
	unsigned long f = spin_lock_irqsave(&proc_table.lock);
	struct thread *t = find_thread_locked(pid);
	uint64_t mask = t ? sched_get_affinity(t) & sched_cpus_online_mask() : 0;
	spin_unlock_irqrestore(&proc_table.lock, f);
	if (!t)
		return -ESRCH;
	if (copy_to_user((void *)a->arg[2], &mask, AFFINITY_BYTES))
		return -EFAULT;
	return AFFINITY_BYTES;
}
SYSCALL(204, sched_getaffinity, sys_sched_getaffinity)

/* getcpu(&cpu, &node, cache): either pointer may be NULL; one node. */
static long sys_getcpu(const struct syscall_args *a)
{
	unsigned cpu = sched_thread_cpu(thread_current()), node = 0;
	if (a->arg[0] && copy_to_user((void *)a->arg[0], &cpu, sizeof cpu))
		return -EFAULT;
	if (a->arg[1] && copy_to_user((void *)a->arg[1], &node, sizeof node))
		return -EFAULT;
	return 0;
}
SYSCALL(309, getcpu, sys_getcpu)
