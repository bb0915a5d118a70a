/*
 * One CPU's descriptor tables and the small per-CPU primitives of the
 * arch boundary: interrupt flag, GS-based per-CPU pointer, cycle counter.
 *
 * Segmentation is mostly off in long mode, but the GDT still says which
 * code runs in ring 0 or ring 3, and the TSS says which stack an interrupt
 * from ring 3 lands on. Selectors are laid out for SYSCALL/SYSRET (used
 * once user mode exists): kernel code, kernel data, user data, user code.
 */
#include <kernel/arch.h>
#include <kernel/cpu.h>
#include "x86.h"
#include "gdt.h"

struct cpu cpus[MAX_CPUS];

struct descriptor_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

/* Access byte P=1, S=1, code/data; flags L (64-bit code). */
#define SEG_KCODE 0x00209A0000000000ull /* present, ring 0, exec/read, L */
#define SEG_KDATA 0x0000920000000000ull /* present, ring 0, read/write */
#define SEG_UDATA 0x0000F20000000000ull /* present, ring 3, read/write */
#define SEG_UCODE 0x0020FA0000000000ull /* present, ring 3, exec/read, L */

static void tss_descriptor(uint64_t *slot, struct tss64 *tss)
{
	uint64_t base = (uint64_t)tss, limit = sizeof(*tss) - 1;
	slot[0] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
	          (0x89ull << 40) /* present, 64-bit TSS available */ |
	          (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	slot[1] = base >> 32;
}

void gdt_load(struct cpu *c)
{
	uint64_t *g = c->arch.gdt;
	g[0] = 0;
	g[GDT_KCODE / 8] = SEG_KCODE;
	g[GDT_KDATA / 8] = SEG_KDATA;
	g[GDT_UDATA / 8] = SEG_UDATA;
	g[GDT_UCODE / 8] = SEG_UCODE;
	c->arch.tss.iomap_base = sizeof(struct tss64); /* no I/O bitmap */
	tss_descriptor(&g[GDT_TSS / 8], &c->arch.tss);

	struct descriptor_ptr p = { sizeof(c->arch.gdt) - 1, (uint64_t)g };
	__asm__ volatile("lgdt %0" ::"m"(p));
	/* Reload CS with a far return, then the data segments. */
	__asm__ volatile("pushq %0\n\t"
	                 "leaq 1f(%%rip), %%rax\n\t"
	                 "pushq %%rax\n\t"
	                 "lretq\n"
	                 "1:\n\t"
	                 "mov %1, %%ds\n\t"
	                 "mov %1, %%es\n\t"
	                 "mov %1, %%ss\n\t"
	                 ::"i"((uint64_t)GDT_KCODE), "r"((uint32_t)GDT_KDATA)
	                 : "rax", "memory");
	/* FS and GS hold selector 0; their bases come from MSRs. */
	__asm__ volatile("mov %0, %%fs\n\tmov %0, %%gs" ::"r"(0));
	__asm__ volatile("ltr %w0" ::"r"((uint16_t)GDT_TSS));

	c->self = c;
	wrmsr(MSR_GS_BASE, (uint64_t)c);
	wrmsr(MSR_KERNEL_GS, 0);
}

struct cpu *arch_this_cpu(void)
{
	struct cpu *c;
	__asm__ volatile("mov %%gs:0, %0" : "=r"(c));
	return c;
}

unsigned long arch_irq_save(void)
{
	unsigned long f;
	__asm__ volatile("pushfq\n\tpopq %0\n\tcli" : "=r"(f)::"memory");
	return f & RFLAGS_IF;
}

void arch_irq_restore(unsigned long flags)
{
	if (flags & RFLAGS_IF)
		__asm__ volatile("sti" ::: "memory");
}

void arch_irq_enable(void) { __asm__ volatile("sti" ::: "memory"); }
void arch_irq_disable(void) { __asm__ volatile("cli" ::: "memory"); }
bool arch_irq_enabled(void) { return read_rflags() & RFLAGS_IF; }

/* STI only takes effect after the next instruction, so "sti; hlt" cannot
 * lose an interrupt between the two. */
void arch_idle_wait(void) { __asm__ volatile("sti\n\thlt" ::: "memory"); }

void arch_cpu_relax(void) { __asm__ volatile("pause"); }

uint64_t arch_cycles(void) { return rdtsc(); }

_Noreturn void arch_halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli\n\thlt");
}

/* QEMU's isa-debug-exit device: writing v ends QEMU with status
 * (v << 1) | 1. Without the device, we simply halt. */
_Noreturn void arch_machine_exit(int status)
{
	outl(0xf4, (uint32_t)status);
	arch_halt_forever();
}
