/*
 * The process table, pids, and what a switch between processes changes.
 *
 * One lock (the wait queue "proc_table", whose spinlock guards the table,
 * every parent/child link and every process's state) keeps it simple: a
 * process changes state rarely, and wait4 sleeps on the same queue that
 * exit wakes, so "check for a zombie child, else sleep" cannot miss an
 * exit in between.
 */
#include <kernel/arch.h>
#include <kernel/cmdline.h>
#include <kernel/cpu.h>
#include <kernel/errno.h>
#include <kernel/mm/vm.h>
#include <kernel/proc/internal.h>
#include <kernel/proc/process.h>
#include <kernel/sched/sched.h>

struct wait_queue proc_table = WAIT_QUEUE_INIT(proc_table, "process-table");
static struct list_node all_processes = LIST_HEAD_INIT(all_processes);
static unsigned nr_processes;
static int last_pid;

#define PID_MAX 32768

struct process *current_process(void)
{
	struct thread *t = thread_current();
	return t ? t->proc : NULL;
}

unsigned process_count(void)
{
	return __atomic_load_n(&nr_processes, __ATOMIC_RELAXED);
}

/* Is id a pid, or the tid of some thread? Table locked. */
static bool id_in_use_locked(int id)
{
	struct list_node *n, *m;
	list_for_each(n, &all_processes) {
		struct process *p = list_entry(n, struct process, all_node);
		if (p->pid == id)
			return true;
		list_for_each(m, &p->threads)
			if (list_entry(m, struct thread, proc_node)->utid == id)
				return true;
	}
	return false;
}

/* The next free id, cycling below PID_MAX as Unix does. Pids and thread
 * ids share the number space (a main thread's tid is its pid). */
int alloc_id_locked(void)
{
	for (int tries = 0; tries < PID_MAX; tries++) {
		int id = last_pid + 1 >= PID_MAX ? 2 : last_pid + 1;
		last_pid = id;
		if (!id_in_use_locked(id))
			return id;
	}
	return -EAGAIN;
}

struct list_node *process_list_head(void) { return &all_processes; }

struct process *process_find_locked(int pid)
{
	struct list_node *n;
	list_for_each(n, &all_processes) {
		struct process *p = list_entry(n, struct process, all_node);
		if (p->pid == pid)
			return p;
	}
	return NULL;
}

struct process *process_find(int pid)
{
	unsigned long f = spin_lock_irqsave(&proc_table.lock);
	struct process *p = process_find_locked(pid);
	spin_unlock_irqrestore(&proc_table.lock, f);
	return p;
}

void process_for_each(void (*fn)(struct process *p, void *arg), void *arg)
{
	unsigned long f = spin_lock_irqsave(&proc_table.lock);
	struct list_node *n;
	list_for_each(n, &all_processes)
		fn(list_entry(n, struct process, all_node), arg);
	spin_unlock_irqrestore(&proc_table.lock, f);
}

struct process *process_alloc(struct process *parent)
{
	struct process *p = kzalloc(sizeof(*p));
	if (!p)
		return NULL;
	unsigned long f = spin_lock_irqsave(&proc_table.lock);
	if (nr_processes >= PROCESS_MAX) {
		spin_unlock_irqrestore(&proc_table.lock, f);
		kfree(p);
		return NULL;
	}
	p->pid = parent ? alloc_id_locked() : 1;
	if (p->pid < 0) {
		spin_unlock_irqrestore(&proc_table.lock, f);
		kfree(p);
		return NULL;
	}
	if (!parent)
		last_pid = 1;
	p->parent = parent;
	list_init(&p->threads);
	p->nr_threads = 1; /* the main thread, about to be created */
	list_init(&p->children);
	list_init(&p->sibling);
	if (parent) {
		list_push_back(&parent->children, &p->sibling);
		p->pgid = parent->pgid;
		p->sid = parent->sid;
	} else {
		p->pgid = p->sid = p->pid;
	}
	gil_process_init(p, parent);  /* a fork child inherits the GIL setting */
	list_push_back(&all_processes, &p->all_node);
	nr_processes++;
	p->start_ns = arch_clock_ns();
	spin_unlock_irqrestore(&proc_table.lock, f);
	return p;
}

void process_count_dec_locked(void) { nr_processes--; }

/* Undo process_alloc for a process that never ran. */
void process_free_unborn(struct process *p)
{
	unsigned long f = spin_lock_irqsave(&proc_table.lock);
	list_remove(&p->sibling);
	list_remove(&p->all_node);
	nr_processes--;
	spin_unlock_irqrestore(&proc_table.lock, f);
	kfree(p->cmdline);
	kfree(p);
}

/* A reaped zombie: its thread is joined, its memory is gone. Table
 * unlocked. */
void process_free(struct process *p)
{
	kfree(p->cmdline);
	kfree(p);
}

void process_set_name(struct process *p, const char *path)
{
	const char *base = path;
	for (const char *s = path; *s; s++)
		if (*s == '/' && s[1])
			base = s + 1;
	size_t n = 0;
	while (base[n] && base[n] != '/' && n < PROC_NAME_LEN - 1) {
		p->name[n] = base[n];
		n++;
	}
	p->name[n] = 0;
	if (p->main_thread)
		strlcpy(p->main_thread->name, p->name, THREAD_NAME_LEN);
}

/* ---- switching between processes ------------------------------------ */

static uint64_t kstack_top(struct thread *t)
{
	return (uint64_t)t->stack + t->stack_size;
}

/* The machine state that belongs to next's process: page tables, the
 * kernel stack its traps land on, its TLS base. Kernel threads run on
 * the kernel's own tables, so a process's tables can be freed while no
 * thread of it runs. */
static void switch_hook(struct thread *prev, struct thread *next)
{
	/* The user's FPU registers go with the thread (kernel code leaves
	 * them alone, so they are still prev's here). */
	if (prev && prev->proc && prev->fpu)
		arch_fpu_save(prev->fpu);
	if (next->proc && next->fpu)
		arch_fpu_restore(next->fpu);
	struct process *p = next->proc;
	if (p && p->as) {
		arch_pt_activate(p->as->root);
		arch_set_kernel_stack(kstack_top(next));
		arch_set_tls(next->tls_base);
	} else {
		arch_pt_activate(0);
	}
}

void process_activate(struct thread *me)
{
	unsigned long f = arch_irq_save();
	switch_hook(NULL, me);
	arch_irq_restore(f);
}

void *process_fpu_alloc(const void *copy_from)
{
	void *a = kmalloc(ARCH_FPU_AREA_SIZE);
	if (!a)
		return NULL;
	if (copy_from)
		memcpy(a, copy_from, ARCH_FPU_AREA_SIZE);
	else
		arch_fpu_init_area(a);
	return a;
}

struct trap_frame *process_user_regs(struct thread *t)
{
	return arch_user_regs_of((void *)kstack_top(t));
}

/* Make t the main thread of p (its tid is the pid). Table locked. */
void process_attach_main_locked(struct process *p, struct thread *t)
{
	p->main_thread = t;
	t->utid = p->pid;
	list_push_back(&p->threads, &t->proc_node);
}

void process_init(void)
{
	sched_switch_hook = switch_hook;
	gil_init(boot_options.gil, boot_options.gil_interval_us);
	reaper_start();
}
