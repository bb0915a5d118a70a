/*
 * test_pool — userland/lib/pool: thread and process pools with futures.
 *
 * Results come back right; N workers run exactly N tasks at a time; a
 * result with a timeout reports ETIMEDOUT while the task cannot finish
 * (tasks wait on a gate the test opens, so nothing depends on how fast
 * anything runs); done-callbacks run once, in order, in the worker or at
 * once in the caller if already done; cancel works only while queued;
 * shutdown with and without waiting, with and without cancelling; bytes
 * tasks on both kinds; a process pool runs tasks in other processes,
 * reports a task's -errno, survives a worker that dies (EOWNERDEAD),
 * reaps its workers on shutdown, and shuts down even while other
 * processes hold copies of its pipes.
 *
 * Needs threads (clone, futex with timeouts, TLS); the process pool also
 * fork, pipes and wait4.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>

#include "guest.h"
#include "pool.h"

/* ---- a gate: tasks wait until the test opens it ---- */

static pthread_mutex_t gate_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cv = PTHREAD_COND_INITIALIZER;
static bool gate_open;
static int gate_waiting; /* tasks now waiting at the gate */

static void gate_close(void)
{
	pthread_mutex_lock(&gate_lock);
	gate_open = false;
	gate_waiting = 0;
	pthread_mutex_unlock(&gate_lock);
}

static void gate_release(void)
{
	pthread_mutex_lock(&gate_lock);
	gate_open = true;
	pthread_cond_broadcast(&gate_cv);
	pthread_mutex_unlock(&gate_lock);
}

/* Wait until n tasks are waiting at the gate (they have started). */
static void gate_wait_for(int n)
{
	pthread_mutex_lock(&gate_lock);
	while (gate_waiting < n)
		pthread_cond_wait(&gate_cv, &gate_lock);
	pthread_mutex_unlock(&gate_lock);
}

static void *gated(void *arg)
{
	pthread_mutex_lock(&gate_lock);
	gate_waiting++;
	pthread_cond_broadcast(&gate_cv);
	while (!gate_open)
		pthread_cond_wait(&gate_cv, &gate_lock);
	pthread_mutex_unlock(&gate_lock);
	return arg;
}

static void *square(void *arg)
{
	intptr_t x = (intptr_t)arg;
	return (void *)(x * x);
}

/* ---- thread pool ---- */

static void thread_results(void)
{
	struct pool *p = pool_threads(4);
	REQUIRE(p);
	CHECK_EQ(pool_size(p), 4);
	struct pool_future *f[20];
	for (intptr_t i = 0; i < 20; i++)
		CHECK((f[i] = pool_submit(p, square, (void *)i)) != NULL);
	for (intptr_t i = 0; i < 20; i++) {
		void *v = NULL;
		if (!f[i])
			continue;
		CHECK_EQ(pool_future_result(f[i], -1, &v), 0);
		CHECK_EQ((intptr_t)v, i * i);
		CHECK(pool_future_done(f[i]));
		pool_future_release(f[i]);
	}
	pool_shutdown(p, POOL_WAIT);
}

/* n <= 0 means one worker per CPU, at least one. */
static void default_size(void)
{
	struct pool *p = pool_threads(0);
	REQUIRE(p);
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	CHECK_EQ(pool_size(p), cpus > 0 ? cpus : 1);
	pool_shutdown(p, POOL_WAIT);
}

/*
 * N workers run N tasks at a time and never more: each of the first N
 * tasks waits until N tasks are running, which only N distinct workers
 * can bring about; a counter records the most ever running at once.
 */
#define AT_ONCE 3
static pthread_mutex_t run_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t run_cv = PTHREAD_COND_INITIALIZER;
static int running, max_running, started;

static void *counted(void *arg)
{
	intptr_t i = (intptr_t)arg;
	pthread_mutex_lock(&run_lock);
	running++;
	started++;
	if (running > max_running)
		max_running = running;
	pthread_cond_broadcast(&run_cv);
	while (i < AT_ONCE && started < AT_ONCE)
		pthread_cond_wait(&run_cv, &run_lock);
	running--;
	pthread_mutex_unlock(&run_lock);
	return NULL;
}

