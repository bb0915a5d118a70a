/*
 * pool.h — pools of workers with futures and done-callbacks, in the way
 * of Python's concurrent.futures (ThreadPoolExecutor, ProcessPoolExecutor).
 *
 * A pool has N workers. You submit tasks; each submit returns at once with
 * a future, a handle on a result that is not there yet. N tasks run at a
 * time, the rest wait in a FIFO queue. You can then
 *   - wait for the result, with a timeout (pool_future_result),
 *   - ask whether it is done without waiting (pool_future_done),
 *   - cancel it while it still waits in the queue (pool_future_cancel),
 *   - have a function called with it once it is done
 *     (pool_future_add_done_callback).
 *
 * Two kinds of pool, one interface:
 *   pool_threads(n)    n threads of this process run the tasks. A task is
 *                      any function void *fn(void *), as for pthread_create,
 *                      and it sees this process's memory.
 *   pool_processes(n)  n forked worker processes run the tasks. A task
 *                      cannot see the caller's memory (a worker has its own
 *                      copy, made at fork), so arguments and results travel
 *                      as bytes, over pipes: submit with pool_submit_bytes.
 * pool_submit_bytes works on both kinds, so one program can switch between
 * threads and processes by changing one line.
 *
 * Errors are errno values (returned, or in errno for calls that return a
 * pointer). A future's error is one of:
 *   0            the task ran and returned
 *   ECANCELED    cancelled before it started (pool_future_cancel, or
 *                pool_shutdown with POOL_CANCEL_PENDING)
 *   EOWNERDEAD   the worker process running it died (a crash, a kill);
 *                that worker is gone, the others go on; when none is
 *                left, every waiting task fails this way too
 *   other        a bytes task returned -errno: its "exception"
 * pool_future_result also returns ETIMEDOUT when the timeout passes first.
 *
 * Threads: needs clone, futex (mutexes, condition variables with
 * timeouts) and TLS. Processes: additionally fork, pipes and wait4; the
 * pool keeps one thread per worker process in the caller, which feeds its
 * worker tasks and completes the futures (and so runs the callbacks).
 */
#ifndef WEFT_POOL_H
#define WEFT_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct pool;
struct pool_future;

/* A thread-pool task: the same shape as a pthread start function. */
typedef void *(*pool_fn)(void *arg);

/*
 * A bytes task: reads size bytes at arg, writes its result (at most cap
 * bytes) to out, returns how many it wrote, or -errno for an error. It runs
 * in a worker thread or a worker process; a function pointer means the
 * same thing in a forked worker, since the worker runs the same program.
 */
typedef ssize_t (*pool_bytes_fn)(const void *arg, size_t size, void *out,
				 size_t cap);

/* Called once the future is done (result, error or cancelled). */
typedef void (*pool_callback)(struct pool_future *f, void *arg);

/* Largest bytes-task argument and result. */
#define POOL_MAX_BYTES (64 * 1024)

/*
 * Create a pool of n workers (n <= 0: one per online CPU). NULL and errno
 * on failure. Create a process pool before starting threads of your own:
 * the workers are forked at once, and a fork copies only the calling
 * thread.
 */
struct pool *pool_threads(int n);
struct pool *pool_processes(int n);

/* How many workers the pool was created with. */
int pool_size(const struct pool *p);

/*
 * Queue fn(arg) and return its future; NULL and errno on failure:
 * ESHUTDOWN (the pool is shutting down), EINVAL (pool_submit on a process
 * pool), EMSGSIZE (arguments over POOL_MAX_BYTES), ENOMEM, EOWNERDEAD
 * (no worker process is left). Release the future when done with it.
 */
struct pool_future *pool_submit(struct pool *p, pool_fn fn, void *arg);
struct pool_future *pool_submit_bytes(struct pool *p, pool_bytes_fn fn,
				      const void *arg, size_t size);

/*
 * End the pool. No more submits are accepted. flags:
 *   POOL_WAIT            return only once every queued and running task
 *                        has finished and every worker has exited
 *   POOL_CANCEL_PENDING  cancel the tasks still in the queue (their
 *                        futures fail with ECANCELED); running ones finish
 * Without POOL_WAIT it returns at once; the workers finish in the
 * background and the pool frees itself after the last one. Either way p
 * must not be used afterwards. Futures stay valid until released.
 */
#define POOL_WAIT 1
#define POOL_CANCEL_PENDING 2
void pool_shutdown(struct pool *p, int flags);

/*
 * Wait up to timeout_ms (negative: forever, 0: do not wait) for the
 * future. Returns ETIMEDOUT if it is not done by then, else the future's
 * error (0 on success). On success *value (if value is not NULL) is
 *   - for pool_submit: what fn returned;
 *   - for pool_submit_bytes: the result bytes, owned by the future (valid
 *     until it is released), pool_future_size() of them.
 */
int pool_future_result(struct pool_future *f, long timeout_ms, void **value);
size_t pool_future_size(struct pool_future *f);

/* Done means finished, failed or cancelled: result() will not wait. */
bool pool_future_done(struct pool_future *f);

/* Cancel a task still waiting in the queue; false if it already started. */
bool pool_future_cancel(struct pool_future *f);

/*
 * Call cb(f, arg) once f is done: at once, in this thread, if it already
 * is; otherwise in whichever thread completes it (a worker thread, or the
 * thread that cancels it). Callbacks run in the order they were added.
 * Returns 0, or ENOMEM.
 */
int pool_future_add_done_callback(struct pool_future *f, pool_callback cb,
				  void *arg);

/* Drop the caller's reference; the pool drops its own when it is done. */
void pool_future_release(struct pool_future *f);

#endif
