/*
 * Pipes (see pipe.h): one byte stream (stream.c) between a struct file
 * that may only read it and one that may only write it. The stream does
 * the buffering, waiting, EOF and EPIPE; here are the two kinds of end,
 * SIGPIPE, poll and FIONREAD.
 */
#include <kernel/ipc/pipe.h>

#include <kernel/errno.h>
#include <kernel/fs/tty.h>
#include <kernel/fs/vfs.h>
#include <kernel/ipc/stream.h>
#include <kernel/mm/heap.h>
#include <kernel/proc/process.h>
#include <kernel/sync/waitqueue.h>
#include <kernel/uaccess.h>

struct pipe {
	struct wait_queue wq;       /* the stream's; its lock guards `ends` */
	struct stream s;
	int ends;                   /* ends not yet released (2, 1, 0) */
};

static const struct file_ops pipe_read_ops, pipe_write_ops;

static unsigned stream_flags(const struct file *f)
{
	return (f->flags & O_NONBLOCK) ? STREAM_NONBLOCK : 0;
}

static long pipe_read(struct file *f, struct iobuf buf, size_t n,
                      uint64_t *pos)
{
	struct pipe *p = f->priv;
	(void)pos;
	return stream_read(&p->s, buf, n, stream_flags(f));
}

static long pipe_write(struct file *f, struct iobuf buf, size_t n,
                       uint64_t *pos)
{
	struct pipe *p = f->priv;
	int stop;
	(void)pos;
	long r = stream_write(&p->s, buf, n, stream_flags(f), &stop);
	/* Linux signals even when part of the write went through. */
	if (stop == -EPIPE)
		signal_send_self(SIGPIPE);
	return r;
}

/*
 * One end closed: the other side now sees EOF (the writer went) or EPIPE
 * (the reader went). The last end frees the pipe.
 */
static void pipe_release(struct file *f)
{
	struct pipe *p = f->priv;
	stream_close(&p->s, false);
	unsigned long flags = spin_lock_irqsave(&p->wq.lock);
	bool last = --p->ends == 0;
	spin_unlock_irqrestore(&p->wq.lock, flags);
	if (last) {
		stream_destroy(&p->s);
		kfree(p);
	}
}

static unsigned pipe_poll(struct file *f, struct wait_queue **wq)
{
	struct pipe *p = f->priv;
	unsigned ev = 0;
	unsigned long flags = spin_lock_irqsave(&p->wq.lock);
	if (f->ops == &pipe_read_ops) {
		if (stream_used_locked(&p->s))
			ev |= POLLIN;
		if (p->s.closed)
			ev |= POLLHUP;          /* no writer left */
	} else {
		if (stream_writable_locked(&p->s))
			ev |= POLLOUT;
		if (p->s.closed)
			ev |= POLLERR;          /* no reader left */
	}
	spin_unlock_irqrestore(&p->wq.lock, flags);
	*wq = &p->wq;
	return ev;
}

/* FIONREAD: the bytes waiting in the pipe, on either end (as Linux). */
static long pipe_ioctl(struct file *f, unsigned long cmd, unsigned long arg)
{
	struct pipe *p = f->priv;
	if (cmd != FIONREAD)
		return -ENOTTY;
	int n = (int)stream_used(&p->s);
	return copy_to_user((void *)arg, &n, sizeof n) ? -EFAULT : 0;
}

static const struct file_ops pipe_read_ops = {
	.read = pipe_read, .ioctl = pipe_ioctl, .release = pipe_release,
	.poll = pipe_poll,
};
static const struct file_ops pipe_write_ops = {
	.write = pipe_write, .ioctl = pipe_ioctl, .release = pipe_release,
	.poll = pipe_poll,
};

int pipe_create_sized(struct file **rd, struct file **wr, unsigned flags,
                      size_t capacity)
{
	struct pipe *p = kzalloc(sizeof *p);
	struct inode *i = inode_alloc(S_IFIFO | 0600, DEV_PIPEFS, NULL, NULL);
	struct file *r = NULL, *w = NULL;
	bool have_stream = p && stream_init(&p->s, &p->wq, capacity) == 0;
	if (i) {
		r = file_alloc(i, &pipe_read_ops, O_RDONLY | (flags & O_NONBLOCK));
		w = file_alloc(i, &pipe_write_ops, O_WRONLY | (flags & O_NONBLOCK));
	}
	if (!have_stream || !i || !r || !w) {
		/* Nothing is connected yet: free by hand, not through release. */
		if (r) r->ops = NULL;
		if (w) w->ops = NULL;
		file_put(r);
		file_put(w);
		inode_put(i);
		if (have_stream)
			stream_destroy(&p->s);
		kfree(p);
		return -ENOMEM;
	}
	inode_put(i);           /* the two files hold it now */
	wait_queue_init(&p->wq, "pipe");
	p->ends = 2;
	r->priv = w->priv = p;
	*rd = r;
	*wr = w;
	return 0;
}

int pipe_create(struct file **rd, struct file **wr, unsigned flags)
{
	return pipe_create_sized(rd, wr, flags, PIPE_CAPACITY);
}
