#ifndef WEFT_GDT_H
#define WEFT_GDT_H
/* Segment selectors: the order SYSCALL/SYSRET expects. */
#define GDT_KCODE 0x08
#define GDT_KDATA 0x10
#define GDT_UDATA 0x18
#define GDT_UCODE 0x20
#define GDT_TSS   0x28
struct cpu;
void gdt_load(struct cpu *c);
#endif
