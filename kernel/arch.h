/*
 * The one arch boundary.
 *
 * Everything in kernel/ reaches the CPU only through the functions below.
 * arch/x86_64/ implements them for the real machine; tests/unit/fake/
 * implements them on the host (context switches with ucontext, a virtual
 * clock, a console that is a buffer), which is why the scheduler and the
 * synchronisation code build and are tested there unchanged.
 *
 * <arch_types.h> comes from the arch directory on the include path and
 * defines struct arch_context (what a context switch saves) and
 * struct arch_cpu (the arch's per-CPU state, embedded in struct cpu).
 */
#ifndef WEFT_ARCH_H
#define WEFT_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <arch_types.h>

struct cpu;

/* ---- interrupts ------------------------------------------------------ */

/* Disable interrupts on this CPU and return the previous state. */
unsigned long arch_irq_save(void);
/* Put back the state arch_irq_save() returned. */
void arch_irq_restore(unsigned long flags);
void arch_irq_enable(void);
void arch_irq_disable(void);
bool arch_irq_enabled(void);

/*
 * Enable interrupts and wait for one, atomically (no wake-up can slip in
 * between the two). Returns with interrupts enabled. The idle thread's loop.
 */
void arch_idle_wait(void);

/* A hint inside spin loops (PAUSE on x86). */
void arch_cpu_relax(void);

/* ---- this CPU -------------------------------------------------------- */

/* The running CPU's struct cpu (through GS on x86-64). */
struct cpu *arch_this_cpu(void);

/* ---- context switch -------------------------------------------------- */

/*
 * Prepare ctx so that the first arch_context_switch() into it runs
 * entry() on the given stack, with interrupts disabled. entry must not
 * return.
 */
void arch_context_init(struct arch_context *ctx, void *stack_base,
                       size_t stack_size, void (*entry)(void));

/*
 * Save the callee-saved state of the running thread into prev and resume
 * next. Returns when some later switch resumes prev. Called with
 * interrupts disabled; they stay disabled across it.
 */
void arch_context_switch(struct arch_context *prev, struct arch_context *next);

/* ---- time ------------------------------------------------------------ */

/* Monotonic nanoseconds since boot. */
uint64_t arch_clock_ns(void);
/* A cycle counter for micro-benchmarks (TSC on x86); 0 if none. */
uint64_t arch_cycles(void);
/* Convert a count of arch_cycles() into nanoseconds (0 before the clock is
 * calibrated). */
uint64_t arch_cycles_to_ns(uint64_t cycles);

/* ---- console and machine --------------------------------------------- */

/* Write raw bytes to the kernel console (the serial port). */
void arch_console_write(const char *s, size_t n);

/*
 * End the machine with a status (QEMU's isa-debug-exit; on the host, the
 * test harness decides). Never returns.
 */
_Noreturn void arch_machine_exit(int status);

/* Stop this CPU for good: interrupts off, halt forever. */
_Noreturn void arch_halt_forever(void);

/* ---- bring-up (real machine only; the host fake leaves these out) ----- */

struct weft_boot_info;

/* Serial console, this CPU's GDT/TSS/IDT and GS base, the fault handlers. */
void arch_early_init(const struct weft_boot_info *bi, struct cpu *boot_cpu);
/* Replace the loader's page tables with the kernel's (W^X, NX). Needs the
 * page allocator. */
void arch_mm_init(const struct weft_boot_info *bi);
/* Count CPUs from the ACPI MADT, calibrate the LAPIC timer and start a
 * periodic tick of hz per second; each tick calls sched_tick(). */
void arch_timer_init(const struct weft_boot_info *bi, unsigned hz);
unsigned arch_cpu_count(void);

/* Print the current call chain, symbolized (for panic and BUG reports). */
void arch_backtrace(void);

/* Physical memory is mapped at a fixed offset (the "direct map"). */
void *arch_phys_to_virt(uint64_t phys);
uint64_t arch_virt_to_phys(const void *virt);

#endif
