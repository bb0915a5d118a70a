/*
 * POSIX message queues (see mqueue.h): the queue object, its name space,
 * and the system calls mq_open, mq_unlink, mq_timedsend,
 * mq_timedreceive, mq_notify and mq_getsetattr (Linux numbers 240-245).
 *
 * A queue is an inode whose priv is a struct mqueue, so the VFS counts
 * its references for us: the name holds one, every open struct file one.
 * mq_unlink drops the name's; the last close drops the last, and evict
 * frees the messages and the queue.
 *
 * The messages are one list sorted by priority, highest first; a new
 * message goes after the last one of its own or a higher priority, which
 * keeps each priority FIFO. At most MQ_MAXMSG_MAX (64) messages, so a
 * walk along the list is cheap enough to do with a spinlock held.
 *
 * Locking: mq_names_lock (a sleeping mutex) guards the list of names; it
 * is only held while opening or unlinking. Each
 * queue's wait queue lock (a spinlock) guards its messages and counts.
 * Message bytes are copied from and to user space with no spinlock held
 * (a copy may fault a page in and sleep): a sender copies into a fresh
 * message before it takes the lock, a receiver unlinks one under the lock
 * and copies it out afterwards.
 *
 * Senders, receivers and poll() all wait on that one wait queue, and
 * every change wakes them all; each re-checks its own condition (as
 * pipes do). Two queues -- "not full" and "not empty", the textbook
 * bounded buffer -- would wake fewer threads; one is simpler, and poll
 * needs a single queue that hears about every change.
 */
#include <kernel/ipc/mqueue.h>

#include <kernel/arch.h>
#include <kernel/errno.h>
#include <kernel/fs/poll.h>
#include <kernel/fs/sys_common.h>
#include <kernel/fs/vfs.h>
#include <kernel/lib/string.h>
#include <kernel/mm/heap.h>
#include <kernel/printk.h>
#include <kernel/sched/list.h>
#include <kernel/sync/mutex.h>
#include <kernel/sync/waitqueue.h>
#include <kernel/syscall/syscall.h>
#include <kernel/uaccess.h>

/* sys_time.c: CLOCK_REALTIME (true) or CLOCK_MONOTONIC now, in ns. */
uint64_t clock_now_ns(bool realtime);

struct mq_msg {
	struct list_node node;      /* on mqueue.msgs, in delivery order */
	unsigned prio;
	size_t len;
	char data[];
};

struct mqueue {
	struct wait_queue wq;       /* its lock guards the three fields below */
	struct list_node msgs;      /* highest priority first, FIFO within one */
	long curmsgs;
	uint64_t qbytes;            /* bytes of all messages (read()'s QSIZE) */

	bool named;                 /* still in the name space (mq_names_lock) */

	long maxmsg, msgsize;       /* fixed at creation */
	uint64_t charge;            /* what it counts against MQ_BYTES_MAX */
	struct inode *inode;
	struct list_node name_node; /* on mq_names while named */
	char name[MQ_NAME_MAX + 1];
};

/* The name space. Built like this, the mutex needs no init call. */
static struct mutex mq_names_lock = {
	.wq = WAIT_QUEUE_INIT(mq_names_lock.wq, "mqueue-names"),
	.name = "mqueue-names",
};
static struct list_node mq_names = LIST_HEAD_INIT(mq_names);
/* Queues alive and the bytes they may hold; changed atomically because
 * evict runs without mq_names_lock (it only ever lowers them). */
static unsigned mq_alive;
static uint64_t mq_bytes;

static const struct file_ops mq_fops;
static const struct inode_ops mq_iops;

/* ---- the queue object ---------------------------------------------------- */

/* The memory a queue may pin: its messages when full, with their headers.
 * (Linux counts it the same way against RLIMIT_MSGQUEUE.) */
static uint64_t mq_charge(long maxmsg, long msgsize)
{
	return (uint64_t)maxmsg * ((uint64_t)msgsize + sizeof(struct mq_msg));
}

