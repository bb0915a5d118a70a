/*
 * schedsim's arch types (tools/schedsim is on the include path of its
 * build, as arch/x86_64 is of the kernel's). A context is a ucontext
 * kept at the bottom of the thread's own stack, so struct thread stays
 * small: the scheduler benchmark makes a million of them.
 */
#ifndef WEFT_SIM_ARCH_TYPES_H
#define WEFT_SIM_ARCH_TYPES_H

#include <ucontext.h>

struct arch_context {
	ucontext_t *uc;             /* NULL for an idle thread until it switches */
	void (*entry)(void);        /* first function run on this context */
};

struct arch_cpu {
	int unused;
};

#endif
