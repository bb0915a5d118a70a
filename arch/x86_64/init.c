/*
 * Early bring-up of the boot CPU: console, descriptor tables, traps.
 */
#include <boot/bootinfo.h>
#include <kernel/arch.h>
#include <kernel/cpu.h>
#include "gdt.h"
#include "lapic.h"
#include "serial.h"
#include "trap.h"

void usermode_init(void);

void arch_early_init(const struct weft_boot_info *bi, struct cpu *boot_cpu)
{
	(void)bi;
	clock_start();
	serial_init();
	gdt_load(boot_cpu);
	idt_init();
	idt_load();
	usermode_init();
}