static void n_at_a_time(void)
{
	struct pool *p = pool_threads(AT_ONCE);
	REQUIRE(p);
	struct pool_future *f[12];
	for (intptr_t i = 0; i < 12; i++)
		f[i] = pool_submit(p, counted, (void *)i);
	for (int i = 0; i < 12; i++) {
		CHECK(f[i] != NULL);
		if (f[i]) {
			CHECK_EQ(pool_future_result(f[i], -1, NULL), 0);
			pool_future_release(f[i]);
		}
	}
	pool_shutdown(p, POOL_WAIT);
	CHECK_EQ(started, 12);
	CHECK_EQ(max_running, AT_ONCE);
}

/* Not done yet: the result call times out with ETIMEDOUT, both ways. */
static void result_timeout(void)
{
	gate_close();
	struct pool *p = pool_threads(1);
	REQUIRE(p);
	struct pool_future *f = pool_submit(p, gated, (void *)7);
	REQUIRE(f);
	void *v = (void *)1;
	CHECK_EQ(pool_future_result(f, 0, &v), ETIMEDOUT);
	CHECK_EQ(pool_future_result(f, 20, &v), ETIMEDOUT);
	CHECK_EQ((intptr_t)v, 1); /* untouched */
	CHECK(!pool_future_done(f));
	CHECK_EQ(pool_future_size(f), 0);
	gate_release();
	CHECK_EQ(pool_future_result(f, 60 * 1000, &v), 0);
	CHECK_EQ((intptr_t)v, 7);
	pool_future_release(f);
	pool_shutdown(p, POOL_WAIT);
}

/* ---- callbacks ---- */

struct cb_log {
	pthread_mutex_t lock;
	char order[16]; /* which callbacks ran, in order */
	int n;
	pthread_t thread[16];
	int error[16];
	intptr_t value[16];
};

static void record(struct pool_future *f, struct cb_log *log, char tag)
{
	void *v = NULL;
	int err = pool_future_result(f, 0, &v); /* done: never waits */
	pthread_mutex_lock(&log->lock);
	if (log->n < 15) {
		log->thread[log->n] = pthread_self();
		log->error[log->n] = err;
		log->value[log->n] = (intptr_t)v;
		log->order[log->n++] = tag;
	}
	pthread_mutex_unlock(&log->lock);
}

static struct cb_log cb_log = { .lock = PTHREAD_MUTEX_INITIALIZER };
static void cb_a(struct pool_future *f, void *arg) { (void)arg; record(f, &cb_log, 'a'); }
static void cb_b(struct pool_future *f, void *arg) { (void)arg; record(f, &cb_log, 'b'); }
static void cb_c(struct pool_future *f, void *arg) { (void)arg; record(f, &cb_log, 'c'); }

static void done_callbacks(void)
{
	memset(cb_log.order, 0, sizeof cb_log.order);
	cb_log.n = 0;
	gate_close();
	struct pool *p = pool_threads(1);
	REQUIRE(p);
	struct pool_future *f = pool_submit(p, gated, (void *)5);
	REQUIRE(f);
	/* added while not done: run later, by the worker, in this order */
	CHECK_EQ(pool_future_add_done_callback(f, cb_a, NULL), 0);
	CHECK_EQ(pool_future_add_done_callback(f, cb_b, NULL), 0);
	CHECK_EQ(cb_log.n, 0);
	gate_release();
	CHECK_EQ(pool_future_result(f, -1, NULL), 0);
	/* the worker calls them after marking the future done: wait for it */
	pool_shutdown(p, POOL_WAIT);
	CHECK_EQ(cb_log.n, 2);
	CHECK(strcmp(cb_log.order, "ab") == 0);
	for (int i = 0; i < 2 && i < cb_log.n; i++) {
		CHECK(!pthread_equal(cb_log.thread[i], pthread_self()));
		CHECK_EQ(cb_log.error[i], 0);
		CHECK_EQ(cb_log.value[i], 5);
	}
	/* added once done: runs at once, here */
	CHECK_EQ(pool_future_add_done_callback(f, cb_c, NULL), 0);
	CHECK_EQ(cb_log.n, 3);
	CHECK(strcmp(cb_log.order, "abc") == 0);
	if (cb_log.n == 3)
		CHECK(pthread_equal(cb_log.thread[2], pthread_self()));
	pool_future_release(f);
}

