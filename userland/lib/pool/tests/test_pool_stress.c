/*
 * test_pool_stress — the pool under many threads at once, for the
 * sanitizers (`make pool-test` builds it with ThreadSanitizer, with
 * ASan+UBSan, and with musl -static).
 *
 * The guest test userland/tests/test_pool.c checks each behaviour once,
 * in a set order. Here the orders are left to the scheduler: several
 * threads submit, cancel and add callbacks while workers run and finish
 * tasks, and shutdowns race with all of it. What must hold whatever the
 * interleaving:
 *   - every future ends DONE, exactly once: it either ran (right value)
 *     or was cancelled, never both, never neither;
 *   - every callback runs exactly once, whether added before or after
 *     the future was done;
 *   - a pool shut down without waiting still runs its queue, and frees
 *     itself (LeakSanitizer would notice if it did not).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pool.h"
#include "tap.h"

#define SUBMITTERS 4
#define PER_SUBMITTER 400

static atomic_int callbacks_run, tasks_run;

static void *triple(void *arg)
{
	atomic_fetch_add(&tasks_run, 1);
	return (void *)((intptr_t)arg * 3);
}

static void count_callback(struct pool_future *f, void *arg)
{
	(void)arg;
	int r = pool_future_result(f, 0, NULL);
	if (r == ETIMEDOUT) /* a callback only ever sees a done future */
		abort();
	atomic_fetch_add(&callbacks_run, 1);
}

/*
 * A result can be seen before the callbacks ran: the worker makes the
 * future DONE (waking result()), then runs them. So wait for the count,
 * giving up (and failing) only after a long time.
 */
static int callbacks_reach(int n)
{
	for (int i = 0; i < 100000 && atomic_load(&callbacks_run) < n; i++)
		usleep(100);
	return atomic_load(&callbacks_run);
}

struct submitter {
	struct pool *p;
	int id;
	int ran, cancelled, bad;
};

/* Submit, add a callback before or after, cancel every third: check all. */
static void *submitter(void *arg)
{
	struct submitter *s = arg;
	struct pool_future *f[PER_SUBMITTER];
	for (int i = 0; i < PER_SUBMITTER; i++) {
		intptr_t x = s->id * 100000 + i;
		f[i] = pool_submit(s->p, triple, (void *)x);
		if (!f[i]) {
			s->bad++;
			continue;
		}
		if (i % 2 == 0)
			pool_future_add_done_callback(f[i], count_callback, NULL);
		if (i % 3 == 0)
			pool_future_cancel(f[i]);
	}
	for (int i = 0; i < PER_SUBMITTER; i++) {
		void *v = NULL;
		if (!f[i])
			continue;
		if (i % 2 == 1)
			pool_future_add_done_callback(f[i], count_callback, NULL);
		int r = pool_future_result(f[i], -1, &v);
		if (r == 0 && (intptr_t)v == (s->id * 100000 + i) * 3)
			s->ran++;
		else if (r == ECANCELED && i % 3 == 0)
			s->cancelled++;
		else
			s->bad++;
		pool_future_release(f[i]);
	}
	return NULL;
}

static void many_submitters(struct pool *p, int flags)
{
	pthread_t t[SUBMITTERS];
	struct submitter s[SUBMITTERS];
	atomic_store(&callbacks_run, 0);
	atomic_store(&tasks_run, 0);
	for (int i = 0; i < SUBMITTERS; i++) {
		s[i] = (struct submitter){ .p = p, .id = i };
		pthread_create(&t[i], NULL, submitter, &s[i]);
	}
	int ran = 0, cancelled = 0, bad = 0;
	for (int i = 0; i < SUBMITTERS; i++) {
		pthread_join(t[i], NULL);
		ran += s[i].ran;
		cancelled += s[i].cancelled;
		bad += s[i].bad;
	}
	pool_shutdown(p, flags);
	CHECK_EQ(bad, 0);
	CHECK_EQ(ran + cancelled, SUBMITTERS * PER_SUBMITTER);
	/* the submitters waited for every result before they ended */
	CHECK_EQ(atomic_load(&tasks_run), ran);
	CHECK_EQ(callbacks_reach(SUBMITTERS * PER_SUBMITTER), SUBMITTERS * PER_SUBMITTER);
}

