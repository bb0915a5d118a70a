/*
 * The interrupt descriptor table: for each of the 256 vectors, where the
 * CPU jumps (a stub in traps.S) and at which privilege it may be raised.
 */
#include <stdint.h>
#include "gdt.h"
#include "trap.h"

struct idt_entry {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t ist;      /* 0: stay on the current stack */
	uint8_t type;     /* present, DPL, 64-bit interrupt gate */
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t zero;
} __attribute__((packed));

static struct idt_entry idt[256];
extern char trap_stubs[]; /* traps.S: 16 bytes per vector */

/* An interrupt gate (0xE) clears IF on entry, so handlers start with
 * interrupts off and decide themselves when to allow them again. */
#define GATE_INTERRUPT 0x8E

void idt_init(void)
{
	for (unsigned v = 0; v < 256; v++) {
		uint64_t a = (uint64_t)(trap_stubs + 16 * v);
		idt[v] = (struct idt_entry){
			.offset_lo = a & 0xffff,
			.selector = GDT_KCODE,
			.ist = 0,
			.type = GATE_INTERRUPT,
			.offset_mid = (a >> 16) & 0xffff,
			.offset_hi = a >> 32,
		};
	}
}

void idt_load(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) p = { sizeof(idt) - 1, (uint64_t)idt };
	__asm__ volatile("lidt %0" ::"m"(p));
}