/* Cancel: only while queued; the callback sees ECANCELED. */
static void cancel_queued(void)
{
	memset(cb_log.order, 0, sizeof cb_log.order);
	cb_log.n = 0;
	gate_close();
	struct pool *p = pool_threads(1);
	REQUIRE(p);
	struct pool_future *busy = pool_submit(p, gated, NULL);
	struct pool_future *queued = pool_submit(p, square, (void *)3);
	REQUIRE(busy && queued);
	gate_wait_for(1); /* busy is running: the one worker is taken */
	CHECK_EQ(pool_future_add_done_callback(queued, cb_a, NULL), 0);
	CHECK(pool_future_cancel(queued));
	CHECK(pool_future_done(queued));
	CHECK_EQ(pool_future_result(queued, 0, NULL), ECANCELED);
	CHECK_EQ(cb_log.n, 1); /* run by the cancelling thread */
	CHECK_EQ(cb_log.error[0], ECANCELED);
	CHECK(!pool_future_cancel(busy)); /* running: too late */
	CHECK(!pool_future_cancel(queued)); /* already done */
	gate_release();
	CHECK_EQ(pool_future_result(busy, -1, NULL), 0);
	pool_shutdown(p, POOL_WAIT);
	CHECK_EQ(cb_log.n, 1); /* the cancelled task never ran */
	pool_future_release(busy);
	pool_future_release(queued);
}

/* ---- shutdown ---- */

static int ran;
static pthread_mutex_t ran_lock = PTHREAD_MUTEX_INITIALIZER;
static void *count_run(void *arg)
{
	pthread_mutex_lock(&ran_lock);
	ran++;
	pthread_mutex_unlock(&ran_lock);
	return arg;
}

/* POOL_WAIT: every queued task has run when shutdown returns. */
static void shutdown_wait(void)
{
	ran = 0;
	struct pool *p = pool_threads(2);
	REQUIRE(p);
	struct pool_future *f[10];
	for (int i = 0; i < 10; i++)
		f[i] = pool_submit(p, count_run, NULL);
	pool_shutdown(p, POOL_WAIT);
	CHECK_EQ(ran, 10);
	for (int i = 0; i < 10; i++) {
		CHECK(f[i] && pool_future_done(f[i]));
		CHECK_EQ(pool_future_result(f[i], 0, NULL), 0);
		pool_future_release(f[i]);
	}
}

/*
 * Without POOL_WAIT: returns while a task is still stuck at the gate (if
 * it waited, this would hang); the queued tasks still run afterwards.
 */
static void shutdown_nowait(void)
{
	ran = 0;
	gate_close();
	struct pool *p = pool_threads(1);
	REQUIRE(p);
	struct pool_future *busy = pool_submit(p, gated, NULL), *f[5];
	for (int i = 0; i < 5; i++)
		f[i] = pool_submit(p, count_run, NULL);
	gate_wait_for(1);
	pool_shutdown(p, 0);
	CHECK(!pool_future_done(busy));
	gate_release();
	CHECK_EQ(pool_future_result(busy, -1, NULL), 0);
	for (int i = 0; i < 5; i++) {
		CHECK(f[i] != NULL);
		CHECK_EQ(pool_future_result(f[i], -1, NULL), 0);
		pool_future_release(f[i]);
	}
	CHECK_EQ(ran, 5);
	pool_future_release(busy);
}

