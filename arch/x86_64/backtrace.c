/*
 * Backtraces by walking frame pointers. The kernel is built with
 * -fno-omit-frame-pointer, so every function starts with
 * "push rbp; mov rsp, rbp": rbp points at the saved caller's rbp, with
 * the return address just above it. Entry code sets rbp = 0 to end the
 * chain.
 */
#include <kernel/arch.h>
#include <kernel/printk.h>
#include <kernel/symbols.h>
#include "x86.h"
#include "backtrace.h"

#define MAX_FRAMES 24

static int kernel_address(uint64_t a)
{
	return a >= 0xffff800000000000ull && (a & 7) == 0;
}

void backtrace_print(uint64_t rip, uint64_t rbp)
{
	char sym[96];

	printk("  backtrace:\n");
	symbols_format(rip, sym, sizeof(sym));
	printk("    #0  %016llx %s\n", (unsigned long long)rip, sym);
	for (int i = 1; i < MAX_FRAMES && kernel_address(rbp); i++) {
		uint64_t *frame = (uint64_t *)rbp;
		uint64_t ret = frame[1];
		if (!ret)
			break;
		/* ret points after the call; ret - 1 is inside the caller's
		 * call instruction, so the symbol is right even at a tail. */
		symbols_format(ret - 1, sym, sizeof(sym));
		printk("    #%-2d %016llx %s\n", i, (unsigned long long)ret, sym);
		if (frame[0] <= rbp) /* stacks grow down: callers are higher */
			break;
		rbp = frame[0];
	}
}

void arch_backtrace(void)
{
	backtrace_print((uint64_t)__builtin_return_address(0), read_rbp());
}
