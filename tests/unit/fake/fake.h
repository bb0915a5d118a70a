/*
 * The host test harness around the fake arch: a virtual clock that only
 * the test moves, one fake CPU, a console captured in a buffer.
 *
 * A test runs a scenario like this:
 *
 *   fake_reset("rr", 10, 1000);           // sched_init with a fresh machine
 *   t = kthread_create("a", body, arg);   // threads are READY
 *   fake_run_until_idle();                // run them until nothing can run
 *   assert_int_equal(kthread_join(t, &code), 0);   // reap zombies
 *
 * fake_run_until_idle() returns when no thread is ready and no thread is
 * sleeping (blocked threads may remain: a deadlock shows up as threads
 * still BLOCKED). While only sleepers remain, the idle thread advances
 * the clock one tick at a time. It can be called again after creating
 * more threads.
 *
 * Threads never call cmocka's assertions (they run on their own stacks);
 * they record what they see and the test checks it afterwards.
 */
#ifndef WEFT_FAKE_H
#define WEFT_FAKE_H

#include <stdbool.h>
#include <stdint.h>

struct thread;

void fake_reset(const char *policy, unsigned quantum_ms, unsigned hz);
void fake_run_until_idle(void);

/*
 * From a thread: n timer interrupts, as if the thread computed for n
 * ticks. Each advances the clock one tick, then calls sched_tick() and
 * sched_preempt_irq() with interrupts off: this is where preemption happens.
 */
void fake_advance_ticks(unsigned n);

/*
 * Storm mode: when a thread enables interrupts, a reschedule interrupt
 * may arrive at once (about every other time, from a pseudo-random
 * sequence started at seed) and switch to the next ready thread; no time
 * passes. That is preemption at the points where a real machine could
 * preempt, in an order each seed makes different: run a scenario over
 * many seeds and a lock whose "check, then sleep" is not atomic loses a
 * wake-up. 0 turns it off; fake_reset turns it off.
 */
void fake_set_preempt_storm(unsigned seed);

uint64_t fake_now_ns(void);
uint64_t fake_now_ticks(void);      /* ticks since fake_reset */
uint64_t fake_tick_ns(void);

/* Join every ZOMBIE thread from the test; returns how many. */
unsigned fake_reap_zombies(void);

/* The console: everything printk wrote since fake_reset. */
const char *fake_console(void);
bool fake_console_contains(const char *s);
void fake_console_clear(void);

/* kernel_bug: how many since fake_reset, and the last message. */
unsigned fake_bug_count(void);
const char *fake_last_bug(void);

/* kmalloc blocks currently allocated (for leak checks). */
long fake_heap_live(void);

#endif
