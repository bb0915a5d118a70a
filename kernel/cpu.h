/*
 * Per-CPU state. Each CPU reaches its own struct cpu through
 * arch_this_cpu() (the GS base on x86-64), so nothing here needs a lock
 * when only its own CPU touches it.
 */
#ifndef WEFT_CPU_H
#define WEFT_CPU_H

#include <kernel/arch.h>
#include <kernel/sched/runqueue.h>

#define MAX_CPUS 8

struct thread;

struct cpu {
	struct cpu *self;       /* must stay first: the arch reads it at GS:0 */
	/* The syscall entry (arch/x86_64/syscall.S) uses these two by offset
	 * (8 and 16): where the running thread's kernel stack starts, and a
	 * place to keep the user's stack pointer while switching to it. */
	uint64_t kernel_stack_top;
	uint64_t user_rsp_scratch;
	unsigned id;
	struct thread *current; /* the thread running on this CPU */
	struct thread *idle;    /* runs when nothing else can */
	struct runqueue rq;     /* this CPU's ready threads (see sched/) */
	bool need_resched;      /* set by tick/wake-up, acted on at a safe point */
	uint64_t ticks;         /* timer ticks seen by this CPU */
	/* Where those ticks went, for /proc/stat: user code, kernel code (not
	 * idle), the idle thread. */
	uint64_t ticks_user, ticks_system, ticks_idle;
	bool online;            /* started and scheduling (sched_start[_ap]) */
	struct arch_cpu arch;   /* GDT, TSS, ... (arch_types.h) */
};

extern struct cpu cpus[MAX_CPUS];

static inline struct cpu *this_cpu(void) { return arch_this_cpu(); }

#endif
