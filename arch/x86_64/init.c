/*
 * Early bring-up of the boot CPU: console, descriptor tables, traps.
 */
#include <boot/bootinfo.h>
#include <kernel/arch.h>
#include <kernel/cpu.h>
#include "cpu_local.h"
#include "gdt.h"
#include "lapic.h"
#include "serial.h"
#include "smp.h"
#include "trap.h"

void arch_early_init(const struct weft_boot_info *bi, struct cpu *boot_cpu)
{
	clock_start();
	serial_init();
	gdt_load(boot_cpu);
	boot_cpu->arch.started = true;
	idt_init();
	idt_load();
	cpu_local_init();
	smp_record_boot_info(bi);
}
