/*
 * The scheduler's event hook. Every transition of the state machine goes
 * through sched_trace(), so a later scheduler event trace (turned into a
 * Perfetto/Chrome trace on the host) has one place to record from. For
 * now it records nothing and compiles away.
 */
#ifndef WEFT_SCHED_TRACE_H
#define WEFT_SCHED_TRACE_H

struct thread;

enum sched_event {
	SCHED_EV_CREATE,    /* a: new thread */
	SCHED_EV_SWITCH,    /* a: from, b: to */
	SCHED_EV_BLOCK,     /* a: blocking thread */
	SCHED_EV_WAKEUP,    /* a: woken thread, b: waker (may be NULL) */
	SCHED_EV_SLEEP,     /* a: sleeping thread */
	SCHED_EV_PREEMPT,   /* a: preempted thread */
	SCHED_EV_EXIT,      /* a: exiting thread */
};

static inline void sched_trace(enum sched_event ev, struct thread *a,
                               struct thread *b)
{
	(void)ev; (void)a; (void)b;
}

#endif
