/*
 * poll, ppoll, select, pselect6: one loop watches several descriptors
 * and returns when any is ready (see poll.h for how the waiting works).
 * The event loops of servers, of asyncio and of green threads sit on
 * these calls.
 *
 * Differences from Linux:
 *  - ppoll's and pselect6's signal mask is checked (its size must be 8,
 *    it must be readable) but not applied: Weft runs no user signal
 *    handlers yet, so there is nothing for a mask to let through, and
 *    signals are still process-wide, so changing the mask for one thread
 *    would change it for all.
 *  - The files are looked up once, when the call starts: closing a
 *    descriptor in another thread during the wait does not end it (Linux
 *    looks again each round and may report POLLNVAL).
 *  - An interrupted call returns -EINTR; it is never restarted.
 */
#include <kernel/fs/poll.h>

#include <kernel/arch.h>
#include <kernel/errno.h>
#include <kernel/fs/sys_common.h>
#include <kernel/mm/heap.h>
#include <kernel/proc/process.h>
#include <kernel/sched/sched.h>
#include <kernel/syscall/syscall.h>
#include <kernel/uaccess.h>

#define NSEC_PER_SEC  1000000000ull
#define NSEC_PER_USEC 1000ull
#define NSEC_PER_MSEC 1000000ull

/* What counts as ready for each of select's three sets (Linux's rules:
 * a hang-up or an error makes a descriptor readable). */
#define POLLIN_SET  (POLLIN | POLLRDNORM | POLLRDBAND | POLLHUP | POLLERR)
#define POLLOUT_SET (POLLOUT | POLLWRNORM | POLLWRBAND | POLLERR)
#define POLLEX_SET  POLLPRI

/* The polling thread, as its watchers see it. */
struct poller {
	struct spinlock lock;       /* guards the two flags */
	bool triggered;             /* a watched queue woke since we last looked */
	bool sleeping;              /* blocked in poller_sleep: may be woken */
	struct thread *thread;
};

/*
 * A watched queue woke (its lock held, interrupts off). Wake the thread
 * only while it sleeps here: at any other moment it may be blocked on
 * something else (a page fault, a mutex) that must not end early.
 */
static void poll_notify(struct wait_watcher *w)
{
	struct poll_item *it = list_entry(w, struct poll_item, watcher);
	struct poller *p = it->poller;
	spin_lock(&p->lock);
	p->triggered = true;
	if (p->sleeping)
		sched_wakeup(p->thread);
	spin_unlock(&p->lock);
}

/*
 * Sleep until a watcher fires, a signal or the deadline. 0 when woken
 * (or already triggered), -EINTR, -ETIMEDOUT.
 */
static int poller_sleep(struct poller *p, uint64_t deadline)
{
	int r = 0;
	unsigned long irq = spin_lock_irqsave(&p->lock);
	if (!p->triggered) {
		p->sleeping = true;
		bool slept = deadline == POLL_FOREVER
		                     ? sched_block_interruptible(&p->lock)
		                     : sched_block_deadline(&p->lock, deadline);
		p->sleeping = false;
		if (!slept)
			r = thread_current()->timed_out ? -ETIMEDOUT : -EINTR;
	}
	spin_unlock_irqrestore(&p->lock, irq);
	return r;
}

/* The file's events now; its queue in *wq (NULL: nothing to watch). */
static unsigned file_events(struct file *f, struct wait_queue **wq)
{
	*wq = NULL;
	if (!f->ops || !f->ops->poll)
		return POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;
	unsigned ev = f->ops->poll(f, wq);
	if (ev & POLLIN)
		ev |= POLLRDNORM;
	if (ev & POLLOUT)
		ev |= POLLWRNORM;
	return ev;
}

