/*
 * Signals, as far as Weft has them: sending (kill, tgkill, the console's
 * ^C), the actions a program records (rt_sigaction, rt_sigprocmask), and
 * the actions, taken on the way back to user mode: terminate (SIGKILL,
 * SIGTERM, SIGINT, SIGPIPE, SIGSEGV, ...), ignore (SIGCHLD, SIGWINCH,
 * SIGURG, SIGCONT), or run the program's handler: the arch puts a signal
 * frame on the user stack (sigframe.c) and rt_sigreturn takes it back.
 *
 * A signal that will act interrupts a blocking call (pipe read, wait4,
 * nanosleep): the call returns -EINTR, and the action follows at once.
 */
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/proc/internal.h>
#include <kernel/proc/sigframe.h>
#include <kernel/proc/usermode.h>
#include <kernel/syscall/syscall.h>
#include <kernel/uaccess.h>

#define SIGKILL 9
#define SIGSTOP 19
#define SIGSEGV 11
#define SIG_DFL 0
#define SIG_IGN 1
#define SI_USER 0
#define SA_RESTART   0x10000000
#define SA_NODEFER   0x40000000
#define SA_RESETHAND 0x80000000u

static uint64_t bit(int sig) { return 1ull << (sig - 1); }

/* Signals whose default action is to do nothing. */
static bool ignored_by_default(int sig)
{
	return sig == 17 /* SIGCHLD */ || sig == 18 /* SIGCONT */ ||
	       sig == 23 /* SIGURG */ || sig == 28 /* SIGWINCH */ ||
	       sig == 20 || sig == 21 || sig == 22 || sig == SIGSTOP; /* stops: not supported */
}

/* Would sig do something if thread t of p took it now? */
static bool acts(struct process *p, struct thread *t, int sig)
{
	if (sig == SIGKILL)
		return true;
	if (t->sig_blocked & bit(sig))
		return false;
	uint64_t h = p->sig_action[sig - 1].handler;
	return h > SIG_IGN || (h == SIG_DFL && !ignored_by_default(sig));
}

