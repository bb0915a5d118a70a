/*
 * bench — what process operations cost, one "name value unit" line each:
 *
 *   fork_exit_wait_us   fork a child that exits at once, wait for it
 *   getpid_ns           the cheapest system call: enter the kernel, return
 *   pipe_pingpong_us    two processes pass one byte back and forth over
 *                       two pipes: one round trip = two wake-ups
 *   pipe_bw_mbs         a child writes 64 KiB chunks into a pipe, the
 *                       parent reads them: megabytes (10^6 bytes) per s
 *   yield_pingpong_us   two processes on one CPU take turns through a
 *                       shared counter, each sched_yield()ing while it
 *                       is not its turn: one round trip = two switches
 *   thread_create_join_us  pthread_create a thread that returns at once,
 *                       pthread_join it
 *   mutex_pingpong_us   two threads forced to alternate through three
 *                       mutexes (each only ever unlocked by its owner):
 *                       one round trip = two futex hand-overs
 *   condvar_pingpong_us two threads alternate through a mutex, a
 *                       condition variable and a turn flag: one round
 *                       trip = two wait/signal hand-overs
 *   mutex_uncontended_ns  lock + unlock of a mutex nobody else wants:
 *                       atomics only, no system call
 *
 * The same source runs on Weft and on Linux, so the numbers compare.
 * Each measurement doubles its iteration count until a run takes at
 * least MIN_NS, so it is quick on fast machines and still meaningful
 * under QEMU's emulation.
 *
 *   bench [name]     all, or only the one named
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MIN_NS 200000000ull /* 0.2 s */
#define CHUNK (64 * 1024)

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

/* Run fn(n) for n = 1, 2, 4, ... until it takes MIN_NS; ns per iteration. */
static double measure(void (*fn)(long))
{
	for (long n = 1;; n *= 2) {
		uint64_t t0 = now_ns();
		fn(n);
		uint64_t dt = now_ns() - t0;
		if (dt >= MIN_NS)
			return (double)dt / n;
	}
}

static void fork_exit_wait(long n)
{
	for (long i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid == 0)
			_exit(0);
		waitpid(pid, NULL, 0);
	}
}

static void getpid_loop(long n)
{
	for (long i = 0; i < n; i++)
		syscall(SYS_getpid); /* a real system call every time */
}

static void pipe_pingpong(long n)
{
	int ping[2], pong[2];
	char c = 'x';
	pipe(ping);
	pipe(pong);
	pid_t pid = fork();
	if (pid == 0) {
		/* echo every byte back until EOF (which needs our copy of the
		 * write end closed, or we would wait for ourselves) */
		close(ping[1]);
		close(pong[0]);
		while (read(ping[0], &c, 1) == 1)
			write(pong[1], &c, 1);
		_exit(0);
	}
	for (long i = 0; i < n; i++) {
		write(ping[1], &c, 1);
		read(pong[0], &c, 1);
	}
	close(ping[1]);
	waitpid(pid, NULL, 0);
	close(ping[0]), close(pong[0]), close(pong[1]);
}

/* n chunks of 64 KiB through one pipe */
static void pipe_bw(long n)
{
	static char buf[CHUNK];
	int fds[2];
	pipe(fds);
	pid_t pid = fork();
	if (pid == 0) {
		close(fds[0]);
		for (long i = 0; i < n; i++)
			write(fds[1], buf, CHUNK);
		_exit(0);
	}
	close(fds[1]);
	while (read(fds[0], buf, CHUNK) > 0)
		;
	close(fds[0]);
	waitpid(pid, NULL, 0);
}

/*
 * Turn-taking through shared memory: the parent moves the counter from
 * even to odd, the child from odd to even. Both are pinned to CPU 0
 * (where the kernel lets us), so that waiting for the turn really means
 * yielding the CPU to the other, not spinning on a second core.
 */
static void yield_pingpong(long n)
{
	volatile long *turn = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	cpu_set_t one;
	CPU_ZERO(&one);
	CPU_SET(0, &one);
	cpu_set_t old;
	int pinned = sched_getaffinity(0, sizeof old, &old) == 0 &&
		     sched_setaffinity(0, sizeof one, &one) == 0;
	*turn = 0;
	pid_t pid = fork();
	if (pid == 0) {
		for (long i = 0; i < n; i++) {
			while (*turn != 2 * i + 1)
				sched_yield();
			*turn = 2 * i + 2;
		}
		_exit(0);
	}
	for (long i = 0; i < n; i++) {
		while (*turn != 2 * i)
			sched_yield();
		*turn = 2 * i + 1;
	}
	waitpid(pid, NULL, 0);
	if (pinned)
		sched_setaffinity(0, sizeof old, &old);
	munmap((void *)turn, 4096);
}

static void *return_at_once(void *arg)
{
	return arg;
}

static void thread_create_join(long n)
{
	for (long i = 0; i < n; i++) {
		pthread_t t;
		pthread_create(&t, NULL, return_at_once, NULL);
		pthread_join(t, NULL);
	}
}

