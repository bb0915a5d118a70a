/*
 * Waiting for any of several files to become ready: the core of poll,
 * ppoll, select and pselect6 (poll.c), usable from kernel code too.
 *
 * Each file says what it is ready for now through file_ops.poll, and
 * names the wait queue whose wake-ups mean "ask again". A thread can be
 * a waiter on only one queue (it has one wait_node), so the poller puts
 * a watcher (waitqueue.h) on every queue instead: any wake-up of any of
 * them sets the poller's flag and wakes the polling thread, which then
 * asks every file again.
 *
 *   for (;;) {
 *       clear "triggered"
 *       ask every file (the first time: watch its queue, then ask again,
 *                       so a change between the two cannot be missed)
 *       anything ready, the deadline passed, or a signal: done
 *       sleep unless "triggered" -- until a watcher, a signal or the deadline
 *   }
 */
#ifndef WEFT_FS_POLL_H
#define WEFT_FS_POLL_H

#include <stdbool.h>
#include <stdint.h>

#include <kernel/sync/waitqueue.h>

struct file;
struct poller;

/* Linux's poll bits (POLLIN, POLLOUT, POLLERR, POLLHUP are in vfs.h). */
#define POLLPRI    0x002
#define POLLNVAL   0x020
#define POLLRDNORM 0x040
#define POLLRDBAND 0x080
#define POLLWRNORM 0x100
#define POLLWRBAND 0x200
#define POLLRDHUP  0x2000

/* No deadline: wait until something is ready or a signal comes. */
#define POLL_FOREVER UINT64_MAX

struct poll_item {
	struct file *f;             /* NULL: not polled; revents is kept */
	unsigned events;            /* the bits that count as ready */
	unsigned revents;           /* out: file's events & events */
	/* Private to poll.c. */
	struct wait_queue *wq;
	struct wait_watcher watcher;
	struct poller *poller;
};

/*
 * Ask every item's file until at least one has a bit of its events (or
 * an item without a file has revents preset), deadline_ns passes
 * (arch_clock_ns time; 0: don't wait at all; POLL_FOREVER), or a signal
 * comes. Returns how many items have revents != 0, or -EINTR.
 *
 * A file without a poll op is always ready for reading and writing, as
 * regular files are. POLLIN implies POLLRDNORM and POLLOUT POLLWRNORM,
 * so either spelling can be asked for.
 */
long poll_files(struct poll_item *items, unsigned n, uint64_t deadline_ns);

#endif
