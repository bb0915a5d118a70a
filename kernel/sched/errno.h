/*
 * The scheduler and the locks return Linux's error numbers (negated),
 * from the one kernel-wide list.
 */
#ifndef WEFT_SCHED_ERRNO_H
#define WEFT_SCHED_ERRNO_H

#include <kernel/errno.h>

#endif
