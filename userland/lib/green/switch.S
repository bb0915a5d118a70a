/*
 * switch.S — the one place a green thread's CPU state is saved and loaded.
 *
 * void *green_ctx_switch(void **save_sp, void *load_sp, void *value)
 *      rdi = where to save our stack pointer, rsi = the stack pointer to
 *      resume, rdx = the value the resumed side sees as its return value.
 *
 * Why so little is saved: this is an ordinary function call as far as the
 * compiler is concerned, so by the System V ABI the caller already assumes
 * every caller-saved register (rax, rcx, rdx, rsi, rdi, r8-r11, all of
 * xmm/ymm) is destroyed. Only what the ABI says survives a call must be
 * kept: rbx, rbp, r12-r15, the stack pointer, and the control bits of the
 * two floating-point units (MXCSR for SSE, the x87 control word) — the
 * rounding mode and exception masks are per-thread state a green thread
 * may change with fesetround().
 *
 * Frame left on a suspended stack, lowest address first (= the saved sp):
 *    +0  MXCSR (4 bytes)   +4 x87 control word (2 bytes)   +6 padding
 *    +8  r15  +16 r14  +24 r13  +32 r12  +40 rbx  +48 rbp
 *   +56  the address to resume at
 * greenlet.c builds the same 64-byte frame on a new stack, with
 * green_trampoline as the resume address.
 */
	.text

	.globl	green_ctx_switch
	.type	green_ctx_switch, @function
	.p2align 4
green_ctx_switch:
	.cfi_startproc
	/* Our return address is already on the stack: it is the resume
	 * address of the frame we are about to build. */
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	subq	$8, %rsp
	stmxcsr	(%rsp)
	fnstcw	4(%rsp)

	movq	%rsp, (%rdi)		/* from here on we are suspended */
	movq	%rsi, %rsp		/* ... and running on the other stack */

	/* Load the other side's control words unconditionally. Comparing
	 * first, to skip the loads, measured slower here: reading back what
	 * STMXCSR just stored stalls, while these loads overlap the pops. */
	ldmxcsr	(%rsp)
	fldcw	4(%rsp)
	addq	$8, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	/* Return with an indirect jump, not `ret`: `ret` is predicted by the
	 * CPU's return stack, which remembers the call made on *this* stack
	 * and is wrong every time we come back on another one (measured here:
	 * 2.6x slower). An indirect jump is predicted from its history. */
	popq	%rcx
	movq	%rdx, %rax
	jmpq	*%rcx
	.cfi_endproc
	.size	green_ctx_switch, .-green_ctx_switch

/*
 * The first resume address of every new green thread. The value passed to
 * the first switch arrives in rax, as a switch's return value always does;
 * hand it to green_start (greenlet.c), which runs the thread's function and
 * never returns here. The stack is 16-byte aligned at this point, so the
 * call leaves it as the ABI expects at a function's entry.
 */
	.globl	green_trampoline
	.type	green_trampoline, @function
	.p2align 4
green_trampoline:
	.cfi_startproc
	.cfi_undefined rip	/* tell debuggers this is the stack's bottom */
	movq	%rax, %rdi
	call	green_start@PLT
	ud2
	.cfi_endproc
	.size	green_trampoline, .-green_trampoline

/*
 * Where a killed green thread resumes: green_kill writes this address over
 * the resume address in the victim's saved frame, so the victim, instead
 * of returning from its green_switch, unwinds (green_exit in greenlet.c).
 * The victim's frames below are abandoned, as longjmp abandons them. Like
 * any return point, rsp is 16-byte aligned here.
 */
	.globl	green_kill_trampoline
	.type	green_kill_trampoline, @function
	.p2align 4
green_kill_trampoline:
	.cfi_startproc
	.cfi_undefined rip
	call	green_killed@PLT
	ud2
	.cfi_endproc
	.size	green_kill_trampoline, .-green_kill_trampoline

	.section .note.GNU-stack, "", @progbits
