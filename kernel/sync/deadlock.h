/*
 * The deadlock lesson, inside the kernel: kernel mutexes record their
 * owner, and a thread that sleeps in mutex_lock records the mutex it
 * waits for. Together they are the wait-for graph: thread -> mutex it
 * waits for -> the thread that holds it -> ... When a thread is about to
 * sleep on a mutex and following that chain leads back to itself, the
 * wait would close a cycle: nobody in it can ever go on. The kernel then
 * prints the cycle, one line per thread:
 *
 *   DEADLOCK: 2 threads wait for each other's mutexes in a cycle:
 *   DEADLOCK:   thread 8 (worker-b) waits for mutex "lock-a" held by thread 7 (worker-a)
 *   DEADLOCK:   thread 7 (worker-a) waits for mutex "lock-b" held by thread 8 (worker-b)
 *   DEADLOCK: none of them can go on (taking the mutexes in one fixed order avoids this)
 *
 * and the thread still goes to sleep: a deadlock stays a deadlock (unless
 * a waiter used mutex_lock_timeout and gives up). The report is the lesson.
 *
 * Each cycle is reported once, by the thread whose wait closes it: the
 * others went to sleep before the cycle existed, and a thread that later
 * waits for a mutex held inside the cycle follows the chain into it but
 * never comes back to itself, so it reports nothing.
 *
 * The graph's edges are guarded by one spinlock, the wait-graph lock,
 * taken only on the slow paths (a thread goes to sleep on a mutex, gives
 * up waiting, or is handed a mutex by its unlocker) and innermost: under
 * a mutex's wq.lock, never taking another lock except printk's. So the
 * walk sees a consistent graph and never reports a cycle that isn't there.
 */
#ifndef WEFT_SYNC_DEADLOCK_H
#define WEFT_SYNC_DEADLOCK_H

#include <stdbool.h>
#include <stddef.h>

struct mutex;
struct thread;

/* Cycles reported since boot (for tests). */
extern unsigned long mutex_deadlocks_reported;

/* The last report's text ("" if none yet), copied into buf; its length. */
size_t mutex_deadlock_last_report(char *buf, size_t size);

/* The mutex t sleeps on in mutex_lock, or NULL (a racy hint). */
struct mutex *thread_waiting_mutex(struct thread *t);

/*
 * If t sleeps on a mutex: "mutex NAME (held by TID)" into buf and true.
 * TID is the owner's user-visible tid for a thread of a process, its
 * kernel tid otherwise. t must stay alive during the call (the caller
 * holds what keeps it: the thread table or the process table lock).
 */
bool mutex_wait_describe(struct thread *t, char *buf, size_t size);

/* ---- for mutex.c only; m->wq.lock held by the caller ------------------ */

/* me is about to sleep on m (owned by someone else): record the edge,
 * and report the cycle if this wait closes one. */
void wait_graph_enter(struct thread *me, struct mutex *m);
/* me stopped waiting without being handed the mutex (time-out, signal). */
void wait_graph_leave(struct thread *me);
/* Unlock hands m to next, one of its waiters: m->owner = next, and next
 * waits no more. */
void wait_graph_hand_off(struct mutex *m, struct thread *next);

#endif
