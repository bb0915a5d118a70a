/*
 * The simulated machine (sim.h): kernel/arch.h for N CPUs in lockstep on
 * a virtual clock. Contexts are ucontexts; CPUs take turns on the one
 * host thread, and hand over only at tick boundaries, where no lock is
 * held, so the kernel's spinlocks never see contention.
 *
 * Each CPU keeps one "parked" context: whatever ran on it when it
 * reached the end of its tick (a thread in sim_compute_tick, or the idle
 * thread in arch_idle_wait). Resuming the CPU resumes that context,
 * which first takes the timer interrupt for the tick that just ended.
 */
#include <kernel/arch.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>

#include <kernel/cpu.h>
#include <kernel/sched/sched.h>

#include "sim.h"

struct cpu cpus[MAX_CPUS];

#define BOOT_STACK_SIZE (256 * 1024)
#define TICK_NS 1000000ull      /* 1000 Hz */

struct sim_cpu {
	ucontext_t boot;            /* becomes the idle thread (sched_start) */
	void *boot_stack;
	ucontext_t park;            /* the context waiting for the next tick */
	ucontext_t idle_uc;         /* the idle thread's, once it switches away */
	bool irq_on;
	bool defer_preempt;         /* see sim_compute_tick */
};

static struct sim_cpu scpu[MAX_CPUS];
static unsigned ncpu = 1, cur;
static ucontext_t machine_uc;
static uint64_t now_ticks;
static const struct sim_hooks *hooks;
static struct arch_context *entering;

static _Noreturn void fail(const char *why)
{
	fprintf(stderr, "schedsim: machine: %s\n", why);
	abort();
}

/* ---- interrupts: a flag per CPU ---- */

unsigned long arch_irq_save(void)
{
	unsigned long was = scpu[cur].irq_on;
	scpu[cur].irq_on = false;
	return was;
}

void arch_irq_restore(unsigned long flags) { scpu[cur].irq_on = flags != 0; }
void arch_irq_enable(void) { scpu[cur].irq_on = true; }
void arch_irq_disable(void) { scpu[cur].irq_on = false; }
bool arch_irq_enabled(void) { return scpu[cur].irq_on; }

void arch_cpu_relax(void)
{
	/* CPUs switch only where no lock is held: a spin can never end. */
	fail("spinning on a lock: this can never end here");
}

struct cpu *arch_this_cpu(void) { return &cpus[cur]; }

/* ---- time ---- */

uint64_t arch_clock_ns(void) { return now_ticks * TICK_NS; }
uint64_t arch_cycles(void) { return now_ticks * TICK_NS; }
uint64_t arch_cycles_to_ns(uint64_t cycles) { return cycles; }
uint64_t sim_now(void) { return now_ticks; }

/* ---- contexts ---- */

static void context_start(void)
{
	entering->entry();
	fail("a context's entry function returned");
}

void arch_context_init(struct arch_context *ctx, void *stack_base,
                       size_t stack_size, void (*entry)(void))
{
	/* The ucontext lives at the bottom of the stack (stacks grow down). */
	size_t skip = (sizeof(ucontext_t) + 63) & ~(size_t)63;
	ucontext_t *uc = stack_base;
	memset(uc, 0, sizeof *uc);
	if (getcontext(uc) != 0)
		fail("getcontext failed");
	uc->uc_stack.ss_sp = (char *)stack_base + skip;
	uc->uc_stack.ss_size = stack_size - skip;
	uc->uc_link = NULL;
	makecontext(uc, context_start, 0);
	ctx->uc = uc;
	ctx->entry = entry;
}

void arch_context_switch(struct arch_context *prev, struct arch_context *next)
{
	if (scpu[cur].irq_on)
		fail("context switch with interrupts enabled");
	if (!prev->uc)
		prev->uc = &scpu[cur].idle_uc;  /* the idle thread's first switch */
	entering = next;
	if (swapcontext(prev->uc, next->uc) != 0)
		fail("swapcontext failed");
}

