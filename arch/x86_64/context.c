/*
 * Setting up a new thread's stack so that the first switch into it
 * "returns" into arch_thread_trampoline (switch.S), which calls entry().
 */
#include <kernel/arch.h>

extern char arch_thread_trampoline[];

void arch_context_init(struct arch_context *ctx, void *stack_base,
                       size_t stack_size, void (*entry)(void))
{
	/* The top of the stack, 16-byte aligned as the ABI wants it at the
	 * trampoline's "call". */
	uint64_t *sp = (uint64_t *)(((uintptr_t)stack_base + stack_size) & ~15ul);

	*--sp = (uint64_t)arch_thread_trampoline; /* popped by "ret" */
	*--sp = 0;                  /* rbp: 0 ends backtraces */
	*--sp = 0;                  /* rbx */
	*--sp = (uint64_t)entry;    /* r12: the trampoline calls it */
	*--sp = 0;                  /* r13 */
	*--sp = 0;                  /* r14 */
	*--sp = 0;                  /* r15 */
	ctx->rsp = (uint64_t)sp;
}