/* Look at one item; true if it is ready. */
static bool poll_one(struct poll_item *it)
{
	if (!it->f)
		return it->revents != 0;
	struct wait_queue *wq;
	unsigned ev = file_events(it->f, &wq);
	if (wq && !it->wq) {
		/* Watch first, then look again: a change after the first look
		 * wakes the queue, and so us. */
		it->wq = wq;
		wait_queue_add_watcher(wq, &it->watcher, poll_notify);
		ev = file_events(it->f, &wq);
	}
	it->revents = ev & it->events;
	return it->revents != 0;
}

long poll_files(struct poll_item *items, unsigned n, uint64_t deadline)
{
	struct poller p = { .thread = thread_current() };
	spin_init(&p.lock, "poller");
	for (unsigned k = 0; k < n; k++) {
		items[k].poller = &p;
		items[k].wq = NULL;
	}

	long count;
	bool interrupted = false;
	for (;;) {
		unsigned long irq = spin_lock_irqsave(&p.lock);
		p.triggered = false;
		spin_unlock_irqrestore(&p.lock, irq);

		count = 0;
		for (unsigned k = 0; k < n; k++)
			count += poll_one(&items[k]);
		if (count || deadline == 0 || arch_clock_ns() >= deadline)
			break;
		if (interrupted || signal_pending()) {
			count = -EINTR;
			break;
		}
		/* After a timeout, one more look (above) decides, as on Linux. */
		interrupted = poller_sleep(&p, deadline) == -EINTR;
	}

	for (unsigned k = 0; k < n; k++)
		if (items[k].wq)
			wait_queue_remove_watcher(items[k].wq, &items[k].watcher);
	return count;
}

/* ---- time-outs ------------------------------------------------------ */

/* The deadline sec.nsec from now: 0 for a zero time-out (don't wait). */
static uint64_t deadline_after(uint64_t sec, uint64_t nsec)
{
	if (sec == 0 && nsec == 0)
		return 0;
	uint64_t now = arch_clock_ns();
	if (sec > (POLL_FOREVER - 1 - now - nsec) / NSEC_PER_SEC)
		return POLL_FOREVER - 1;    /* centuries away: as good as never */
	return now + sec * NSEC_PER_SEC + nsec;
}

struct timespec_k {
	int64_t sec, nsec;
};

/* Linux writes the time left back into ppoll's, select's and pselect6's
 * time-out (not for a zero one); a failure to write is ignored, as
 * there. usec: a struct timeval. */
static void write_time_left(void *uts, uint64_t deadline, bool usec)
{
	if (!uts || deadline == 0)
		return;
	uint64_t now = arch_clock_ns();
	uint64_t left = deadline > now ? deadline - now : 0;
	struct timespec_k t = { (int64_t)(left / NSEC_PER_SEC),
	                        (int64_t)(left % NSEC_PER_SEC) };
	if (usec)
		t.nsec /= NSEC_PER_USEC;
	(void)copy_to_user(uts, &t, sizeof t);
}

/* A user struct timespec time-out: the deadline, -EFAULT, -EINVAL. */
static int timespec_deadline(const void *uts, uint64_t *deadline)
{
	struct timespec_k t;
	*deadline = POLL_FOREVER;
	if (!uts)
		return 0;
	if (copy_from_user(&t, uts, sizeof t))
		return -EFAULT;
	if (t.sec < 0 || t.nsec < 0 || t.nsec >= (int64_t)NSEC_PER_SEC)
		return -EINVAL;
	*deadline = deadline_after((uint64_t)t.sec, (uint64_t)t.nsec);
	return 0;
}

/* A signal mask argument: checked, not applied (see the top). */
static int check_sigmask(const void *umask, size_t size)
{
	uint64_t mask;
	if (!umask)
		return 0;
	if (size != sizeof mask)
		return -EINVAL;
	return copy_from_user(&mask, umask, sizeof mask) ? -EFAULT : 0;
}

/* ---- poll and ppoll ------------------------------------------------- */

struct pollfd_k {               /* struct pollfd */
	int fd;
	short events, revents;
};

