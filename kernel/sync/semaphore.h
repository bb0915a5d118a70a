/*
 * Counting semaphores: a count of available units; down takes one,
 * sleeping while there are none; up gives one back.
 *
 * Like the mutex, up hands its unit straight to the longest waiter
 * instead of raising the count, so the units go to waiters in FIFO order
 * and a thread that calls down at the right moment cannot steal them.
 * Unlike a mutex a semaphore has no owner: any thread may up.
 */
#ifndef WEFT_SYNC_SEMAPHORE_H
#define WEFT_SYNC_SEMAPHORE_H

#include <stdbool.h>

#include <kernel/sync/waitqueue.h>

struct semaphore {
	struct wait_queue wq;       /* its lock guards count */
	unsigned count;
};

void sem_init(struct semaphore *s, unsigned count, const char *name);
void sem_down(struct semaphore *s);
/* Take a unit only if one is available now. */
bool sem_trydown(struct semaphore *s);
void sem_up(struct semaphore *s);
/* Units available now (a snapshot). */
unsigned sem_count(struct semaphore *s);

#endif
