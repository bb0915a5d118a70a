/*
 * What the arch calls when user mode traps into the kernel.
 */
#ifndef WEFT_PROC_USERMODE_H
#define WEFT_PROC_USERMODE_H

#include <stdbool.h>
#include <stdint.h>

struct trap_frame;

/* On every way back to user mode, interrupts off: act on pending signals
 * (for now: the default actions, which end the process). */
void user_return_check(struct trap_frame *f);

/* A page fault in user mode at addr. Returns when it was resolved (demand
 * paging, copy-on-write); otherwise the process dies with SIGSEGV. */
void user_page_fault(struct trap_frame *f, uint64_t addr, bool write, bool exec);

/* Any other exception in user mode: the process dies with signal sig,
 * after the kernel prints one line saying what happened. */
void user_exception(struct trap_frame *f, int sig, const char *what, uint64_t addr);

#endif
