/*
 * cpu_scaling — do threads run in parallel? N threads each run the same
 * fixed CPU-bound loop; if the kernel spreads them over N CPUs, they take
 * as long as one thread alone. Booted on -smp N with N threads (tools/
 * bench-scaling does it for N = 1, 2, 4, on Weft and on Linux):
 *
 *   speed-up = N x time(1 thread) / time(N threads)
 *
 * the work done per unit of time relative to one thread: N when the
 * threads run truly in parallel, 1 when they take turns on one CPU.
 *
 * Then the same N threads with Weft's GIL option on (prctl PR_WEFT_GIL):
 * at most one of them runs user code at a time, as with Python threads,
 * so the speed-up must stay near 1. Linux has no such option (prctl
 * fails with EINVAL): the program says "gil: unavailable".
 *
 * One "name value unit" line per result (what tools/bench-scaling reads):
 *   cpu_scaling_threads   N
 *   cpu_scaling_cpus      CPUs online, as the program sees them
 *   cpu_scaling_one_ms    one thread alone (best of ROUNDS)
 *   cpu_scaling_all_ms    N threads at once (best of ROUNDS)
 *   cpu_scaling_speedup   N x one / all
 *   cpu_scaling_gil_ms, cpu_scaling_gil_speedup   the same with the GIL
 *
 * The work per thread is calibrated first: the loop count doubles until
 * one thread takes at least MIN_NS. Each timing is the best of ROUNDS:
 * on a shared host, other work only ever makes a run slower.
 *
 *   cpu_scaling [N]      N threads (default: the CPUs online)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#define MIN_NS 500000000ull /* 0.5 s of work per thread */
#define ROUNDS 3
#define MAX_THREADS 64

#define PR_WEFT_GIL 0x57460001 /* Weft's own prctl: arg 1 on, 0 off */

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

/* The work: a xorshift generator, all in registers, no memory traffic
 * and no system calls. Returns the last value so it is not optimised
 * away. */
static uint64_t spin(uint64_t loops, uint64_t seed)
{
	uint64_t x = seed | 1;
	for (uint64_t i = 0; i < loops; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
	}
	return x;
}

/* Each result on its own cache line: no false sharing between threads.
 * Volatile: nothing reads them but the final checksum, and the compiler
 * would otherwise drop the stores and then the loop. */
static struct {
	volatile uint64_t value;
	volatile int cpu; /* where the thread finished (sched_getcpu) */
	char pad[52];
} results[MAX_THREADS];

static uint64_t loops;
static pthread_barrier_t start;

static void *worker(void *arg)
{
	intptr_t i = (intptr_t)arg;
	pthread_barrier_wait(&start);
	results[i].value = spin(loops, (uint64_t)i + 1);
	results[i].cpu = sched_getcpu();
	return NULL;
}

/* Wall time of n threads running the loop at once, from the moment they
 * are all released to the moment the last one is joined. */
static uint64_t run_threads(int n)
{
	pthread_t t[MAX_THREADS];
	pthread_barrier_init(&start, NULL, (unsigned)n + 1);
	for (int i = 0; i < n; i++)
		if (pthread_create(&t[i], NULL, worker, (void *)(intptr_t)i) != 0) {
			fprintf(stderr, "cpu_scaling: pthread_create: %s\n",
				strerror(errno));
			exit(1);
		}
	pthread_barrier_wait(&start);
	uint64_t t0 = now_ns();
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	uint64_t dt = now_ns() - t0;
	pthread_barrier_destroy(&start);
	return dt;
}

/* The best of ROUNDS runs; each run on a comment line, with the CPUs its
 * threads finished on (to tell a scheduler that stacked them on one CPU
 * from a host that was busy). */
static uint64_t best_of(int n, const char *what)
{
	uint64_t best = UINT64_MAX;
	for (int r = 0; r < ROUNDS; r++) {
		uint64_t dt = run_threads(n);
		char cpus[4 * MAX_THREADS] = "", *p = cpus;
		for (int i = 0; i < n; i++)
			p += snprintf(p, cpus + sizeof cpus - p, "%s%d", i ? "," : "",
				      results[i].cpu);
		printf("# %s, round %d: %.1f ms, threads ended on CPUs %s\n", what,
		       r + 1, dt / 1e6, cpus);
		if (dt < best)
			best = dt;
	}
	return best;
}

int main(int argc, char **argv)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int n = argc > 1 ? atoi(argv[1]) : (int)cpus;
	if (n < 1 || n > MAX_THREADS) {
		fprintf(stderr, "usage: cpu_scaling [THREADS 1..%d]\n", MAX_THREADS);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);

	/* Calibrate on one thread, with the thread machinery around it. */
	for (loops = 1u << 16;; loops *= 2)
		if (run_threads(1) >= MIN_NS)
			break;

	printf("# cpu_scaling: %d thread%s, %ld CPU%s online, %llu loops per thread\n",
	       n, n == 1 ? "" : "s", cpus, cpus == 1 ? "" : "s",
	       (unsigned long long)loops);
	uint64_t one = best_of(1, "1 thread"), all = best_of(n, "all threads");
	printf("cpu_scaling_threads %d threads\n", n);
	printf("cpu_scaling_cpus %ld cpus\n", cpus);
	printf("cpu_scaling_one_ms %.1f ms\n", one / 1e6);
	printf("cpu_scaling_all_ms %.1f ms\n", all / 1e6);
	printf("cpu_scaling_speedup %.3f x\n", (double)n * one / all);

	if (prctl(PR_WEFT_GIL, 1, 0, 0, 0) != 0) {
		printf("gil: unavailable (prctl: %s)\n", strerror(errno));
		return 0;
	}
	uint64_t gil = best_of(n, "all threads, GIL on");
	prctl(PR_WEFT_GIL, 0, 0, 0, 0);
	printf("cpu_scaling_gil_ms %.1f ms\n", gil / 1e6);
	printf("cpu_scaling_gil_speedup %.3f x\n", (double)n * one / gil);
	return 0;
}
