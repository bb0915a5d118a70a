/*
 * Kernel threads: creation, exit, join, and the table of all threads.
 * (The state changes themselves are in sched.c.)
 */
#include <kernel/sched/thread.h>

#include <kernel/cpu.h>
#include <kernel/mm/heap.h>
#include <kernel/panic.h>
#include <kernel/sched/errno.h>
#include <kernel/sched/sched.h>

static struct spinlock table_lock = SPINLOCK_INIT("threads");
static struct list_node all_threads = LIST_HEAD_INIT(all_threads);
static unsigned nr_threads;
static int next_tid = 1;

const char *thread_state_name(enum thread_state s)
{
	switch (s) {
	case THREAD_READY: return "ready";
	case THREAD_RUNNING: return "running";
	case THREAD_BLOCKED: return "blocked";
	case THREAD_SLEEPING: return "sleeping";
	case THREAD_ZOMBIE: return "zombie";
	}
	return "?";
}

void thread_table_reset(void)
{
	spin_init(&table_lock, "threads");
	list_init(&all_threads);
	nr_threads = 0;
	next_tid = 1;
}

static void table_add(struct thread *t)
{
	unsigned long flags = spin_lock_irqsave(&table_lock);
	list_push_back(&all_threads, &t->all_node);
	nr_threads++;
	spin_unlock_irqrestore(&table_lock, flags);
}

static void table_remove(struct thread *t)
{
	unsigned long flags = spin_lock_irqsave(&table_lock);
	list_remove(&t->all_node);
	nr_threads--;
	spin_unlock_irqrestore(&table_lock, flags);
}

void sched_for_each_thread(void (*fn)(struct thread *t, void *arg), void *arg)
{
	unsigned long flags = spin_lock_irqsave(&table_lock);
	struct list_node *pos;
	list_for_each(pos, &all_threads)
		fn(list_entry(pos, struct thread, all_node), arg);
	spin_unlock_irqrestore(&table_lock, flags);
}

unsigned sched_thread_count(void)
{
	return __atomic_load_n(&nr_threads, __ATOMIC_RELAXED);
}

static void set_name(struct thread *t, const char *name)
{
	unsigned i = 0;
	for (; name && name[i] && i < THREAD_NAME_LEN - 1; i++)
		t->name[i] = name[i];
	t->name[i] = '\0';
}

static void init_common(struct thread *t, const char *name)
{
	set_name(t, name);
	list_init(&t->rq_node);
	list_init(&t->wait_node);
	list_init(&t->all_node);
	wait_queue_init(&t->exit_wq, "thread-exit");
	t->magic = THREAD_MAGIC;
}

/*
 * Where every new thread starts, on its own stack, with interrupts off
 * and the run-queue lock still held by the switch that brought it here.
 */
static void thread_entry(void)
{
	sched_finish_switch();
	arch_irq_enable();

	struct thread *me = thread_current();
	me->fn(me->arg);
	kthread_exit(0);
}

struct thread *kthread_create(const char *name, void (*fn)(void *), void *arg)
{
	struct thread *t = kzalloc(sizeof *t);
	if (!t)
		return NULL;
	t->stack = kmalloc(KTHREAD_STACK_SIZE);
	if (!t->stack) {
		kfree(t);
		return NULL;
	}
	t->stack_size = KTHREAD_STACK_SIZE;
	t->tid = __atomic_fetch_add(&next_tid, 1, __ATOMIC_RELAXED);
	t->fn = fn;
	t->arg = arg;
	init_common(t, name);
	/* The top of the stack is kept free for the user-mode frame, should
	 * this thread enter user mode (see ARCH_USER_FRAME_RESERVE). */
	arch_context_init(&t->ctx, t->stack, t->stack_size - ARCH_USER_FRAME_RESERVE,
	                  thread_entry);

	table_add(t);
	sched_add_new(t);
	return t;
}

void thread_init_idle(struct thread *idle, struct cpu *c)
{
	char name[THREAD_NAME_LEN] = "idle/";

	*idle = (struct thread){0};
	/* The CPU number after "idle/" (MAX_CPUS is small). */
	unsigned id = c->id, len = 5;
	if (id >= 10)
		name[len++] = (char)('0' + id / 10 % 10);
	name[len++] = (char)('0' + id % 10);
	name[len] = '\0';
	init_common(idle, name);
	idle->tid = 0;
	idle->is_idle = true;
	idle->state = THREAD_RUNNING;
	idle->cpu = c;
	idle->on_cpu = true;
	idle->policy = sched_default_policy();   /* never asked: idle is special */
	table_add(idle);
}

_Noreturn void kthread_exit(int code)
{
	struct thread *me = thread_current();

	KASSERT(me && !me->is_idle);
	arch_irq_disable();     /* never returns, so nothing to restore */
	spin_lock(&me->exit_wq.lock);
	me->exit_code = code;
	me->exited = true;
	wait_queue_wake_all_locked(&me->exit_wq);
	/* Our stack stays in use until the switch away: the joiner frees it. */
	sched_exit_current(&me->exit_wq.lock);
}

int kthread_join(struct thread *t, int *code)
{
	struct thread *me = thread_current();

	if (!t || t->magic != THREAD_MAGIC)
		return -ESRCH;
	if (t->is_idle)
		return -EINVAL;
	if (t == me)
		return -EDEADLK;

	unsigned long flags = spin_lock_irqsave(&t->exit_wq.lock);
	if (t->joiner) {
		spin_unlock_irqrestore(&t->exit_wq.lock, flags);
		return -EINVAL;
	}
	t->joiner = me;
	while (!t->exited)
		wait_queue_wait_locked(&t->exit_wq);
	spin_unlock_irqrestore(&t->exit_wq.lock, flags);

	/*
	 * t has said it exited, but on another CPU it may still be on its way
	 * off its stack: wait until the switch away from it has finished.
	 */
	while (__atomic_load_n(&t->on_cpu, __ATOMIC_ACQUIRE))
		arch_cpu_relax();

	if (code)
		*code = t->exit_code;
	table_remove(t);
	t->magic = 0;
	kfree(t->fpu);
	kfree(t->stack);
	kfree(t);
	return 0;
}