/* The last reference to the queue's inode is gone: nothing can reach it. */
static void mq_evict(struct inode *i)
{
	struct mqueue *q = i->priv;
	struct list_node *n;
	while ((n = list_first(&q->msgs)) != NULL) {
		list_remove(n);
		kfree(list_entry(n, struct mq_msg, node));
	}
	__atomic_sub_fetch(&mq_bytes, q->charge, __ATOMIC_RELAXED);
	__atomic_sub_fetch(&mq_alive, 1, __ATOMIC_RELAXED);
	kfree(q);
}

static const struct inode_ops mq_iops = { .evict = mq_evict };

/* A queue's name: at most MQ_NAME_MAX bytes, not "", ".", ".." and no '/'
 * (Linux gives -EACCES for those: they are not names in a flat space). */
static int check_name(const char *name)
{
	size_t len = strnlen(name, MQ_NAME_MAX + 1);
	if (len == 0)
		return -ENOENT;
	if (strchr(name, '/') || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return -EACCES;
	if (len > MQ_NAME_MAX)
		return -ENAMETOOLONG;
	return 0;
}

static struct mqueue *find_locked(const char *name)
{
	struct list_node *n;
	list_for_each(n, &mq_names) {
		struct mqueue *q = list_entry(n, struct mqueue, name_node);
		if (strcmp(q->name, name) == 0)
			return q;
	}
	return NULL;
}

/* A new named queue, with the name's reference on its inode. */
static int create_locked(const char *name, unsigned mode,
                         const struct mq_attr_k *attr, struct mqueue **out)
{
	long maxmsg = MQ_MAXMSG_DEFAULT, msgsize = MQ_MSGSIZE_DEFAULT;
	if (attr) {
		if (attr->mq_maxmsg <= 0 || attr->mq_maxmsg > MQ_MAXMSG_MAX ||
		    attr->mq_msgsize <= 0 || attr->mq_msgsize > MQ_MSGSIZE_MAX)
			return -EINVAL;
		maxmsg = attr->mq_maxmsg;
		msgsize = attr->mq_msgsize;
	}
	uint64_t charge = mq_charge(maxmsg, msgsize);
	/* Only creators raise the counters, and they hold mq_names_lock, so
	 * the check and the add cannot be overtaken by another creator. */
	if (__atomic_load_n(&mq_alive, __ATOMIC_RELAXED) >= MQ_QUEUES_MAX)
		return -ENOSPC;
	if (__atomic_load_n(&mq_bytes, __ATOMIC_RELAXED) + charge > MQ_BYTES_MAX)
		return -EMFILE;

	struct mqueue *q = kzalloc(sizeof *q);
	struct inode *i = inode_alloc(S_IFREG | (mode & 07777), DEV_MQUEUE,
	                              &mq_iops, &mq_fops);
	if (!q || !i) {
		kfree(q);
		kfree(i);       /* no priv yet: not through inode_put/evict */
		return -ENOMEM;
	}
	wait_queue_init(&q->wq, "mqueue");
	list_init(&q->msgs);
	q->maxmsg = maxmsg;
	q->msgsize = msgsize;
	q->charge = charge;
	q->inode = i;
	q->named = true;
	memcpy(q->name, name, strlen(name) + 1);   /* check_name bounded it */
	i->priv = q;
	i->size = 80;           /* what read() may return: Linux's FILENT_SIZE */
	__atomic_add_fetch(&mq_bytes, charge, __ATOMIC_RELAXED);
	__atomic_add_fetch(&mq_alive, 1, __ATOMIC_RELAXED);
	list_push_back(&mq_names, &q->name_node);
	*out = q;
	return 0;
}

/* Take q's name away (mq_names_lock held); the caller drops the name's
 * reference once the lock is released. */
static void unname_locked(struct mqueue *q)
{
	list_remove(&q->name_node);
	q->named = false;
}

int mqueue_open(const char *name, unsigned oflag, unsigned mode,
                const struct mq_attr_k *attr, struct file **out,
                bool *created)
{
	unsigned acc = oflag & O_ACCMODE;
	int err = check_name(name);
	if (err)
		return err;
	if (acc == O_ACCMODE)
		return -EINVAL;         /* neither read, write nor both */
	bool made = false;

	mutex_lock(&mq_names_lock);
	struct mqueue *q = find_locked(name);
	if (q && (oflag & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL)) {
		err = -EEXIST;
	} else if (!q && !(oflag & O_CREAT)) {
		err = -ENOENT;
	} else if (!q) {
		err = create_locked(name, mode, attr, &q);
		made = !err;
	}
	struct mqueue *undo = NULL;
	if (!err) {
		/* The name's reference keeps the inode alive while we hold the
		 * lock; the file takes a reference of its own. */
		*out = file_alloc(q->inode, &mq_fops, acc | (oflag & O_NONBLOCK));
		if (!*out) {
			err = -ENOMEM;
			if (made) {
				unname_locked(q);   /* as if never created */
				made = false;
				undo = q;
			}
		}
	}
	mutex_unlock(&mq_names_lock);
	if (undo)
		inode_put(undo->inode);
	if (created)
		*created = made;
	return err;
}

int mqueue_unlink(const char *name)
{
	int err = check_name(name);
	if (err)
		return err;
	mutex_lock(&mq_names_lock);
	struct mqueue *q = find_locked(name);
	if (q)
		unname_locked(q);
	mutex_unlock(&mq_names_lock);
	if (!q)
		return -ENOENT;
	inode_put(q->inode);    /* open descriptors keep it alive */
	return 0;
}

void mqueue_unlink_file(struct file *f)
{
	struct mqueue *q = f->inode->priv;
	mutex_lock(&mq_names_lock);
	bool named = q->named;
	if (named)
		unname_locked(q);
	mutex_unlock(&mq_names_lock);
	if (named)
		inode_put(q->inode);
}

bool file_is_mqueue(const struct file *f)
{
	return f && f->ops == &mq_fops;
}

unsigned mqueue_count(void)
{
	return __atomic_load_n(&mq_alive, __ATOMIC_RELAXED);
}

/* ---- sending and receiving ------------------------------------------------ */

/*
 * Sleep until the queue changes: 0 (look again), -EINTR (a signal) or
 * -ETIMEDOUT (the deadline passed first). q->wq.lock held.
 */
static int mq_wait(struct mqueue *q, const uint64_t *deadline_ns)
{
	if (!deadline_ns)
		return wait_queue_wait_interruptible_locked(&q->wq);
	return wait_queue_wait_deadline_locked(&q->wq, *deadline_ns);
}

/* After the last message of priority >= m->prio: priorities stay sorted,
 * and equal priorities keep their order of arrival. */
static void insert_locked(struct mqueue *q, struct mq_msg *m)
{
	struct list_node *pos = q->msgs.prev;
	while (pos != &q->msgs &&
	       list_entry(pos, struct mq_msg, node)->prio < m->prio)
		pos = pos->prev;
	list_insert_before(pos->next, &m->node);
	q->curmsgs++;
	q->qbytes += m->len;
}

static bool can_read(const struct file *f)
{
	return (f->flags & O_ACCMODE) != O_WRONLY;
}

static bool can_write(const struct file *f)
{
	return (f->flags & O_ACCMODE) != O_RDONLY;
}

long mqueue_send(struct file *f, struct iobuf msg, size_t len, unsigned prio,
                 const uint64_t *deadline_ns)
{
	if (prio >= MQ_PRIO_MAX)
		return -EINVAL;
	if (!file_is_mqueue(f) || !can_write(f))
		return -EBADF;
	struct mqueue *q = f->inode->priv;
	if (len > (size_t)q->msgsize)
		return -EMSGSIZE;

	/* The copy first, while no lock is held; a full queue costs a copy
	 * that may be thrown away, as on Linux. */
	struct mq_msg *m = kmalloc(sizeof *m + len);
	if (!m)
		return -ENOMEM;
	list_init(&m->node);
	m->prio = prio;
	m->len = len;
	if (iobuf_copy_in(m->data, msg, 0, len)) {
		kfree(m);
		return -EFAULT;
	}

	int err = 0;
	unsigned long flags = spin_lock_irqsave(&q->wq.lock);
	while (q->curmsgs >= q->maxmsg) {
		if (__atomic_load_n(&f->flags, __ATOMIC_RELAXED) & O_NONBLOCK) {
			err = -EAGAIN;
			break;
		}
		err = mq_wait(q, deadline_ns);
		/* A room that opened up as the wait ended still counts. */
		if (err && q->curmsgs >= q->maxmsg)
			break;
		err = 0;
	}
	if (!err) {
		insert_locked(q, m);
		wait_queue_wake_all_locked(&q->wq);    /* not empty any more */
	}
	spin_unlock_irqrestore(&q->wq.lock, flags);
	if (err)
		kfree(m);
	return err;
}

long mqueue_receive(struct file *f, struct iobuf buf, size_t size,
                    unsigned *prio, const uint64_t *deadline_ns)
{
	if (!file_is_mqueue(f) || !can_read(f))
		return -EBADF;
	struct mqueue *q = f->inode->priv;
	/* The buffer must hold the largest message the queue may carry, not
	 * just the next one: the caller cannot know which comes next. */
	if (size < (size_t)q->msgsize)
		return -EMSGSIZE;

	int err = 0;
	struct mq_msg *m = NULL;
	unsigned long flags = spin_lock_irqsave(&q->wq.lock);
	while (q->curmsgs == 0) {
		if (__atomic_load_n(&f->flags, __ATOMIC_RELAXED) & O_NONBLOCK) {
			err = -EAGAIN;
			break;
		}
		err = mq_wait(q, deadline_ns);
		if (err && q->curmsgs == 0)
			break;
		err = 0;
	}
	if (!err) {
		m = list_entry(list_first(&q->msgs), struct mq_msg, node);
		list_remove(&m->node);
		q->curmsgs--;
		q->qbytes -= m->len;
		wait_queue_wake_all_locked(&q->wq);    /* not full any more */
	}
	spin_unlock_irqrestore(&q->wq.lock, flags);
	if (err)
		return err;

	long ret = (long)m->len;
	if (iobuf_copy_out(buf, 0, m->data, m->len))
		ret = -EFAULT;
	else if (prio)
		*prio = m->prio;
	kfree(m);
	return ret;
}

int mqueue_getsetattr(struct file *f, const struct mq_attr_k *set,
                      struct mq_attr_k *old)
{
	if (set && (set->mq_flags & ~(long)O_NONBLOCK))
		return -EINVAL;
	if (!file_is_mqueue(f))
		return -EBADF;
	struct mqueue *q = f->inode->priv;
	unsigned long flags = spin_lock_irqsave(&q->wq.lock);
	if (old) {
		memset(old, 0, sizeof *old);
		old->mq_flags = __atomic_load_n(&f->flags, __ATOMIC_RELAXED) & O_NONBLOCK;
		old->mq_maxmsg = q->maxmsg;
		old->mq_msgsize = q->msgsize;
		old->mq_curmsgs = q->curmsgs;
	}
	/* O_NONBLOCK belongs to the open file, as fcntl(F_SETFL) sees it. */
	if (set && (set->mq_flags & O_NONBLOCK))
		__atomic_fetch_or(&f->flags, O_NONBLOCK, __ATOMIC_RELAXED);
	else if (set)
		__atomic_fetch_and(&f->flags, ~(unsigned)O_NONBLOCK, __ATOMIC_RELAXED);
	spin_unlock_irqrestore(&q->wq.lock, flags);
	return 0;
}

/* ---- the descriptor as a file ------------------------------------------- */

/*
 * read() gives a line of status, as on Linux:
 *   QSIZE:5          NOTIFY:0     SIGNO:0     NOTIFY_PID:0
 * QSIZE is the bytes of all queued messages. write() is -EINVAL (no op).
 */
static long mq_read(struct file *f, struct iobuf buf, size_t n, uint64_t *pos)
{
	struct mqueue *q = f->inode->priv;
	char text[80];
	unsigned long flags = spin_lock_irqsave(&q->wq.lock);
	uint64_t qbytes = q->qbytes;
	spin_unlock_irqrestore(&q->wq.lock, flags);
	int len = snprintk(text, sizeof text,
	                   "QSIZE:%-10lu NOTIFY:%-5d SIGNO:%-5d NOTIFY_PID:%-6d\n",
	                   (unsigned long)qbytes, 0, 0, 0);
	if (len < 0 || *pos >= (uint64_t)len)
		return 0;
	size_t left = (size_t)len - (size_t)*pos;
	if (n > left)
		n = left;
	if (iobuf_copy_out(buf, 0, text + *pos, n))
		return -EFAULT;
	*pos += n;
	return (long)n;
}

static long mq_lseek(struct file *f, int64_t off, int whence)
{
	return vfs_generic_lseek(f, off, whence, f->inode->size);
}

static unsigned mq_poll(struct file *f, struct wait_queue **wq)
{
	struct mqueue *q = f->inode->priv;
	unsigned ev = 0;
	unsigned long flags = spin_lock_irqsave(&q->wq.lock);
	if (q->curmsgs > 0)
		ev |= POLLIN | POLLRDNORM;
	if (q->curmsgs < q->maxmsg)
		ev |= POLLOUT | POLLWRNORM;
	spin_unlock_irqrestore(&q->wq.lock, flags);
	*wq = &q->wq;
	return ev;
}

static const struct file_ops mq_fops = {
	.read = mq_read, .lseek = mq_lseek, .poll = mq_poll,
};

/* ---- system calls --------------------------------------------------------- */

struct timespec_k {
	int64_t sec, nsec;
};

#define NS_PER_SEC 1000000000ll

/*
 * An absolute CLOCK_REALTIME timeout from user space as a deadline in
 * arch_clock_ns time. Linux checks it before anything else, even when the
 * call would not have to wait: -EFAULT, -EINVAL (nsec outside 0..999999999
 * or a negative second).
 */
static int read_deadline(const void *uts, uint64_t *deadline)
{
	struct timespec_k ts;
	if (copy_from_user(&ts, uts, sizeof ts))
		return -EFAULT;
	if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= NS_PER_SEC)
		return -EINVAL;
	/* Read the real-time clock first: the monotonic one, read after it,
	 * can only be later, so the deadline never comes early. */
	uint64_t real_now = clock_now_ns(true);
	uint64_t mono_now = arch_clock_ns();
	if ((uint64_t)ts.sec > (UINT64_MAX - NS_PER_SEC) / NS_PER_SEC - 1) {
		*deadline = UINT64_MAX;                 /* as good as never */
		return 0;
	}
	uint64_t abs = (uint64_t)ts.sec * NS_PER_SEC + (uint64_t)ts.nsec;
	if (abs <= real_now)
		*deadline = mono_now;                   /* already passed */
	else if (abs - real_now > UINT64_MAX - mono_now)
		*deadline = UINT64_MAX;
	else
		*deadline = mono_now + (abs - real_now);
	return 0;
}

