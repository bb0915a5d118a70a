/*
 * The scheduler event trace. Every transition of the state machine goes
 * through sched_trace(); with trace=on on the command line each call
 * appends one record to a ring buffer of the CPU that makes it, and at the
 * end of a run (tools/weft-run --trace) the kernel prints the buffers as a
 * text block that tools/weft-trace turns into a Perfetto/Chrome trace and
 * a Gantt picture. The format of that block is in trace.c and in
 * docs/scheduling.md.
 *
 * Off (the default), sched_trace() is one load and one predictable branch.
 */
#ifndef WEFT_SCHED_TRACE_H
#define WEFT_SCHED_TRACE_H

#include <stdbool.h>
#include <stdint.h>

struct thread;

enum sched_event {
	SCHED_EV_CREATE,    /* a: new thread (the record's b: its creator) */
	SCHED_EV_SWITCH,    /* a: from, b: to */
	SCHED_EV_BLOCK,     /* a: blocking thread */
	SCHED_EV_WAKEUP,    /* a: woken thread, b: waker (may be NULL) */
	SCHED_EV_SLEEP,     /* a: sleeping thread */
	SCHED_EV_PREEMPT,   /* a: preempted thread */
	SCHED_EV_EXIT,      /* a: exiting thread */
	SCHED_EV_MIGRATE,   /* a: thread that now belongs to a->cpu (another CPU) */
	SCHED_EV_GIL,       /* a: GIL holder that hands over, b: new holder (may be NULL) */
	SCHED_EV_COUNT
};

/* One record: 24 bytes. */
struct sched_trace_event {
	uint64_t ns;        /* arch_clock_ns() */
	int32_t a, b;       /* kernel tids (thread->tid; idle threads are 0), -1: none */
	uint8_t ev;         /* enum sched_event */
	uint8_t cpu;        /* the CPU that recorded it */
	uint8_t dst;        /* MIGRATE, WAKEUP: a->cpu->id, where a will run */
	uint8_t pad;
};

/* Read by every sched_trace(); written only by sched_trace_init/stop. */
extern bool sched_trace_on;

void sched_trace_record(enum sched_event ev, struct thread *a, struct thread *b);

static inline void sched_trace(enum sched_event ev, struct thread *a,
                               struct thread *b)
{
	if (__builtin_expect(__atomic_load_n(&sched_trace_on, __ATOMIC_RELAXED), 0))
		sched_trace_record(ev, a, b);
}

/* Events per CPU kept by default (the newest; older ones are counted lost). */
#define SCHED_TRACE_EVENTS_DEFAULT 16384

/*
 * Before any thread exists (kmain, after the heap and the CPU count):
 * with on, allocate a ring of `events` records (rounded up to a power of
 * two) for each of ncpus CPUs and start recording. Returns false (and
 * records nothing) when on is false or memory runs out.
 */
bool sched_trace_init(bool on, unsigned ncpus, unsigned events);

/*
 * Stop recording and wait until no CPU is in the middle of writing a
 * record: afterwards the buffers hold still. Any context.
 */
void sched_trace_stop(void);

/* Free the buffers (tracing stopped first). For the host tests. */
void sched_trace_free(void);

/* CPUs with a buffer (0 when tracing was never on). */
unsigned sched_trace_cpus(void);
/* Records kept on cpu (at most the ring's size), and *lost: older ones
 * that were overwritten. */
uint64_t sched_trace_count(unsigned cpu, uint64_t *lost);
/* The i-th oldest record kept on cpu (i < sched_trace_count). */
const struct sched_trace_event *sched_trace_event(unsigned cpu, uint64_t i);
/* Short name of an event as the dump prints it ("sw", "wk", ...). */
const char *sched_trace_event_name(enum sched_event ev);

/*
 * Stop recording and print everything on the console, between the lines
 * "weft-trace: begin v1 ..." and "weft-trace: end", events merged in time
 * order across CPUs, then one line per known thread. Nothing when tracing
 * was never on. Thread context: it prints a lot (it takes only spinlocks:
 * the console's and the thread table's).
 */
void sched_trace_dump(void);

#endif
