/*
 * The fake arch: kernel/arch.h on the host, for the unit tests.
 *
 *  - one CPU (cpus[0]); "interrupts" are a flag;
 *  - context switches are swapcontext between fibers whose stacks the
 *    kernel allocated, announced to AddressSanitizer so it follows the
 *    stack changes instead of reporting false errors;
 *  - the clock moves only when a tick is simulated: fake_advance_ticks()
 *    from a thread, or the idle thread while sleepers wait;
 *  - the idle thread's arch_idle_wait() hands control back to the test
 *    when nothing can run any more (see fake.h).
 */
#include <kernel/arch.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>

#include <kernel/cpu.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/sched/sched.h>

#include "fake.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define FIBER_START(save, bottom, size) \
	__sanitizer_start_switch_fiber((save), (bottom), (size))
#define FIBER_FINISH(save, bottom, size) \
	__sanitizer_finish_switch_fiber((save), (bottom), (size))
#else
#define FIBER_START(save, bottom, size) ((void)(save), (void)(bottom), (void)(size))
#define FIBER_FINISH(save, bottom, size) ((void)(save), (void)(bottom), (void)(size))
#endif

struct cpu cpus[MAX_CPUS];

static bool irq_on;
static bool in_test_context = true;  /* the test's own code, not a thread */
static uint32_t storm_seed;          /* 0: off; see fake_set_preempt_storm */
static uint64_t clock_ns;
static uint64_t tick_ns = 10000000;
static uint64_t ticks;

/* The stack running now: ASan wants the target's bounds at every switch. */
static const void *cur_bottom;
static size_t cur_size;

/* The test's own context, and where the idle thread waits meanwhile. */
static ucontext_t main_uc;
static const void *main_bottom;
static size_t main_size;
static ucontext_t idle_park_uc;

/* The "boot CPU" context that sched_start() turns into the idle thread. */
#define BOOT_STACK_SIZE (256 * 1024)
static ucontext_t boot_uc;
static void *boot_stack;
static bool booted;

/* The context being entered (read by a new context's first function). */
static struct arch_context *entering;

static void fail(const char *why)
{
	fprintf(stderr, "fake arch: %s\n---- console ----\n%s\n", why,
	        fake_console());
	abort();
}

static void switch_fiber(ucontext_t *from, ucontext_t *to,
                         const void *to_bottom, size_t to_size)
{
	const void *my_bottom = cur_bottom;
	size_t my_size = cur_size;
	void *fake_stack = NULL;

	cur_bottom = to_bottom;
	cur_size = to_size;
	FIBER_START(&fake_stack, to_bottom, to_size);
	if (swapcontext(from, to) != 0)
		fail("swapcontext failed");
	FIBER_FINISH(fake_stack, NULL, NULL);
	/* Resumed: we are on our own stack again. */
	cur_bottom = my_bottom;
	cur_size = my_size;
}

/* ---- interrupts ---- */

/*
 * A pending interrupt is taken the moment interrupts are enabled again. In
 * storm mode such a moment becomes, about every other time (chosen by a
 * seeded pseudo-random sequence, so a run is reproducible), a
 * "reschedule" interrupt that switches threads there. Different seeds
 * try different interleavings of the critical sections.
 */
static bool storm_strikes(void)
{
	storm_seed = storm_seed * 1103515245u + 12345u;
	return (storm_seed >> 16) & 1;
}

static void irqs_back_on(void)
{
	irq_on = true;
	if (!storm_seed || in_test_context || !storm_strikes())
		return;
	struct cpu *c = arch_this_cpu();
	if (!c->current || c->current->is_idle)
		return;
	irq_on = false;
	c->need_resched = true;
	sched_preempt_irq();
	irq_on = true;
}

unsigned long arch_irq_save(void)
{
	unsigned long was = irq_on;
	irq_on = false;
	return was;
}

void arch_irq_restore(unsigned long flags)
{
	if (flags && !irq_on)
		irqs_back_on();
	else
		irq_on = flags != 0;
}

void arch_irq_enable(void)
{
	if (!irq_on)
		irqs_back_on();
}

void arch_irq_disable(void)
{
	irq_on = false;
}

bool arch_irq_enabled(void)
{
	return irq_on;
}

/* One timer interrupt, as the real arch delivers it. */
static void fake_timer_irq(void)
{
	if (!irq_on)
		fail("timer interrupt while interrupts are disabled");
	irq_on = false;
	clock_ns += tick_ns;
	ticks++;
	sched_tick(false);
	sched_preempt_irq();
	irq_on = true;          /* as iret restores IF */
}

void fake_advance_ticks(unsigned n)
{
	while (n--)
		fake_timer_irq();
}

void arch_idle_wait(void)
{
	irq_on = true;
	if (sched_next_wakeup_ns() != UINT64_MAX) {
		/* Idle time passes until the next sleeper is due. */
		fake_timer_irq();
		return;
	}
	/* No thread ready, none sleeping: nothing will ever happen. */
	in_test_context = true;
	switch_fiber(&idle_park_uc, &main_uc, main_bottom, main_size);
	in_test_context = false;
	irq_on = true;
}

void arch_cpu_relax(void)
{
	/* With one CPU and interrupts off, nobody else can ever release it. */
	fail("spinning on the only CPU: this can never end");
}

/* ---- this CPU ---- */

