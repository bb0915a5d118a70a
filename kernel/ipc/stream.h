/*
 * A byte stream: bytes written at one side come out at the other, in
 * order, through a ring buffer in the kernel. A pipe is one stream; a
 * socketpair is two, one for each direction.
 *
 *   stream_write ──> [ ring buffer, `size` bytes ] ──> stream_read
 *
 *  - a read waits while the stream is empty and returns what is there
 *    (at most n bytes); once the stream is closed and empty it returns 0,
 *    end of file;
 *  - a write waits while the ring is full; once the stream is closed it
 *    fails with -EPIPE (the caller decides about SIGPIPE);
 *  - a write of at most PIPE_BUF bytes is atomic: it waits until all of
 *    it fits, so two writers' small messages never interleave. Larger
 *    writes may be split between other writers' ones, as on Linux;
 *  - STREAM_NONBLOCK: where either would wait, -EAGAIN.
 *
 * "Closed" is one flag because both directions of use end together: a
 * pipe's writer closing means nothing more will come (readers see EOF)
 * and nobody is left to write; its reader closing means writes are
 * pointless (EPIPE). For a socket, shutdown() closes a stream while both
 * ends are still open.
 *
 * The stream does not own its wait queue: a socketpair's two streams
 * share one, so that poll() on one end (which reads one stream and
 * writes the other) has a single queue to watch. The queue's lock guards
 * the counters and flags; the bytes are copied with no spinlock held
 * (see stream.c).
 */
#ifndef WEFT_IPC_STREAM_H
#define WEFT_IPC_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kernel/fs/iobuf.h>
#include <kernel/sync/mutex.h>
#include <kernel/sync/waitqueue.h>

#define PIPE_BUF 4096

struct stream {
	struct wait_queue *wq;      /* its lock guards rpos .. error */
	uint64_t rpos, wpos;        /* bytes ever read / written */
	bool closed;                /* EOF once empty; writes get EPIPE */
	int error;                  /* -errno that the next read finding the
	                               stream empty returns, once (0: none) */
	struct mutex read_lock, write_lock;     /* one reader, one writer */
	char *buf;
	size_t size;                /* a power of two */
};

/* Flags for stream_read / stream_write. */
#define STREAM_NONBLOCK 1u      /* -EAGAIN instead of waiting */
#define STREAM_PEEK     2u      /* read: leave the bytes in the stream */
#define STREAM_WAITALL  4u      /* read: wait for all n bytes (or EOF,
                                   an error, a signal) */

/* An open, empty stream of capacity bytes (a power of two) that wakes wq.
 * 0 or -ENOMEM. */
int stream_init(struct stream *s, struct wait_queue *wq, size_t capacity);
void stream_destroy(struct stream *s);

/* Bytes read (0: end of file) or -errno: -EAGAIN, -EINTR, -EFAULT, or
 * the stream's error. */
long stream_read(struct stream *s, struct iobuf buf, size_t n, unsigned flags);

/*
 * Bytes written, or -errno when none were: -EPIPE, -EAGAIN, -EINTR,
 * -EFAULT. *stop (if not NULL) gets the error that ended the write early
 * even when some bytes went (0 if none), because pipes send SIGPIPE
 * then too.
 */
long stream_write(struct stream *s, struct iobuf buf, size_t n,
                  unsigned flags, int *stop);

/*
 * Close the stream (end of file for readers, EPIPE for writers) and wake
 * everyone waiting. With discard, bytes not yet read are dropped: only
 * when no reader can be running any more (the reading end is released).
 * Returns true if unread bytes were there. Takes the lock.
 */
bool stream_close(struct stream *s, bool discard);
/* Set the error the next read of an empty stream returns (takes the lock). */
void stream_set_error(struct stream *s, int err);

/* With s->wq->lock held: bytes waiting to be read, room for writing. */
static inline size_t stream_used_locked(const struct stream *s)
{
	return (size_t)(s->wpos - s->rpos);
}

static inline size_t stream_room_locked(const struct stream *s)
{
	return s->size - stream_used_locked(s);
}

/* Would a write of PIPE_BUF bytes go without waiting (poll's POLLOUT)?
 * A stream smaller than PIPE_BUF (tests) only needs some room. */
static inline bool stream_writable_locked(const struct stream *s)
{
	size_t room = stream_room_locked(s);
	return s->size < PIPE_BUF ? room > 0 : room >= PIPE_BUF;
}

/* Bytes waiting (FIONREAD), taking the lock. */
size_t stream_used(struct stream *s);

#endif
