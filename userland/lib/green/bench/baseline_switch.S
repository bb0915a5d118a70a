/*
 * baseline_switch.S — the yardsticks for bench_green.c, not library code.
 *
 * The least a correct switch can do: save the six callee-saved registers
 * and the stack pointer, load the other side's. No FPU control words, no
 * bookkeeping. Two endings, to show why switch.S returns with a jump:
 *   baseline_switch_jmp   pop the resume address, jump to it
 *   baseline_switch_ret   plain `ret` (the return-stack predictor is wrong
 *                         on every switch, since it expects a return to
 *                         the caller on the old stack)
 * and one that also keeps the FPU control words, as switch.S must (and
 * as boost.context does), to show what that part costs by itself:
 *   baseline_switch_fpu   jmp ending + STMXCSR/FNSTCW, LDMXCSR/FLDCW
 * void *baseline_switch_*(void **save_sp, void *load_sp, void *value)
 */
	.text
	.globl	baseline_switch_jmp
	.type	baseline_switch_jmp, @function
	.p2align 4
baseline_switch_jmp:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, (%rdi)
	movq	%rsi, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	popq	%rcx
	movq	%rdx, %rax
	jmpq	*%rcx
	.size	baseline_switch_jmp, .-baseline_switch_jmp

	.globl	baseline_switch_ret
	.type	baseline_switch_ret, @function
	.p2align 4
baseline_switch_ret:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, (%rdi)
	movq	%rsi, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	movq	%rdx, %rax
	ret
	.size	baseline_switch_ret, .-baseline_switch_ret

	.globl	baseline_switch_fpu
	.type	baseline_switch_fpu, @function
	.p2align 4
baseline_switch_fpu:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	subq	$8, %rsp
	stmxcsr	(%rsp)
	fnstcw	4(%rsp)
	movq	%rsp, (%rdi)
	movq	%rsi, %rsp
	ldmxcsr	(%rsp)
	fldcw	4(%rsp)
	addq	$8, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	popq	%rcx
	movq	%rdx, %rax
	jmpq	*%rcx
	.size	baseline_switch_fpu, .-baseline_switch_fpu

	.section .note.GNU-stack, "", @progbits
