/*
 * pool_internal.h — what the pool's files share: the future record, the
 * pool record with its task queue, and the calls between them.
 *
 *   future.c        a future's states, waiting, callbacks, references
 *   queue.c         the pool itself: the FIFO of tasks, submit, shutdown,
 *                   the pool's lifetime
 *   thread_pool.c   workers that are threads: run the task right here
 *   process_pool.c  workers that are processes: one thread here per
 *                   worker ships it the task over a pipe and reads back
 *                   the result over another
 */
#ifndef WEFT_POOL_INTERNAL_H
#define WEFT_POOL_INTERNAL_H

#include <pthread.h>

#include "pool.h"

/* PENDING -> RUNNING -> DONE, or PENDING -> DONE when cancelled. */
enum future_state { FUTURE_PENDING, FUTURE_RUNNING, FUTURE_DONE };

struct pool_callback_entry {
	pool_callback fn;
	void *arg;
	struct pool_callback_entry *next;
};

struct pool_future {
	pthread_mutex_t lock;
	pthread_cond_t done; /* broadcast when state becomes DONE */
	enum future_state state;
	int error;
	int refs; /* the caller's and the pool's: freed when both let go */

	/* the task: fn(arg), or bytes_fn(bytes, size, ...) */
	pool_fn fn;
	void *arg;
	pool_bytes_fn bytes_fn;
	void *bytes;
	size_t size;

	/* the result: fn's return value, or bytes we own */
	void *value;
	size_t value_size;
	bool owns_value;

	struct pool_callback_entry *callbacks; /* in the order added */
	struct pool_future *next;              /* in the pool's queue */
};

struct pool;

/* What differs between a thread pool and a process pool. */
struct pool_ops {
	/* pool_submit allowed (a plain function of the caller's memory)? */
	bool plain_tasks;
	/* free the kind's own data (every worker has exited by now) */
	void (*destroy)(struct pool *p);
};

struct pool {
	const struct pool_ops *ops;
	pthread_mutex_t lock;
	pthread_cond_t work; /* signalled when a task is queued or on shutdown */
	struct pool_future *head, *tail;
	bool shutting_down;
	int broken; /* 0, or the error every new task fails with */
	int refs;   /* the creator's, and one per worker thread still running */
	int n;
	int live;       /* workers that can still take tasks */
	int claimed;    /* worker indices handed out so far */
	int nthreads;   /* threads[] entries that were started */
	pthread_t *threads; /* one per worker (the process pool's feeders too) */
	void *impl;         /* the kind's own data */
};

/* future.c */
struct pool_future *future_new(void);
bool future_start(struct pool_future *f); /* PENDING -> RUNNING, or false */
void future_finish(struct pool_future *f, int error, void *value,
		   size_t size, bool owns_value);
bool future_fail_pending(struct pool_future *f, int error);

/* queue.c */
struct pool *pool_create(const struct pool_ops *ops, int n, void *impl);
int pool_start_threads(struct pool *p, void *(*worker)(void *));
int pool_claim_index(struct pool *p);
struct pool_future *pool_next_task(struct pool *p);
void pool_worker_exit(struct pool *p);
void pool_put(struct pool *p);

/* Run a bytes task in this process; returns its future's error. */
int pool_run_bytes(pool_bytes_fn fn, const void *arg, size_t size, void *out,
		   size_t cap, size_t *out_size);

#endif
