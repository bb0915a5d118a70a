/*
 * Lesson: a process pool with futures and done-callbacks (Python's
 * concurrent.futures.ProcessPoolExecutor).
 *
 * Three worker processes are forked when the pool is made. Each task --
 * "is this number prime?" -- is sent to a free worker as bytes over a
 * pipe, and the answer comes back the same way: a worker has its own
 * copy of memory, so no pointer could cross. The answer says which
 * worker process computed it. The done-callbacks run in the parent
 * process (in the pool's thread for that worker), like Python's. A task
 * can also fail: asked about a number below 2 it returns -EDOM, which
 * the future reports as its error -- the C version of an exception.
 * shutdown with POOL_WAIT closes the task pipes, the workers exit, and
 * the pool reaps them.
 *
 * Expected output (pids vary; a callback line comes as each task
 * finishes, so callback and result lines interleave; the result lines
 * come in this order):
 *   pool of 3 worker processes; this is process 1200
 *   callback in process 1200: 1000000007 is prime (worker 1201)
 *   1000000007 is prime (worker 1201)
 *   callback in process 1200: 999999999989 is prime (worker 1202)
 *   ... (six callback lines in all)
 *   999999999989 is prime (worker 1202)
 *   1000000000039 is prime (worker 1203)
 *   999999999999 is not prime, divisible by 3 (worker 1201)
 *   600851475143 is not prime, divisible by 71 (worker 1202)
 *   2147483647 is prime (worker 1203)
 *   1: error EDOM (no answer for numbers below 2)
 *
 * Needs: fork, pipes, threads in the parent (clone, futex), wait4. The
 * pool is userland/lib/pool.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pool.h"

struct answer {
	uint64_t n, divisor; /* divisor 0: prime */
	pid_t worker;
};

/* Runs in a worker process: the argument and the answer are bytes. */
static ssize_t check_prime(const void *arg, size_t size, void *out, size_t cap)
{
	uint64_t n;
	if (size != sizeof n || cap < sizeof(struct answer))
		return -EINVAL;
	memcpy(&n, arg, sizeof n);
	if (n < 2)
		return -EDOM; /* the task's "exception" */
	struct answer a = { n, 0, getpid() };
	for (uint64_t d = 2; d * d <= n; d += d == 2 ? 1 : 2) {
		if (n % d == 0) {
			a.divisor = d;
			break;
		}
	}
	memcpy(out, &a, sizeof a);
	return sizeof a;
}

/* Print one line, with one printf: the callbacks print from other
 * threads, and two printfs could have someone else's line between them. */
static void describe(const char *before, const struct answer *a)
{
	if (a->divisor)
		printf("%s%llu is not prime, divisible by %llu (worker %d)\n", before,
		       (unsigned long long)a->n, (unsigned long long)a->divisor,
		       (int)a->worker);
	else
		printf("%s%llu is prime (worker %d)\n", before,
		       (unsigned long long)a->n, (int)a->worker);
}

static void done(struct pool_future *f, void *arg)
{
	struct answer *a;
	char before[48];
	(void)arg;
	if (pool_future_result(f, 0, (void **)&a) == 0) {
		snprintf(before, sizeof before, "callback in process %d: ", (int)getpid());
		describe(before, a);
	}
}

int main(void)
{
	static const uint64_t numbers[] = { 1000000007, 999999999989, 1000000000039,
					    999999999999, 600851475143, 2147483647, 1 };
	enum { N = sizeof numbers / sizeof numbers[0] };
	struct pool_future *f[N];
	setvbuf(stdout, NULL, _IOLBF, 0);

	struct pool *pool = pool_processes(3); /* forks the workers now */
	if (!pool) {
		perror("pool_processes");
		return 1;
	}
	printf("pool of %d worker processes; this is process %d\n", pool_size(pool),
	       (int)getpid());
	for (int i = 0; i < N; i++) {
		f[i] = pool_submit_bytes(pool, check_prime, &numbers[i], sizeof numbers[i]);
		pool_future_add_done_callback(f[i], done, NULL);
	}
	for (int i = 0; i < N; i++) {
		struct answer *a;
		int err = pool_future_result(f[i], -1, (void **)&a);
		if (err == 0)
			describe("", a);
		else
			printf("%llu: error %s (no answer for numbers below 2)\n",
			       (unsigned long long)numbers[i],
			       err == EDOM ? "EDOM" : strerror(err));
		pool_future_release(f[i]);
	}
	pool_shutdown(pool, POOL_WAIT);
	return 0;
}
