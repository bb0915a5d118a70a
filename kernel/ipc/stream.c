/*
 * Byte streams (see stream.h).
 *
 * The ring buffer is read by one reader and written by one writer at a
 * time (read_lock and write_lock, sleeping mutexes, serialize the rest).
 * The two counters rpos and wpos only grow; wpos - rpos is how full the
 * ring is, and they are guarded by the wait queue's spinlock together
 * with the flags. The bytes themselves are copied with no spinlock held
 * -- copy_to_user/copy_from_user may fault a page in, which may sleep --
 * and that is safe because a reader only touches bytes below wpos and a
 * writer only the free space above it: each side publishes its progress
 * by moving its counter under the spinlock.
 *
 * Readers, writers and poll() all wait on the one queue and every change
 * wakes all of them; each re-checks its own condition. (Separate queues
 * would wake fewer threads; one is simpler and is what poll watches.)
 */
#include <kernel/ipc/stream.h>

#include <kernel/errno.h>
#include <kernel/fs/wait.h>
#include <kernel/mm/heap.h>

int stream_init(struct stream *s, struct wait_queue *wq, size_t capacity)
{
	s->buf = kmalloc(capacity);
	if (!s->buf)
		return -ENOMEM;
	s->wq = wq;
	s->rpos = s->wpos = 0;
	s->closed = false;
	s->error = 0;
	s->size = capacity;
	mutex_init(&s->read_lock, "stream-read");
	mutex_init(&s->write_lock, "stream-write");
	return 0;
}

void stream_destroy(struct stream *s)
{
	kfree(s->buf);
	s->buf = NULL;
}

/* Copy between the ring at position pos and the caller's buffer. */
static int ring_copy_out(struct stream *s, uint64_t pos, struct iobuf buf,
                         size_t off, size_t n)
{
	size_t at = (size_t)(pos & (s->size - 1));
	size_t first = s->size - at < n ? s->size - at : n;
	if (iobuf_copy_out(buf, off, s->buf + at, first))
		return -EFAULT;
	if (n > first && iobuf_copy_out(buf, off + first, s->buf, n - first))
		return -EFAULT;
	return 0;
}

static int ring_copy_in(struct stream *s, uint64_t pos, struct iobuf buf,
                        size_t off, size_t n)
{
	size_t at = (size_t)(pos & (s->size - 1));
	size_t first = s->size - at < n ? s->size - at : n;
	if (iobuf_copy_in(s->buf + at, buf, off, first))
		return -EFAULT;
	if (n > first && iobuf_copy_in(s->buf, buf, off + first, n - first))
		return -EFAULT;
	return 0;
}

long stream_read(struct stream *s, struct iobuf buf, size_t n, unsigned flags)
{
	size_t done = 0;
	long err = 0;

	if (n == 0)
		return 0;
	mutex_lock(&s->read_lock);
	unsigned long irq = spin_lock_irqsave(&s->wq->lock);
	while (done < n) {
		while (s->wpos == s->rpos) {
			if (s->error) {
				/* Before EOF, and only once (Linux's sk_err). */
				err = s->error;
				s->error = 0;
				goto out;
			}
			if (s->closed)
				goto out;               /* end of file */
			if (flags & STREAM_NONBLOCK) {
				err = -EAGAIN;
				goto out;
			}
			if (fs_wait_interruptible(s->wq) && s->wpos == s->rpos) {
				err = -EINTR;
				goto out;
			}
		}
		uint64_t from = s->rpos;
		size_t chunk = stream_used_locked(s);
		spin_unlock_irqrestore(&s->wq->lock, irq);

		if (chunk > n - done)
			chunk = n - done;
		int fault = ring_copy_out(s, from, buf, done, chunk);
		irq = spin_lock_irqsave(&s->wq->lock);
		if (fault) {
			err = -EFAULT;          /* the bytes stay in the stream */
			break;
		}
		done += chunk;
		if (flags & STREAM_PEEK)
			break;
		s->rpos += chunk;
		wait_queue_wake_all_locked(s->wq);     /* room for writers */
		if (!(flags & STREAM_WAITALL))
			break;
	}
out:
	spin_unlock_irqrestore(&s->wq->lock, irq);
	mutex_unlock(&s->read_lock);
	return done ? (long)done : err;
}

long stream_write(struct stream *s, struct iobuf buf, size_t n,
                  unsigned flags, int *stop)
{
	size_t done = 0;
	int err = 0;

	mutex_lock(&s->write_lock);
	while (done < n) {
		/* A small write waits for room for all of it (atomicity). */
		size_t want = n - done <= PIPE_BUF ? n - done : 1;
		if (want > s->size)
			want = s->size;     /* a tiny test stream can't hold PIPE_BUF */
		unsigned long irq = spin_lock_irqsave(&s->wq->lock);
		for (;;) {
			if (s->closed) {
				err = -EPIPE;
				break;
			}
			if (stream_room_locked(s) >= want)
				break;
			if (flags & STREAM_NONBLOCK) {
				err = -EAGAIN;
				break;
			}
			if (fs_wait_interruptible(s->wq)) {
				err = -EINTR;
				break;
			}
		}
		uint64_t at = s->wpos;
		size_t room = stream_room_locked(s);
		spin_unlock_irqrestore(&s->wq->lock, irq);
		if (err)
			break;

		size_t chunk = n - done < room ? n - done : room;
		if (ring_copy_in(s, at, buf, done, chunk)) {
			err = -EFAULT;
			break;
		}
		irq = spin_lock_irqsave(&s->wq->lock);
		/* Closed while we copied (discarding what was there): the
		 * bytes go nowhere, as they would have a moment later. */
		if (!s->closed)
			s->wpos += chunk;
		wait_queue_wake_all_locked(s->wq);     /* data for readers */
		spin_unlock_irqrestore(&s->wq->lock, irq);
		done += chunk;
	}
	mutex_unlock(&s->write_lock);
	if (stop)
		*stop = err;
	return done ? (long)done : err;
}

bool stream_close(struct stream *s, bool discard)
{
	unsigned long irq = spin_lock_irqsave(&s->wq->lock);
	bool had = s->wpos != s->rpos;
	s->closed = true;
	if (discard)
		s->rpos = s->wpos;
	wait_queue_wake_all_locked(s->wq);
	spin_unlock_irqrestore(&s->wq->lock, irq);
	return had;
}

void stream_set_error(struct stream *s, int err)
{
	unsigned long irq = spin_lock_irqsave(&s->wq->lock);
	s->error = err;
	wait_queue_wake_all_locked(s->wq);
	spin_unlock_irqrestore(&s->wq->lock, irq);
}

size_t stream_used(struct stream *s)
{
	unsigned long irq = spin_lock_irqsave(&s->wq->lock);
	size_t used = stream_used_locked(s);
	spin_unlock_irqrestore(&s->wq->lock, irq);
	return used;
}
