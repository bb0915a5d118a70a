/*
 * Running a user signal handler: the arch lays out the frame (its
 * registers, Linux's layout), the kernel decides when.
 */
#ifndef WEFT_PROC_SIGFRAME_H
#define WEFT_PROC_SIGFRAME_H

#include <stdint.h>

struct trap_frame;

struct signal_delivery {
	int sig, code, sender_pid;
	uint64_t handler, restorer;
	uint64_t old_mask; /* restored by rt_sigreturn */
};

/* Make r resume in the handler, with a frame on the user stack. 0, or -1
 * when the stack is unusable (the process then dies of SIGSEGV). */
int arch_signal_deliver(struct trap_frame *r, const struct signal_delivery *d);
/* rt_sigreturn: registers, mask and FPU state back from the frame. */
int arch_signal_return(struct trap_frame *r, uint64_t *mask, void *fpu_area);

#endif
