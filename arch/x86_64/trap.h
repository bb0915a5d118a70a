#ifndef WEFT_TRAP_H
#define WEFT_TRAP_H

#include <stdint.h>

/* The stack as traps.S leaves it: its pushes, then what the CPU pushed. */
struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};

/* Vectors: 0-31 are CPU exceptions; devices start at 32. */
#define VEC_TIMER    32
#define VEC_SPURIOUS 0xff

typedef void (*irq_handler_t)(struct trap_frame *);
void idt_init(void);
void idt_load(void);
void irq_set_handler(unsigned vector, irq_handler_t h);
void arch_trap(struct trap_frame *f);

#endif
