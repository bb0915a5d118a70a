/*
 * socketpair(AF_UNIX, SOCK_STREAM): two sockets, each reading its own
 * stream and writing its peer's (see socketpair.h for the rules).
 *
 * The pair is one allocation: the shared wait queue, the two ends and a
 * count of ends still open; the last end released frees it. Shutdown
 * and close only close streams, so the streams' own rules (EOF once
 * empty, EPIPE for writers) give a socket's behaviour:
 *
 *   shutdown(SHUT_RD) here   closes this end's receive stream
 *   shutdown(SHUT_WR) here   closes the peer's receive stream
 *   close here               both, dropping what this end left unread
 */
#include <kernel/ipc/socketpair.h>

#include <kernel/errno.h>
#include <kernel/fs/poll.h>
#include <kernel/fs/tty.h>
#include <kernel/fs/vfs.h>
#include <kernel/ipc/pipe.h>
#include <kernel/ipc/stream.h>
#include <kernel/mm/heap.h>
#include <kernel/proc/process.h>
#include <kernel/uaccess.h>

struct sockpair;

struct sock {
	struct stream rx;           /* what this end reads; the peer writes it */
	struct sock *peer;
	struct sockpair *pair;
};

struct sockpair {
	struct wait_queue wq;       /* both streams'; its lock guards `ends` */
	struct sock end[2];
	int ends;                   /* ends not yet released */
};

static const struct file_ops socket_ops;

bool file_is_socket(const struct file *f)
{
	return f->ops == &socket_ops;
}

long socket_recv(struct file *f, struct iobuf buf, size_t n, int msg_flags)
{
	struct sock *me = f->priv;
	unsigned sf = 0;
	if (msg_flags & MSG_OOB)
		return -EOPNOTSUPP;     /* no out-of-band data in Weft */
	if ((f->flags & O_NONBLOCK) || (msg_flags & MSG_DONTWAIT))
		sf |= STREAM_NONBLOCK;
	if (msg_flags & MSG_PEEK)
		sf |= STREAM_PEEK;
	if (msg_flags & MSG_WAITALL)
		sf |= STREAM_WAITALL;
	return stream_read(&me->rx, buf, n, sf);
}

long socket_send(struct file *f, struct iobuf buf, size_t n, int msg_flags)
{
	struct sock *me = f->priv;
	unsigned sf = 0;
	if (msg_flags & MSG_OOB)
		return -EOPNOTSUPP;
	if ((f->flags & O_NONBLOCK) || (msg_flags & MSG_DONTWAIT))
		sf |= STREAM_NONBLOCK;
	long r = stream_write(&me->peer->rx, buf, n, sf, NULL);
	/* Only when nothing was sent, unlike a pipe (Linux's unix_stream_sendmsg). */
	if (r == -EPIPE && !(msg_flags & MSG_NOSIGNAL))
		signal_send_self(SIGPIPE);
	return r;
}

int socket_shutdown(struct file *f, int how)
{
	struct sock *me = f->priv;
	if (how < SHUT_RD || how > SHUT_RDWR)
		return -EINVAL;
	if (how != SHUT_WR)
		stream_close(&me->rx, false);       /* bytes already here stay readable */
	if (how != SHUT_RD)
		stream_close(&me->peer->rx, false); /* the peer reads them, then EOF */
	return 0;
}

static long sock_read(struct file *f, struct iobuf buf, size_t n, uint64_t *pos)
{
	(void)pos;
	return socket_recv(f, buf, n, 0);
}

static long sock_write(struct file *f, struct iobuf buf, size_t n, uint64_t *pos)
{
	(void)pos;
	return socket_send(f, buf, n, 0);
}

static void sock_release(struct file *f)
{
	struct sock *me = f->priv;
	struct sockpair *sp = me->pair;
	/* Nobody will read what is left for us: drop it and tell the peer. */
	if (stream_close(&me->rx, true))
		stream_set_error(&me->peer->rx, -ECONNRESET);
	stream_close(&me->peer->rx, false);
	unsigned long flags = spin_lock_irqsave(&sp->wq.lock);
	bool last = --sp->ends == 0;
	spin_unlock_irqrestore(&sp->wq.lock, flags);
	if (last) {
		stream_destroy(&sp->end[0].rx);
		stream_destroy(&sp->end[1].rx);
		kfree(sp);
	}
}

/* As Linux's unix_poll for a connected stream socket. */
static unsigned sock_poll(struct file *f, struct wait_queue **wq)
{
	struct sock *me = f->priv;
	struct stream *in = &me->rx, *out = &me->peer->rx;
	unsigned ev = 0;
	unsigned long flags = spin_lock_irqsave(&me->pair->wq.lock);
	if (in->error)
		ev |= POLLERR;
	if (in->closed && out->closed)
		ev |= POLLHUP;
	if (in->closed)
		ev |= POLLIN | POLLRDHUP;
	if (stream_used_locked(in))
		ev |= POLLIN;
	if (stream_writable_locked(out))
		ev |= POLLOUT;
	spin_unlock_irqrestore(&me->pair->wq.lock, flags);
	*wq = &me->pair->wq;
	return ev;
}

/* FIONREAD (SIOCINQ): the bytes waiting to be read here. */
static long sock_ioctl(struct file *f, unsigned long cmd, unsigned long arg)
{
	struct sock *me = f->priv;
	if (cmd != FIONREAD)
		return -ENOTTY;
	int n = (int)stream_used(&me->rx);
	return copy_to_user((void *)arg, &n, sizeof n) ? -EFAULT : 0;
}

static const struct file_ops socket_ops = {
	.read = sock_read, .write = sock_write, .ioctl = sock_ioctl,
	.release = sock_release, .poll = sock_poll,
};

/* One end's struct file, on an inode of its own as on Linux. */
static struct file *end_file(struct sock *s, unsigned flags)
{
	struct inode *i = inode_alloc(S_IFSOCK | 0777, DEV_SOCKFS, NULL, NULL);
	if (!i)
		return NULL;
	struct file *f = file_alloc(i, &socket_ops, O_RDWR | (flags & O_NONBLOCK));
	inode_put(i);           /* the file holds it now (or nobody does) */
	if (f)
		f->priv = s;
	return f;
}

int socketpair_create(struct file **a, struct file **b, unsigned flags)
{
	struct sockpair *sp = kzalloc(sizeof *sp);
	if (!sp)
		return -ENOMEM;
	wait_queue_init(&sp->wq, "socketpair");
	int streams = 0;
	for (; streams < 2; streams++) {
		struct sock *s = &sp->end[streams];
		if (stream_init(&s->rx, &sp->wq, SOCK_CAPACITY))
			break;
		s->pair = sp;
		s->peer = &sp->end[1 - streams];
	}
	struct file *fa = streams == 2 ? end_file(&sp->end[0], flags) : NULL;
	struct file *fb = fa ? end_file(&sp->end[1], flags) : NULL;
	if (!fb) {
		/* Nothing is connected yet: free by hand, not through release. */
		if (fa) {
			fa->ops = NULL;
			file_put(fa);
		}
		while (streams > 0)
			stream_destroy(&sp->end[--streams].rx);
		kfree(sp);
		return -ENOMEM;
	}
	sp->ends = 2;
	*a = fa;
	*b = fb;
	return 0;
}
