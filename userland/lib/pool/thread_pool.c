/*
 * thread_pool.c — a pool whose workers are threads of this process.
 *
 * Each worker takes a task from the queue and calls it right here, so a
 * task can use any pointer the caller passes: the threads share one
 * address space. That sharing is also the catch: two tasks touching the
 * same data need a lock, exactly as two threads do.
 *
 * Each worker is named pool-N (pthread_setname_np), so it shows up as
 * such in /proc/<pid>/task/<tid>/comm and in ps.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pool_internal.h"

/* A bytes task, run in this thread; the result is copied into the future. */
static void run_bytes(struct pool_future *f, void **scratch)
{
	size_t n = 0;
	void *copy = NULL;
	int err = 0;
	if (!*scratch)
		*scratch = malloc(POOL_MAX_BYTES);
	if (!*scratch)
		err = ENOMEM;
	else
		err = pool_run_bytes(f->bytes_fn, f->bytes, f->size, *scratch,
				     POOL_MAX_BYTES, &n);
	if (!err) {
		copy = malloc(n ? n : 1);
		if (copy)
			memcpy(copy, *scratch, n);
		else
			err = ENOMEM;
	}
	future_finish(f, err, copy, err ? 0 : n, true); /* copy is NULL on error */
}

static void *thread_worker(void *arg)
{
	struct pool *p = arg;
	char name[16];
	void *scratch = NULL; /* result buffer for bytes tasks, made once */
	snprintf(name, sizeof name, "pool-%d", pool_claim_index(p));
	pthread_setname_np(pthread_self(), name); /* only a nicety: no check */

	struct pool_future *f;
	while ((f = pool_next_task(p))) {
		if (future_start(f)) { /* false: cancelled while queued */
			if (f->fn)
				future_finish(f, 0, f->fn(f->arg), 0, false);
			else
				run_bytes(f, &scratch);
		}
		pool_future_release(f);
	}
	free(scratch);
	pool_worker_exit(p);
	return NULL;
}

static const struct pool_ops thread_ops = {
	.plain_tasks = true,
	.destroy = NULL,
};

struct pool *pool_threads(int n)
{
	struct pool *p = pool_create(&thread_ops, n, NULL);
	if (!p)
		return NULL;
	int err = pool_start_threads(p, thread_worker);
	if (err) {
		errno = err;
		return NULL;
	}
	return p;
}
