/*
 * Kernel entry. The loader jumps here with interrupts off, its own page
 * tables in CR3 (identity map, direct map and the kernel image) and the
 * physical address of the boot-info struct in rdi. All we do is get onto
 * a stack of our own and call C.
 */
	.section .bss
	.align 16
	.globl boot_stack_bottom
boot_stack_bottom:
	.skip 32768
	.globl boot_stack_top
boot_stack_top:

	.section .text.entry, "ax"
	.globl _start
	.type _start, @function
_start:
	cli
	cld
	lea boot_stack_top(%rip), %rsp
	xor %ebp, %ebp          /* a zero frame pointer ends every backtrace */
	call kmain              /* kmain(uint64_t bootinfo_phys) never returns */
1:	hlt
	jmp 1b