/* POOL_CANCEL_PENDING: queued tasks fail with ECANCELED at once. */
static void shutdown_cancel(void)
{
	ran = 0;
	gate_close();
	struct pool *p = pool_threads(1);
	REQUIRE(p);
	struct pool_future *busy = pool_submit(p, gated, NULL), *f[5];
	for (int i = 0; i < 5; i++)
		f[i] = pool_submit(p, count_run, NULL);
	gate_wait_for(1);
	pool_shutdown(p, POOL_CANCEL_PENDING);
	for (int i = 0; i < 5; i++) {
		CHECK(f[i] && pool_future_done(f[i]));
		CHECK_EQ(pool_future_result(f[i], 0, NULL), ECANCELED);
		pool_future_release(f[i]);
	}
	CHECK(!pool_future_done(busy));
	gate_release();
	CHECK_EQ(pool_future_result(busy, -1, NULL), 0);
	CHECK_EQ(ran, 0);
	pool_future_release(busy);
}

/* ---- bytes tasks ---- */

/* Reverses its argument; the first byte 'E' makes it fail with ENOENT. */
static ssize_t reverse(const void *arg, size_t size, void *out, size_t cap)
{
	const unsigned char *in = arg;
	unsigned char *o = out;
	if (size && in[0] == 'E')
		return -ENOENT;
	if (size > cap)
		return -EMSGSIZE;
	for (size_t i = 0; i < size; i++)
		o[i] = in[size - 1 - i];
	return size;
}

/* Sums the ints it is given; answers { sum, pid of the worker }. */
struct sum_result {
	long sum;
	pid_t pid;
};
static ssize_t sum_ints(const void *arg, size_t size, void *out, size_t cap)
{
	const int *v = arg;
	struct sum_result r = { 0, getpid() };
	for (size_t i = 0; i < size / sizeof *v; i++)
		r.sum += v[i];
	if (cap < sizeof r)
		return -EMSGSIZE;
	memcpy(out, &r, sizeof r);
	return sizeof r;
}

static void check_reverse(struct pool *p)
{
	static unsigned char big[POOL_MAX_BYTES - 8];
	for (size_t i = 0; i < sizeof big; i++)
		big[i] = (unsigned char)(i * 7 + 1);
	big[0] = 'a';
	struct pool_future *f = pool_submit_bytes(p, reverse, big, sizeof big);
	struct pool_future *e = pool_submit_bytes(p, reverse, "Error", 5);
	struct pool_future *empty = pool_submit_bytes(p, reverse, "", 0);
	REQUIRE(f && e && empty);
	void *v = NULL;
	CHECK_EQ(pool_future_result(f, -1, &v), 0);
	CHECK_EQ(pool_future_size(f), sizeof big);
	size_t bad = 0;
	for (size_t i = 0; v && i < sizeof big; i++)
		bad += ((unsigned char *)v)[i] != big[sizeof big - 1 - i];
	CHECK_EQ(bad, 0);
	CHECK_EQ(pool_future_result(e, -1, NULL), ENOENT);
	CHECK_EQ(pool_future_result(empty, -1, NULL), 0);
	CHECK_EQ(pool_future_size(empty), 0);
	pool_future_release(f);
	pool_future_release(e);
	pool_future_release(empty);
	errno = 0;
	CHECK(pool_submit_bytes(p, reverse, big, POOL_MAX_BYTES + 1) == NULL);
	CHECK_EQ(errno, EMSGSIZE);
}

static void thread_bytes(void)
{
	struct pool *p = pool_threads(2);
	REQUIRE(p);
	check_reverse(p);
	pool_shutdown(p, POOL_WAIT);
}

/* ---- process pool ---- */

static int cb_count;
static pthread_mutex_t cb_count_lock = PTHREAD_MUTEX_INITIALIZER;
static void count_cb(struct pool_future *f, void *arg)
{
	(void)f;
	(void)arg;
	pthread_mutex_lock(&cb_count_lock);
	cb_count++;
	pthread_mutex_unlock(&cb_count_lock);
}

