/*
 * Signals, as far as Weft has them: sending (kill, tgkill, the console's
 * ^C), the actions a program records (rt_sigaction, rt_sigprocmask), and
 * the default actions, taken on the way back to user mode: terminate
 * (SIGKILL, SIGTERM, SIGINT, SIGPIPE, SIGSEGV, ...) or ignore (SIGCHLD,
 * SIGWINCH, SIGURG, SIGCONT). Handlers in user space are recorded but not
 * yet called (docs/syscalls.md): such a signal is dropped, logged once.
 *
 * A signal that will act interrupts a blocking call (pipe read, wait4,
 * nanosleep): the call returns -EINTR, and the action follows at once.
 */
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/proc/internal.h>
#include <kernel/proc/usermode.h>
#include <kernel/syscall/syscall.h>
#include <kernel/uaccess.h>

#define SIGKILL 9
#define SIGSTOP 19
#define SIG_DFL 0
#define SIG_IGN 1

static uint64_t bit(int sig) { return 1ull << (sig - 1); }

/* Signals whose default action is to do nothing. */
static bool ignored_by_default(int sig)
{
	return sig == 17 /* SIGCHLD */ || sig == 18 /* SIGCONT */ ||
	       sig == 23 /* SIGURG */ || sig == 28 /* SIGWINCH */ ||
	       sig == 20 || sig == 21 || sig == 22 || sig == SIGSTOP; /* stops: not supported */
}

/* Will sig do something when it arrives at p (terminate, for now)? */
static bool acts(struct process *p, int sig)
{
	if (sig == SIGKILL)
		return true;
	if (p->sig_blocked & bit(sig))
		return false;
	uint64_t h = p->sig_action[sig - 1].handler;
	return h == SIG_DFL && !ignored_by_default(sig);
}

static int send_locked(struct process *p, int sig)
{
	if (p->state == PROC_ZOMBIE)
		return 0;
	if (sig == 0)
		return 0; /* kill(pid, 0): "does it exist?" */
	p->sig_pending |= bit(sig);
	if (acts(p, sig)) {
		/* Any thread may be the one to act: wake every interruptible one. */
		struct list_node *n;
		list_for_each(n, &p->threads)
			sched_interrupt(list_entry(n, struct thread, proc_node));
	}
	return 0;
}

int signal_send(struct process *p, int sig)
{
	if (sig < 0 || sig > NSIG)
		return -EINVAL;
	unsigned long f = spin_lock_irqsave(&proc_table.lock);
	int r = send_locked(p, sig);
	spin_unlock_irqrestore(&proc_table.lock, f);
	return r;
}

int signal_send_group(int pgid, int sig)
{
	if (sig < 0 || sig > NSIG)
		return -EINVAL;
	int found = 0;
	unsigned long f = spin_lock_irqsave(&proc_table.lock);
	struct list_node *n, *head = process_list_head();
	for (n = head->next; n != head; n = n->next) {
		struct process *p = list_entry(n, struct process, all_node);
		if (p->pgid == pgid && p->state == PROC_ALIVE) {
			send_locked(p, sig);
			found++;
		}
	}
	spin_unlock_irqrestore(&proc_table.lock, f);
	return found ? 0 : -ESRCH;
}

bool signal_pending(void)
{
	struct process *p = current_process();
	if (!p)
		return false;
	uint64_t pend = __atomic_load_n(&p->sig_pending, __ATOMIC_ACQUIRE);
	for (int s = 1; s <= NSIG; s++)
		if ((pend & bit(s)) && acts(p, s))
			return true;
	return false;
}

void user_return_check(struct trap_frame *f)
{
	(void)f;
	struct thread *me = thread_current();
	struct process *p = me->proc;
	if (!p)
		return;
	if (p->group_exiting) {
		/* Another thread ended the process: this one goes too. */
		arch_irq_enable();
		thread_exit_user();
	}
	if (!p->sig_pending)
		return;

	unsigned long fl = spin_lock_irqsave(&proc_table.lock);
	int fatal = 0;
	for (int s = 1; s <= NSIG; s++) {
		if (!(p->sig_pending & bit(s)) || (s != SIGKILL && (p->sig_blocked & bit(s))))
			continue;
		p->sig_pending &= ~bit(s);
		uint64_t h = p->sig_action[s - 1].handler;
		if (s == SIGKILL || (h == SIG_DFL && !ignored_by_default(s))) {
			fatal = s;
			break;
		}
		if (h > SIG_IGN) {
			static bool told;
			if (!told) {
				told = true;
				printk("weft: signal %d for pid %d: user signal handlers are not "
				       "delivered yet, dropped\n", s, p->pid);
			}
		}
	}
	spin_unlock_irqrestore(&proc_table.lock, fl);
	if (fatal) {
		arch_irq_enable();
		process_exit(fatal);
	}
	sched_clear_interrupt(me);
}

