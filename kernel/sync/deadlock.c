/*
 * Deadlock reports for kernel mutexes: the wait-for graph and the walk
 * along it (see deadlock.h).
 *
 * Why the walk is exact, not just "usually right": an edge of the graph
 * is "t waits for m" (t->waiting_mutex) followed by "m is held by o"
 * (m->owner). Both are changed under the wait-graph lock whenever they
 * matter to the walk:
 *  - t->waiting_mutex is set and cleared only under it (by t when it goes
 *    to sleep or gives up, by the unlocker when it hands m to t);
 *  - while some t has waiting_mutex == m, t is on m's wait queue (or holds
 *    m->wq.lock on its way on or off it), so an unlock of m finds a waiter
 *    and hands m over, which changes m->owner under the graph lock too.
 *    The owner changes without the graph lock only when m has no waiter,
 *    and then no edge leads to m.
 * So, under the graph lock, every edge the walk follows is real at that
 * moment; and the memory is valid: a mutex somebody waits for cannot be
 * freed (that would be a bug of its own), nor can a thread that holds one.
 */
#include <kernel/sync/deadlock.h>

#include <stdarg.h>

#include <kernel/printk.h>
#include <kernel/proc/process.h>
#include <kernel/sched/thread.h>
#include <kernel/sync/mutex.h>
#include <kernel/sync/spinlock.h>

/* Longest chain followed. A longer cycle goes unreported; a chain that
 * runs into an older cycle (which it can never leave) ends here too. */
#define WALK_MAX 32

static struct spinlock graph_lock = SPINLOCK_INIT("wait-graph");

unsigned long mutex_deadlocks_reported;

/* Under graph_lock: the last report, and scratch space for names. */
static char last_report[2048];
static size_t last_len;
static char who_buf[2][64];

/* The thread that holds the mutex t waits for, or NULL. graph_lock held. */
static struct thread *holder_of_wait(struct thread *t)
{
	struct mutex *m = t->waiting_mutex;
	return m ? m->owner : NULL;
}

/*
 * If me, waiting for m, is in a cycle: how many threads it has (me
 * included); 0 otherwise. The chain may run into a cycle that does not
 * contain me (an older deadlock): the bound ends that walk.
 */
static unsigned cycle_length(struct thread *me, struct mutex *m)
{
	struct thread *t = m->owner;
	for (unsigned n = 1; t && n <= WALK_MAX; n++) {
		if (t == me)
			return n;
		t = holder_of_wait(t);
	}
	return 0;
}

/* "thread 7 (worker-a)", or for a thread of a process
 * "thread 12 (sh, pid 3 tid 4)". graph_lock held. */
static const char *who(int k, struct thread *t)
{
	if (t->proc)
		snprintk(who_buf[k], sizeof who_buf[k], "thread %d (%s, pid %d tid %d)",
		         t->tid, t->name, t->proc->pid, t->utid);
	else
		snprintk(who_buf[k], sizeof who_buf[k], "thread %d (%s)", t->tid,
		         t->name);
	return who_buf[k];
}

/* One line to the console and to last_report. graph_lock held. */
__attribute__((format(printf, 1, 2)))
static void say(const char *fmt, ...)
{
	va_list ap, again;
	va_start(ap, fmt);
	va_copy(again, ap);
	vprintk(fmt, ap);
	if (last_len + 1 < sizeof last_report) {
		int n = vsnprintk(last_report + last_len, sizeof last_report - last_len,
		                  fmt, again);
		if (n > 0)
			last_len += (size_t)n;
		if (last_len >= sizeof last_report)
			last_len = sizeof last_report - 1;
	}
	va_end(again);
	va_end(ap);
}

/*
 * Print the cycle starting at me. The graph cannot change under
 * graph_lock, so the second walk meets the same n threads. printk takes
 * only its own spinlock, so printing here cannot deadlock; a report is
 * rare enough that holding the graph lock meanwhile costs nothing.
 */
static void report(struct thread *me, unsigned n)
{
	last_len = 0;
	last_report[0] = '\0';
	say("DEADLOCK: %u threads wait for each other's mutexes in a cycle:\n", n);
	struct thread *t = me;
	for (unsigned k = 0; k < n; k++) {
		struct mutex *m = t->waiting_mutex;
		struct thread *o = m->owner;
		say("DEADLOCK:   %s waits for mutex \"%s\" held by %s\n",
		    who(0, t), m->name, who(1, o));
		t = o;
	}
	say("DEADLOCK: none of them can go on (taking the mutexes in one "
	    "fixed order avoids this)\n");
	__atomic_fetch_add(&mutex_deadlocks_reported, 1, __ATOMIC_RELAXED);
}

void wait_graph_enter(struct thread *me, struct mutex *m)
{
	spin_lock(&graph_lock);
	__atomic_store_n(&me->waiting_mutex, m, __ATOMIC_RELAXED);
	unsigned n = cycle_length(me, m);
	if (n)
		report(me, n);
	spin_unlock(&graph_lock);
}

void wait_graph_leave(struct thread *me)
{
	spin_lock(&graph_lock);
	__atomic_store_n(&me->waiting_mutex, NULL, __ATOMIC_RELAXED);
	spin_unlock(&graph_lock);
}

void wait_graph_hand_off(struct mutex *m, struct thread *next)
{
	spin_lock(&graph_lock);
	__atomic_store_n(&m->owner, next, __ATOMIC_RELAXED);
	__atomic_store_n(&next->waiting_mutex, NULL, __ATOMIC_RELAXED);
	spin_unlock(&graph_lock);
}

struct mutex *thread_waiting_mutex(struct thread *t)
{
	return __atomic_load_n(&t->waiting_mutex, __ATOMIC_RELAXED);
}

bool mutex_wait_describe(struct thread *t, char *buf, size_t size)
{
	unsigned long flags = spin_lock_irqsave(&graph_lock);
	struct mutex *m = t->waiting_mutex;
	if (m) {
		struct thread *o = m->owner;
		if (o)
			snprintk(buf, size, "mutex %s (held by %d)", m->name,
			         o->proc ? o->utid : o->tid);
		else
			snprintk(buf, size, "mutex %s", m->name);
	}
	spin_unlock_irqrestore(&graph_lock, flags);
	return m != NULL;
}

size_t mutex_deadlock_last_report(char *buf, size_t size)
{
	if (size == 0)
		return 0;
	unsigned long flags = spin_lock_irqsave(&graph_lock);
	size_t n = last_len < size - 1 ? last_len : size - 1;
	for (size_t k = 0; k < n; k++)
		buf[k] = last_report[k];
	buf[n] = '\0';
	spin_unlock_irqrestore(&graph_lock, flags);
	return n;
}