static long do_poll(struct pollfd_k *ufds, unsigned long nfds, uint64_t deadline)
{
	if (nfds > FILES_MAX)       /* RLIMIT_NOFILE */
		return -EINVAL;
	struct poll_item *items = NULL;
	long r = 0;
	if (nfds) {
		items = kzalloc(nfds * sizeof *items);
		if (!items)
			return -ENOMEM;
	}
	for (unsigned long k = 0; k < nfds && !r; k++) {
		struct pollfd_k pfd;
		if (copy_from_user(&pfd, &ufds[k], sizeof pfd)) {
			r = -EFAULT;
			break;
		}
		if (pfd.fd < 0)
			continue;           /* ignored: revents 0 */
		items[k].f = current_fd(pfd.fd);
		if (!items[k].f)
			items[k].revents = POLLNVAL;
		items[k].events = (unsigned short)pfd.events | POLLERR | POLLHUP;
	}
	if (!r)
		r = poll_files(items, (unsigned)nfds, deadline);
	for (unsigned long k = 0; k < nfds; k++) {
		if (r >= 0) {
			short rev = (short)items[k].revents;
			if (copy_to_user(&ufds[k].revents, &rev, sizeof rev))
				r = -EFAULT;
		}
		file_put(items[k].f);
	}
	kfree(items);
	return r;
}

/* poll(fds, nfds, timeout_ms): a negative time-out waits for ever. */
static long sys_poll(const struct syscall_args *a)
{
	int ms = (int)a->arg[2];
	uint64_t deadline = ms < 0 ? POLL_FOREVER
	                           : deadline_after((uint64_t)ms / 1000,
	                                            (uint64_t)(ms % 1000) * NSEC_PER_MSEC);
	return do_poll((struct pollfd_k *)a->arg[0], (unsigned)a->arg[1], deadline);
}

/* ppoll(fds, nfds, timeout, sigmask, sigsetsize) */
static long sys_ppoll(const struct syscall_args *a)
{
	void *uts = (void *)a->arg[2];
	uint64_t deadline;
	int err = timespec_deadline(uts, &deadline);
	if (!err)
		err = check_sigmask((const void *)a->arg[3], (size_t)a->arg[4]);
	if (err)
		return err;
	long r = do_poll((struct pollfd_k *)a->arg[0], (unsigned)a->arg[1], deadline);
	write_time_left(uts, deadline, false);
	return r;
}

/* ---- select and pselect6 -------------------------------------------- */

/* The bytes of an fd_set that hold n bits: whole longs, as Linux copies. */
static size_t fdset_bytes(int n)
{
	return (size_t)(n + 63) / 64 * 8;
}

static bool fdset_has(const uint64_t *set, int fd)
{
	return set[fd / 64] & (1ull << (fd % 64));
}

