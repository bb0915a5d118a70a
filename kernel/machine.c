/*
 * The end of a run (see machine.h).
 */
#include <kernel/arch.h>
#include <kernel/ktest/ktest.h>
#include <kernel/machine.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/sched/trace.h>

bool machine_run_mode;

_Noreturn void init_exited(int status)
{
	/* The shell's convention: an exit code, or 128 + the signal. */
	int code = (status & 0x7f) ? 128 + (status & 0x7f) : (status >> 8) & 0xff;
	if (machine_run_mode) {
		printk("weft: init exited with status %d\n", code);
		/* With trace=on, the scheduler trace follows the status line
		 * (weft-run --trace collects it); nothing otherwise. */
		sched_trace_dump();
		arch_machine_exit(KTEST_EXIT_PASS);
	}
	panic("init exited with status %d", code);
}
