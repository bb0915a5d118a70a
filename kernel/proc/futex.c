/*
 * futex: "fast user-space mutex". User space does the locking with atomic
 * instructions on a 32-bit word and only calls the kernel to sleep when a
 * lock is taken (FUTEX_WAIT: "sleep if the word still holds val") or to
 * wake sleepers (FUTEX_WAKE). musl's mutexes, condition variables,
 * semaphores, barriers, rwlocks and pthread_join are all built on it.
 *
 * What a waiter waits for is a key: for a private futex (one process) the
 * address space and the virtual address; for a shared one in MAP_SHARED
 * memory, the physical address, which is the same in every process that
 * maps the page -- that is what makes process-shared mutexes work across
 * fork.
 *
 * One mutex serializes "check the word, then sleep" against "wake": a
 * waker cannot slip in between a waiter's check and its sleep. All waiters
 * sit on one wait queue, each with its key; a wake picks the matching
 * ones. Simple, and fast enough for a teaching kernel's handful of threads.
 */
#include <kernel/arch.h>
#include <kernel/errno.h>
#include <kernel/mm/pmm.h>
#include <kernel/mm/vm.h>
#include <kernel/proc/internal.h>
#include <kernel/sync/mutex.h>
#include <kernel/syscall/syscall.h>
#include <kernel/uaccess.h>

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAKE_OP 5
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_BITSET_ANY 0xffffffffu

static struct mutex futex_lock;
static struct wait_queue futex_wq;
static bool futex_ready;

static void futex_init_once(void)
{
	/* Before any user thread exists, from one thread: no race. */
	if (!futex_ready) {
		mutex_init(&futex_lock, "futex");
		wait_queue_init(&futex_wq, "futex");
		futex_ready = true;
	}
}

struct key {
	uint64_t a, b;
};

/* The key of the word at uaddr (4-byte aligned, mapped). */
static int make_key(uint64_t uaddr, bool private, struct key *k)
{
	struct process *p = current_process();
	if (uaddr & 3)
		return -EINVAL;
	if (!user_range_ok((void *)uaddr, 4))
		return -EFAULT;
	if (!private) {
		struct address_space *as = p->as;
		mutex_lock(&as->lock);
		uint64_t pa = 0;
		int r = as_page_locked(as, uaddr, false, false, &pa);
		bool shared = r == 0 && as_area_is_shared_locked(as, uaddr);
		mutex_unlock(&as->lock);
		if (r)
			return -EFAULT;
		if (shared) {
			k->a = 0; /* no address space: the page itself */
			k->b = pa + (uaddr & (PAGE_SIZE - 1));
			return 0;
		}
	}
	k->a = (uint64_t)p->as;
	k->b = uaddr;
	return 0;
}

static bool matches(struct thread *t, const struct key *k, uint32_t bitset)
{
	return t->futex_key[0] == k->a && t->futex_key[1] == k->b &&
	       (t->futex_bitset & bitset);
}

/* Wake up to n waiters on k; move up to n2 more to k2 when k2 is given.
 * futex_lock held. */
static int wake_locked(const struct key *k, int n, uint32_t bitset,
                       const struct key *k2, int n2)
{
	int woken = 0;
	unsigned long f = spin_lock_irqsave(&futex_wq.lock);
	struct list_node *pos = futex_wq.waiters.next;
	while (pos != &futex_wq.waiters) {
		struct thread *t = list_entry(pos, struct thread, wait_node);
		pos = pos->next;
		if (!matches(t, k, bitset))
			continue;
		if (woken < n) {
			list_remove(&t->wait_node);
			sched_wakeup(t);
			woken++;
		} else if (k2 && n2 > 0) {
			t->futex_key[0] = k2->a;
			t->futex_key[1] = k2->b;
			n2--;
		} else {
			break;
		}
	}
	spin_unlock_irqrestore(&futex_wq.lock, f);
	return woken;
}

