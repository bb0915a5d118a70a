/*
 * The state that every CPU keeps in its own registers: control
 * registers and model-specific registers are not shared between CPUs, so
 * each CPU must set them itself, and all must set them alike -- a
 * thread that moves to another CPU must find the same machine there
 * (the same SYSCALL entry, NX working, read-only pages read-only).
 *
 * The boot CPU runs cpu_local_init() early; the others run
 * cpu_local_init_ap(), which first copies the boot CPU's CR0 and CR4 as
 * they were then (whatever the firmware added, e.g. global pages) and
 * then does the same steps.
 */
#include <stdint.h>
#include "cpu_local.h"
#include "x86.h"

void usermode_init(void);

static uint64_t boot_cr0, boot_cr4;

void cpu_local_init(void)
{
	/* NX bits in page tables are reserved (a fault) until EFER.NXE is
	 * on; the kernel's tables use them (paging.c). CR0.WP makes
	 * read-only pages read-only for the kernel too. */
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
	write_cr0(read_cr0() | CR0_WP);
	/* SYSCALL entry and the FPU/SSE bits for user programs. */
	usermode_init();
	if (!boot_cr0) {
		boot_cr0 = read_cr0();
		boot_cr4 = read_cr4();
	}
}

void cpu_local_init_ap(void)
{
	/* The trampoline (ap_boot.S) set only what long mode needs. */
	write_cr4(boot_cr4);
	write_cr0(boot_cr0);
	cpu_local_init();
}
