/*
 * The scheduler core: a state machine driven by events
 *
 *   create   sched_add_new()        a new thread becomes READY
 *   tick     sched_tick()           accounting, sleepers wake, quantum ends
 *   block    sched_block()          RUNNING -> BLOCKED (wait queues)
 *   wakeup   sched_wakeup()         BLOCKED -> READY
 *   sleep    thread_sleep_*()       RUNNING -> SLEEPING -> READY at a deadline
 *   yield    thread_yield()         RUNNING -> READY
 *   exit     kthread_exit()         RUNNING -> ZOMBIE
 *
 * with one decision out: the policy's pick_next (policy.h). Everything
 * here is portable C; the CPU is reached through kernel/arch.h only, which
 * is why the same file runs in the kernel and in the host unit tests.
 *
 * The arch calls sched_tick() from its timer interrupt and
 * sched_preempt_irq() at the end of every interrupt taken in kernel mode.
 */
#ifndef WEFT_SCHED_SCHED_H
#define WEFT_SCHED_SCHED_H

#include <stdbool.h>
#include <stdint.h>

#include <kernel/sched/thread.h>
#include <kernel/sync/spinlock.h>

/*
 * Before any thread exists: choose the policy by name (an unknown name is
 * reported with printk and "rr" is used), the quantum and the tick rate.
 */
void sched_init(const char *policy_name, unsigned quantum_ms, unsigned hz);

/*
 * On the boot CPU, once: the calling context becomes this CPU's idle
 * thread and the ready threads start running. Never returns.
 */
_Noreturn void sched_start(void);

/*
 * The same on every other CPU, from its own boot context (arch_smp_start):
 * it becomes that CPU's idle thread, the CPU counts as running, and it
 * takes work from the others. Never returns.
 */
_Noreturn void sched_start_ap(void);

/* Timer interrupt, interrupts off; from_user: it interrupted user code. */
void sched_tick(bool from_user);

/* End of an interrupt taken in kernel mode, interrupts off, after EOI. */
void sched_preempt_irq(void);

/*
 * Block the running thread. Call with interrupts off and `lock` held (the
 * lock that guards the condition being waited for). The thread becomes
 * BLOCKED, `lock` is released only once that is visible to wakers, and
 * it is taken again before returning, after sched_wakeup().
 */
void sched_block(struct spinlock *lock);

/*
 * The same for waits a signal may interrupt: returns false without
 * blocking when the thread already has an interrupt pending, or true once
 * woken (by sched_wakeup or by sched_interrupt).
 */
bool sched_block_interruptible(struct spinlock *lock);

/*
 * Block interruptibly, but only until deadline_ns (arch_clock_ns time):
 * the tick that finds the deadline passed wakes the thread with
 * thread->timed_out set. Returns like sched_block_interruptible.
 */
bool sched_block_deadline(struct spinlock *lock, uint64_t deadline_ns);

/*
 * A signal for t: mark it, and end its interruptible wait or sleep if it
 * is in one. sched_clear_interrupt() when the signal has been handled.
 */
void sched_interrupt(struct thread *t);
void sched_clear_interrupt(struct thread *t);

/*
 * Called on every switch, with the run-queue lock held and interrupts
 * off, just before the switch to next (user processes load their page
 * tables and kernel stack here). NULL on the host.
 */
extern void (*sched_switch_hook)(struct thread *prev, struct thread *next);

/*
 * Make a BLOCKED thread READY. Returns false (and does nothing) if t was
 * not blocked. Any context, any lock order below the run-queue lock.
 */
bool sched_wakeup(struct thread *t);

/* Queue a newly created thread (the "fork" event). */
void sched_add_new(struct thread *t);

/*
 * Put t in policy p with params (sched_setscheduler, sched_setparam,
 * setpriority; see sched_attr.c for Linux's names). Any state; a ready t
 * moves between the policies' queues, a running one is rescheduled.
 */
void sched_set_policy(struct thread *t, const struct sched_policy *p,
                      const struct sched_params *params);

/* The policy chosen at boot. */
const struct sched_policy *sched_default_policy(void);

/* Nanoseconds per tick and the quantum, as sched_init computed them. */
uint64_t sched_tick_ns(void);

/*
 * The earliest deadline of a sleeping thread on this CPU, or UINT64_MAX if
 * none. (A tickless idle would program the timer with it; the host fake
 * uses it to know whether waiting can ever end.)
 */
uint64_t sched_next_wakeup_ns(void);

/* CPUs that run threads now (1 until the other CPUs are started). */
unsigned sched_cpus_running(void);
/* Bit N set: CPU N runs threads. */
uint64_t sched_cpus_online_mask(void);

/*
 * CPU affinity (sched_setaffinity): the CPUs t may run on. The mask is cut
 * to the CPUs that exist; -EINVAL (and no change) when nothing is left.
 * A ready t moves to an allowed CPU at once, a running one at its next
 * switch, a blocked one when it wakes up.
 */
int sched_set_affinity(struct thread *t, uint64_t mask);
uint64_t sched_get_affinity(struct thread *t);
/* The CPU t runs on, or last ran on. */
unsigned sched_thread_cpu(const struct thread *t);

/*
 * Called by a thread that is about to block or sleep (wait queues, mutexes,
 * sleeps), with interrupts off and maybe the waited-for lock held; before
 * the run-queue lock is taken. The GIL uses it to let go (kernel/proc/gil.c).
 * May take spinlocks and wake threads; must not block. NULL: nothing.
 */
extern void (*sched_block_hook)(struct thread *me);

/* Is a thread ready to run on this CPU (a hint: no lock)? */
bool sched_has_ready(void);

/* ---- internal to kernel/sched/ (sched.c, sleep.c, thread.c) ---------- */

struct cpu;
struct runqueue;

/*
 * Switch this CPU to the next thread. Run-queue lock held, interrupts off,
 * current's new state already set (READY goes back on the queue; BLOCKED,
 * SLEEPING, ZOMBIE don't). Returns when current runs again; the caller
 * then calls sched_finish_switch().
 */
void sched_switch_locked(struct cpu *c, bool preempted);
/* The incoming side of a switch: releases the run-queue lock. */
void sched_finish_switch(void);
/* woken was just made READY on c: need_resched if it should run now
 * (c's run-queue lock held). */
void sched_check_preempt_locked(struct cpu *c, struct thread *woken);
/* Put a READY thread on its run queue (lock held). */
void sched_enqueue_locked(struct runqueue *rq, struct thread *t);
/* t just became READY on c (lock held): queue it and maybe preempt, or,
 * if its affinity excludes c, park it; true = call sched_push_pending(c)
 * after unlocking. */
bool sched_make_ready_locked(struct cpu *c, struct thread *t);
void sched_push_pending(struct cpu *c);
/* Switch away from the exiting thread for good; `held` is released. */
_Noreturn void sched_exit_current(struct spinlock *held);
/* sleep.c: put t on c's sleepers list, ordered by deadline (lock held). */
void sched_sleeper_insert_locked(struct cpu *c, struct thread *t, uint64_t deadline);
/* sleep.c: make the sleepers whose deadline is <= now READY (lock held). */
void sched_wake_sleepers_locked(struct cpu *c, uint64_t now_ns);
/* thread.c: the thread table. */
void thread_table_reset(void);
void thread_init_idle(struct thread *idle, struct cpu *c);

#endif
