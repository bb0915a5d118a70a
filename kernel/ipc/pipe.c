/*
 * Pipes (see pipe.h).
 *
 * The ring buffer is read by one reader and written by one writer at a
 * time (read_lock and write_lock, sleeping mutexes, serialize the rest).
 * The two counters rpos and wpos only grow; wpos - rpos is how full the
 * ring is, and they are guarded by the wait queue's spinlock together
 * with the numbers of open ends. The bytes themselves are copied with no
 * spinlock held -- copy_to_user/copy_from_user may fault a page in, which
 * may sleep -- and that is safe because a reader only touches bytes
 * below wpos and a writer only the free space above it: each side
 * publishes its progress by moving its counter under the spinlock.
 *
 * Readers and writers sleep on the same wait queue and every change
 * wakes all of them; each re-checks its own condition. (Two queues would
 * wake fewer threads; one is simpler and is what poll will sleep on.)
 */
#include <kernel/ipc/pipe.h>

#include <kernel/errno.h>
#include <kernel/fs/vfs.h>
#include <kernel/fs/wait.h>
#include <kernel/mm/heap.h>
#include <kernel/proc/process.h>
#include <kernel/sync/mutex.h>
#include <kernel/sync/waitqueue.h>

struct pipe {
	struct wait_queue wq;       /* its lock guards the four fields below */
	uint64_t rpos, wpos;        /* bytes ever read / written */
	int readers, writers;       /* open ends */
	struct mutex read_lock, write_lock;
	char *buf;
	size_t size;                /* a power of two */
};

static const struct file_ops pipe_read_ops, pipe_write_ops;

static void pipe_free(struct pipe *p)
{
	kfree(p->buf);
	kfree(p);
}

/* Copy between the ring at position pos and the caller's buffer. */
static int ring_copy_out(struct pipe *p, uint64_t pos, struct iobuf buf,
                         size_t n)
{
	size_t at = (size_t)(pos & (p->size - 1));
	size_t first = p->size - at < n ? p->size - at : n;
	if (iobuf_copy_out(buf, 0, p->buf + at, first))
		return -EFAULT;
	if (n > first && iobuf_copy_out(buf, first, p->buf, n - first))
		return -EFAULT;
	return 0;
}

static int ring_copy_in(struct pipe *p, uint64_t pos, struct iobuf buf,
                        size_t off, size_t n)
{
	size_t at = (size_t)(pos & (p->size - 1));
	size_t first = p->size - at < n ? p->size - at : n;
	if (iobuf_copy_in(p->buf + at, buf, off, first))
		return -EFAULT;
	if (n > first && iobuf_copy_in(p->buf, buf, off + first, n - first))
		return -EFAULT;
	return 0;
}

static long pipe_read(struct file *f, struct iobuf buf, size_t n,
                      uint64_t *pos)
{
	struct pipe *p = f->priv;
	long ret;
	(void)pos;

	if (n == 0)
		return 0;
	mutex_lock(&p->read_lock);
	unsigned long flags = spin_lock_irqsave(&p->wq.lock);
	while (p->wpos == p->rpos) {
		if (p->writers == 0) {
			ret = 0;                    /* end of file */
			goto unlock;
		}
		if (f->flags & O_NONBLOCK) {
			ret = -EAGAIN;
			goto unlock;
		}
		if (fs_wait_interruptible(&p->wq) && p->wpos == p->rpos) {
			ret = -EINTR;
			goto unlock;
		}
	}
	uint64_t avail = p->wpos - p->rpos, from = p->rpos;
	spin_unlock_irqrestore(&p->wq.lock, flags);

	if (n > avail)
		n = (size_t)avail;
	if (ring_copy_out(p, from, buf, n)) {
		mutex_unlock(&p->read_lock);
		return -EFAULT;                 /* the bytes stay in the pipe */
	}
	flags = spin_lock_irqsave(&p->wq.lock);
	p->rpos += n;
	wait_queue_wake_all_locked(&p->wq);    /* room for writers */
	ret = (long)n;
unlock:
	spin_unlock_irqrestore(&p->wq.lock, flags);
	mutex_unlock(&p->read_lock);
	return ret;
}