static long futex_wait(uint64_t uaddr, uint32_t val, const void *utimeout,
                       bool private, bool absolute, bool realtime, uint32_t bitset)
{
	struct key k;
	uint64_t deadline = 0;
	if (!bitset)
		return -EINVAL;
	if (utimeout) {
		struct { int64_t sec, nsec; } ts;
		if (copy_from_user(&ts, utimeout, sizeof(ts)))
			return -EFAULT;
		if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= 1000000000)
			return -EINVAL;
		uint64_t ns = (uint64_t)ts.sec * 1000000000ull + (uint64_t)ts.nsec;
		uint64_t now = absolute ? clock_now_ns(realtime) : 0;
		deadline = arch_clock_ns() + (absolute ? (ns > now ? ns - now : 0) : ns);
	}
	int r = make_key(uaddr, private, &k);
	if (r)
		return r;

	mutex_lock(&futex_lock);
	uint32_t cur;
	if (copy_from_user(&cur, (void *)uaddr, sizeof(cur))) {
		mutex_unlock(&futex_lock);
		return -EFAULT;
	}
	if (cur != val) {
		mutex_unlock(&futex_lock);
		return -EAGAIN;
	}
	struct thread *me = thread_current();
	unsigned long f = spin_lock_irqsave(&futex_wq.lock);
	me->futex_key[0] = k.a;
	me->futex_key[1] = k.b;
	me->futex_bitset = bitset;
	/* On the queue before the futex lock goes: a waker that takes it next
	 * finds us. (A mutex may be released with a spinlock held.) */
	mutex_unlock(&futex_lock);
	if (utimeout)
		r = wait_queue_wait_deadline_locked(&futex_wq, deadline);
	else
		r = wait_queue_wait_interruptible_locked(&futex_wq);
	spin_unlock_irqrestore(&futex_wq.lock, f);
	return r;
}

static long sys_futex(const struct syscall_args *a)
{
	uint64_t uaddr = (uint64_t)a->arg[0];
	int op = (int)a->arg[1];
	uint32_t val = (uint32_t)a->arg[2];
	bool private = op & FUTEX_PRIVATE_FLAG, realtime = op & FUTEX_CLOCK_REALTIME;
	struct key k, k2;
	long r;

	futex_init_once();
	switch (op & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME)) {
	case FUTEX_WAIT:
		return futex_wait(uaddr, val, (void *)a->arg[3], private, false, false,
		                  FUTEX_BITSET_ANY);
	case FUTEX_WAIT_BITSET:
		return futex_wait(uaddr, val, (void *)a->arg[3], private, true, realtime,
		                  (uint32_t)a->arg[5]);
	case FUTEX_WAKE:
	case FUTEX_WAKE_BITSET: {
		uint32_t bitset = (op & 15) == FUTEX_WAKE ? FUTEX_BITSET_ANY : (uint32_t)a->arg[5];
		if (!bitset)
			return -EINVAL;
		if ((r = make_key(uaddr, private, &k)))
			return r;
		mutex_lock(&futex_lock);
		r = wake_locked(&k, (int)val, bitset, NULL, 0);
		mutex_unlock(&futex_lock);
		return r;
	}
	case FUTEX_REQUEUE:
	case FUTEX_CMP_REQUEUE: {
		/* Wake val waiters of uaddr, move up to arg[3] more to uaddr2
		 * (arg[4]): a condition variable's broadcast moves its waiters
		 * to the mutex instead of waking them all at once. */
		int n2 = (int)a->arg[3];
		if ((int)val < 0 || n2 < 0)
			return -EINVAL;
		if ((r = make_key(uaddr, private, &k)) || (r = make_key((uint64_t)a->arg[4], private, &k2)))
			return r;
		mutex_lock(&futex_lock);
		if ((op & 15) == FUTEX_CMP_REQUEUE) {
			uint32_t cur;
			if (copy_from_user(&cur, (void *)uaddr, sizeof(cur))) {
				mutex_unlock(&futex_lock);
				return -EFAULT;
			}
			if (cur != (uint32_t)a->arg[5]) {
				mutex_unlock(&futex_lock);
				return -EAGAIN;
			}
		}
		r = wake_locked(&k, (int)val, FUTEX_BITSET_ANY, &k2, n2);
		mutex_unlock(&futex_lock);
		return r;
	}
	default:
		return -ENOSYS;
	}
}
SYSCALL(202, futex, sys_futex)

int futex_wake_address(uint64_t uaddr, int n)
{
	struct key k;
	futex_init_once();
	if (make_key(uaddr, true, &k))
		return 0;
	mutex_lock(&futex_lock);
	int r = wake_locked(&k, n, FUTEX_BITSET_ANY, NULL, 0);
	mutex_unlock(&futex_lock);
	return r;
}
