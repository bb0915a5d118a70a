/*
 * Sleeping in a system call that a signal must be able to interrupt
 * (reading an empty pipe, waiting for a line on the console): returns 0
 * when woken by the event, -EINTR when a signal cut the wait short. The
 * caller holds wq->lock, as for wait_queue_wait_locked, and must re-check
 * its condition either way.
 */
#ifndef WEFT_FS_WAIT_H
#define WEFT_FS_WAIT_H

#include <kernel/sync/waitqueue.h>

static inline int fs_wait_interruptible(struct wait_queue *wq)
{
	return wait_queue_wait_interruptible_locked(wq);
}

#endif
