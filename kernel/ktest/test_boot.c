/*
 * Tests of the boot path: command line, symbols, formatting, clock, tick.
 */
#include <kernel/arch.h>
#include <kernel/cmdline.h>
#include <kernel/cpu.h>
#include <kernel/demo.h>
#include <kernel/ktest/ktest.h>
#include <kernel/lib/string.h>
#include <kernel/mm/pmm.h>
#include <kernel/printk.h>
#include <kernel/sched/sched.h>
#include <kernel/symbols.h>

void kmain(uint64_t);

KTEST(boot, cmdline_warns_and_keeps_defaults)
{
	struct boot_options saved = boot_options;
	int warnings = cmdline_parse("hz=abc bogus=1 quantum_ms=5 sched=nosuch noequals hz=99999");
	KEXPECT_EQ(warnings, 5);
	KEXPECT_EQ(boot_options.quantum_ms, 5);
	KEXPECT_EQ(boot_options.hz, saved.hz);
	KEXPECT(strcmp(boot_options.sched, saved.sched) == 0);
	KEXPECT_EQ(cmdline_parse("  sched=rr   hz=250 "), 0);
	KEXPECT_EQ(boot_options.hz, 250);
	boot_options = saved;
}

KTEST(boot, cmdline_trace_on_off)
{
	struct boot_options saved = boot_options;
	KEXPECT_EQ(cmdline_parse("trace=on"), 0);
	KEXPECT(boot_options.trace);
	KEXPECT_EQ(cmdline_parse("trace=maybe trace= trace=onn"), 3);
	KEXPECT(boot_options.trace);     /* bad values leave it as it was */
	KEXPECT_EQ(cmdline_parse("trace=off"), 0);
	KEXPECT(!boot_options.trace);
	boot_options = saved;
}

KTEST(boot, symbols_name_kernel_functions)
{
	uint64_t off = 99;
	const char *name = symbols_lookup((uint64_t)kmain + 3, &off);
	KASSERT_T(name != NULL);
	KEXPECT(strcmp(name, "kmain") == 0);
	KEXPECT_EQ(off, 3);
	char buf[64];
	symbols_format((uint64_t)printk, buf, sizeof(buf));
	KEXPECT(strcmp(buf, "<printk+0x0>") == 0);
}

KTEST(boot, printk_formats)
{
	char b[64];
	snprintk(b, sizeof(b), "%d|%5u|%-4s|%x|%#llx|%c|%.3s", -42, 7u, "ab", 255u, 0x1234ull, 'z', "abcdef");
	KEXPECT(strcmp(b, "-42|    7|ab  |ff|0x1234|z|abc") == 0);
	KEXPECT_EQ(snprintk(b, 4, "%s", "hello"), 5);
	KEXPECT(strcmp(b, "hel") == 0);
	snprintk(b, sizeof(b), "%08lx %ld", 0xbeefUL, -9000000000L);
	KEXPECT(strcmp(b, "0000beef -9000000000") == 0);
}

KTEST(boot, clock_is_monotonic_and_ticks_advance)
{
	uint64_t t0 = arch_clock_ns();
	uint64_t ticks0 = this_cpu()->ticks;
	thread_sleep_ticks(10);
	uint64_t t1 = arch_clock_ns();
	KEXPECT(t1 > t0);
	/* A sleep ends at the first tick at or after its deadline on the
	 * clock, so it never ends early. (How many timer interrupts came
	 * meanwhile is not fixed: a busy host can make QEMU merge ticks.) */
	KEXPECT(t1 - t0 >= 10 * sched_tick_ns());
	KEXPECT(this_cpu()->ticks > ticks0);
}

KTEST(boot, memory_map_gave_pages)
{
	KEXPECT(pmm_total_count() > 1000);
	KEXPECT(pmm_free_count() > 0);
	KEXPECT(pmm_free_count() <= pmm_total_count());
	KEXPECT(arch_cpu_count() >= 1);
}

/* `make bench`: not a check, a measurement (printed as a KTAP comment). */
KTEST(bench, context_switch_cycles)
{
	uint64_t c = demo_switch_cycles(50000);
	printk("# bench: kernel-thread context switch: %llu cycles, %llu ns\n",
	       (unsigned long long)c, (unsigned long long)arch_cycles_to_ns(c));
	KEXPECT(c > 0);
}