/* A queue's name from user space (musl has already dropped the '/'). */
static int user_mq_name(const char *uname, char *name)
{
	long n = strncpy_from_user(name, uname, MQ_NAME_MAX + 1);
	return n < 0 ? (int)n : 0;
}

static long sys_mq_open(const struct syscall_args *a)
{
	const char *uname = (const char *)a->arg[0];
	unsigned oflag = (unsigned)a->arg[1], mode = (unsigned)a->arg[2];
	const void *uattr = (const void *)a->arg[3];
	struct mq_attr_k attr;
	char name[MQ_NAME_MAX + 1];
	struct files *t = current_files();
	if (!t)
		return -EBADF;
	if (uattr && copy_from_user(&attr, uattr, sizeof attr))
		return -EFAULT;
	int err = user_mq_name(uname, name);
	if (err)
		return err;
	struct file *f;
	bool created;
	err = mqueue_open(name, oflag, mode,
	                  (oflag & O_CREAT) && uattr ? &attr : NULL, &f, &created);
	if (err)
		return err;
	/* POSIX: queue descriptors are closed by exec. Linux always sets it. */
	int fd = fd_install(t, f, 0, true);
	if (fd < 0) {
		if (created)
			mqueue_unlink_file(f);  /* as if the call never happened */
		file_put(f);
	}
	return fd;
}
SYSCALL(240, mq_open, sys_mq_open)

