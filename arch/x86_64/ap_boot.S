/*
 * The start-up code of the other CPUs (the "application processors").
 *
 * A CPU woken by a start-up IPI begins like a PC in 1981: 16-bit real
 * mode, no paging, at address vector * 4096 (CS = vector << 8, IP = 0).
 * So this code cannot run where the kernel is linked; smp.c copies it to
 * a free page below 1 MiB and patches the few absolute addresses it needs
 * into the parameter block at its end (struct ap_boot_params in smp.c).
 * Everything below is therefore written relative to ap_boot_start: in
 * real mode through DS = CS, in long mode RIP-relative.
 *
 * The way up, in one go (no stop in 32-bit protected mode):
 *   real mode --(PAE, CR3, EFER.LME, CR0.PE|PG)--> long mode, still in a
 *   16-bit code segment --(far jump)--> 64-bit code at the page's own
 *   address (the temporary tables map it 1:1) --> the kernel's stack and
 *   smp_ap_entry() in the higher half (the temporary tables also hold the
 *   kernel's upper half).
 *
 * It lives in .rodata: it is only ever copied, never run in place.
 */
	.section .rodata
	.balign 16
	.globl ap_boot_start, ap_boot_end, ap_boot_params, ap_boot_gdt

#define OFF(label) label - ap_boot_start

	.code16
ap_boot_start:
	cli
	cld
	mov %cs, %ax            /* our data is in this page too */
	mov %ax, %ds
	movl $1, OFF(p_alive)   /* tell the boot CPU we run (no 2nd SIPI) */

	lgdtl OFF(p_gdt_limit)  /* 6 bytes: limit and a 32-bit base */

	mov $0x20, %eax         /* CR4.PAE: long mode uses 4-level tables */
	mov %eax, %cr4
	mov OFF(p_cr3), %eax    /* the temporary PML4 (below 1 MiB) */
	mov %eax, %cr3

	mov $0xC0000080, %ecx   /* EFER */
	rdmsr
	or $0x900, %eax         /* LME (long mode) | NXE: the kernel's tables
	                           use the NX bit, reserved without NXE */
	wrmsr

	mov %cr0, %eax
	and $0x9fffffff, %eax   /* caches on: INIT left CD and NW set */
	or $0x80010001, %eax    /* PG | WP | PE */
	mov %eax, %cr0

	/* Now in long mode's compatibility mode, CS still the real-mode
	 * one. A far jump through the patched pointer loads the 64-bit code
	 * segment of our small GDT. */
	ljmpl *OFF(p_jump_offset)

	.code64
	.globl ap_boot_long
ap_boot_long:
	mov $0x10, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss
	xor %eax, %eax
	mov %eax, %fs
	mov %eax, %gs

	/* Claim the parameters: they are for one CPU only. A CPU that was
	 * given up on and starts late finds "go" at 0 and stops here, instead
	 * of sharing the next CPU's stack. */
	xor %eax, %eax
	xchgl %eax, p_go(%rip)
	test %eax, %eax
	jz 1f

	mov p_stack_top(%rip), %rsp
	mov p_cpu(%rip), %rdi   /* smp_ap_entry(struct cpu *) */
	xor %ebp, %ebp          /* backtraces end here */
	movabsq $smp_ap_entry, %rax
	call *%rax              /* never returns */
1:	cli
	hlt
	jmp 1b

/* A GDT with just what the far jump needs: 64-bit code at 0x08, data at
 * 0x10. smp_ap_entry loads the CPU's own GDT right away. */
	.balign 8
ap_boot_gdt:
	.quad 0
	.quad 0x00209A0000000000    /* present, ring 0, code, L (64-bit) */
	.quad 0x0000920000000000    /* present, ring 0, data, writable */

/* struct ap_boot_params (smp.c): keep both in step. */
	.balign 8
ap_boot_params:
p_gdt_limit:    .word 3 * 8 - 1
p_gdt_base:     .long 0         /* patched: physical address of ap_boot_gdt */
                .word 0
p_jump_offset:  .long 0         /* patched: physical address of ap_boot_long */
p_jump_selector: .word 0x08
                .word 0
p_cr3:          .long 0         /* patched */
p_alive:        .long 0         /* set by the CPU, first thing */
p_go:           .long 0         /* 1: parameters ready, not yet claimed */
                .long 0
p_stack_top:    .quad 0         /* patched per CPU */
p_cpu:          .quad 0         /* patched per CPU */
ap_boot_end:
