/*
 * Condition variables: wait until another thread says a condition over
 * mutex-protected data may have changed.
 *
 *   mutex_lock(&m);
 *   while (!condition)            // always re-check: another thread may
 *       cond_wait(&cv, &m);       // have run between signal and wake-up
 *   ... use the data ...
 *   mutex_unlock(&m);
 *
 * cond_wait releases the mutex and goes to sleep as one step with respect
 * to cond_signal/cond_broadcast, so a signal sent after the waiter checked
 * the condition always reaches it (no lost wake-up).
 */
#ifndef WEFT_SYNC_CONDVAR_H
#define WEFT_SYNC_CONDVAR_H

#include <kernel/sync/mutex.h>
#include <kernel/sync/waitqueue.h>

struct condvar {
	struct wait_queue wq;
};

void cond_init(struct condvar *cv, const char *name);

/*
 * Release m, sleep until signalled, lock m again. 0; -EPERM (and a kernel
 * bug) if the caller does not own m; -EINVAL (and a kernel bug) if it
 * holds a recursive m more than once, which waiting could not release.
 */
int cond_wait(struct condvar *cv, struct mutex *m);
/* Wake the longest waiter, if any. */
void cond_signal(struct condvar *cv);
/* Wake every waiter. */
void cond_broadcast(struct condvar *cv);

#endif
