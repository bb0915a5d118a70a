/*
 * exit, wait4, and what happens to orphans.
 *
 * A process that exits gives back its memory and files at once and
 * becomes a ZOMBIE: just its pid and exit status, kept for its parent's
 * wait4. Its children are handed to init (pid 1), which reaps them. The
 * parent's wait4 frees the zombie for good.
 */
#include <kernel/arch.h>
#include <kernel/errno.h>
#include <kernel/fs/files.h>
#include <kernel/fs/vfs.h>
#include <kernel/machine.h>
#include <kernel/mm/vm.h>
#include <kernel/printk.h>
#include <kernel/proc/internal.h>
#include <kernel/syscall/syscall.h>
#include <kernel/uaccess.h>

/* Orphans go to the nearest living ancestor that asked to be a
 * "subreaper", else to init, as on Linux. */
static void reparent_children_locked(struct process *p)
{
	struct process *heir = process_find_locked(1);
	for (struct process *a = p->parent; a; a = a->parent)
		if (a->child_subreaper && a->state == PROC_ALIVE) {
			heir = a;
			break;
		}
	while (!list_empty(&p->children)) {
		struct process *c = list_entry(list_first(&p->children), struct process, sibling);
		list_remove(&c->sibling);
		c->parent = heir;
		if (heir)
			list_push_back(&heir->children, &c->sibling);
	}
}

/* The last thread is gone: give back memory and files, hand the children
 * on, and become a zombie for the parent's wait4. */
static void process_teardown(struct process *p, struct thread *me)
{
	if (p->pid == 1)
		init_exited(p->exit_status); /* machine.c: the end of the run, or a panic */

	files_put(p->files);
	p->files = NULL;
	inode_put(p->cwd);
	p->cwd = NULL;

	/* Off our own page tables before freeing them. */
	unsigned long f = arch_irq_save();
	struct address_space *as = p->as;
	p->as = NULL;
	arch_pt_activate(0);
	arch_irq_restore(f);
	as_destroy(as);

	f = spin_lock_irqsave(&proc_table.lock);
	reparent_children_locked(p);
	/* The parent may reap and free p as soon as it is woken -- before we
	 * are off the CPU, if it preempts us. Forget p first, so that the
	 * switch away from us never looks at it. */
	me->proc = NULL;
	p->state = PROC_ZOMBIE;
	wait_queue_wake_all_locked(&proc_table); /* parents in wait4 */
	spin_unlock_irqrestore(&proc_table.lock, f);
}

_Noreturn void thread_exit_user(void)
{
	struct thread *me = thread_current();
	struct process *p = me->proc;

	/* No more user code: the GIL (if we hold it) goes to a waiter. */
	gil_thread_exit(me);
	/* CLONE_CHILD_CLEARTID: pthread_join sleeps on this word. */
	if (me->clear_child_tid && p->as) {
		uint32_t zero = 0;
		if (copy_to_user((void *)me->clear_child_tid, &zero, sizeof(zero)) == 0)
			futex_wake_address(me->clear_child_tid, 1);
	}

	bool is_main = me == p->main_thread;
	unsigned long f = spin_lock_irqsave(&proc_table.lock);
	list_remove(&me->proc_node);
	bool last = --p->nr_threads == 0;
	if (!is_main) {
		me->reap_for = p;   /* p stays until the reaper has freed us */
		p->threads_unfreed++;
	}
	p->utime_ticks += me->ticks_run;
	/* Not the last: the others may end p while we are still on our way
	 * out (preempted, say); from here on p is not ours to look at. */
	if (!last)
		me->proc = NULL;
	spin_unlock_irqrestore(&proc_table.lock, f);

	if (last)
		process_teardown(p, me);
	/* The main thread stays until wait4 reaps the process; any other is
	 * freed by the reaper as soon as it is off its stack. */
	if (!is_main)
		reaper_add(me);
	kthread_exit(0);
}

_Noreturn void process_exit(int status)
{
	struct thread *me = thread_current();
	struct process *p = me->proc;

	unsigned long f = spin_lock_irqsave(&proc_table.lock);
	if (!p->group_exiting) {
		p->group_exiting = true;
		p->exit_status = status;
	}
	/* Every other thread leaves at its next way back to user mode; one
	 * asleep in an interruptible wait is woken for it. */
	struct list_node *n;
	list_for_each(n, &p->threads) {
		struct thread *t = list_entry(n, struct thread, proc_node);
		if (t != me)
			sched_interrupt(t);
	}
	spin_unlock_irqrestore(&proc_table.lock, f);
	thread_exit_user();
}

