/*
 * The GIL option: a global interpreter lock per process, as CPython's
 * "new GIL" (3.2 and later) works, so that C programs show what Python
 * threads do. With it on, at most one thread of the process runs user
 * code at a time:
 *
 *   - a thread holds its process's GIL whenever it runs user code; it
 *     takes it on its way back to user mode (user_return_check);
 *   - it lets go when it blocks or sleeps in the kernel (sched_block_hook),
 *     and takes it back on its way out of the system call;
 *   - a thread that wants it waits up to the switch interval (default
 *     5 ms, counted in ticks of its CPU: 5 ticks at hz=1000); if the GIL
 *     did not change hands meanwhile, it sets a drop request, which the
 *     holder honours at its next timer tick or system call (its CPU also
 *     gets a reschedule interrupt, so that it notices at once): it hands
 *     the GIL straight to the longest waiter and queues up behind the
 *     others itself (so it cannot grab it straight back).
 *
 * Turned on for every process with gil=on on the kernel command line, or
 * per process with prctl(PR_WEFT_GIL, 1) (docs/syscalls.md). A fork child
 * inherits its parent's setting and interval (as a Python child does);
 * execve goes back to the boot default. /proc/<pid>/gil shows the state
 * and counters, /proc/<pid>/gil_interval_us reads and sets the interval.
 *
 * Locking: gil->lock guards everything here (plain fields are also read
 * without it where a stale value is harmless: the fast paths and /proc).
 * Lock order: a waited-for lock (the block hook runs under it) -> gil
 * lock -> run-queue locks. Nothing blocks holding the gil lock except a
 * waiter, through sched_block_deadline, which releases it.
 */
#ifndef WEFT_PROC_GIL_H
#define WEFT_PROC_GIL_H

#include <stdbool.h>
#include <stdint.h>

#include <kernel/errno.h>
#include <kernel/sched/list.h>
#include <kernel/sync/spinlock.h>

struct process;
struct thread;

/* Weft's own prctl options (0x5746 is "WF"); Linux answers them EINVAL. */
#define PR_WEFT_GIL              0x57460001  /* arg 1: on, 0: off */
#define PR_WEFT_GIL_INTERVAL     0x57460002  /* arg: switch interval in µs */
#define PR_WEFT_GET_GIL          0x57460003  /* returns 1 or 0 */
#define PR_WEFT_GET_GIL_INTERVAL 0x57460004  /* returns the interval in µs */

#define GIL_INTERVAL_DEFAULT_US 5000
#define GIL_INTERVAL_MIN_US 1
#define GIL_INTERVAL_MAX_US 1000000

struct gil {
	struct spinlock lock;
	bool enabled;
	struct thread *holder;      /* NULL: free */
	int holder_tid;             /* its tid, for /proc (0: free) */
	int last_tid;               /* who held it last (counts switches) */
	bool drop_request;          /* a waiter asks the holder to let go */
	struct list_node waiters;   /* FIFO of thread->wait_node */
	unsigned nr_waiters;
	uint32_t interval_us;       /* the switch interval */
	/* Counters, for /proc/<pid>/gil and the tests. */
	uint64_t switches;          /* the GIL went to another thread */
	uint64_t drop_requests;     /* a waiter's interval ran out */
	uint64_t waits;             /* a thread had to wait for it */
};

static inline bool gil_interval_ok(long long us)
{
	return us >= GIL_INTERVAL_MIN_US && us <= GIL_INTERVAL_MAX_US;
}

/* At boot, before the first process: the defaults for processes started
 * afresh (init, and every execve), and the scheduler's block hook. */
void gil_init(bool on, uint32_t interval_us);

/* A new process's GIL: parent's setting and interval (fork), or the boot
 * defaults when parent is NULL. Free, no waiters, counters 0. */
void gil_process_init(struct process *p, const struct process *parent);

/* execve succeeded (p has one thread, the caller): back to the defaults. */
void gil_exec(struct process *p);

/*
 * On the way back to user mode, interrupts off, from user_return_check:
 * take the GIL if the process uses it, honour a drop request if we hold
 * it. Returns true when the thread may go on to user mode; false when a
 * wait for the GIL was interrupted by a signal or exit_group, which the
 * caller handles before calling again.
 */
bool gil_user_return(struct thread *me);

/* The calling thread is leaving: let go of the GIL if it holds it. */
void gil_thread_exit(struct thread *me);

/* prctl: turn p's GIL on or off. Turning it on takes effect for each
 * running thread at its next way back to user mode (a tick at most). */
void gil_set_enabled(struct process *p, bool on);

/* The switch interval (prctl, /proc): -EINVAL outside
 * GIL_INTERVAL_MIN_US..MAX_US. Waits that start later use it. (Inline
 * and lock-free, so that /proc needs nothing else from this file.) */
static inline int gil_set_interval_us(struct gil *g, long long us)
{
	if (!gil_interval_ok(us))
		return -EINVAL;
	__atomic_store_n(&g->interval_us, (uint32_t)us, __ATOMIC_RELAXED);
	return 0;
}

#endif
