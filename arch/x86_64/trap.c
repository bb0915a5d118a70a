/*
 * Where every interrupt and exception arrives (from traps.S).
 *
 * Device interrupts go to their registered handler; an exception in the
 * kernel is a bug, reported with everything a student needs to find it:
 * the exception's name, error code, registers, the faulting address and a
 * symbolized backtrace. Then the machine stops (with a failure status
 * when a test is running).
 */
#include <kernel/arch.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/proc/usermode.h>
#include <kernel/sched/sched.h>
#include <kernel/symbols.h>
#include "x86.h"
#include "trap.h"
#include "backtrace.h"

static irq_handler_t handlers[256];

static const char *const exception_names[32] = {
	"divide error", "debug", "NMI", "breakpoint", "overflow",
	"bound range exceeded", "invalid opcode", "device not available",
	"double fault", "coprocessor segment overrun", "invalid TSS",
	"segment not present", "stack-segment fault", "general protection fault",
	"page fault", "reserved (15)", "x87 floating-point error",
	"alignment check", "machine check", "SIMD floating-point error",
	"virtualization exception", "control protection", "reserved (22)",
	"reserved (23)", "reserved (24)", "reserved (25)", "reserved (26)",
	"reserved (27)", "hypervisor injection", "VMM communication",
	"security exception", "reserved (31)",
};

void irq_set_handler(unsigned vector, irq_handler_t h)
{
	handlers[vector & 0xff] = h;
}

static void print_page_fault_reason(uint64_t err)
{
	printk("  page fault: %s %s in %s mode%s\n",
	       err & 1 ? "protection violation on" : "no page for",
	       err & 16 ? "instruction fetch" : (err & 2 ? "write" : "read"),
	       err & 4 ? "user" : "kernel", err & 8 ? " (reserved bit set)" : "");
}

static _Noreturn void exception(struct trap_frame *f)
{
	uint64_t cr2 = read_cr2();
	char sym[96];

	symbols_format(f->rip, sym, sizeof(sym));
	printk("\n*** exception %llu: %s, error code %#llx\n",
	       (unsigned long long)f->vector, exception_names[f->vector],
	       (unsigned long long)f->error);
	printk("  at rip %016llx %s\n", (unsigned long long)f->rip, sym);
	if (f->vector == 14) {
		printk("  faulting address (cr2) %016llx\n", (unsigned long long)cr2);
		print_page_fault_reason(f->error);
	}
	printk("  rax %016llx rbx %016llx rcx %016llx rdx %016llx\n",
	       (unsigned long long)f->rax, (unsigned long long)f->rbx,
	       (unsigned long long)f->rcx, (unsigned long long)f->rdx);
	printk("  rsi %016llx rdi %016llx rbp %016llx rsp %016llx\n",
	       (unsigned long long)f->rsi, (unsigned long long)f->rdi,
	       (unsigned long long)f->rbp, (unsigned long long)f->rsp);
	printk("  r8  %016llx r9  %016llx r10 %016llx r11 %016llx\n",
	       (unsigned long long)f->r8, (unsigned long long)f->r9,
	       (unsigned long long)f->r10, (unsigned long long)f->r11);
	printk("  r12 %016llx r13 %016llx r14 %016llx r15 %016llx\n",
	       (unsigned long long)f->r12, (unsigned long long)f->r13,
	       (unsigned long long)f->r14, (unsigned long long)f->r15);
	printk("  cs %llx ss %llx rflags %016llx cr3 %016llx\n",
	       (unsigned long long)f->cs, (unsigned long long)f->ss,
	       (unsigned long long)f->rflags, (unsigned long long)read_cr3());
	backtrace_print(f->rip, f->rbp);
	kernel_stop();
}

/* Which signal a CPU exception in user mode becomes (as Linux does). */
static int exception_signal(uint64_t vector)
{
	switch (vector) {
	case 0: case 16: case 19: return 8;  /* SIGFPE */
	case 6: return 4;                    /* SIGILL */
	case 1: case 3: return 5;            /* SIGTRAP */
	case 17: return 7;                   /* SIGBUS */
	default: return 11;                  /* SIGSEGV */
	}
}

static void user_trap(struct trap_frame *f)
{
	/* CR2 first: once interrupts are on, a switch to another thread that
	 * faults would overwrite it. */
	uint64_t addr = read_cr2();
	arch_irq_enable(); /* a user fault may sleep (page allocation, locks) */
	if (f->vector == 14) {
		user_page_fault(f, addr, f->error & 2, f->error & 16);
	} else {
		user_exception(f, exception_signal(f->vector),
		               exception_names[f->vector], f->rip);
	}
	arch_irq_disable();
}

void arch_trap(struct trap_frame *f)
{
	bool from_user = f->cs & 3;

	if (f->vector < 32) {
		if (!from_user)
			exception(f);
		user_trap(f);
		user_return_check(f);
		return;
	}

	if (handlers[f->vector])
		handlers[f->vector](f);

	/* The interrupt may have made another thread more deserving (a tick
	 * used up the quantum, a wake-up): switch now, before returning to
	 * the interrupted code. Still with interrupts off. */
	sched_preempt_irq();
	if (from_user)
		user_return_check(f);
}
