/*
 * fork: one call, two returns.
 *
 * The child gets a copy-on-write duplicate of the address space, the same
 * open files (sharing their offsets), the working directory, the name and
 * signal actions, and a copy of the parent's user registers with rax = 0.
 * Its kernel thread starts in fork_child_main, which puts those registers
 * at the top of its own kernel stack and returns to user mode from them:
 * that is where the child's fork() "returns 0". The parent's returns the
 * child's pid.
 */
#include <kernel/arch.h>
#include <kernel/errno.h>
#include <kernel/fs/files.h>
#include <kernel/fs/vfs.h>
#include <kernel/mm/vm.h>
#include <kernel/proc/internal.h>
#include <kernel/proc/usermode.h>
#include <kernel/syscall/syscall.h>
#include <kernel/uaccess.h>

struct fork_start {
	struct process *proc;
	uint64_t tls_base;
	void *fpu;              /* a copy of the parent's FPU registers */
	uint64_t sig_blocked;
	struct trap_frame regs;
};

/* A copy of the running thread's live FPU registers. */
static void *copy_my_fpu(void)
{
	uint8_t live[ARCH_FPU_AREA_SIZE] __attribute__((aligned(16)));
	arch_fpu_save(live);
	return process_fpu_alloc(live);
}

static void fork_child_main(void *arg)
{
	struct fork_start *fs = arg;
	struct thread *me = thread_current();

	arch_irq_disable();
	/* The parent created us holding the table lock and attached us
	 * before releasing it; taking the lock once makes sure it is done
	 * (on another CPU we could start before that). */
	unsigned long f = spin_lock_irqsave(&proc_table.lock);
	spin_unlock_irqrestore(&proc_table.lock, f);
	me->fpu = fs->fpu;
	me->sig_blocked = fs->sig_blocked; /* the mask is inherited over fork */
	me->proc = fs->proc;
	me->tls_base = fs->tls_base;
	process_activate(me); /* page tables, kernel stack, TLS, FPU */
	struct trap_frame *r = process_user_regs(me);
	*r = fs->regs;
	arch_user_set_retval(r, 0);
	kfree(fs);
	user_return_check(r);
	arch_enter_user(r);
}

static long sys_fork(const struct syscall_args *a)
{
	(void)a;
	struct thread *me = thread_current();
	struct process *parent = me->proc, *child;
	struct fork_start *fs = kmalloc(sizeof(*fs));

	if (!fs)
		return -ENOMEM;
	child = process_alloc(parent);
	if (!child) {
		kfree(fs);
		return process_count() >= PROCESS_MAX ? -EAGAIN : -ENOMEM;
	}
	memcpy(child->name, parent->name, sizeof(child->name));
	memcpy(child->sig_action, parent->sig_action, sizeof(child->sig_action));
	child->sig_blocked = parent->sig_blocked;
	if (parent->cmdline) {
		child->cmdline = kmalloc(parent->cmdline_len);
		if (child->cmdline) {
			memcpy(child->cmdline, parent->cmdline, parent->cmdline_len);
			child->cmdline_len = parent->cmdline_len;
		}
	}
	child->as = as_fork(parent->as);
	child->files = child->as ? files_clone(parent->files) : NULL;
	if (!child->as || !child->files)
		goto nomem;
	child->cwd = inode_get(parent->cwd);

	fs->proc = child;
	fs->tls_base = me->tls_base;
	fs->regs = *process_user_regs(me);
	fs->sig_blocked = me->sig_blocked;
	fs->fpu = copy_my_fpu();
	if (!fs->fpu) {
		inode_put(child->cwd);
		goto nomem;
	}

	/* Create the thread with the table lock held (and so interrupts off):
	 * it cannot run, or exit, before it is the child's main thread --
	 * wait4 and kill find it through the table. */
	unsigned long f = spin_lock_irqsave(&proc_table.lock);
	struct thread *t = kthread_create(child->name, fork_child_main, fs);
	if (t)
		process_attach_main_locked(child, t);
	spin_unlock_irqrestore(&proc_table.lock, f);
	if (!t) {
		inode_put(child->cwd);
		kfree(fs->fpu);
		goto nomem;
	}
	return child->pid;

nomem:
	if (child->files)
		files_put(child->files);
	as_destroy(child->as);
	process_free_unborn(child);
	kfree(fs);
	return -ENOMEM;
}
SYSCALL(57, fork, sys_fork)

/* vfork(2) may be fork(2): the child gets a copy instead of borrowing. */
static long sys_vfork(const struct syscall_args *a) { return sys_fork(a); }
SYSCALL(58, vfork, sys_vfork)

/*
 * clone. Two uses matter to musl:
 *  - a new thread (pthread_create): CLONE_VM|CLONE_FS|CLONE_FILES|
 *    CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|
 *    CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID (|CLONE_DETACHED): same
 *    process, own stack, own TLS;
 *  - posix_spawn's vfork-style child: CLONE_VM|CLONE_VFORK with a new
 *    stack. Weft gives that child a copy-on-write copy instead of the
 *    parent's memory, which is indistinguishable for a child that only
 *    execs or exits.
 */
#define CLONE_VM             0x00000100
#define CLONE_FS             0x00000200
#define CLONE_FILES          0x00000400
#define CLONE_SIGHAND        0x00000800
#define CLONE_VFORK          0x00004000
#define CLONE_PARENT         0x00008000
#define CLONE_THREAD         0x00010000
#define CLONE_SYSVSEM        0x00040000
#define CLONE_SETTLS         0x00080000
#define CLONE_PARENT_SETTID  0x00100000
#define CLONE_CHILD_CLEARTID 0x00200000
#define CLONE_DETACHED       0x00400000
#define CLONE_CHILD_SETTID   0x01000000
#define CSIGNAL              0x000000ff