/* ---- the tick ---- */

/* Wait here until the machine has moved the clock on, then take the
 * timer interrupt of the tick that ended. */
static void park_until_next_tick(void)
{
	unsigned me = cur;
	if (swapcontext(&scpu[me].park, &machine_uc) != 0)
		fail("swapcontext failed");
	/* Resumed by the machine, with cur == me again. */
	struct sim_cpu *c = &scpu[me];
	bool was_on = c->irq_on;
	c->irq_on = false;
	sched_tick(false);
	if (!c->defer_preempt)
		sched_preempt_irq();
	c->defer_preempt = false;
	c->irq_on = was_on;
}

void sim_compute_tick(bool last_of_burst)
{
	hooks->tick_ran(cur, now_ticks, thread_current(), hooks->arg);
	scpu[cur].defer_preempt = last_of_burst;
	park_until_next_tick();
}

void arch_idle_wait(void)
{
	scpu[cur].irq_on = true;
	hooks->tick_ran(cur, now_ticks, NULL, hooks->arg);
	park_until_next_tick();
	scpu[cur].irq_on = true;
}

/* ---- console and machine ---- */

void arch_console_write(const char *s, size_t n) { fwrite(s, 1, n, stderr); }
_Noreturn void arch_machine_exit(int status) { exit(status); }
_Noreturn void arch_halt_forever(void) { fail("arch_halt_forever"); }

/* ---- the machine ---- */

static void boot_entry(void)
{
	sched_start();
}

void sim_init(unsigned n, const char *policy, unsigned quantum_ticks)
{
	if (n < 1 || n > MAX_CPUS)
		fail("bad CPU count");
	ncpu = n;
	memset(cpus, 0, sizeof cpus);
	for (unsigned i = 0; i < MAX_CPUS; i++) {
		cpus[i].self = &cpus[i];
		cpus[i].id = i;
		free(scpu[i].boot_stack);
		memset(&scpu[i], 0, sizeof scpu[i]);
	}
	cur = 0;
	now_ticks = 0;
	sched_init(policy, quantum_ticks, 1000);
}

void sim_set_cpu(unsigned c)
{
	if (c >= ncpu)
		fail("no such CPU");
	cur = c;
}

/* Switch to CPU c's context (first time: its boot context). */
static void resume(unsigned c, bool first)
{
	cur = c;
	ucontext_t *to = first ? &scpu[c].boot : &scpu[c].park;
	if (swapcontext(&machine_uc, to) != 0)
		fail("swapcontext failed");
}

uint64_t sim_run(const struct sim_hooks *h, uint64_t max_ticks)
{
	hooks = h;
	now_ticks = 0;
	hooks->arrivals(0, hooks->arg);
	for (unsigned c = 0; c < ncpu; c++) {
		struct sim_cpu *s = &scpu[c];
		s->boot_stack = malloc(BOOT_STACK_SIZE);
		if (!s->boot_stack)
			fail("out of memory");
		if (getcontext(&s->boot) != 0)
			fail("getcontext failed");
		s->boot.uc_stack.ss_sp = s->boot_stack;
		s->boot.uc_stack.ss_size = BOOT_STACK_SIZE;
		s->boot.uc_link = NULL;
		makecontext(&s->boot, boot_entry, 0);
		resume(c, true);
	}
	for (;;) {
		if (hooks->finished(hooks->arg))
			return now_ticks;
		if (now_ticks >= max_ticks)
			return UINT64_MAX;
		now_ticks++;
		hooks->arrivals(now_ticks, hooks->arg);
		for (unsigned c = 0; c < ncpu; c++)
			resume(c, false);
	}
}

/* The simulated CPUs take turns at every tick, and each looks at its
 * need_resched then: no interrupt is needed to make one look. */
void arch_send_resched(unsigned cpu_id) { (void)cpu_id; }