static long do_select(int n, void *uin, void *uout, void *uex, uint64_t deadline)
{
	uint64_t in[FILES_MAX / 64] = {0}, out[FILES_MAX / 64] = {0},
	         ex[FILES_MAX / 64] = {0};
	if (n < 0)
		return -EINVAL;
	if (n > FILES_MAX)
		n = FILES_MAX;          /* bits beyond the table are ignored */
	size_t bytes = fdset_bytes(n);
	if ((uin && copy_from_user(in, uin, bytes)) ||
	    (uout && copy_from_user(out, uout, bytes)) ||
	    (uex && copy_from_user(ex, uex, bytes)))
		return -EFAULT;

	/* One item per descriptor named in any set. */
	unsigned count = 0;
	for (int fd = 0; fd < n; fd++)
		count += fdset_has(in, fd) || fdset_has(out, fd) || fdset_has(ex, fd);
	struct poll_item *items = count ? kzalloc(count * sizeof *items) : NULL;
	int *fds = count ? kmalloc(count * sizeof *fds) : NULL;
	long r = 0;
	if (count && (!items || !fds)) {
		kfree(items);
		kfree(fds);
		return -ENOMEM;
	}
	unsigned k = 0;
	for (int fd = 0; fd < n && !r; fd++) {
		unsigned ev = (fdset_has(in, fd) ? POLLIN_SET : 0) |
		              (fdset_has(out, fd) ? POLLOUT_SET : 0) |
		              (fdset_has(ex, fd) ? POLLEX_SET : 0);
		if (!ev)
			continue;
		fds[k] = fd;
		items[k].events = ev;
		items[k].f = current_fd(fd);
		if (!items[k].f)
			r = -EBADF;         /* select does not skip a closed fd */
		k++;
	}
	if (!r)
		r = poll_files(items, k, deadline);

	if (r >= 0) {
		/* Each set bit counts, so a descriptor can count twice. */
		uint64_t rin[FILES_MAX / 64] = {0}, rout[FILES_MAX / 64] = {0},
		         rex[FILES_MAX / 64] = {0};
		long bits = 0;
		for (unsigned j = 0; j < k; j++) {
			int fd = fds[j];
			uint64_t bit = 1ull << (fd % 64);
			unsigned rev = items[j].revents;
			if ((rev & POLLIN_SET) && fdset_has(in, fd)) {
				rin[fd / 64] |= bit;
				bits++;
			}
			if ((rev & POLLOUT_SET) && fdset_has(out, fd)) {
				rout[fd / 64] |= bit;
				bits++;
			}
			if ((rev & POLLEX_SET) && fdset_has(ex, fd)) {
				rex[fd / 64] |= bit;
				bits++;
			}
		}
		r = bits;
		if ((uin && copy_to_user(uin, rin, bytes)) ||
		    (uout && copy_to_user(uout, rout, bytes)) ||
		    (uex && copy_to_user(uex, rex, bytes)))
			r = -EFAULT;
	}
	for (unsigned j = 0; j < k; j++)
		file_put(items[j].f);
	kfree(items);
	kfree(fds);
	return r;
}

struct timeval_k {
	int64_t sec, usec;
};

/* select(nfds, readfds, writefds, exceptfds, timeout) */
static long sys_select(const struct syscall_args *a)
{
	void *utv = (void *)a->arg[4];
	uint64_t deadline = POLL_FOREVER;
	if (utv) {
		struct timeval_k tv;
		if (copy_from_user(&tv, utv, sizeof tv))
			return -EFAULT;
		/* Linux carries whole seconds out of usec before checking. */
		int64_t sec = tv.sec + tv.usec / 1000000, usec = tv.usec % 1000000;
		if (sec < 0 || usec < 0)
			return -EINVAL;
		deadline = deadline_after((uint64_t)sec, (uint64_t)usec * NSEC_PER_USEC);
	}
	long r = do_select((int)a->arg[0], (void *)a->arg[1], (void *)a->arg[2],
	                   (void *)a->arg[3], deadline);
	write_time_left(utv, deadline, true);
	return r;
}

/* pselect6(nfds, readfds, writefds, exceptfds, timeout, {sigmask, size}) */
static long sys_pselect6(const struct syscall_args *a)
{
	void *uts = (void *)a->arg[4];
	const void *upack = (const void *)a->arg[5];
	struct { uint64_t mask; uint64_t size; } pack = { 0, 0 };
	if (upack && copy_from_user(&pack, upack, sizeof pack))
		return -EFAULT;
	uint64_t deadline;
	int err = timespec_deadline(uts, &deadline);
	if (!err)
		err = check_sigmask((const void *)pack.mask, (size_t)pack.size);
	if (err)
		return err;
	long r = do_select((int)a->arg[0], (void *)a->arg[1], (void *)a->arg[2],
	                   (void *)a->arg[3], deadline);
	write_time_left(uts, deadline, false);
	return r;
}

SYSCALL(7, poll, sys_poll)
SYSCALL(23, select, sys_select)
SYSCALL(270, pselect6, sys_pselect6)
SYSCALL(271, ppoll, sys_ppoll)
