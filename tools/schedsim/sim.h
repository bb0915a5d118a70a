/*
 * The simulated machine of schedsim (sim_arch.c): kernel/arch.h on the
 * host for N CPUs that run in lockstep on a virtual clock, one tick at a
 * time. The scheduler core (kernel/sched) is the kernel's own, unchanged.
 *
 * One step of the machine, at time T (in ticks):
 *   1. hooks.arrivals(T): the tasks arriving at T are created (each on
 *      the CPU chosen with sim_set_cpu);
 *   2. each CPU in turn, 0 first: the timer interrupt for the tick that
 *      ended at T (sched_tick: sleepers due at T wake, the running
 *      thread is charged and maybe preempted), then its threads run
 *      until one computes the tick [T, T+1) -- sim_compute_tick() -- or
 *      the CPU idles;
 *   3. if hooks.finished(), stop; else T+1.
 * Nothing depends on the host's speed: the same input gives the same
 * output, to the tick.
 */
#ifndef WEFT_SIM_H
#define WEFT_SIM_H

#include <stdbool.h>
#include <stdint.h>

struct thread;

struct sim_hooks {
	void (*arrivals)(uint64_t now, void *arg);
	bool (*finished)(void *arg);
	/* t computed on cpu during [tick, tick+1); NULL: the CPU was idle. */
	void (*tick_ran)(unsigned cpu, uint64_t tick, struct thread *t, void *arg);
	void *arg;
};

/* A fresh machine: ncpus (1..MAX_CPUS) CPUs, sched_init(policy,
 * quantum_ticks ms, 1000 Hz): one tick is one millisecond. */
void sim_init(unsigned ncpus, const char *policy, unsigned quantum_ticks);

/* Run until hooks->finished() or until max_ticks; returns the time it
 * stopped at (or UINT64_MAX if max_ticks came first). */
uint64_t sim_run(const struct sim_hooks *hooks, uint64_t max_ticks);

/* From hooks.arrivals: the CPU kthread_create puts the next thread on. */
void sim_set_cpu(unsigned cpu);

/* Now, in ticks. */
uint64_t sim_now(void);

/*
 * From a thread: compute for one tick. last_of_burst: the thread will
 * block or exit right after this tick, so the tick's preemption (if any)
 * waits for that -- a burst that ends when the quantum ends goes to its
 * I/O, as textbook schedules assume, instead of being preempted first.
 */
void sim_compute_tick(bool last_of_burst);

#endif
