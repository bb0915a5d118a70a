/*
 * Kernel threads: struct thread and its life cycle.
 *
 *   kthread_create ──> READY <──────────────┐ preempted / yield / woken
 *                        │ picked            │
 *                        v                   │
 *                     RUNNING ───────────────┘
 *                        │  │ wait queue / sleep
 *                        │  └──> BLOCKED / SLEEPING ──> (woken) READY
 *                        │ kthread_exit
 *                        v
 *                     ZOMBIE ──kthread_join──> freed
 *
 * The transitions themselves are in sched.c; this file's thread.c does
 * creation, exit, join and the table of all threads.
 */
#ifndef WEFT_SCHED_THREAD_H
#define WEFT_SCHED_THREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kernel/arch.h>
#include <kernel/sched/list.h>
#include <kernel/sched/policy.h>
#include <kernel/sync/waitqueue.h>

struct cpu;
struct process;

/* Kernel thread stacks (from kmalloc, so page aligned). */
#ifndef KTHREAD_STACK_SIZE
#define KTHREAD_STACK_SIZE (16 * 1024)
#endif

#define THREAD_NAME_LEN 16

enum thread_state {
	THREAD_READY,       /* on a run queue, waiting for a CPU */
	THREAD_RUNNING,     /* on a CPU now */
	THREAD_BLOCKED,     /* on a wait queue */
	THREAD_SLEEPING,    /* on a sleep queue until a deadline */
	THREAD_ZOMBIE,      /* exited, waiting for kthread_join */
};

const char *thread_state_name(enum thread_state s);

struct thread {
	struct arch_context ctx;        /* saved registers while not running */

	int tid;                        /* unique; the idle threads are 0 */
	char name[THREAD_NAME_LEN];
	enum thread_state state;        /* under thread->cpu's run-queue lock */
	struct cpu *cpu;                /* the CPU whose run queue owns it */
	bool on_cpu;                    /* still on its stack (see sched_finish_switch) */
	bool is_idle;

	/* Scheduling policy (see policy.h) and its private data. */
	const struct sched_policy *policy;
	union sched_policy_data pd;

	struct list_node rq_node;       /* on the ready queue or the sleep queue */
	/* SMP: every queued thread is also on its run queue's ready_list (in
	 * enqueue order), which is where load balancing looks for one to move;
	 * on_rq says it is queued (both under thread->cpu's run-queue lock). */
	struct list_node ready_node;
	bool on_rq;
	uint64_t cpus_allowed;          /* bit N: may run on CPU N (sched_setaffinity) */
	uint64_t migrations;            /* times it moved to another CPU */
	struct list_node wait_node;     /* on a wait queue */
	uint64_t wake_at_ns;            /* deadline while SLEEPING */

	/* Accounting. */
	uint64_t ticks_run;             /* timer ticks that found it running */
	uint64_t switches_voluntary;    /* it blocked, slept, yielded, exited */
	uint64_t switches_involuntary;  /* it was preempted */

	/* Body and stack. */
	void (*fn)(void *);
	void *arg;
	void *stack;
	size_t stack_size;

	/* Exit and join. */
	struct wait_queue exit_wq;      /* its lock guards the fields below */
	bool exited;
	int exit_code;
	struct thread *joiner;          /* who called kthread_join, if anyone */

	struct list_node all_node;      /* on the table of all threads */

	/* User processes (kernel/proc); NULL/0 for kernel threads. */
	struct process *proc;
	struct list_node proc_node;     /* on proc->threads */
	int utid;                       /* the tid user space sees (gettid) */
	uint64_t tls_base;              /* FS base for user TLS (arch_prctl) */
	void *fpu;                      /* user FPU/SSE registers while off the CPU
	                                   (ARCH_FPU_AREA_SIZE, kmalloc'd) */
	uint64_t clear_child_tid;       /* set_tid_address: zeroed + woken at exit */
	struct process *reap_for;       /* exited non-main thread: whose
	                                   threads_unfreed to count down once freed */
	uint64_t sig_blocked;           /* this thread's signal mask */
	uint64_t sig_pending;           /* signals sent to this thread (tgkill);
	                                   process-wide ones are in proc */
	uint64_t futex_key[2];          /* what this thread waits for in futex() */
	uint32_t futex_bitset;
	/* Interruptible waits: a signal may end them early (-EINTR). Both
	 * under the run-queue lock of thread->cpu. */
	bool interruptible;             /* in such a wait now */
	bool timed_wait;                /* BLOCKED, and also on the sleepers list
	                                   until wake_at_ns (sched_block_deadline) */
	bool timed_out;                 /* the deadline, not a waker, ended it */
	bool interrupt_pending;         /* a signal wants it out of waits */

	/* What it waits for, for /proc/<pid>/task/<tid>/wchan and the
	 * deadlock report. waiting_mutex: the mutex it sleeps on in
	 * mutex_lock, under the wait-graph lock (kernel/sync/deadlock.c).
	 * wait_reason: the name of the wait queue it sleeps on (set and
	 * cleared by the thread itself; a pointer store, read racily). */
	struct mutex *waiting_mutex;
	const char *wait_reason;
	uint32_t magic;                 /* THREAD_MAGIC while alive */
};

#define THREAD_MAGIC 0x74687264u /* "thrd" */

/*
 * Create a READY thread running fn(arg) on this CPU; when fn returns the
 * thread exits with code 0. Returns NULL if memory runs out.
 */
struct thread *kthread_create(const char *name, void (*fn)(void *), void *arg);

/* End the calling thread; it stays a ZOMBIE until joined. */
_Noreturn void kthread_exit(int code);

/*
 * Wait until t exits, store its exit code in *code (if code is not NULL)
 * and free it. 0 on success; -EDEADLK when t is the caller, -EINVAL when
 * another thread is already joining t (or t is an idle thread), -ESRCH
 * when t is not a live thread (best effort: a freed thread may be reused).
 */
int kthread_join(struct thread *t, int *code);

/* Let the next ready thread run; the caller stays READY. */
void thread_yield(void);

/* Sleep until the first tick at or after now + the duration. */
void thread_sleep_ns(uint64_t ns);
void thread_sleep_ms(uint64_t ms);
void thread_sleep_ticks(uint64_t ticks);
/* The same, but a signal ends it early: 0, or -EINTR. */
int thread_sleep_ns_interruptible(uint64_t ns);

/* The running thread (the idle thread when nothing else runs). */
struct thread *thread_current(void);

/*
 * Call fn for every thread, idle threads included, under the thread-table
 * lock (interrupts off): fn must be quick and must not block or create
 * or join threads.
 */
void sched_for_each_thread(void (*fn)(struct thread *t, void *arg), void *arg);

/* Number of threads that exist (including zombies and idle threads). */
unsigned sched_thread_count(void);

#endif