static long sys_mq_unlink(const struct syscall_args *a)
{
	char name[MQ_NAME_MAX + 1];
	int err = user_mq_name((const char *)a->arg[0], name);
	return err ? err : mqueue_unlink(name);
}
SYSCALL(241, mq_unlink, sys_mq_unlink)

static long sys_mq_timedsend(const struct syscall_args *a)
{
	int fd = (int)a->arg[0];
	size_t len = (size_t)a->arg[2];
	unsigned prio = (unsigned)a->arg[3];
	uint64_t deadline;
	if (a->arg[4]) {
		int err = read_deadline((const void *)a->arg[4], &deadline);
		if (err)
			return err;
	}
	if (prio >= MQ_PRIO_MAX)
		return -EINVAL;                 /* before the descriptor, as Linux */
	struct file *f = current_fd(fd);
	if (!f)
		return -EBADF;
	long r = mqueue_send(f, iobuf_user((void *)a->arg[1]), len, prio,
	                     a->arg[4] ? &deadline : NULL);
	file_put(f);
	return r;
}
SYSCALL(242, mq_timedsend, sys_mq_timedsend)

static long sys_mq_timedreceive(const struct syscall_args *a)
{
	int fd = (int)a->arg[0];
	size_t size = (size_t)a->arg[2];
	unsigned *uprio = (unsigned *)a->arg[3];
	uint64_t deadline;
	if (a->arg[4]) {
		int err = read_deadline((const void *)a->arg[4], &deadline);
		if (err)
			return err;
	}
	struct file *f = current_fd(fd);
	if (!f)
		return -EBADF;
	unsigned prio;
	long r = mqueue_receive(f, iobuf_user((void *)a->arg[1]), size, &prio,
	                        a->arg[4] ? &deadline : NULL);
	file_put(f);
	/* Too late to give the message back: it is lost, as on Linux. */
	if (r >= 0 && uprio && copy_to_user(uprio, &prio, sizeof prio))
		return -EFAULT;
	return r;
}
SYSCALL(243, mq_timedreceive, sys_mq_timedreceive)

