/*
 * Signal frames: what the kernel puts on the user stack to run a signal
 * handler, and takes back in rt_sigreturn. The layout is Linux's, because
 * musl's handlers (and anything reading a ucontext) expect exactly it:
 *
 *   sp ->  return address (the sa_restorer: it calls rt_sigreturn)
 *          struct ucontext (flags, link, stack, mcontext, signal mask)
 *          struct siginfo (128 bytes)
 *          the FPU registers (512 bytes, FXSAVE layout, 16-byte aligned)
 *
 * The handler runs as handler(sig, &info, &uc) with the interrupted
 * registers saved in uc.uc_mcontext; rt_sigreturn loads them back.
 */
#include <kernel/arch.h>
#include <kernel/lib/string.h>
#include <kernel/proc/sigframe.h>
#include <kernel/uaccess.h>
#include "gdt.h"

struct sigcontext_k {
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
	uint16_t cs, gs, fs, ss;
	uint64_t err, trapno, oldmask, cr2;
	uint64_t fpstate; /* user address of the FPU area */
	uint64_t reserved[8];
};

struct ucontext_k {
	uint64_t flags, link;
	uint64_t ss_sp;
	int32_t ss_flags, pad;
	uint64_t ss_size;
	struct sigcontext_k mc;
	uint64_t sigmask;
};

struct siginfo_k {
	int32_t signo, errno_, code, pad;
	int32_t pid, uid;     /* kill(): who sent it */
	uint8_t rest[128 - 24];
};

struct sigframe_k {
	uint64_t restorer;
	struct ucontext_k uc;
	struct siginfo_k info;
};

/* The flags a handler may change by editing the saved registers: the
 * arithmetic flags, direction, trap and alignment check -- not the
 * interrupt flag or I/O privilege. */
#define USER_RFLAGS 0x40dd5u

int arch_signal_deliver(struct trap_frame *r, const struct signal_delivery *d)
{
	uint8_t fpu[ARCH_FPU_AREA_SIZE] __attribute__((aligned(16)));
	uint64_t sp = r->rsp - 128;                 /* skip the red zone */
	uint64_t fpu_at = (sp - sizeof(fpu)) & ~15ull;
	uint64_t frame_at = ((fpu_at - sizeof(struct sigframe_k)) & ~15ull) - 8;
	/* frame_at + 8 is 16-byte aligned: as after a call, which is how the
	 * handler is entered. */

	struct sigframe_k f;
	memset(&f, 0, sizeof(f));
	f.restorer = d->restorer;
	f.uc.mc = (struct sigcontext_k){
		.r8 = r->r8, .r9 = r->r9, .r10 = r->r10, .r11 = r->r11,
		.r12 = r->r12, .r13 = r->r13, .r14 = r->r14, .r15 = r->r15,
		.rdi = r->rdi, .rsi = r->rsi, .rbp = r->rbp, .rbx = r->rbx,
		.rdx = r->rdx, .rax = r->rax, .rcx = r->rcx, .rsp = r->rsp,
		.rip = r->rip, .eflags = r->rflags, .cs = (uint16_t)r->cs,
		.ss = (uint16_t)r->ss, .trapno = r->vector, .oldmask = d->old_mask,
		.fpstate = fpu_at,
	};
	f.uc.sigmask = d->old_mask;
	f.info.signo = d->sig;
	f.info.code = d->code;
	f.info.pid = d->sender_pid;

	arch_fpu_save(fpu);
	if (copy_to_user((void *)fpu_at, fpu, sizeof(fpu)) ||
	    copy_to_user((void *)frame_at, &f, sizeof(f)))
		return -1;

	r->rsp = frame_at;
	r->rip = d->handler;
	r->rdi = (uint64_t)d->sig;
	r->rsi = frame_at + __builtin_offsetof(struct sigframe_k, info);
	r->rdx = frame_at + __builtin_offsetof(struct sigframe_k, uc);
	r->rax = 0;
	r->rflags &= ~(1ull << 10); /* the ABI wants the direction flag clear */
	return 0;
}

int arch_signal_return(struct trap_frame *r, uint64_t *mask, void *fpu_area)
{
	/* The handler's "ret" popped the restorer: the frame began 8 below. */
	uint64_t frame_at = r->rsp - 8;
	struct sigframe_k f;
	uint8_t fpu[ARCH_FPU_AREA_SIZE] __attribute__((aligned(16)));

	if (copy_from_user(&f, (void *)frame_at, sizeof(f)))
		return -1;
	if (f.uc.mc.fpstate) {
		if (copy_from_user(fpu, (void *)f.uc.mc.fpstate, sizeof(fpu)))
			return -1;
		/* MXCSR bits the CPU refuses would fault in fxrstor: keep ours. */
		uint32_t mxcsr;
		memcpy(&mxcsr, fpu + 24, 4);
		if (mxcsr & 0xffff0000u)
			return -1;
		memcpy(fpu_area, fpu, sizeof(fpu));
	}
	const struct sigcontext_k *m = &f.uc.mc;
	r->r8 = m->r8, r->r9 = m->r9, r->r10 = m->r10, r->r11 = m->r11;
	r->r12 = m->r12, r->r13 = m->r13, r->r14 = m->r14, r->r15 = m->r15;
	r->rdi = m->rdi, r->rsi = m->rsi, r->rbp = m->rbp, r->rbx = m->rbx;
	r->rdx = m->rdx, r->rax = m->rax, r->rcx = m->rcx, r->rsp = m->rsp;
	r->rip = m->rip;
	r->rflags = (r->rflags & ~(uint64_t)USER_RFLAGS) | (m->eflags & USER_RFLAGS);
	/* Whatever the frame says, we go back to ring 3. */
	r->cs = GDT_UCODE | 3;
	r->ss = GDT_UDATA | 3;
	*mask = f.uc.sigmask;
	return 0;
}
