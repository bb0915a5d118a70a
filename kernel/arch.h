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

/* ---- several CPUs ---------------------------------------------------- */

/*
 * Make CPU cpu_id (an index into cpus[]) run sched_preempt_irq() soon: an
 * inter-processor interrupt on the real machine (nothing on the host,
 * which has one CPU). Used when a wake-up or a balance made its
 * need_resched true. Any context; cpu_id != this CPU.
 */
void arch_send_resched(unsigned cpu_id);

/* Counters of CPU cpu (for /proc and tests; real machine only): the
 * reschedule IPIs it received, and the TLB shoot-down requests it
 * answered (another CPU changed a mapping it might have cached). */
uint64_t arch_resched_ipis(unsigned cpu);
uint64_t arch_tlb_shootdowns(unsigned cpu);

/*
 * What /proc/cpuinfo tells about one CPU, as the arch knows it (x86 reads
 * CPUID; see arch/x86_64/cpuinfo.c). Strings are NUL-terminated; zero
 * means "not known". flags: the feature names, separated by spaces.
 */
struct arch_cpu_description {
	char vendor[16];            /* "GenuineIntel", "AuthenticAMD", ... */
	char model_name[64];
	unsigned family, model, stepping;
	unsigned cpuid_level;       /* the highest basic CPUID leaf */
	uint64_t khz;               /* the (TSC) clock */
	unsigned cache_kb;          /* the largest cache the CPU reports */
	unsigned apic_id;
	unsigned clflush_bytes;
	unsigned phys_bits, virt_bits;
	char flags[1536];
};
/* Fill d for CPU cpu_id (an index into cpus[]). Any context. */
void arch_cpu_describe(unsigned cpu_id, struct arch_cpu_description *d);

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

/* ---- user address spaces (real machine only) -------------------------- */

/* User space is the lower half, below this address. */
#define ARCH_USER_TOP 0x00007ffffffff000ull

/* Page permissions: the same bits as Linux's PROT_READ/WRITE/EXEC. */
#define ARCH_PROT_READ  1u
#define ARCH_PROT_WRITE 2u
#define ARCH_PROT_EXEC  4u

/* A new page-table root sharing the kernel half; 0 when out of memory. */
uint64_t arch_pt_create(void);
/* Free the table pages of the user half and the root. The pages they
 * mapped are not touched: the caller has unmapped (and freed) them. */
void arch_pt_destroy(uint64_t root);
/* Map one user page (replacing any mapping). 0 or -ENOMEM. */
int arch_pt_map(uint64_t root, uint64_t va, uint64_t pa, unsigned prot);
/* Remove one mapping; returns the physical page it mapped, or 0. */
uint64_t arch_pt_unmap(uint64_t root, uint64_t va);
/* The mapping of va: true and *pa, *prot if present. */
bool arch_pt_lookup(uint64_t root, uint64_t va, uint64_t *pa, unsigned *prot);
/* The first mapped page in [va, end), or end (skips empty tables whole). */
uint64_t arch_pt_next_mapped(uint64_t root, uint64_t va, uint64_t end);
/* Make root this CPU's address space (0: the kernel's own tables). */
void arch_pt_activate(uint64_t root);
/* The root this CPU uses now. */
uint64_t arch_pt_active(void);
/* Forget a stale translation of va on this CPU. */
void arch_tlb_flush_page(uint64_t va);

/* ---- user mode (real machine only) --------------------------------------- */

/*
 * struct trap_frame (arch_types.h) is what a trap or syscall from user mode
 * saved: it lies at the top of the thread's kernel stack, and returning to
 * user mode restores it.
 */
struct trap_frame;
/* Bytes at the top of every kernel stack kept for that frame: a kernel
 * thread that later becomes a user thread (init, a fork child) must not
 * have its own call frames there. */
#define ARCH_USER_FRAME_RESERVE 256
/* The saved registers of the running thread's user mode. */
struct trap_frame *arch_user_regs_of(void *kstack_top);
void arch_user_regs_init(struct trap_frame *r, uint64_t ip, uint64_t sp);
uint64_t arch_user_ip(const struct trap_frame *r);
uint64_t arch_user_sp(const struct trap_frame *r);
void arch_user_regs_set_sp(struct trap_frame *r, uint64_t sp);
/* The value the interrupted syscall returns (fork's child gets 0). */
void arch_user_set_retval(struct trap_frame *r, long v);
long arch_user_retval(const struct trap_frame *r);
/* The number of the syscall r returns from, or -1 if r is not a syscall. */
long arch_syscall_nr(const struct trap_frame *r);
/* Make r run its syscall again when it returns to user mode. */
void arch_syscall_restart(struct trap_frame *r);
/* Drop everything on the kernel stack and resume user mode from r, which
 * must be the frame at the top of the running thread's kernel stack. */
_Noreturn void arch_enter_user(struct trap_frame *r);
/* The kernel stack that traps and syscalls from user mode land on. */
void arch_set_kernel_stack(uint64_t top);
/* The thread pointer (FS base on x86-64) that user TLS uses. */
void arch_set_tls(uint64_t base);

/*
 * The user's floating-point and vector registers. The kernel itself never
 * uses them (it is built without SSE), so they only change hands when the
 * CPU moves from one user thread to another: saved and restored at those
 * switches, into an area of ARCH_FPU_AREA_SIZE bytes, 16-byte aligned.
 */
#define ARCH_FPU_AREA_SIZE 512
void arch_fpu_save(void *area);
void arch_fpu_restore(const void *area);
/* The state a new program starts with (exceptions masked, round to nearest). */
void arch_fpu_init_area(void *area);

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
/*
 * Start the other CPUs the MADT lists (at most MAX_CPUS, fewer with the
 * boot option cpus=N), one after another: each gets its own GDT, TSS, GS
 * base and LAPIC timer and then calls sched_start_ap(). Returns once they
 * all run (or have given up, with a message). After sched_init and the
 * timer; before sched_start.
 */
void arch_smp_start(void);

/* Print the current call chain, symbolized (for panic and BUG reports). */
void arch_backtrace(void);

/* Physical memory is mapped at a fixed offset (the "direct map"). */
void *arch_phys_to_virt(uint64_t phys);
uint64_t arch_virt_to_phys(const void *virt);

#endif
