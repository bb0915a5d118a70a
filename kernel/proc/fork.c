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

struct fork_start {
	struct process *proc;
	uint64_t tls_base;
	struct trap_frame regs;
};

static void fork_child_main(void *arg)
{
	struct fork_start *fs = arg;
	struct thread *me = thread_current();

	arch_irq_disable();
	me->proc = fs->proc;
	me->tls_base = fs->tls_base;
	process_activate(me);
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

	/* Publish the thread under the table lock: wait4 and kill find the
	 * child through the table and expect main_thread to be set. */
	struct thread *t = kthread_create(child->name, fork_child_main, fs);
	if (!t) {
		inode_put(child->cwd);
		goto nomem;
	}
	unsigned long f = spin_lock_irqsave(&proc_table.lock);
	child->main_thread = t;
	spin_unlock_irqrestore(&proc_table.lock, f);
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
 * clone: musl's posix_spawn and fork() use it with just a signal number
 * (SIGCHLD) or CLONE_VM|CLONE_VFORK; threads (CLONE_THREAD) come in the
 * next issue.
 */
#define CLONE_VM      0x00000100
#define CLONE_VFORK   0x00004000
#define CLONE_THREAD  0x00010000
#define CLONE_SETTLS  0x00080000
#define CSIGNAL       0x000000ff

static long sys_clone(const struct syscall_args *a)
{
	unsigned long flags = (unsigned long)a->arg[0];
	uint64_t stack = (uint64_t)a->arg[1];
	if (flags & CLONE_THREAD)
		return -ENOSYS;
	if ((flags & ~(unsigned long)(CSIGNAL | CLONE_VM | CLONE_VFORK)) != 0)
		return -EINVAL;
	if (flags & CLONE_VM) {
		/* posix_spawn's vfork-style clone runs the child on a new stack
		 * in the parent's memory; with a copy instead of shared memory
		 * the child still works, as long as it starts on that stack. */
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
