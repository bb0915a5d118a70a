/*
 * The first process. pid 1 is made by hand (it has no parent to fork
 * from): a process with the console as its descriptors 0, 1 and 2, the
 * root as its working directory, and a kernel thread that execs the
 * init= program and drops to user mode. Every later process descends
 * from it by fork.
 */
#include <kernel/arch.h>
#include <kernel/errno.h>
#include <kernel/fs/files.h>
#include <kernel/fs/vfs.h>
#include <kernel/machine.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/proc/internal.h>
#include <kernel/proc/usermode.h>

static char *const init_envp[] = {
	"HOME=/", "PATH=/bin:/tests:/demos:/bench", "TERM=vt100", NULL,
};

struct init_start {
	struct process *proc;
	const char *path;
	char *const *argv;
};

static struct init_start start;

static void init_main(void *arg)
{
	struct init_start *s = arg;
	struct thread *me = thread_current();
	struct process *p = s->proc;

	unsigned long f = spin_lock_irqsave(&proc_table.lock);
	process_attach_main_locked(p, me);
	spin_unlock_irqrestore(&proc_table.lock, f);
	me->proc = p;
	printk("weft: starting init %s\n", s->path);
	struct trap_frame *r = process_user_regs(me);
	int err = exec_image(p, s->path, s->argv, init_envp, r);
	if (err) {
		printk("weft: cannot start init %s: error %d\n", s->path, -err);
		init_exited(127 << 8);
	}
	arch_irq_disable();
	user_return_check(r);
	arch_enter_user(r);
}

void process_start_init(const char *path, char *const argv[], bool run_mode)
{
	machine_run_mode = run_mode;
	struct process *p = process_alloc(NULL);
	if (!p)
		panic("no memory for init");
	p->files = files_new();
	if (!p->files || files_open_console(p->files) < 0)
		panic("init: cannot open /dev/console");
	p->cwd = inode_get(vfs_root());
	process_set_name(p, path);
	start = (struct init_start){ p, path, argv };
	if (!kthread_create("init", init_main, &start))
		panic("no memory for init's thread");
}
