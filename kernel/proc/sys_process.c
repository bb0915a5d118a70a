/*
 * Who am I, and which group am I in: the small process system calls.
 */
#include <kernel/arch.h>
#include <kernel/errno.h>
#include <kernel/proc/internal.h>
#include <kernel/syscall/syscall.h>
#include <kernel/uaccess.h>

static long sys_getpid(const struct syscall_args *a) { (void)a; return current_process()->pid; }
SYSCALL(39, getpid, sys_getpid)

/* The main thread's id is the pid; other threads have ids of their own
 * from the same number space. */
static long sys_gettid(const struct syscall_args *a) { (void)a; return thread_current()->utid; }
SYSCALL(186, gettid, sys_gettid)

static long sys_getppid(const struct syscall_args *a)
{
	(void)a;
	unsigned long f = spin_lock_irqsave(&proc_table.lock);
	struct process *parent = current_process()->parent;
	int pid = parent ? parent->pid : 0;
	spin_unlock_irqrestore(&proc_table.lock, f);
	return pid;
}
SYSCALL(110, getppid, sys_getppid)

/* Weft has one user, root. */
static long sys_zero(const struct syscall_args *a) { (void)a; return 0; }
SYSCALL(102, getuid, sys_zero)
SYSCALL(104, getgid, sys_zero)
SYSCALL(107, geteuid, sys_zero)
SYSCALL(108, getegid, sys_zero)

static long sys_setpgid(const struct syscall_args *a)
{
	int pid = (int)a->arg[0], pgid = (int)a->arg[1];
	struct process *me = current_process();
	if (pgid < 0)
		return -EINVAL;
	unsigned long f = spin_lock_irqsave(&proc_table.lock);
	struct process *p = pid ? process_find_locked(pid) : me;
	int r = 0;
	if (!p || (p != me && p->parent != me))
		r = -ESRCH;
	else if (p->sid != me->sid)
		r = -EPERM;
	else if (p->pid == p->sid)
		r = -EPERM; /* a session leader stays in its group */
	else
		p->pgid = pgid ? pgid : p->pid;
	spin_unlock_irqrestore(&proc_table.lock, f);
	return r;
}
SYSCALL(109, setpgid, sys_setpgid)

static long sys_getpgid(const struct syscall_args *a)
{
	int pid = (int)a->arg[0];
	unsigned long f = spin_lock_irqsave(&proc_table.lock);
	struct process *p = pid ? process_find_locked(pid) : current_process();
	int r = p ? p->pgid : -ESRCH;
	spin_unlock_irqrestore(&proc_table.lock, f);
	return r;
}
SYSCALL(121, getpgid, sys_getpgid)

static long sys_getpgrp(const struct syscall_args *a) { (void)a; return current_process()->pgid; }
SYSCALL(111, getpgrp, sys_getpgrp)

static long sys_setsid(const struct syscall_args *a)
{
	(void)a;
	struct process *me = current_process();
	unsigned long f = spin_lock_irqsave(&proc_table.lock);
	int r = me->pid;
	/* A group leader may not start a session (its group would split). */
	struct list_node *n, *head = process_list_head();
	for (n = head->next; n != head; n = n->next) {
		struct process *p = list_entry(n, struct process, all_node);
		if (p != me && p->pgid == me->pid)
			r = -EPERM;
	}
	if (r > 0)
		me->sid = me->pgid = me->pid;
	spin_unlock_irqrestore(&proc_table.lock, f);
	return r;
}
SYSCALL(112, setsid, sys_setsid)

static long sys_getsid(const struct syscall_args *a)
{
	int pid = (int)a->arg[0];
	unsigned long f = spin_lock_irqsave(&proc_table.lock);
	struct process *p = pid ? process_find_locked(pid) : current_process();
	int r = p ? p->sid : -ESRCH;
	spin_unlock_irqrestore(&proc_table.lock, f);
	return r;
}
SYSCALL(124, getsid, sys_getsid)

#define PR_SET_NAME 15
#define PR_GET_NAME 16
#define PR_SET_CHILD_SUBREAPER 36
#define PR_GET_CHILD_SUBREAPER 37

static long sys_prctl(const struct syscall_args *a)
{
	struct process *p = current_process();
	char name[PROC_NAME_LEN];
	switch (a->arg[0]) {
	case PR_SET_NAME: {
		long n = strncpy_from_user(name, (const char *)a->arg[1], sizeof(name));
		if (n == -ENAMETOOLONG) {
			/* Linux truncates to 15 characters. */
			if (copy_from_user(name, (const char *)a->arg[1], sizeof(name) - 1))
				return -EFAULT;
			name[sizeof(name) - 1] = 0;
		} else if (n < 0) {
			return n;
		}
		/* The calling thread's name; the main thread's is the process's. */
		strlcpy(thread_current()->name, name, THREAD_NAME_LEN);
		if (thread_current() == p->main_thread)
			memcpy(p->name, name, sizeof(name));
		return 0;
	}
	case PR_GET_NAME:
		strlcpy(name, thread_current()->name, sizeof(name));
		return copy_to_user((void *)a->arg[1], name, sizeof(name));
	case PR_SET_CHILD_SUBREAPER:
		p->child_subreaper = a->arg[1] != 0;
		return 0;
	case PR_GET_CHILD_SUBREAPER: {
		int v = p->child_subreaper;
		return copy_to_user((void *)a->arg[1], &v, sizeof(v));
	}
	/* Weft's own: the GIL option for this process (gil.h). */
	case PR_WEFT_GIL:
		if (a->arg[1] != 0 && a->arg[1] != 1)
			return -EINVAL;
		gil_set_enabled(p, a->arg[1] == 1);
		return 0;
	case PR_WEFT_GIL_INTERVAL:
		return gil_set_interval_us(&p->gil, (long long)a->arg[1]);
	case PR_WEFT_GET_GIL:
		return __atomic_load_n(&p->gil.enabled, __ATOMIC_RELAXED);
	case PR_WEFT_GET_GIL_INTERVAL:
		return __atomic_load_n(&p->gil.interval_us, __ATOMIC_RELAXED);
	default:
		return -EINVAL;
	}
}
SYSCALL(157, prctl, sys_prctl)

#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003

static long sys_arch_prctl(const struct syscall_args *a)
{
	struct thread *me = thread_current();
	switch (a->arg[0]) {
	case ARCH_SET_FS:
		if ((uint64_t)a->arg[1] >= ARCH_USER_TOP)
			return -EPERM;
		me->tls_base = (uint64_t)a->arg[1];
		arch_set_tls(me->tls_base);
		return 0;
	case ARCH_GET_FS:
		return copy_to_user((void *)a->arg[1], &me->tls_base, sizeof(uint64_t));
	default:
		return -EINVAL;
	}
}
SYSCALL(158, arch_prctl, sys_arch_prctl)

static long sys_set_tid_address(const struct syscall_args *a)
{
	thread_current()->clear_child_tid = (uint64_t)a->arg[0];
	return thread_current()->utid;
}
SYSCALL(218, set_tid_address, sys_set_tid_address)

static long sys_sched_yield(const struct syscall_args *a)
{
	(void)a;
	thread_yield();
	return 0;
}
SYSCALL(24, sched_yield, sys_sched_yield)

static long sys_umask(const struct syscall_args *a) { (void)a; return 022; }
SYSCALL(95, umask, sys_umask)
