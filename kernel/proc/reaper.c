/*
 * The reaper: a kernel thread that frees exited user threads.
 *
 * A thread cannot free its own kernel stack (it is standing on it), and
 * nobody joins a pthread's kernel thread (pthread_join waits on a futex
 * word instead), so an exiting thread hands itself to this thread, which
 * joins it -- waiting until it is off its stack -- and frees it.
 */
#include <kernel/panic.h>
#include <kernel/proc/internal.h>

static struct wait_queue reaper_wq;
static struct list_node dead = LIST_HEAD_INIT(dead);

void reaper_add(struct thread *t)
{
	unsigned long f = spin_lock_irqsave(&reaper_wq.lock);
	/* proc_node is free now: the thread left its process's list. */
	list_push_back(&dead, &t->proc_node);
	wait_queue_wake_all_locked(&reaper_wq);
	spin_unlock_irqrestore(&reaper_wq.lock, f);
}

static void reaper_main(void *arg)
{
	(void)arg;
	for (;;) {
		unsigned long f = spin_lock_irqsave(&reaper_wq.lock);
		while (list_empty(&dead))
			wait_queue_wait_locked(&reaper_wq);
		struct thread *t = list_entry(list_first(&dead), struct thread, proc_node);
		list_remove(&t->proc_node);
		spin_unlock_irqrestore(&reaper_wq.lock, f);
		struct process *p = t->reap_for;
		kthread_join(t, NULL);
		if (p) {
			/* Its process may now be reaped for good (exit.c reap). */
			f = spin_lock_irqsave(&proc_table.lock);
			if (--p->threads_unfreed == 0)
				wait_queue_wake_all_locked(&proc_table);
			spin_unlock_irqrestore(&proc_table.lock, f);
		}
	}
}

void reaper_start(void)
{
	wait_queue_init(&reaper_wq, "reaper");
	if (!kthread_create("reaper", reaper_main, NULL))
		panic("cannot start the reaper thread");
}
