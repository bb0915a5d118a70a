/*
 * Ring 3: the SYSCALL/SYSRET set-up, the user frame at the top of each
 * kernel stack, and the per-thread TLS base.
 */
#include <kernel/arch.h>
#include <kernel/cpu.h>
#include <kernel/proc/usermode.h>
#include <kernel/syscall/syscall.h>
#include "gdt.h"
#include "trap.h"
#include "x86.h"

#define MSR_STAR   0xC0000081
#define MSR_LSTAR  0xC0000082
#define MSR_FMASK  0xC0000084
#define MSR_FS_BASE 0xC0000100
#define EFER_SCE   1u

_Static_assert(__builtin_offsetof(struct cpu, kernel_stack_top) == 8, "syscall.S");
_Static_assert(__builtin_offsetof(struct cpu, user_rsp_scratch) == 16, "syscall.S");

_Static_assert(sizeof(struct trap_frame) <= ARCH_USER_FRAME_RESERVE, "kernel/arch.h");

extern char syscall_entry[];

void usermode_init(void)
{
	/* SSE for user programs: OSFXSR (fxsave/fxrstor, SSE instructions)
	 * and OSXMMEXCPT (SIMD exceptions as #XM); x87 present (no EM), and
	 * wait/fwait honour TS (MP). UEFI usually did this already. */
	write_cr4(read_cr4() | (1u << 9) | (1u << 10));
	write_cr0((read_cr0() & ~(uint64_t)(1u << 2)) | (1u << 1));
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
	/* SYSCALL loads CS = STAR[47:32] (SS = +8); SYSRET would load
	 * CS = STAR[63:48] + 16, SS = +8: our user code and user data. */
	wrmsr(MSR_STAR, ((uint64_t)(GDT_KDATA | 0) << 48) | ((uint64_t)GDT_KCODE << 32));
	wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
	/* Entered with interrupts, direction, trap and alignment flags off. */
	wrmsr(MSR_FMASK, (1u << 9) | (1u << 10) | (1u << 8) | (1u << 18));
}

struct trap_frame *arch_user_regs_of(void *kstack_top)
{
	return (struct trap_frame *)kstack_top - 1;
}

void arch_user_regs_init(struct trap_frame *r, uint64_t ip, uint64_t sp)
{
	*r = (struct trap_frame){0};
	r->rip = ip;
	r->rsp = sp;
	r->cs = GDT_UCODE | 3;
	r->ss = GDT_UDATA | 3;
	r->rflags = 1u << 9; /* interrupts on */
	r->vector = VEC_SYSCALL;
}

uint64_t arch_user_ip(const struct trap_frame *r) { return r->rip; }
uint64_t arch_user_sp(const struct trap_frame *r) { return r->rsp; }
void arch_user_regs_set_sp(struct trap_frame *r, uint64_t sp) { r->rsp = sp; }
void arch_user_set_retval(struct trap_frame *r, long v) { r->rax = (uint64_t)v; }
long arch_user_retval(const struct trap_frame *r) { return (long)r->rax; }

long arch_syscall_nr(const struct trap_frame *r)
{
	return r->vector == VEC_SYSCALL ? (long)r->error : -1;
}

void arch_syscall_restart(struct trap_frame *r)
{
	r->rax = r->error; /* the number again */
	r->rip -= 2;       /* back onto the 2-byte syscall instruction */
}

void arch_set_kernel_stack(uint64_t top)
{
	struct cpu *c = arch_this_cpu();
	c->arch.tss.rsp[0] = top;
	c->kernel_stack_top = top;
}

void arch_set_tls(uint64_t base) { wrmsr(MSR_FS_BASE, base); }

void arch_fpu_save(void *area) { __asm__ volatile("fxsave64 (%0)" ::"r"(area) : "memory"); }
void arch_fpu_restore(const void *area) { __asm__ volatile("fxrstor64 (%0)" ::"r"(area) : "memory"); }

void arch_fpu_init_area(void *area)
{
	uint8_t *a = area;
	for (int i = 0; i < ARCH_FPU_AREA_SIZE; i++)
		a[i] = 0;
	/* The FXSAVE layout: x87 control word at 0, MXCSR at 24. These are the
	 * values a process starts with on Linux. */
	*(uint16_t *)(a + 0) = 0x037f;
	*(uint32_t *)(a + 24) = 0x1f80;
	*(uint32_t *)(a + 28) = 0xffff; /* MXCSR_MASK: all bits writable */
}

/* From syscall.S, interrupts still off. */
void syscall_from_user(struct trap_frame *f)
{
	struct syscall_args a = {
		.nr = (long)f->rax,
		.arg = { (long)f->rdi, (long)f->rsi, (long)f->rdx,
		         (long)f->r10, (long)f->r8, (long)f->r9 },
	};
	f->error = (uint64_t)a.nr; /* kept: a signal handler may restart the call */
	arch_irq_enable();
	f->rax = (uint64_t)syscall_dispatch(&a);
	arch_irq_disable();
	user_return_check(f);
}
