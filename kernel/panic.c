/*
 * What happens when the kernel finds itself broken.
 */
#include <kernel/arch.h>
#include <kernel/cmdline.h>
#include <kernel/ktest/ktest.h>
#include <kernel/panic.h>
#include <kernel/printk.h>

unsigned long kernel_bug_count;

_Noreturn void kernel_stop(void)
{
	arch_irq_disable();
	/* Under a test or the run tool, end QEMU now with the "crashed"
	 * status instead of leaving it to a timeout. */
	if (boot_options.test[0] || boot_options.run) {
		printk("weft: stopped in test mode: exiting QEMU with failure\n");
		arch_machine_exit(KTEST_EXIT_CRASH);
	}
	printk("weft: system halted. Leave QEMU with Ctrl-A X.\n");
	arch_halt_forever();
}

_Noreturn void panic(const char *fmt, ...)
{
	va_list ap;
	arch_irq_disable();
	printk("\n*** kernel panic: ");
	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
	printk("\n");
	arch_backtrace();
	kernel_stop();
}

void kernel_bug(const char *fmt, ...)
{
	va_list ap;
	__atomic_fetch_add(&kernel_bug_count, 1, __ATOMIC_RELAXED);
	printk("BUG: ");
	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
	printk("\n");
	arch_backtrace();
}
