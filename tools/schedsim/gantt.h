/*
 * The Gantt chart of a schedsim run: which task each CPU ran at each
 * tick, and its picture as SVG.
 */
#ifndef WEFT_SCHEDSIM_GANTT_H
#define WEFT_SCHEDSIM_GANTT_H

#include <stdbool.h>
#include <stdint.h>

#include "workload.h"

/* One CPU: who[tick] is a task index, or -1 for idle. */
struct timeline {
	int32_t *who;
	uint64_t len, cap;
};

void timeline_set(struct timeline *t, uint64_t tick, int who);
/* -1 (idle) past the end. */
int timeline_get(const struct timeline *t, uint64_t tick);

/*
 * The picture: one row per CPU (the task it runs), then one row per task
 * (running solid, ready pale, I/O a thin grey line), and a time axis.
 */
bool svg_write(const char *path, const char *title, const struct task *tasks,
               unsigned ntasks, const struct timeline *cpus, unsigned ncpus,
               uint64_t end);

#endif
