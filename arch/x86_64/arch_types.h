/*
 * x86-64 types that the portable kernel embeds but never looks inside.
 */
#ifndef WEFT_ARCH_TYPES_H
#define WEFT_ARCH_TYPES_H

#include <stdbool.h>
#include <stdint.h>

/*
 * What a context switch saves: just the stack pointer. The callee-saved
 * registers (rbx, rbp, r12-r15) and the return address are pushed on the
 * thread's own stack by arch_context_switch (switch.S), so the saved rsp
 * is enough to find them again.
 */
struct arch_context {
	uint64_t rsp;
};

/*
 * The registers of interrupted user (or kernel) code, as traps.S and
 * syscall.S push them: general registers, the vector and error code, then
 * what the CPU pushes on an interrupt (rip, cs, rflags, rsp, ss).
 */
struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};

/* The 64-bit Task State Segment: on x86-64 it only holds stack pointers. */
struct tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];  /* stack loaded on a switch to ring 0..2 */
	uint64_t reserved1;
	uint64_t ist[7];  /* interrupt stacks, chosen per IDT entry */
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

/* Per-CPU arch state: each CPU has its own GDT (its TSS differs). */
struct arch_cpu {
	uint64_t gdt[7];
	struct tss64 tss;
	uint32_t lapic_id;      /* where IPIs for this CPU go (smp.c) */
	bool started;           /* out of the trampoline, on its own tables */
	/*
	 * The page-table root this CPU has loaded (paging.c). Other CPUs read
	 * it to decide whom a TLB shoot-down must reach (tlb.c).
	 */
	uint64_t active_root;
	bool tlb_pending;       /* a shoot-down request waits for this CPU */
	/* Counters for /proc: IPIs this CPU received, shoot-downs it sent. */
	uint64_t resched_ipis;
	uint64_t tlb_shootdowns_received;
	uint64_t tlb_shootdowns_sent;
};

#endif