struct cpu *arch_this_cpu(void)
{
	return &cpus[0];
}

/* ---- context switch ---- */

static void context_start(void)
{
	struct arch_context *me = entering;
	FIBER_FINISH(NULL, NULL, NULL);
	me->entry();
	fail("a context's entry function returned");
}

void arch_context_init(struct arch_context *ctx, void *stack_base,
                       size_t stack_size, void (*entry)(void))
{
	memset(&ctx->uc, 0, sizeof ctx->uc);
	if (getcontext(&ctx->uc) != 0)
		fail("getcontext failed");
	ctx->uc.uc_stack.ss_sp = stack_base;
	ctx->uc.uc_stack.ss_size = stack_size;
	ctx->uc.uc_link = NULL;
	ctx->entry = entry;
	ctx->stack_bottom = stack_base;
	ctx->stack_size = stack_size;
	makecontext(&ctx->uc, context_start, 0);
}

void arch_context_switch(struct arch_context *prev, struct arch_context *next)
{
	if (irq_on)
		fail("context switch with interrupts enabled");
	/* The idle thread's context was never initialised: record its stack. */
	prev->stack_bottom = cur_bottom;
	prev->stack_size = cur_size;
	entering = next;
	switch_fiber(&prev->uc, &next->uc, next->stack_bottom, next->stack_size);
}

/* ---- time ---- */

uint64_t arch_clock_ns(void)
{
	return clock_ns;
}

uint64_t arch_cycles(void)
{
	return clock_ns;
}

/* ---- console and machine ---- */

void arch_console_write(const char *s, size_t n)
{
	printk("%.*s", (int)n, s);
}

_Noreturn void arch_machine_exit(int status)
{
	exit(status);
}

_Noreturn void arch_halt_forever(void)
{
	fail("arch_halt_forever");
	abort();
}

/* ---- the harness (fake.h) ---- */

static void boot_entry(void)
{
	/* Learn the test's stack from the switch that brought us here. */
	FIBER_FINISH(NULL, &main_bottom, &main_size);
	sched_start();
}

void fake_reset(const char *policy, unsigned quantum_ms, unsigned hz)
{
	/* A previous scenario's idle thread is abandoned, never resumed. */
	free(boot_stack);
	boot_stack = malloc(BOOT_STACK_SIZE);
	if (!boot_stack)
		fail("out of memory");
	booted = false;

	memset(cpus, 0, sizeof cpus);
	for (unsigned i = 0; i < MAX_CPUS; i++) {
		cpus[i].self = &cpus[i];
		cpus[i].id = i;
	}
	irq_on = false;          /* as at boot */
	storm_seed = 0;
	in_test_context = true;
	clock_ns = 0;
	ticks = 0;
	tick_ns = 1000000000ull / (hz ? hz : 100);
	kernel_bug_count = 0;
	fake_console_clear();

	sched_init(policy, quantum_ms, hz);
}

void fake_set_preempt_storm(unsigned seed)
{
	storm_seed = seed;
}

void fake_run_until_idle(void)
{
	in_test_context = false;
	if (!booted) {
		booted = true;
		memset(&boot_uc, 0, sizeof boot_uc);
		if (getcontext(&boot_uc) != 0)
			fail("getcontext failed");
		boot_uc.uc_stack.ss_sp = boot_stack;
		boot_uc.uc_stack.ss_size = BOOT_STACK_SIZE;
		boot_uc.uc_link = NULL;
		makecontext(&boot_uc, boot_entry, 0);
		switch_fiber(&main_uc, &boot_uc, boot_stack, BOOT_STACK_SIZE);
	} else {
		switch_fiber(&main_uc, &idle_park_uc, boot_stack, BOOT_STACK_SIZE);
	}
}

uint64_t fake_now_ns(void)
{
	return clock_ns;
}

uint64_t fake_now_ticks(void)
{
	return ticks;
}

uint64_t fake_tick_ns(void)
{
	return tick_ns;
}

struct zombies {
	struct thread **list;
	unsigned n, cap;
};

static void collect_zombie(struct thread *t, void *arg)
{
	struct zombies *z = arg;
	if (t->state == THREAD_ZOMBIE && !t->joiner && z->n < z->cap)
		z->list[z->n++] = t;
}

unsigned fake_reap_zombies(void)
{
	struct zombies z = { NULL, 0, sched_thread_count() };
	z.list = calloc(z.cap + 1, sizeof *z.list);
	if (!z.list)
		fail("out of memory");
	sched_for_each_thread(collect_zombie, &z);
	for (unsigned i = 0; i < z.n; i++)
		if (kthread_join(z.list[i], NULL) != 0)
			fail("joining a zombie failed");
	free(z.list);
	return z.n;
}

/* One CPU at a time on the host: nothing to interrupt. */
void arch_send_resched(unsigned cpu_id) { (void)cpu_id; }

/* A made-up CPU for /proc/cpuinfo on the host. */
void arch_cpu_describe(unsigned cpu_id, struct arch_cpu_description *d)
{
	memset(d, 0, sizeof *d);
	strcpy(d->vendor, "FakeVendor");
	strcpy(d->model_name, "Weft host test CPU");
	d->family = 6;
	d->khz = 1000000;
	d->apic_id = cpu_id;
	strcpy(d->flags, "fpu tsc");
}
