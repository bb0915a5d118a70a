/*
 * Lesson: a thread pool with futures and done-callbacks (Python's
 * concurrent.futures.ThreadPoolExecutor).
 *
 * A pool of 2 worker threads gets 4 "downloads" that take 0.3, 0.2, 0.4
 * and 0.1 s (they sleep). submit() returns at once with a future; only 2
 * tasks run at a time, the others wait in the pool's queue. Each future
 * gets a done-callback, which the worker that finishes the task calls.
 * Meanwhile the main thread asks done() (not yet), asks for a result
 * with a 0.05 s timeout (ETIMEDOUT: not ready), cancels a fifth task
 * that is still queued, and finally collects every result, in the order
 * of submission, waiting where needed. shutdown with POOL_WAIT ends the
 * pool once its workers have finished.
 *
 * Expected output (callbacks come in the order the tasks finish, from
 * the worker that ran each; the result lines come in submission order,
 * each as soon as its task is done, so the two kinds interleave):
 *   submitted 4 downloads to 2 threads
 *   page 1 done? no
 *   page 1 within 0.05 s? no: ETIMEDOUT
 *   cancel page 5 (still queued)? yes
 *   callback: page 2 (0.2 s) done, in thread pool-1
 *   callback: page 1 (0.3 s) done, in thread pool-0
 *   result of page 1: 300 ms
 *   result of page 2: 200 ms
 *   callback: page 4 (0.1 s) done, in thread pool-0
 *   callback: page 3 (0.4 s) done, in thread pool-1
 *   result of page 3: 400 ms
 *   result of page 4: 100 ms
 *   page 5: cancelled
 *
 * Needs: threads (clone, futex with timeouts), nanosleep. The pool is
 * userland/lib/pool.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "pool.h"

struct page {
	int number;
	long ms;
};

/* The task: "download" a page, which takes ms milliseconds. */
static void *download(void *arg)
{
	struct page *p = arg;
	struct timespec t = { 0, p->ms * 1000000 };
	nanosleep(&t, NULL);
	return (void *)(intptr_t)p->ms;
}

static void done(struct pool_future *f, void *arg)
{
	struct page *p = arg;
	char thread[16] = "?";
	(void)f; /* pool_future_result(f, 0, ...) would not wait: it is done */
	pthread_getname_np(pthread_self(), thread, sizeof thread);
	printf("callback: page %d (0.%ld s) done, in thread %s\n", p->number,
	       p->ms / 100, thread);
}

int main(void)
{
	static struct page pages[] = { { 1, 300 }, { 2, 200 }, { 3, 400 },
				       { 4, 100 }, { 5, 100 } };
	struct pool_future *f[5];
	setvbuf(stdout, NULL, _IOLBF, 0);

	struct pool *pool = pool_threads(2);
	for (int i = 0; i < 4; i++) {
		f[i] = pool_submit(pool, download, &pages[i]);
		pool_future_add_done_callback(f[i], done, &pages[i]);
	}
	printf("submitted 4 downloads to 2 threads\n");
	printf("page 1 done? %s\n", pool_future_done(f[0]) ? "yes" : "no");
	int r = pool_future_result(f[0], 50, NULL);
	printf("page 1 within 0.05 s? %s\n", r == ETIMEDOUT ? "no: ETIMEDOUT" : "yes");

	f[4] = pool_submit(pool, download, &pages[4]);
	printf("cancel page 5 (still queued)? %s\n",
	       pool_future_cancel(f[4]) ? "yes" : "no, it already started");

	for (int i = 0; i < 5; i++) {
		void *ms;
		if (pool_future_result(f[i], -1, &ms) == 0)
			printf("result of page %d: %ld ms\n", i + 1, (long)(intptr_t)ms);
		else
			printf("page %d: cancelled\n", i + 1);
		pool_future_release(f[i]);
	}
	pool_shutdown(pool, POOL_WAIT);
	return 0;
}