/* ---- system calls ---------------------------------------------------- */

static long sys_kill(const struct syscall_args *a)
{
	int pid = (int)a->arg[0], sig = (int)a->arg[1];
	struct process *me = current_process();
	if (sig < 0 || sig > NSIG)
		return -EINVAL;
	if (pid > 0) {
		unsigned long f = spin_lock_irqsave(&proc_table.lock);
		struct process *p = process_find_locked(pid);
		int r = p ? send_locked(p, sig) : -ESRCH;
		spin_unlock_irqrestore(&proc_table.lock, f);
		return r;
	}
	if (pid == 0)
		return signal_send_group(me->pgid, sig);
	if (pid < -1)
		return signal_send_group(-pid, sig);
	/* -1: every process but init and the caller. */
	unsigned long f = spin_lock_irqsave(&proc_table.lock);
	struct list_node *n, *head = process_list_head();
	for (n = head->next; n != head; n = n->next) {
		struct process *p = list_entry(n, struct process, all_node);
		if (p->pid != 1 && p != me)
			send_locked(p, sig);
	}
	spin_unlock_irqrestore(&proc_table.lock, f);
	return 0;
}
SYSCALL(62, kill, sys_kill)

static long sys_tgkill(const struct syscall_args *a)
{
	/* One thread per process: tgid and tid are the pid. */
	int tgid = (int)a->arg[0], tid = (int)a->arg[1];
	if (tgid <= 0 || tid <= 0 || (tgid != tid))
		return -EINVAL;
	struct syscall_args k = { .arg = { tid, a->arg[2] } };
	return sys_kill(&k);
}
SYSCALL(234, tgkill, sys_tgkill)
SYSCALL(200, tkill, sys_kill)

static long sys_rt_sigaction(const struct syscall_args *a)
{
	int sig = (int)a->arg[0];
	const struct sigaction_k *act = (const void *)a->arg[1];
	struct sigaction_k *old = (void *)a->arg[2];
	struct process *p = current_process();
	if (sig < 1 || sig > NSIG || (size_t)a->arg[3] != 8)
		return -EINVAL;
	struct sigaction_k k;
	if (act && copy_from_user(&k, act, sizeof(k)))
		return -EFAULT;
	if (act && (sig == SIGKILL || sig == SIGSTOP))
		return -EINVAL;
	if (old && copy_to_user(old, &p->sig_action[sig - 1], sizeof(*old)))
		return -EFAULT;
	if (act)
		p->sig_action[sig - 1] = k;
	return 0;
}
SYSCALL(13, rt_sigaction, sys_rt_sigaction)

static long sys_rt_sigprocmask(const struct syscall_args *a)
{
	int how = (int)a->arg[0];
	const uint64_t *set = (const void *)a->arg[1];
	uint64_t *old = (void *)a->arg[2];
	struct process *p = current_process();
	if ((size_t)a->arg[3] != 8)
		return -EINVAL;
	uint64_t s = 0, prev = p->sig_blocked;
	if (set && copy_from_user(&s, set, sizeof(s)))
		return -EFAULT;
	if (set) {
		if (how == 0)
			p->sig_blocked |= s;
		else if (how == 1)
			p->sig_blocked &= ~s;
		else if (how == 2)
			p->sig_blocked = s;
		else
			return -EINVAL;
		p->sig_blocked &= ~(bit(SIGKILL) | bit(SIGSTOP));
	}
	if (old && copy_to_user(old, &prev, sizeof(prev))) {
		p->sig_blocked = prev;
		return -EFAULT;
	}
	return 0;
}
SYSCALL(14, rt_sigprocmask, sys_rt_sigprocmask)