/* exit(2) ends the calling thread; the process ends with its last thread,
 * and then this code is its status. */
static long sys_exit(const struct syscall_args *a)
{
	struct process *p = current_process();
	unsigned long f = spin_lock_irqsave(&proc_table.lock);
	if (!p->group_exiting)
		p->exit_status = ((int)a->arg[0] & 0xff) << 8;
	spin_unlock_irqrestore(&proc_table.lock, f);
	thread_exit_user();
}
SYSCALL(60, exit, sys_exit)

static long sys_exit_group(const struct syscall_args *a)
{
	process_exit(((int)a->arg[0] & 0xff) << 8);
}
SYSCALL(231, exit_group, sys_exit_group)

#define WNOHANG 1
#define WUNTRACED 2
#define WCONTINUED 8
#define __WALL 0x40000000
#define __WCLONE 0x80000000

static bool wanted(struct process *c, int pid, struct process *me)
{
	if (pid > 0)
		return c->pid == pid;
	if (pid == 0)
		return c->pgid == me->pgid;
	if (pid < -1)
		return c->pgid == -pid;
	return true;
}

struct rusage_k {
	int64_t utime_sec, utime_usec, stime_sec, stime_usec;
	int64_t rest[14];
};

/* Free a zombie that wait4 took out of the table; report its status. */
static long reap(struct process *z, int *ustatus, struct rusage_k *uru)
{
	int pid = z->pid, status = z->exit_status;
	kthread_join(z->main_thread, NULL); /* frees its kernel stack */
	/* The other threads' stacks: the reaper may still be freeing them
	 * (on another CPU), and "every page comes back when a process is
	 * reaped" must hold when wait4 returns. */
	unsigned long f = spin_lock_irqsave(&proc_table.lock);
	while (z->threads_unfreed)
		wait_queue_wait_locked(&proc_table);
	spin_unlock_irqrestore(&proc_table.lock, f);
	z->main_thread = NULL;
	uint64_t ticks = z->utime_ticks;
	process_free(z);
	/* Both pointers were checked before: these cannot fail now. */
	if (ustatus)
		copy_to_user(ustatus, &status, sizeof(status));
	if (uru) {
		struct rusage_k ru = {0};
		uint64_t us = ticks * sched_tick_ns() / 1000;
		ru.utime_sec = (int64_t)(us / 1000000);
		ru.utime_usec = (int64_t)(us % 1000000);
		copy_to_user(uru, &ru, sizeof(ru));
	}
	return pid;
}

/* Is user memory [p, p+n) writable? Checked by writing back what is
 * there, so nothing changes when the call then fails for another reason. */
static bool user_writable(void *p, size_t n)
{
	char tmp[sizeof(struct rusage_k)];
	return !copy_from_user(tmp, p, n) && !copy_to_user(p, tmp, n);
}

static long sys_wait4(const struct syscall_args *a)
{
	int pid = (int)a->arg[0];
	int *ustatus = (int *)a->arg[1];
	int options = (int)a->arg[2];
	struct rusage_k *uru = (struct rusage_k *)a->arg[3];
	struct process *me = current_process();

	if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WALL | __WCLONE))
		return -EINVAL;
	if ((ustatus && !user_writable(ustatus, sizeof(int))) ||
	    (uru && !user_writable(uru, sizeof(*uru))))
		return -EFAULT;

	unsigned long f = spin_lock_irqsave(&proc_table.lock);
	for (;;) {
		bool any = false;
		struct process *zombie = NULL;
		struct list_node *n;
		list_for_each(n, &me->children) {
			struct process *c = list_entry(n, struct process, sibling);
			if (!wanted(c, pid, me))
				continue;
			any = true;
			if (c->state == PROC_ZOMBIE) {
				zombie = c;
				break;
			}
		}
		if (!any) {
			spin_unlock_irqrestore(&proc_table.lock, f);
			return -ECHILD;
		}
		if (zombie) {
			/* Take it out of the table first: nobody else can reap it. */
			list_remove(&zombie->sibling);
			list_remove(&zombie->all_node);
			process_count_dec_locked();
			spin_unlock_irqrestore(&proc_table.lock, f);
			return reap(zombie, ustatus, uru);
		}
		if (options & WNOHANG) {
			spin_unlock_irqrestore(&proc_table.lock, f);
			return 0;
		}
		if (wait_queue_wait_interruptible_locked(&proc_table) == -EINTR &&
		    signal_pending()) {
			spin_unlock_irqrestore(&proc_table.lock, f);
			return -EINTR;
		}
	}
}
SYSCALL(61, wait4, sys_wait4)
