/*
 * green.h — cooperative green threads for Weft (and for any x86-64 Linux).
 *
 * Two layers, as in Python's greenlet and gevent:
 *
 *  1. Switching (greenlet.c, switch.S): a green thread is a function with
 *     its own stack. green_switch(to, v) suspends the caller and resumes
 *     `to`, handing it `v`; whatever is later switched back to the caller is
 *     what its green_switch returns. Nothing runs unless someone switches to
 *     it: there is no scheduler at this layer.
 *
 *  2. Scheduling (hub.c, task.c, sleep.c, io.c, channel.c): a "hub" green
 *     thread keeps a run queue, timers and a poll() set. Spawned tasks have
 *     the hub as their parent, so a blocking call is simply "park myself and
 *     switch to the hub"; the hub switches back when the reason is gone.
 *     read/write/accept on non-blocking descriptors yield instead of
 *     blocking — the gevent idea.
 *
 * Each OS thread has its own set of green threads (the state is
 * thread-local); green threads never move between OS threads.
 */
#ifndef GREEN_H
#define GREEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

typedef struct green green_t;

/*
 * A green thread's body. `arg` is fixed at creation; `value` is what the
 * first green_switch into it passed (NULL for spawned tasks). The return
 * value goes to the parent, whose pending green_switch returns it.
 */
typedef void *(*green_fn)(void *arg, void *value);

/* Returned by green_switch on error (errno says which), as mmap returns
 * MAP_FAILED: no valid pointer is ever equal to it. */
#define GREEN_ERROR ((void *)-1)
/* The result of a green thread that was killed instead of returning. */
#define GREEN_KILLED ((void *)-2)

/* 0 means GREEN_STACK_DEFAULT. Sizes are rounded up to whole pages. */
#define GREEN_STACK_DEFAULT (64 * 1024)

/* ---- layer 1: switching (greenlet) ---------------------------------- */

/* A new green thread that has not started yet; its parent is the caller.
 * The stack is taken only when it first runs. NULL and errno on failure. */
green_t *green_new(green_fn fn, void *arg, size_t stack_size);

/*
 * Suspend the caller, resume `to` with `value`. Returns the value passed
 * by whoever switches back (or returned by a child that ended).
 * Switching to a dead green thread returns GREEN_ERROR with errno ESRCH;
 * switching to yourself returns `value` at once.
 */
void *green_switch(green_t *to, void *value);

green_t *green_current(void);          /* the running green thread */
green_t *green_root(void);             /* this OS thread's original stack */
green_t *green_parent(const green_t *g);
int green_set_parent(green_t *g, green_t *parent); /* -1 EINVAL on a cycle */
bool green_is_dead(const green_t *g);
bool green_is_started(const green_t *g);
void *green_result(const green_t *g);  /* what its function returned */

/*
 * End `g` so that it unwinds to its end: its cleanup handlers run (newest
 * first), the rest of its function does not, it becomes dead with result
 * GREEN_KILLED, and control comes back to the caller. Killing a thread
 * that never started just marks it dead. Killing yourself is green_exit.
 * Cleanup handlers must not switch away.
 */
int green_kill(green_t *g);

/* End the running green thread now, with result `value`, after its
 * cleanup handlers. The root green thread cannot exit. */
_Noreturn void green_exit(void *value);

/* Release a green thread. A live one is killed first. Not the root, not
 * the running one. */
void green_free(green_t *g);

/* Cleanup handlers, as pthread_cleanup_push/pop: run when the green thread
 * is killed or exits while the handler is pushed. The node lives in the
 * caller's frame, so no allocation. Pop in reverse order of push. */
struct green_cleanup {
	void (*fn)(void *arg);
	void *arg;
	struct green_cleanup *next;
};
void green_cleanup_push(struct green_cleanup *c, void (*fn)(void *), void *arg);
void green_cleanup_pop(struct green_cleanup *c, bool run);

/* ---- layer 2: the cooperative scheduler (gevent) -------------------- */

/* A task: a green thread whose parent is the hub, queued to run. It starts
 * when the spawner yields or blocks. Join it exactly once. */
green_t *green_spawn(green_fn fn, void *arg, size_t stack_size);

/* Let every other ready task run once, then continue. */
void green_yield(void);

/*
 * Wait for `g` to end, store its result, free it. -1 with errno EDEADLK if
 * `g` is the caller or if nothing could ever wake the caller (every task is
 * blocked, no timer, no descriptor); EINVAL if someone else already joins.
 */
int green_join(green_t *g, void **result);

/* Sleep at least `ns` (resolution: poll's milliseconds). Other tasks run. */
void green_sleep_ns(uint64_t ns);
static inline void green_sleep_ms(unsigned ms) { green_sleep_ns((uint64_t)ms * 1000000u); }

/* A bounded FIFO of pointers between tasks. send waits while full, recv
 * while empty. After close, send fails with EPIPE and recv drains what is
 * left, then fails with EPIPE. Both fail with EDEADLK on a deadlock. */
typedef struct green_chan green_chan_t;
green_chan_t *green_chan_new(size_t capacity); /* capacity >= 1 */
int green_chan_send(green_chan_t *c, void *v);
int green_chan_recv(green_chan_t *c, void **v);
void green_chan_close(green_chan_t *c);
size_t green_chan_len(const green_chan_t *c);
void green_chan_free(green_chan_t *c);

/* ---- I/O that yields instead of blocking ---------------------------- */

int green_set_nonblock(int fd);
/* Park until poll() reports `events` (or an error) on fd; returns revents. */
int green_wait_fd(int fd, short events);
/* As read/write/accept, but on EAGAIN park until ready and retry. The
 * descriptor must be non-blocking (green_set_nonblock). */
ssize_t green_read(int fd, void *buf, size_t n);
ssize_t green_write(int fd, const void *buf, size_t n);
ssize_t green_write_all(int fd, const void *buf, size_t n);
/* The accepted descriptor is non-blocking already (accept4). */
int green_accept(int fd, struct sockaddr *addr, socklen_t *len);

#endif