/*
 * Weft does not notify: registering (a non-NULL sigevent) is -ENOSYS.
 * Removing a registration (NULL) succeeds, since there never is one.
 */
static long sys_mq_notify(const struct syscall_args *a)
{
	if (a->arg[1])
		return -ENOSYS;
	struct file *f = current_fd((int)a->arg[0]);
	bool queue = file_is_mqueue(f);
	file_put(f);
	return queue ? 0 : -EBADF;
}
SYSCALL(244, mq_notify, sys_mq_notify)

static long sys_mq_getsetattr(const struct syscall_args *a)
{
	const void *unew = (const void *)a->arg[1];
	void *uold = (void *)a->arg[2];
	struct mq_attr_k set, old;
	if (unew && copy_from_user(&set, unew, sizeof set))
		return -EFAULT;
	if (unew && (set.mq_flags & ~(long)O_NONBLOCK))
		return -EINVAL;                 /* before the descriptor, as Linux */
	struct file *f = current_fd((int)a->arg[0]);
	if (!f)
		return -EBADF;
	int err = mqueue_getsetattr(f, unew ? &set : NULL, uold ? &old : NULL);
	file_put(f);
	if (err)
		return err;
	if (uold && copy_to_user(uold, &old, sizeof old))
		return -EFAULT;
	return 0;
}
SYSCALL(245, mq_getsetattr, sys_mq_getsetattr)