#define THREAD_FLAGS (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD)
#define THREAD_OPTIONAL (CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID | \
                         CLONE_CHILD_CLEARTID | CLONE_DETACHED | CLONE_CHILD_SETTID)

struct thread_start {
	struct process *proc;
	void *fpu;
	uint64_t sig_blocked;
	int utid;
	uint64_t tls_base, clear_child_tid;
	struct trap_frame regs;
};

static void thread_main(void *arg)
{
	struct thread_start *ts = arg;
	struct thread *me = thread_current();
	struct process *p = ts->proc;

	arch_irq_disable();
	/* clone_thread created us holding the table lock and put us on
	 * p->threads before releasing it: taking the lock once makes sure. */
	unsigned long f = spin_lock_irqsave(&proc_table.lock);
	spin_unlock_irqrestore(&proc_table.lock, f);
	me->fpu = ts->fpu;
	me->sig_blocked = ts->sig_blocked; /* a new thread starts with its creator's mask */
	me->proc = p;
	me->tls_base = ts->tls_base;
	me->clear_child_tid = ts->clear_child_tid;
	process_activate(me);
	struct trap_frame *r = process_user_regs(me);
	*r = ts->regs;
	kfree(ts);
	user_return_check(r); /* the process may be exiting already */
	arch_enter_user(r);
}

static long clone_thread(const struct syscall_args *a)
{
	unsigned long flags = (unsigned long)a->arg[0];
	uint64_t stack = (uint64_t)a->arg[1];
	int *ptid = (int *)a->arg[2], *ctid = (int *)a->arg[3];
	struct thread *me = thread_current();
	struct process *p = me->proc;

	if ((flags & THREAD_FLAGS) != THREAD_FLAGS ||
	    (flags & ~(unsigned long)(THREAD_FLAGS | THREAD_OPTIONAL | CSIGNAL)) || !stack)
		return -EINVAL;
	struct thread_start *ts = kmalloc(sizeof(*ts));
	if (!ts)
		return -ENOMEM;
	ts->proc = p;
	ts->tls_base = (flags & CLONE_SETTLS) ? (uint64_t)a->arg[4] : me->tls_base;
	ts->clear_child_tid = (flags & CLONE_CHILD_CLEARTID) ? (uint64_t)ctid : 0;
	ts->regs = *process_user_regs(me);
	ts->sig_blocked = me->sig_blocked;
	ts->fpu = copy_my_fpu();
	if (!ts->fpu) {
		kfree(ts);
		return -ENOMEM;
	}
	arch_user_regs_set_sp(&ts->regs, stack);
	arch_user_set_retval(&ts->regs, 0); /* clone returns 0 in the new thread */

	unsigned long f = spin_lock_irqsave(&proc_table.lock);
	int utid = p->group_exiting ? -EAGAIN : alloc_id_locked();
	if (utid > 0)
		p->nr_threads++; /* counted from now: the process cannot end
		                    under a thread that is about to start */
	spin_unlock_irqrestore(&proc_table.lock, f);
	if (utid < 0) {
		kfree(ts->fpu);
		kfree(ts);
		return utid;
	}
	ts->utid = utid;
	/* The tid words are in the shared memory: write them before the
	 * thread runs, as Linux does. */
	if (((flags & CLONE_PARENT_SETTID) && copy_to_user(ptid, &utid, sizeof(utid))) ||
	    ((flags & CLONE_CHILD_SETTID) && copy_to_user(ctid, &utid, sizeof(utid))))
		goto fail;
	/* Created with the table lock held: the thread is on the process's
	 * list before it can run (or exit), and /proc/<pid>/task and tgkill
	 * see it as soon as clone returns, as on Linux. */
	f = spin_lock_irqsave(&proc_table.lock);
	struct thread *t = kthread_create(p->name, thread_main, ts);
	if (t) {
		t->utid = utid;
		list_push_back(&p->threads, &t->proc_node);
	}
	spin_unlock_irqrestore(&proc_table.lock, f);
	if (!t)
		goto fail;
	return utid;
fail:
	f = spin_lock_irqsave(&proc_table.lock);
	p->nr_threads--;
	spin_unlock_irqrestore(&proc_table.lock, f);
	kfree(ts->fpu);
	kfree(ts);
	return -ENOMEM;
}

static long sys_clone(const struct syscall_args *a)
{
	unsigned long flags = (unsigned long)a->arg[0];
	uint64_t stack = (uint64_t)a->arg[1];
	if (flags & CLONE_THREAD)
		return clone_thread(a);
	if ((flags & ~(unsigned long)(CSIGNAL | CLONE_VM | CLONE_VFORK)) != 0)
		return -EINVAL;
	if (flags & CLONE_VM) {
		/* posix_spawn: the child starts on the stack it was given. */
		if (!stack)
			return -EINVAL;
		struct trap_frame *r = process_user_regs(thread_current());
		uint64_t saved = arch_user_sp(r);
		arch_user_regs_set_sp(r, stack);
		long pid = sys_fork(a);
		arch_user_regs_set_sp(r, saved);
		return pid;
	}
	return sys_fork(a);
}
SYSCALL(56, clone, sys_clone)
