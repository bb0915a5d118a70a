/*
 * The SYSCALL instruction's landing point.
 *
 * SYSCALL does not switch stacks: it only puts the user's rip in rcx and
 * rflags in r11 and jumps here in ring 0 with interrupts masked (FMASK).
 * So first swapgs (GS now points at this CPU's struct cpu), park the
 * user's rsp, and move to the thread's kernel stack. Then build the same
 * struct trap_frame an interrupt from user mode would, so that one return
 * path (trap_return, with iretq) serves both, and fork can copy one
 * shape of frame.
 *
 * struct cpu offsets (kernel/cpu.h): 8 kernel_stack_top, 16 user_rsp_scratch.
 */
#include "frame.h"
	.section .text
	.globl syscall_entry
	.type syscall_entry, @function
syscall_entry:
	swapgs
	mov %rsp, %gs:16
	mov %gs:8, %rsp
	pushq $0x1b             /* ss: user data | ring 3 */
	pushq %gs:16            /* rsp */
	pushq %r11              /* rflags */
	pushq $0x23             /* cs: user code | ring 3 */
	pushq %rcx              /* rip */
	pushq $0                /* error code */
	pushq $0x100            /* "vector": VEC_SYSCALL */
	PUSH_GPRS
	xor %ebp, %ebp          /* backtraces end here */
	mov %rsp, %rdi
	cld
	call syscall_from_user  /* usermode.c */
	jmp trap_return

/* arch_enter_user(struct trap_frame *r): resume user mode from r. */
	.globl arch_enter_user
	.type arch_enter_user, @function
arch_enter_user:
	mov %rdi, %rsp
	jmp trap_return
