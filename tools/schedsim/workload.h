/*
 * schedsim's workload files (the format is in docs/scheduling.md):
 *
 *   # name  arrival  scheduling           what it does
 *   A arrival=0 nice=0 bursts=cpu:30,io:10,cpu:20
 *   B arrival=5 policy=fifo prio=10 bursts=cpu:10
 *
 * One task a line; times are in ticks.
 */
#ifndef WEFT_SCHEDSIM_WORKLOAD_H
#define WEFT_SCHEDSIM_WORKLOAD_H

#include <stdbool.h>
#include <stdint.h>

struct thread;

#define TASK_NAME_MAX 15

struct burst {
	bool io;                /* false: compute on a CPU */
	uint64_t ticks;
	uint64_t started;       /* io: when it began (filled in by the run) */
};

struct task {
	char name[TASK_NAME_MAX + 1];
	uint64_t arrival;
	int nice;               /* -20..19 */
	int linux_policy;       /* SCHED_OTHER, _FIFO, _RR, _BATCH, _IDLE */
	int rt_priority;        /* 1..99 for fifo and rr */
	struct burst *bursts;
	unsigned nbursts;
	uint64_t cpu_total, io_total;

	/* The run. */
	struct thread *thread;
	unsigned cpu;
	bool started, exited;
	uint64_t first_run;     /* first time it had a CPU */
	uint64_t done;          /* the end of its last burst */
};

/* Read path; prints "path:line: problem" and returns false on error. */
bool workload_load(const char *path, struct task **tasks, unsigned *ntasks);

#endif
