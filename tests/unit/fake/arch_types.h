/*
 * The host fake's arch types (tests/unit/fake is on the include path of
 * host builds, arch/x86_64 of kernel builds). A context is a ucontext:
 * the fake switches threads with swapcontext, on stacks from kmalloc just
 * like the kernel's.
 */
#ifndef WEFT_FAKE_ARCH_TYPES_H
#define WEFT_FAKE_ARCH_TYPES_H

#include <stddef.h>
#include <ucontext.h>

struct arch_context {
	ucontext_t uc;
	void (*entry)(void);        /* first function run on this context */
	const void *stack_bottom;   /* for AddressSanitizer's fiber tracking */
	size_t stack_size;
};

struct arch_cpu {
	int unused;
};

#endif
