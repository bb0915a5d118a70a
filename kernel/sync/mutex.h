/*
 * Sleeping mutexes for kernel threads: a waiter sleeps on a wait queue
 * instead of spinning, so a mutex may be held across blocking calls
 * (unlike a spinlock). Never from an interrupt handler.
 *
 * A mutex has an owner. Unlocking a mutex the caller does not own is a
 * kernel bug: it is reported (kernel_bug) and refused with -EPERM, not
 * ignored. Locking a (non-recursive) mutex the caller already owns would
 * wait forever: reported, and refused with -EDEADLK.
 *
 * Unlock hands the mutex straight to the longest waiter (FIFO): nobody can
 * barge in between the unlock and the waiter running, so no waiter starves.
 *
 * The recursive variant counts: the owner may lock it again, and it is
 * released when the count drops back to zero.
 *
 * Deadlocks: a thread that would sleep on a mutex whose owner (through a
 * chain of owners that sleep on mutexes) waits for the caller closes a
 * cycle. The kernel prints the cycle (deadlock.h) and the thread sleeps
 * anyway; mutex_lock_timeout is the one way out of such a wait.
 */
#ifndef WEFT_SYNC_MUTEX_H
#define WEFT_SYNC_MUTEX_H

#include <stdbool.h>
#include <stdint.h>

#include <kernel/sync/waitqueue.h>

struct thread;

struct mutex {
	struct wait_queue wq;       /* its lock guards the fields below */
	struct thread *owner;       /* NULL when free; handing it to a waiter
	                               also takes the wait-graph lock */
	unsigned depth;             /* times the owner has locked it */
	bool recursive;
	const char *name;
};

void mutex_init(struct mutex *m, const char *name);
void mutex_init_recursive(struct mutex *m, const char *name);

/* 0, or -EDEADLK (and a kernel bug) if the caller already owns a plain mutex. */
int mutex_lock(struct mutex *m);
/*
 * The same, giving up at deadline_ns (arch_clock_ns time): 0 once taken,
 * -ETIMEDOUT if the deadline passed first, -EINTR if a signal for the
 * calling (user) thread ended the wait, -EDEADLK as above.
 */
int mutex_lock_timeout(struct mutex *m, uint64_t deadline_ns);
/* 0 if taken now, -EAGAIN if another thread owns it (or -EDEADLK as above). */
int mutex_trylock(struct mutex *m);
/* 0, or -EPERM (and a kernel bug) if the caller is not the owner. */
int mutex_unlock(struct mutex *m);

/* Does the calling thread own m? */
bool mutex_held(struct mutex *m);
struct thread *mutex_owner(struct mutex *m);
unsigned mutex_depth(struct mutex *m);

#endif
