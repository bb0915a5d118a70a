/*
 * future.c — a future: one task's result, filled in later by a worker.
 *
 * Its life: PENDING in the queue, RUNNING once a worker takes it, DONE
 * when the worker stores the result (or an error). A PENDING future can
 * also go straight to DONE: cancelled, or failed because no worker is
 * left to run it. A worker takes a future with future_start(), which
 * fails if it was cancelled meanwhile; so exactly one of "run it" and
 * "cancel it" happens.
 *
 * Waiting is a condition variable on the state. It uses CLOCK_MONOTONIC,
 * so a timeout is not stretched or cut short when someone sets the date.
 *
 * Done-callbacks are run by whoever makes the future DONE, after letting
 * go of the future's lock: a callback may well call pool_future_result()
 * or add another callback, which take that lock again.
 *
 * Two references: the caller's (from submit) and the pool's (its queue,
 * then the worker). Whoever lets go last frees it.
 */
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "pool_internal.h"

struct pool_future *future_new(void)
{
	struct pool_future *f = calloc(1, sizeof *f);
	pthread_condattr_t attr;
	if (!f)
		return NULL;
	pthread_mutex_init(&f->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&f->done, &attr);
	pthread_condattr_destroy(&attr);
	f->state = FUTURE_PENDING;
	f->refs = 2;
	return f;
}

static void run_callbacks(struct pool_future *f, struct pool_callback_entry *c)
{
	while (c) {
		struct pool_callback_entry *next = c->next;
		c->fn(f, c->arg);
		free(c);
		c = next;
	}
}

/* Called with f->lock held: make f DONE; returns the callbacks to run. */
static struct pool_callback_entry *set_done_locked(struct pool_future *f,
						   int error)
{
	struct pool_callback_entry *c = f->callbacks;
	f->state = FUTURE_DONE;
	f->error = error;
	f->callbacks = NULL;
	pthread_cond_broadcast(&f->done);
	return c;
}

bool future_start(struct pool_future *f)
{
	pthread_mutex_lock(&f->lock);
	bool pending = f->state == FUTURE_PENDING;
	if (pending)
		f->state = FUTURE_RUNNING;
	pthread_mutex_unlock(&f->lock);
	return pending;
}

void future_finish(struct pool_future *f, int error, void *value,
		   size_t size, bool owns_value)
{
	pthread_mutex_lock(&f->lock);
	f->value = value;
	f->value_size = size;
	f->owns_value = owns_value;
	struct pool_callback_entry *c = set_done_locked(f, error);
	pthread_mutex_unlock(&f->lock);
	run_callbacks(f, c);
}

/* PENDING -> DONE with this error; false if it had already started. */
bool future_fail_pending(struct pool_future *f, int error)
{
	struct pool_callback_entry *c = NULL;
	pthread_mutex_lock(&f->lock);
	bool pending = f->state == FUTURE_PENDING;
	if (pending)
		c = set_done_locked(f, error);
	pthread_mutex_unlock(&f->lock);
	run_callbacks(f, c);
	return pending;
}

bool pool_future_cancel(struct pool_future *f)
{
	return future_fail_pending(f, ECANCELED);
}

bool pool_future_done(struct pool_future *f)
{
	pthread_mutex_lock(&f->lock);
	bool done = f->state == FUTURE_DONE;
	pthread_mutex_unlock(&f->lock);
	return done;
}

static struct timespec deadline_after(long ms)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	t.tv_sec += ms / 1000;
	t.tv_nsec += (ms % 1000) * 1000000L;
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	return t;
}

int pool_future_result(struct pool_future *f, long timeout_ms, void **value)
{
	struct timespec deadline = deadline_after(timeout_ms > 0 ? timeout_ms : 0);
	int r;
	pthread_mutex_lock(&f->lock);
	while (f->state != FUTURE_DONE) {
		if (timeout_ms < 0) {
			pthread_cond_wait(&f->done, &f->lock);
		} else if (timeout_ms == 0 ||
			   pthread_cond_timedwait(&f->done, &f->lock, &deadline) ==
				   ETIMEDOUT) {
			break;
		}
		/* else woken (or spuriously): look at the state again */
	}
	if (f->state != FUTURE_DONE) {
		r = ETIMEDOUT;
	} else {
		r = f->error;
		if (r == 0 && value)
			*value = f->value;
	}
	pthread_mutex_unlock(&f->lock);
	return r;
}

size_t pool_future_size(struct pool_future *f)
{
	pthread_mutex_lock(&f->lock);
	size_t size = f->state == FUTURE_DONE ? f->value_size : 0;
	pthread_mutex_unlock(&f->lock);
	return size;
}

int pool_future_add_done_callback(struct pool_future *f, pool_callback cb,
				  void *arg)
{
	struct pool_callback_entry *c = malloc(sizeof *c);
	if (!c)
		return ENOMEM;
	c->fn = cb;
	c->arg = arg;
	c->next = NULL;
	pthread_mutex_lock(&f->lock);
	if (f->state != FUTURE_DONE) {
		struct pool_callback_entry **end = &f->callbacks;
		while (*end)
			end = &(*end)->next;
		*end = c;
		pthread_mutex_unlock(&f->lock);
		return 0;
	}
	pthread_mutex_unlock(&f->lock);
	run_callbacks(f, c); /* already done: call it now, here */
	return 0;
}

void pool_future_release(struct pool_future *f)
{
	if (!f)
		return;
	pthread_mutex_lock(&f->lock);
	int left = --f->refs;
	pthread_mutex_unlock(&f->lock);
	if (left > 0)
		return;
	/* No callbacks can be left: the pool makes every future DONE before
	 * it lets go of it, and DONE takes the list. */
	if (f->owns_value)
		free(f->value);
	free(f->bytes);
	pthread_cond_destroy(&f->done);
	pthread_mutex_destroy(&f->lock);
	free(f);
}
