/*
 * The entry points of all 256 interrupt vectors.
 *
 * Each stub is 16-byte aligned and at most 16 bytes, so vector n's stub is
 * at trap_stubs + 16 * n (idt.c relies on this). The CPU pushes an error
 * code for a few exceptions only; the others push a 0 so that every trap
 * frame has the same shape (struct trap_frame in trap.h).
 */
#include "frame.h"
	.section .text
	.align 16
	.globl trap_stubs
	.type trap_stubs, @function
trap_stubs:
	.set vec, 0
	.rept 256
	.align 16
	.if (vec == 8) || ((vec >= 10) && (vec <= 14)) || (vec == 17) || (vec == 21) || (vec == 29) || (vec == 30)
	.else
	pushq $0                /* no error code from the CPU: a dummy one */
	.endif
	pushq $vec
	jmp trap_common
	.set vec, vec + 1
	.endr

/*
 * Save every general register, so C sees a complete struct trap_frame and
 * the interrupted code resumes exactly as it was.
 */
	.type trap_common, @function
trap_common:
	/* Coming from user mode (ring 3), GS still holds the user's value:
	 * swap in the kernel's per-CPU pointer. (User mode comes later.) */
	testb $3, 24(%rsp)      /* the saved CS: vector, error code, rip, cs */
	jz 1f
	swapgs
1:	PUSH_GPRS
	mov %rsp, %rdi          /* arch_trap(struct trap_frame *) */
	cld
	call arch_trap

/*
 * Back to whatever the frame at rsp describes: kernel code after an
 * interrupt, or user mode after a trap, a syscall (syscall.S jumps here)
 * or a new process's first entry (arch_enter_user).
 */
	.globl trap_return
	.type trap_return, @function
trap_return:
	POP_GPRS
	testb $3, 24(%rsp)
	jz 2f
	swapgs
2:	add $16, %rsp           /* drop the vector and the error code */
	iretq
