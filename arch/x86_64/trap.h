#ifndef WEFT_TRAP_H
#define WEFT_TRAP_H

#include <stdint.h>

#include <arch_types.h> /* struct trap_frame */

/* Vectors: 0-31 are CPU exceptions; devices start at 32. */
#define VEC_TIMER    32
#define VEC_SERIAL   36
/* Inter-processor interrupts (smp.c, tlb.c). The LAPIC delivers higher
 * vectors first, so these come before device interrupts that are
 * pending at the same time: a CPU waiting for an answer waits less. */
#define VEC_RESCHED  0xf0  /* "look at need_resched": only an EOI */
#define VEC_TLB      0xf1  /* a TLB shoot-down request (tlb.c) */
#define VEC_SPURIOUS 0xff
#define VEC_SYSCALL  0x100 /* not a CPU vector: marks frames from syscall.S */

typedef void (*irq_handler_t)(struct trap_frame *);
void idt_init(void);
void idt_load(void);
void irq_set_handler(unsigned vector, irq_handler_t h);
void arch_trap(struct trap_frame *f);

#endif