static void process_results(void)
{
	cb_count = 0;
	struct pool *p = pool_processes(3);
	REQUIRE(p);
	CHECK_EQ(pool_size(p), 3);
	struct pool_future *f[12];
	for (int i = 0; i < 12; i++) {
		int v[100];
		for (int j = 0; j < 100; j++)
			v[j] = i * 100 + j;
		f[i] = pool_submit_bytes(p, sum_ints, v, sizeof v);
		if (f[i])
			CHECK_EQ(pool_future_add_done_callback(f[i], count_cb, NULL), 0);
	}
	pid_t pids[12];
	int distinct = 0;
	for (int i = 0; i < 12; i++) {
		struct sum_result *r = NULL;
		REQUIRE(f[i]);
		CHECK_EQ(pool_future_result(f[i], -1, (void **)&r), 0);
		CHECK_EQ(pool_future_size(f[i]), sizeof *r);
		if (!r)
			continue;
		/* sum of i*100 .. i*100+99 */
		CHECK_EQ(r->sum, 100L * i * 100 + 4950);
		CHECK(r->pid != getpid()); /* ran in a worker process */
		int seen = 0;
		for (int j = 0; j < distinct; j++)
			seen |= pids[j] == r->pid;
		if (!seen)
			pids[distinct++] = r->pid;
	}
	CHECK(distinct >= 1 && distinct <= 3);
	errno = 0;
	CHECK(pool_submit(p, square, NULL) == NULL); /* no pointers across */
	CHECK_EQ(errno, EINVAL);
	pool_shutdown(p, POOL_WAIT);
	CHECK_EQ(cb_count, 12);
	for (int i = 0; i < 12; i++)
		pool_future_release(f[i]);
	/* shutdown reaped every worker */
	CHECK_ERR(waitpid(-1, NULL, WNOHANG), ECHILD);
}

static void process_bytes(void)
{
	struct pool *p = pool_processes(2);
	REQUIRE(p);
	check_reverse(p);
	pool_shutdown(p, POOL_WAIT);
	CHECK_ERR(waitpid(-1, NULL, WNOHANG), ECHILD);
}

/* Waits for one byte on the fd it is given: a gate between processes. */
static ssize_t wait_byte(const void *arg, size_t size, void *out, size_t cap)
{
	int fd;
	char c;
	(void)cap;
	if (size != sizeof fd)
		return -EINVAL;
	memcpy(&fd, arg, sizeof fd);
	if (read(fd, &c, 1) != 1)
		return -EIO;
	memcpy(out, &c, 1);
	return 1;
}

static ssize_t die(const void *arg, size_t size, void *out, size_t cap)
{
	(void)arg, (void)size, (void)out, (void)cap;
	raise(SIGKILL);
	return 0;
}

/*
 * Timeout, cancel and shutdown in a process pool, with a gate pipe the
 * workers inherit (made before the pool, so they have it too).
 */
static void process_timeout_cancel(void)
{
	int gate[2];
	REQUIRE(pipe(gate) == 0);
	struct pool *p = pool_processes(1);
	REQUIRE(p);
	struct pool_future *busy = pool_submit_bytes(p, wait_byte, &gate[0], sizeof gate[0]);
	struct pool_future *queued = pool_submit_bytes(p, sum_ints, "", 0);
	struct pool_future *cancelled = pool_submit_bytes(p, sum_ints, "", 0);
	REQUIRE(busy && queued && cancelled);
	CHECK_EQ(pool_future_result(busy, 20, NULL), ETIMEDOUT);
	CHECK(pool_future_cancel(cancelled));
	CHECK_EQ(pool_future_result(cancelled, 0, NULL), ECANCELED);
	CHECK_EQ(write(gate[1], "g", 1), 1);
	void *v = NULL;
	CHECK_EQ(pool_future_result(busy, -1, &v), 0);
	CHECK(v && *(char *)v == 'g');
	CHECK_EQ(pool_future_result(queued, -1, NULL), 0);
	pool_shutdown(p, POOL_WAIT);
	pool_future_release(busy);
	pool_future_release(queued);
	pool_future_release(cancelled);
	close(gate[0]);
	close(gate[1]);
	CHECK_ERR(waitpid(-1, NULL, WNOHANG), ECHILD);
}