static void threads_wait(void) { many_submitters(pool_threads(4), POOL_WAIT); }
static void threads_nowait(void) { many_submitters(pool_threads(3), 0); }

/*
 * Shutdown while the queue is long, cancelling or not, waiting or not:
 * nothing is lost, and without cancelling everything runs.
 */
static void shutdown_race(void)
{
	static const int flags[] = { POOL_CANCEL_PENDING, POOL_CANCEL_PENDING | POOL_WAIT, 0 };
	for (int round = 0; round < 30; round++) {
		struct pool *p = pool_threads(3);
		struct pool_future *f[200];
		atomic_store(&callbacks_run, 0);
		for (intptr_t i = 0; i < 200; i++) {
			f[i] = pool_submit(p, triple, (void *)i);
			pool_future_add_done_callback(f[i], count_callback, NULL);
		}
		int how = flags[round % 3];
		pool_shutdown(p, how);
		int ok = 0, cancelled = 0, bad = 0;
		for (int i = 0; i < 200; i++) {
			void *v;
			int r = pool_future_result(f[i], -1, &v);
			if (r == 0 && (intptr_t)v == i * 3)
				ok++;
			else if (r == ECANCELED)
				cancelled++;
			else
				bad++;
			pool_future_release(f[i]);
		}
		CHECK_EQ(bad, 0);
		CHECK_EQ(ok + cancelled, 200);
		if (!(how & POOL_CANCEL_PENDING))
			CHECK_EQ(ok, 200);
		CHECK_EQ(callbacks_reach(200), 200);
	}
}

static ssize_t echo_len(const void *arg, size_t size, void *out, size_t cap)
{
	(void)arg;
	if (cap < sizeof size)
		return -EMSGSIZE;
	memcpy(out, &size, sizeof size);
	return sizeof size;
}

/* A process pool fed by several threads at once. */
struct feeder_arg {
	struct pool *p;
	int bad;
};

static void *bytes_submitter(void *arg)
{
	struct feeder_arg *a = arg;
	static char payload[4096];
	struct pool_future *f[100];
	for (int i = 0; i < 100; i++) {
		f[i] = pool_submit_bytes(a->p, echo_len, payload, (size_t)i * 40);
		if (f[i])
			pool_future_add_done_callback(f[i], count_callback, NULL);
		if (f[i] && i % 5 == 0)
			pool_future_cancel(f[i]);
	}
	for (int i = 0; i < 100; i++) {
		void *v = NULL;
		if (!f[i]) {
			a->bad++;
			continue;
		}
		int r = pool_future_result(f[i], -1, &v);
		size_t got = 0;
		if (r == 0)
			memcpy(&got, v, sizeof got);
		if (!(r == 0 && got == (size_t)i * 40) &&
		    !(r == ECANCELED && i % 5 == 0))
			a->bad++;
		pool_future_release(f[i]);
	}
	return NULL;
}

static void processes_many_submitters(void)
{
	atomic_store(&callbacks_run, 0);
	struct pool *p = pool_processes(3);
	REQUIRE(p);
	pthread_t t[3];
	struct feeder_arg a[3];
	for (int i = 0; i < 3; i++) {
		a[i] = (struct feeder_arg){ .p = p };
		pthread_create(&t[i], NULL, bytes_submitter, &a[i]);
	}
	for (int i = 0; i < 3; i++) {
		pthread_join(t[i], NULL);
		CHECK_EQ(a[i].bad, 0);
	}
	pool_shutdown(p, POOL_WAIT);
	CHECK_EQ(callbacks_reach(300), 300);
	CHECK_ERR(waitpid(-1, NULL, WNOHANG), ECHILD);
}

int main(void)
{
	alarm(300);
	/* process pools first: forking is simplest before any thread exists */
	TAP(processes_many_submitters);
	TAP(threads_wait);
	TAP(threads_nowait);
	TAP(shutdown_race);
	return tap_done();
}
