/*
 * POSIX message queues: a bounded queue of whole messages, with
 * priorities, shared by every process that opens it by name.
 *
 *   mq_send(q, msg, prio) ──> [ at most maxmsg messages of at most msgsize
 *                               bytes, highest priority first, FIFO within
 *                               one priority ] ──> mq_receive(q) -> msg, prio
 *
 *  - send blocks while the queue is full, receive while it is empty; with
 *    an absolute deadline (mq_timedsend/mq_timedreceive) they give up
 *    with -ETIMEDOUT, with O_NONBLOCK at once with -EAGAIN;
 *  - a message is never split or merged: receive returns exactly what one
 *    send gave (unlike a pipe, a byte stream);
 *  - a queue has a name in its own flat name space ("jobs", no slashes:
 *    musl's mq_open drops the leading one of "/jobs"); mq_unlink removes
 *    the name at once, the queue itself lives until its last descriptor
 *    is closed -- as an unlinked file does;
 *  - a descriptor is an ordinary struct file, so close, dup, fork (the
 *    child shares it), and poll (POLLIN: not empty, POLLOUT: not full)
 *    work on it. It is always close-on-exec, as on Linux.
 *
 * This is the "Queue" lesson of Python's multiprocessing (put/get,
 * block=False, timeout=, qsize/full/empty) done by the kernel.
 */
#ifndef WEFT_IPC_MQUEUE_H
#define WEFT_IPC_MQUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kernel/fs/iobuf.h>

struct file;

/* Linux's limits and defaults (fs.mqueue.* and RLIMIT_MSGQUEUE). */
#define MQ_PRIO_MAX        32768    /* priorities are 0 .. MQ_PRIO_MAX-1 */
#define MQ_MAXMSG_DEFAULT  10       /* when mq_open gets no attributes */
#define MQ_MSGSIZE_DEFAULT 8192
#define MQ_MAXMSG_MAX      64       /* Weft's hard limits: -EINVAL beyond */
#define MQ_MSGSIZE_MAX     8192
#define MQ_QUEUES_MAX      256      /* queues alive at once: -ENOSPC beyond */
#define MQ_BYTES_MAX       819200   /* RLIMIT_MSGQUEUE: -EMFILE beyond */
#define MQ_NAME_MAX        255      /* NAME_MAX: -ENAMETOOLONG beyond */

/* st_dev of a queue's inode (vfs.h lists the other file systems). */
#define DEV_MQUEUE 6

/* struct mq_attr as the Linux x86-64 ABI lays it out (64 bytes). */
struct mq_attr_k {
	long mq_flags;      /* 0 or O_NONBLOCK: of the descriptor, not the queue */
	long mq_maxmsg;     /* capacity in messages */
	long mq_msgsize;    /* largest message in bytes */
	long mq_curmsgs;    /* messages in the queue now: the qsize */
	long reserved[4];
};

/*
 * Open (and with O_CREAT, create) the queue called name (no slash). oflag:
 * O_RDONLY/O_WRONLY/O_RDWR, O_CREAT, O_EXCL, O_NONBLOCK; attr (may be
 * NULL: the defaults) is read only when a queue is created. *out gets a
 * new struct file; *created (may be NULL) says whether this call made the
 * queue. -ENOENT, -EEXIST, -EINVAL, -EACCES (a '/' or "." or ".." name),
 * -ENAMETOOLONG, -EMFILE, -ENOSPC, -ENOMEM.
 */
int mqueue_open(const char *name, unsigned oflag, unsigned mode,
                const struct mq_attr_k *attr, struct file **out,
                bool *created);

/* Remove a name: 0, -ENOENT, -EACCES, -ENAMETOOLONG. */
int mqueue_unlink(const char *name);

/* Remove the name only if it still names f's queue (undoing an open whose
 * descriptor could not be installed). */
void mqueue_unlink_file(struct file *f);

/*
 * Send len bytes from msg with priority prio. deadline_ns (arch_clock_ns
 * time) bounds the wait while the queue is full; NULL waits for ever.
 * 0, -EBADF (not a queue, or not open for writing), -EMSGSIZE, -EINVAL
 * (prio), -EAGAIN (O_NONBLOCK and full), -ETIMEDOUT, -EINTR, -EFAULT,
 * -ENOMEM.
 */
long mqueue_send(struct file *f, struct iobuf msg, size_t len, unsigned prio,
                 const uint64_t *deadline_ns);

/*
 * Receive the oldest message of the highest priority into buf (size
 * bytes, at least the queue's msgsize). Returns its length and its
 * priority in *prio (may be NULL), or -EBADF, -EMSGSIZE, -EAGAIN,
 * -ETIMEDOUT, -EINTR, -EFAULT (the message is gone, as on Linux).
 */
long mqueue_receive(struct file *f, struct iobuf buf, size_t size,
                    unsigned *prio, const uint64_t *deadline_ns);

/* mq_getsetattr: *old (if not NULL) gets the attributes before the call;
 * set (if not NULL) changes only O_NONBLOCK. -EINVAL, -EBADF. */
int mqueue_getsetattr(struct file *f, const struct mq_attr_k *set,
                      struct mq_attr_k *old);

bool file_is_mqueue(const struct file *f);

/* Queues alive (named, or unlinked but still open): for tests. */
unsigned mqueue_count(void);

#endif