/*
 * A worker dies: its task fails with EOWNERDEAD, the other worker goes on;
 * when the last one dies, what is queued fails and so do new submits.
 */
static void process_worker_dies(void)
{
	struct pool *p = pool_processes(2);
	REQUIRE(p);
	struct pool_future *d = pool_submit_bytes(p, die, "", 0);
	REQUIRE(d);
	CHECK_EQ(pool_future_result(d, -1, NULL), EOWNERDEAD);
	pool_future_release(d);
	int v[3] = { 1, 2, 3 };
	for (int i = 0; i < 4; i++) {
		struct sum_result *r = NULL;
		struct pool_future *f = pool_submit_bytes(p, sum_ints, v, sizeof v);
		REQUIRE(f);
		CHECK_EQ(pool_future_result(f, -1, (void **)&r), 0);
		CHECK(r && r->sum == 6);
		pool_future_release(f);
	}
	d = pool_submit_bytes(p, die, "", 0);
	REQUIRE(d);
	CHECK_EQ(pool_future_result(d, -1, NULL), EOWNERDEAD);
	pool_future_release(d);
	/* both gone now (the feeder leaves before the next task): the pool
	 * is broken, and says so */
	struct pool_future *late = pool_submit_bytes(p, sum_ints, v, sizeof v);
	if (late) { /* queued just before the last feeder left: it fails */
		CHECK_EQ(pool_future_result(late, -1, NULL), EOWNERDEAD);
		pool_future_release(late);
	} else {
		CHECK_EQ(errno, EOWNERDEAD);
	}
	pool_shutdown(p, POOL_WAIT);
	CHECK_ERR(waitpid(-1, NULL, WNOHANG), ECHILD);
}

/*
 * Shutdown must not depend on end-of-file: processes forked while a
 * pool is alive (another pool's workers, a child of the program) hold
 * copies of its task pipes. Two pools at once, and a child that lives
 * on: both shutdowns still return.
 */
static void process_pools_overlapping(void)
{
	int hold[2];
	char c;
	struct pool *a = pool_processes(1);
	REQUIRE(a);
	REQUIRE(pipe(hold) == 0);
	fflush(stdout);
	pid_t child = fork(); /* has copies of a's pipes until we let it go */
	if (child == 0) {
		close(hold[1]);
		read(hold[0], &c, 1);
		_exit(0);
	}
	close(hold[0]);
	struct pool *b = pool_processes(1); /* its worker has a's pipes too */
	REQUIRE(b);
	int v[2] = { 20, 22 };
	struct pool_future *fa = pool_submit_bytes(a, sum_ints, v, sizeof v);
	struct pool_future *fb = pool_submit_bytes(b, sum_ints, v, sizeof v);
	REQUIRE(fa && fb);
	struct sum_result *r = NULL;
	CHECK_EQ(pool_future_result(fa, -1, (void **)&r), 0);
	CHECK(r && r->sum == 42);
	CHECK_EQ(pool_future_result(fb, -1, (void **)&r), 0);
	CHECK(r && r->sum == 42);
	pool_future_release(fa);
	pool_future_release(fb);
	pool_shutdown(a, POOL_WAIT); /* b's worker and the child still hold a's pipes */
	pool_shutdown(b, POOL_WAIT);
	close(hold[1]);
	int status;
	CHECK_EQ(waitpid(child, &status, 0), child);
	CHECK_ERR(waitpid(-1, NULL, WNOHANG), ECHILD);
}

int main(void)
{
	alarm(120); /* a hang becomes a failure, where alarm exists */
	guest_begin();
	TAP(thread_results);
	TAP(default_size);
	TAP(n_at_a_time);
	TAP(result_timeout);
	TAP(done_callbacks);
	TAP(cancel_queued);
	TAP(shutdown_wait);
	TAP(shutdown_nowait);
	TAP(shutdown_cancel);
	TAP(thread_bytes);
	TAP(process_results);
	TAP(process_bytes);
	TAP(process_timeout_cancel);
	TAP(process_worker_dies);
	TAP(process_pools_overlapping);
	guest_end();
	return tap_done();
}