static long pipe_write(struct file *f, struct iobuf buf, size_t n,
                       uint64_t *pos)
{
	struct pipe *p = f->priv;
	size_t done = 0;
	long err = 0;
	(void)pos;

	mutex_lock(&p->write_lock);
	while (done < n) {
		/* A small write waits for room for all of it (atomicity). */
		size_t want = n - done <= PIPE_BUF ? n - done : 1;
		if (want > p->size)
			want = p->size;     /* a tiny test pipe can't hold PIPE_BUF */
		unsigned long flags = spin_lock_irqsave(&p->wq.lock);
		for (;;) {
			if (p->readers == 0) {
				err = -EPIPE;
				break;
			}
			if (p->size - (p->wpos - p->rpos) >= want)
				break;
			if (f->flags & O_NONBLOCK) {
				err = -EAGAIN;
				break;
			}
			if (fs_wait_interruptible(&p->wq)) {
				err = -EINTR;
				break;
			}
		}
		uint64_t at = p->wpos;
		size_t room = p->size - (size_t)(p->wpos - p->rpos);
		spin_unlock_irqrestore(&p->wq.lock, flags);
		if (err)
			break;

		size_t chunk = n - done < room ? n - done : room;
		if (ring_copy_in(p, at, buf, done, chunk)) {
			err = -EFAULT;
			break;
		}
		flags = spin_lock_irqsave(&p->wq.lock);
		p->wpos += chunk;
		wait_queue_wake_all_locked(&p->wq);    /* data for readers */
		spin_unlock_irqrestore(&p->wq.lock, flags);
		done += chunk;
	}
	mutex_unlock(&p->write_lock);
	if (err == -EPIPE) {
		struct process *me = current_process();
		if (me)
			signal_send(me, SIGPIPE);
	}
	return done ? (long)done : err;
}

/* One end closed: the other side may now see EOF or EPIPE. */
static void pipe_release(struct file *f)
{
	struct pipe *p = f->priv;
	bool reader = f->ops == &pipe_read_ops;
	unsigned long flags = spin_lock_irqsave(&p->wq.lock);
	if (reader)
		p->readers--;
	else
		p->writers--;
	bool last = p->readers == 0 && p->writers == 0;
	wait_queue_wake_all_locked(&p->wq);
	spin_unlock_irqrestore(&p->wq.lock, flags);
	if (last)
		pipe_free(p);
}

static unsigned pipe_poll(struct file *f, struct wait_queue **wq)
{
	struct pipe *p = f->priv;
	unsigned ev = 0;
	unsigned long flags = spin_lock_irqsave(&p->wq.lock);
	if (f->ops == &pipe_read_ops) {
		if (p->wpos != p->rpos)
			ev |= POLLIN;
		if (p->writers == 0)
			ev |= POLLHUP;
	} else {
		if (p->size - (p->wpos - p->rpos) >= PIPE_BUF || p->size < PIPE_BUF)
			ev |= POLLOUT;
		if (p->readers == 0)
			ev |= POLLERR;
	}
	spin_unlock_irqrestore(&p->wq.lock, flags);
	*wq = &p->wq;
	return ev;
}

static const struct file_ops pipe_read_ops = {
	.read = pipe_read, .release = pipe_release, .poll = pipe_poll,
};
static const struct file_ops pipe_write_ops = {
	.write = pipe_write, .release = pipe_release, .poll = pipe_poll,
};

int pipe_create_sized(struct file **rd, struct file **wr, unsigned flags,
                      size_t capacity)
{
	struct pipe *p = kzalloc(sizeof *p);
	struct inode *i = inode_alloc(S_IFIFO | 0600, DEV_PIPEFS, NULL, NULL);
	struct file *r = NULL, *w = NULL;
	if (p)
		p->buf = kmalloc(capacity);
	if (i) {
		r = file_alloc(i, &pipe_read_ops, O_RDONLY | (flags & O_NONBLOCK));
		w = file_alloc(i, &pipe_write_ops, O_WRONLY | (flags & O_NONBLOCK));
	}
	if (!p || !p->buf || !i || !r || !w) {
		/* Nothing is connected yet: free by hand, not through release. */
		if (r) r->ops = NULL;
		if (w) w->ops = NULL;
		file_put(r);
		file_put(w);
		inode_put(i);
		if (p)
			pipe_free(p);
		return -ENOMEM;
	}
	inode_put(i);           /* the two files hold it now */
	wait_queue_init(&p->wq, "pipe");
	mutex_init(&p->read_lock, "pipe-read");
	mutex_init(&p->write_lock, "pipe-write");
	p->size = capacity;
	p->readers = p->writers = 1;
	r->priv = w->priv = p;
	*rd = r;
	*wr = w;
	return 0;
}

int pipe_create(struct file **rd, struct file **wr, unsigned flags)
{
	return pipe_create_sized(rd, wr, flags, PIPE_CAPACITY);
}