static int send_locked(struct process *p, int sig)
{
	if (p->state == PROC_ZOMBIE)
		return 0;
	if (sig == 0)
		return 0; /* kill(pid, 0): "does it exist?" */
	p->sig_pending |= bit(sig);
	/* Any thread that does not block it may take it: wake each such one
	 * from an interruptible wait. */
	struct list_node *n;
	list_for_each(n, &p->threads) {
		struct thread *t = list_entry(n, struct thread, proc_node);
		if (acts(p, t, sig))
			sched_interrupt(t);
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

int signal_send_self(int sig)
{
	struct thread *me = thread_current();
	struct process *p = me ? me->proc : NULL;
	if (!p || sig <= 0 || sig > NSIG)
		return -EINVAL;
	unsigned long f = spin_lock_irqsave(&proc_table.lock);
	me->sig_pending |= bit(sig);
	spin_unlock_irqrestore(&proc_table.lock, f);
	return 0;
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
	struct thread *me = thread_current();
	struct process *p = me ? me->proc : NULL;
	if (!p)
		return false;
	uint64_t pend = __atomic_load_n(&p->sig_pending, __ATOMIC_ACQUIRE) |
	                __atomic_load_n(&me->sig_pending, __ATOMIC_ACQUIRE);
	for (int s = 1; s <= NSIG; s++)
		if ((pend & bit(s)) && acts(p, me, s))
			return true;
	return false;
}

/*
 * SA_RESTART: a blocking call that a handled signal interrupted starts
 * again after the handler, instead of failing with EINTR -- for the calls
 * Linux restarts that way (reads, writes, wait4, futex waits). Calls with
 * timeouts (poll, nanosleep, ...) report EINTR either way.
 */
static bool restartable(struct trap_frame *f)
{
	if (arch_user_retval(f) != -EINTR)
		return false;
	switch (arch_syscall_nr(f)) {
	case 0: case 1: case 17: case 18: case 19: case 20: /* read, write, ... */
	case 61:  /* wait4 */
	case 202: /* futex */
	case 242: case 243: /* mq_timedsend, mq_timedreceive */
		return true;
	default:
		return false;
	}
}

/* Act on the first pending signal that can act now, on the way back to
 * user mode (interrupts off). */
static void take_signal(struct trap_frame *f, struct thread *me, struct process *p)
{
	/* Take the first signal that can act now: its default action, or its
	 * handler (one handler per return; the next return takes the next). */
	unsigned long fl = spin_lock_irqsave(&proc_table.lock);
	int fatal = 0;
	struct signal_delivery d = {0};
	for (int s = 1; s <= NSIG && !fatal && !d.sig; s++) {
		/* Ours first (tgkill), then the process's. */
		uint64_t *from = (me->sig_pending & bit(s)) ? &me->sig_pending :
		                 (p->sig_pending & bit(s)) ? &p->sig_pending : NULL;
		if (!from || (s != SIGKILL && (me->sig_blocked & bit(s))))
			continue;
		*from &= ~bit(s);
		struct sigaction_k *act = &p->sig_action[s - 1];
		if (s == SIGKILL || (act->handler == SIG_DFL && !ignored_by_default(s))) {
			fatal = s;
		} else if (act->handler > SIG_IGN) {
			d = (struct signal_delivery){
				.sig = s, .code = SI_USER, .handler = act->handler,
				.restorer = act->restorer, .old_mask = me->sig_blocked,
			};
			if (!(act->flags & SA_NODEFER))
				me->sig_blocked |= bit(s);
			me->sig_blocked |= act->mask & ~(bit(SIGKILL) | bit(SIGSTOP));
			if ((act->flags & SA_RESTART) && restartable(f))
				arch_syscall_restart(f);
			if (act->flags & SA_RESETHAND)
				*act = (struct sigaction_k){0};
		}
	}
	spin_unlock_irqrestore(&proc_table.lock, fl);
	if (fatal) {
		arch_irq_enable();
		process_exit(fatal);
	}
	if (d.sig) {
		/* Writing the frame may fault pages in: interrupts on meanwhile. */
		arch_irq_enable();
		int r = d.restorer ? arch_signal_deliver(f, &d) : -1;
		arch_irq_disable();
		if (r) {
			printk("pid %d (%s): cannot run the handler of signal %d (bad stack "
			       "or no restorer): killed\n", p->pid, p->name, d.sig);
			arch_irq_enable();
			process_exit(SIGSEGV);
		}
	}
	sched_clear_interrupt(me);
}

void user_return_check(struct trap_frame *f)
{
	struct thread *me = thread_current();
	struct process *p = me->proc;
	if (!p)
		return;
	/* The GIL option (gil.c) comes last: a thread may have to wait for
	 * it, and a signal or exit_group during that wait brings it back
	 * here to act on them first. */
	do {
		if (p->group_exiting) {
			/* Another thread ended the process: this one goes too. */
			arch_irq_enable();
			thread_exit_user();
		}
		if (p->sig_pending || me->sig_pending)
			take_signal(f, me, p);
	} while (!gil_user_return(me) ||
	         __atomic_load_n(&p->group_exiting, __ATOMIC_ACQUIRE));
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
	/* A signal for one thread: pending on that thread, taken by it. */
	int tgid = (int)a->arg[0], tid = (int)a->arg[1], sig = (int)a->arg[2];
	if (tgid <= 0 || tid <= 0 || sig < 0 || sig > NSIG)
		return -EINVAL;
	unsigned long f = spin_lock_irqsave(&proc_table.lock);
	struct process *p = process_find_locked(tgid);
	int r = -ESRCH;
	if (p && p->state == PROC_ALIVE) {
		struct list_node *n;
		list_for_each(n, &p->threads) {
			struct thread *t = list_entry(n, struct thread, proc_node);
			if (t->utid != tid)
				continue;
			r = 0;
			if (sig) {
				/* For this thread: it takes the signal, nobody else. */
				t->sig_pending |= bit(sig);
				if (acts(p, t, sig))
					sched_interrupt(t);
			}
		}
	}
	spin_unlock_irqrestore(&proc_table.lock, f);
	return r;
}
SYSCALL(234, tgkill, sys_tgkill)
/* tkill(tid, sig): the old form, without the process id. */
static long sys_tkill(const struct syscall_args *a)
{
	int tid = (int)a->arg[0];
	unsigned long f = spin_lock_irqsave(&proc_table.lock);
	int tgid = -1;
	struct list_node *n, *m, *head = process_list_head();
	for (n = head->next; n != head && tgid < 0; n = n->next) {
		struct process *p = list_entry(n, struct process, all_node);
		list_for_each(m, &p->threads)
			if (list_entry(m, struct thread, proc_node)->utid == tid)
				tgid = p->pid;
	}
	spin_unlock_irqrestore(&proc_table.lock, f);
	if (tgid < 0)
		return -ESRCH;
	struct syscall_args k = { .arg = { tgid, tid, a->arg[1] } };
	return sys_tgkill(&k);
}
SYSCALL(200, tkill, sys_tkill)

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
	struct thread *me = thread_current();
	struct process *p = me->proc;
	if ((size_t)a->arg[3] != 8)
		return -EINVAL;
	uint64_t s = 0, prev = me->sig_blocked;
	if (set && copy_from_user(&s, set, sizeof(s)))
		return -EFAULT;
	if (set) {
		if (how == 0)
			me->sig_blocked |= s;
		else if (how == 1)
			me->sig_blocked &= ~s;
		else if (how == 2)
			me->sig_blocked = s;
		else
			return -EINVAL;
		me->sig_blocked &= ~(bit(SIGKILL) | bit(SIGSTOP));
	}
	if (old && copy_to_user(old, &prev, sizeof(prev))) {
		me->sig_blocked = prev;
		return -EFAULT;
	}
	if (me == p->main_thread)
		p->sig_blocked = me->sig_blocked; /* what /proc shows as SigBlk */
	return 0;
}
SYSCALL(14, rt_sigprocmask, sys_rt_sigprocmask)

/* rt_sigreturn: the handler is done; resume what the signal interrupted. */
static long sys_rt_sigreturn(const struct syscall_args *a)
{
	(void)a;
	struct thread *me = thread_current();
	struct process *p = me->proc;
	struct trap_frame *r = process_user_regs(me);
	uint64_t mask;
	if (!me->fpu || arch_signal_return(r, &mask, me->fpu)) {
		printk("pid %d (%s): bad signal frame in rt_sigreturn\n", p->pid, p->name);
		process_exit(SIGSEGV);
	}
	/* The registers came from the frame; the FPU state too, which the
	 * hook loads at the next switch -- and we load now. */
	unsigned long f = arch_irq_save();
	arch_fpu_restore(me->fpu);
	arch_irq_restore(f);
	me->sig_blocked = mask & ~(bit(SIGKILL) | bit(SIGSTOP));
	/* The dispatcher writes our return value into rax: give back the
	 * interrupted code's own rax. */
	return (long)arch_user_retval(r);
}
SYSCALL(15, rt_sigreturn, sys_rt_sigreturn)