/*
 * Strict alternation with mutexes alone, each unlocked only by the
 * thread that locked it. Two mutexes are not enough: a thread that
 * unlocks one and locks it again may simply get it back before the other
 * thread wakes. With three, the thread whose turn it is holds two (the
 * older one, which the other thread is blocked on, and a newer one), the
 * other holds the third. After its step a thread unlocks its older mutex
 * -- letting the other thread run -- and locks the third, which the
 * other holds until the end of its own step. So they take turns, and
 * every turn is a wake-up through the futex.
 */
struct mutex_ring {
	pthread_mutex_t m[3];
	pthread_barrier_t ready;
	long n;
};

/* Take n turns; holds m[i] and m[(i+1)%3] when called. */
static void mutex_turns(struct mutex_ring *r, int i, long n)
{
	for (long k = 0; k < n; k++) {
		/* (a turn's work would go here) */
		pthread_mutex_unlock(&r->m[i]);
		if (k == n - 1)
			break; /* the last turn: nobody to wait for */
		pthread_mutex_lock(&r->m[(i + 2) % 3]);
		i = (i + 1) % 3;
	}
	pthread_mutex_unlock(&r->m[(i + 1) % 3]);
}

static void *mutex_second(void *arg)
{
	struct mutex_ring *r = arg;
	pthread_mutex_lock(&r->m[2]);
	pthread_barrier_wait(&r->ready); /* the first may start: we hold m2 */
	pthread_mutex_lock(&r->m[0]);    /* our first turn, after its first */
	mutex_turns(r, 2, r->n);
	return NULL;
}

static void mutex_pingpong(long n)
{
	struct mutex_ring r = { .n = n };
	pthread_t t;
	for (int i = 0; i < 3; i++)
		pthread_mutex_init(&r.m[i], NULL);
	pthread_barrier_init(&r.ready, NULL, 2);
	pthread_mutex_lock(&r.m[0]);
	pthread_mutex_lock(&r.m[1]);
	pthread_create(&t, NULL, mutex_second, &r);
	pthread_barrier_wait(&r.ready);
	mutex_turns(&r, 0, n);
	pthread_join(t, NULL);
	pthread_barrier_destroy(&r.ready);
}

struct cv_turns {
	pthread_mutex_t lock;
	pthread_cond_t changed;
	int turn;
	long n;
};

static void *cv_second(void *arg)
{
	struct cv_turns *c = arg;
	for (long i = 0; i < c->n; i++) {
		pthread_mutex_lock(&c->lock);
		while (c->turn != 1)
			pthread_cond_wait(&c->changed, &c->lock);
		c->turn = 0;
		pthread_cond_signal(&c->changed);
		pthread_mutex_unlock(&c->lock);
	}
	return NULL;
}

static void condvar_pingpong(long n)
{
	struct cv_turns c = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, n };
	pthread_t t;
	pthread_create(&t, NULL, cv_second, &c);
	for (long i = 0; i < n; i++) {
		pthread_mutex_lock(&c.lock);
		c.turn = 1;
		pthread_cond_signal(&c.changed);
		while (c.turn != 0)
			pthread_cond_wait(&c.changed, &c.lock);
		pthread_mutex_unlock(&c.lock);
	}
	pthread_join(t, NULL);
}

static void mutex_uncontended(long n)
{
	static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	for (long i = 0; i < n; i++) {
		pthread_mutex_lock(&m);
		pthread_mutex_unlock(&m);
	}
}

static int wanted(int argc, char **argv, const char *name)
{
	return argc < 2 || strcmp(argv[1], name) == 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0); /* each line as soon as it is known */
	if (wanted(argc, argv, "fork_exit_wait_us"))
		printf("fork_exit_wait_us %.1f us\n", measure(fork_exit_wait) / 1e3);
	if (wanted(argc, argv, "getpid_ns"))
		printf("getpid_ns %.1f ns\n", measure(getpid_loop));
	if (wanted(argc, argv, "pipe_pingpong_us"))
		printf("pipe_pingpong_us %.2f us\n", measure(pipe_pingpong) / 1e3);
	if (wanted(argc, argv, "pipe_bw_mbs"))
		printf("pipe_bw_mbs %.0f MB/s\n", CHUNK / measure(pipe_bw) * 1e3);
	if (wanted(argc, argv, "yield_pingpong_us"))
		printf("yield_pingpong_us %.2f us\n", measure(yield_pingpong) / 1e3);
	if (wanted(argc, argv, "thread_create_join_us"))
		printf("thread_create_join_us %.1f us\n", measure(thread_create_join) / 1e3);
	if (wanted(argc, argv, "mutex_pingpong_us"))
		printf("mutex_pingpong_us %.2f us\n", measure(mutex_pingpong) / 1e3);
	if (wanted(argc, argv, "condvar_pingpong_us"))
		printf("condvar_pingpong_us %.2f us\n", measure(condvar_pingpong) / 1e3);
	if (wanted(argc, argv, "mutex_uncontended_ns"))
		printf("mutex_uncontended_ns %.1f ns\n", measure(mutex_uncontended));
	return 0;
}
