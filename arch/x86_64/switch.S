/*
 * arch_context_switch(struct arch_context *prev, struct arch_context *next)
 *
 * A thread switch is a function call that returns in another thread. The
 * SysV ABI lets a callee clobber every register but rbx, rbp, r12-r15 and
 * rsp, so those are all we save: push them on the old thread's stack,
 * store its rsp in prev, load next's rsp, pop next's registers, return on
 * next's stack. Interrupts are off throughout (the scheduler's caller
 * turned them off), and RFLAGS needs no saving for that reason.
 */
	.section .text
	.globl arch_context_switch
	.type arch_context_switch, @function
arch_context_switch:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	mov %rsp, (%rdi)        /* prev->rsp */
	mov (%rsi), %rsp        /* next->rsp */
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret

/*
 * A new thread's first "return" from arch_context_switch lands here, with
 * the entry function in r12 (see arch_context_init in context.c). rbp is
 * 0, so backtraces stop at this frame.
 */
	.globl arch_thread_trampoline
	.type arch_thread_trampoline, @function
arch_thread_trampoline:
	call *%r12
1:	ud2                     /* entry functions never return */
	jmp 1b
