/*
 * queue.c — the pool: a FIFO of submitted tasks that N workers take from.
 *
 * The classic bounded-work pattern: submit appends a future to the queue
 * and signals a condition variable; each worker loops "wait until the
 * queue has something or the pool is shutting down; take the head; run
 * it". Shutting down sets a flag and wakes every worker; a worker leaves
 * once the flag is set and the queue is empty, so queued tasks still run
 * unless the shutdown cancels them first.
 *
 * Lifetime: the pool is referenced by its creator (until pool_shutdown)
 * and by each worker thread (until it exits). Whoever lets go last frees
 * it, which is what lets pool_shutdown without POOL_WAIT return at once:
 * the last worker out turns off the lights.
 *
 * Each kind of pool (thread_pool.c, process_pool.c) supplies the worker
 * thread's function; this file is all that they share.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pool_internal.h"

struct pool *pool_create(const struct pool_ops *ops, int n, void *impl)
{
	if (n <= 0) {
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);
		n = cpus > 0 ? (int)cpus : 1;
	}
	struct pool *p = calloc(1, sizeof *p);
	if (!p)
		return NULL;
	p->threads = calloc(n, sizeof *p->threads);
	if (!p->threads) {
		free(p);
		return NULL;
	}
	p->ops = ops;
	p->n = n;
	p->impl = impl;
	p->refs = 1;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->work, NULL);
	return p;
}

int pool_size(const struct pool *p)
{
	return p->n;
}

void pool_put(struct pool *p)
{
	pthread_mutex_lock(&p->lock);
	int left = --p->refs;
	pthread_mutex_unlock(&p->lock);
	if (left > 0)
		return;
	if (p->ops->destroy)
		p->ops->destroy(p);
	pthread_cond_destroy(&p->work);
	pthread_mutex_destroy(&p->lock);
	free(p->threads);
	free(p);
}

/* Take the whole queue, leaving it empty (called with p->lock held). */
static struct pool_future *take_queue_locked(struct pool *p)
{
	struct pool_future *list = p->head;
	p->head = p->tail = NULL;
	return list;
}

/* Fail every future of a taken queue and drop the pool's references. */
static void fail_all(struct pool_future *list, int error)
{
	while (list) {
		struct pool_future *next = list->next;
		future_fail_pending(list, error);
		pool_future_release(list);
		list = next;
	}
}

/*
 * Start one thread per worker, running worker(p). SIGPIPE is blocked in
 * them (they inherit this thread's mask): a process pool's thread writing
 * to a worker that died should get EPIPE, not kill the whole program.
 * On failure the started ones are stopped and the pool is freed.
 */
int pool_start_threads(struct pool *p, void *(*worker)(void *))
{
	sigset_t pipe_only, old;
	sigemptyset(&pipe_only);
	sigaddset(&pipe_only, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_only, &old);
	int err = 0;
	for (int i = 0; i < p->n; i++) {
		pthread_mutex_lock(&p->lock);
		p->refs++;
		p->live++;
		pthread_mutex_unlock(&p->lock);
		err = pthread_create(&p->threads[i], NULL, worker, p);
		if (err) {
			pthread_mutex_lock(&p->lock);
			p->refs--;
			p->live--;
			pthread_mutex_unlock(&p->lock);
			break;
		}
		p->nthreads++;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err)
		pool_shutdown(p, POOL_WAIT);
	return err;
}

/* Worker threads number themselves 0, 1, ... in the order they start. */
int pool_claim_index(struct pool *p)
{
	pthread_mutex_lock(&p->lock);
	int i = p->claimed++;
	pthread_mutex_unlock(&p->lock);
	return i;
}

/* The next task for a worker, or NULL: the pool is shutting down. */
struct pool_future *pool_next_task(struct pool *p)
{
	pthread_mutex_lock(&p->lock);
	while (!p->head && !p->shutting_down)
		pthread_cond_wait(&p->work, &p->lock);
	struct pool_future *f = p->head;
	if (f) {
		p->head = f->next;
		if (!p->head)
			p->tail = NULL;
		f->next = NULL;
	}
	pthread_mutex_unlock(&p->lock);
	return f;
}

/*
 * A worker thread leaves: because of shutdown, or because its worker
 * process died. When no worker is left, nobody would ever run what is
 * still queued: fail it, and every later submit.
 */
void pool_worker_exit(struct pool *p)
{
	struct pool_future *orphans = NULL;
	pthread_mutex_lock(&p->lock);
	if (--p->live == 0) {
		orphans = take_queue_locked(p);
		if (!p->shutting_down)
			p->broken = EOWNERDEAD;
	}
	pthread_mutex_unlock(&p->lock);
	fail_all(orphans, EOWNERDEAD);
	pool_put(p);
}

static struct pool_future *enqueue(struct pool *p, struct pool_future *f)
{
	int err = 0;
	pthread_mutex_lock(&p->lock);
	if (p->shutting_down)
		err = ESHUTDOWN;
	else if (p->broken)
		err = p->broken;
	else {
		if (p->tail)
			p->tail->next = f;
		else
			p->head = f;
		p->tail = f;
		pthread_cond_signal(&p->work);
	}
	pthread_mutex_unlock(&p->lock);
	if (err) {
		pool_future_release(f); /* the pool's reference */
		pool_future_release(f); /* and the one we would have returned */
		errno = err;
		return NULL;
	}
	return f;
}

struct pool_future *pool_submit(struct pool *p, pool_fn fn, void *arg)
{
	if (!p->ops->plain_tasks) {
		errno = EINVAL; /* a worker process cannot see *arg */
		return NULL;
	}
	struct pool_future *f = future_new();
	if (!f)
		return NULL;
	f->fn = fn;
	f->arg = arg;
	return enqueue(p, f);
}

struct pool_future *pool_submit_bytes(struct pool *p, pool_bytes_fn fn,
				      const void *arg, size_t size)
{
	if (size > POOL_MAX_BYTES) {
		errno = EMSGSIZE;
		return NULL;
	}
	struct pool_future *f = future_new();
	if (!f)
		return NULL;
	f->bytes = malloc(size ? size : 1);
	if (!f->bytes) {
		pool_future_release(f);
		pool_future_release(f);
		errno = ENOMEM;
		return NULL;
	}
	memcpy(f->bytes, arg, size);
	f->size = size;
	f->bytes_fn = fn;
	return enqueue(p, f);
}

void pool_shutdown(struct pool *p, int flags)
{
	struct pool_future *cancelled = NULL;
	pthread_mutex_lock(&p->lock);
	p->shutting_down = true;
	if (flags & POOL_CANCEL_PENDING)
		cancelled = take_queue_locked(p);
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->lock);
	fail_all(cancelled, ECANCELED);
	for (int i = 0; i < p->nthreads; i++) {
		if (flags & POOL_WAIT)
			pthread_join(p->threads[i], NULL);
		else
			pthread_detach(p->threads[i]);
	}
	pool_put(p); /* the creator's reference */
}

int pool_run_bytes(pool_bytes_fn fn, const void *arg, size_t size, void *out,
		   size_t cap, size_t *out_size)
{
	ssize_t r = fn(arg, size, out, cap);
	*out_size = 0;
	if (r < 0)
		return (int)-r;
	if ((size_t)r > cap)
		return EOVERFLOW; /* the task says it wrote past the buffer */
	*out_size = (size_t)r;
	return 0;
}
