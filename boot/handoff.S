/*
 * handoff(pml4_phys, entry, boot_info_phys): the last instructions the
 * loader runs. Interrupts go off first, because the firmware's interrupt
 * table is about to be meaningless to the kernel. Then CR3 switches to
 * the new tables; this code keeps running because the new tables
 * identity map it, at the same address as before. The kernel receives
 * the boot info in RDI (first argument in the System V ABI) and sets up
 * its own stack.
 */
	.text
	.globl handoff
	.type handoff, @function
handoff:
	cli
	mov %rdi, %cr3
	mov %rdx, %rdi
	jmp *%rsi
	.size handoff, . - handoff

	.section .note.GNU-stack, "", @progbits
