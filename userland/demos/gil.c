/*
 * Lesson 28 — the GIL. Run it:  tools/weft-run --smp 2 -- /demos/gil
 * (or with --smp 4: four threads, 400% against 100%).
 *
 * Python threads run one at a time: a thread must hold the global
 * interpreter lock to run Python code. C threads have no such lock. Weft
 * can give a C program one (prctl(PR_WEFT_GIL, 1), a Weft-only option),
 * and then it behaves like Python:
 *
 *   1. One CPU-bound thread per CPU. CPU% = the threads' CPU time divided
 *      by the time that passed: about N x 100% without the GIL, about 100%
 *      with it -- the threads take turns, one switch interval (5 ms) each.
 *   2. Threads that block (here: sleep 100 ms) still overlap: blocking
 *      releases the GIL.
 *   3. The convoy effect: a thread doing short I/O next to a CPU-bound
 *      thread. Each time its I/O completes it wants the GIL back, and the
 *      CPU-bound thread keeps it for a whole switch interval: every call
 *      gets about 5 ms slower; with a 1 ms interval, about 1 ms.
 *
 * Expected output (2 CPUs; the numbers vary, their sizes do not):
 *   2 CPUs: 2 CPU-bound threads, the same work each time
 *     without the GIL: 2.0 s of CPU in 1.0 s = CPU 199%
 *     with the GIL:    2.0 s of CPU in 2.0 s = CPU 100%  (400 GIL switches)
 *   4 threads sleep 100 ms each, with the GIL: done after 100 ms
 *   a round trip to an echo process, next to a CPU-bound thread:
 *     without the GIL:                0.1 ms
 *     with the GIL, interval 5000 us: 6.0 ms  <- the convoy effect
 *     with the GIL, interval 1000 us: 2.0 ms
 *
 * Times are read from /proc/stat (the time every CPU counted, busy or
 * idle, divided by the number of CPUs): under QEMU on a busy host that is
 * the time the virtual CPUs really had, which the wall clock is not. On
 * Linux the GIL lines say the option is missing.
 *
 * Needs: prctl (Weft's GIL options), pthreads, /proc/stat, fork, pipes,
 * sched_setaffinity.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PR_WEFT_GIL          0x57460001  /* 1: on, 0: off (this process) */
#define PR_WEFT_GIL_INTERVAL 0x57460002  /* the switch interval in us */
#define MAX_THREADS 8

static double now(clockid_t clk)
{
	struct timespec t;
	clock_gettime(clk, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* Seconds every CPU counted (/proc/stat "cpu" line), over their number. */
static int ncpus;
static double cpu_clock(void)
{
	unsigned long long v[8] = {0}, sum = 0;
	FILE *f = fopen("/proc/stat", "r");
	if (!f || fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0],
	                 &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) < 4) {
		if (f)
			fclose(f);
		return now(CLOCK_MONOTONIC);  /* no /proc/stat: the wall clock */
	}
	fclose(f);
	for (int i = 0; i < 8; i++)
		sum += v[i];
	return (double)sum / sysconf(_SC_CLK_TCK) / ncpus;
}

static long gil_switches(void)
{
	char line[64];
	long n = 0;
	FILE *f = fopen("/proc/self/gil", "r");
	while (f && fgets(line, sizeof line, f))
		sscanf(line, "switches %ld", &n);
	if (f)
		fclose(f);
	return n;
}

/* ---- 1. CPU-bound threads ---- */

/* The work: chunks taken from one pile until it is empty, so the threads
 * end together however the CPUs were shared out. */
#define CHUNK 10000
static long chunks_per_second;
static atomic_long chunks_left;
static double cpu_used[MAX_THREADS];

static void chunk(void)
{
	static volatile uint64_t x = 1;
	uint64_t y = x;
	for (int k = 0; k < CHUNK; k++)
		y = y * 6364136223846793005ull + 1442695040888963407ull;
	x = y;
}

static void *cpu_bound(void *arg)
{
	int i = (int)(intptr_t)arg;
	while (atomic_fetch_sub(&chunks_left, 1) > 0)
		chunk();
	cpu_used[i] = now(CLOCK_THREAD_CPUTIME_ID);  /* this thread's CPU time */
	return NULL;
}

static void cpu_percent(const char *label, int n)
{
	pthread_t t[MAX_THREADS];
	long switches = gil_switches();
	atomic_store(&chunks_left, n * chunks_per_second);  /* a second each */
	double start = cpu_clock(), cpu = 0;
	for (int i = 0; i < n; i++)
		pthread_create(&t[i], NULL, cpu_bound, (void *)(intptr_t)i);
	for (int i = 0; i < n; i++) {
		pthread_join(t[i], NULL);
		cpu += cpu_used[i];
	}
	double elapsed = cpu_clock() - start;
	printf("  %s %.1f s of CPU in %.1f s = CPU %.0f%%", label, cpu, elapsed,
	       100 * cpu / elapsed);
	if (gil_switches() > switches)
		printf("  (%ld GIL switches)", gil_switches() - switches);
	printf("\n");
}

/* ---- 2. blocking releases the GIL ---- */

static void *sleeper(void *arg)
{
	(void)arg;
	struct timespec ts = { 0, 100 * 1000 * 1000 };
	nanosleep(&ts, NULL);
	return NULL;
}

/* ---- 3. the convoy effect ---- */

static atomic_int spinning;

static void *spinner(void *arg)
{
	(void)arg;
	cpu_set_t s;
	CPU_ZERO(&s);
	CPU_SET(0, &s);
	sched_setaffinity(0, sizeof s, &s);  /* CPU 0; the I/O is on CPU 1 */
	volatile uint64_t x = 1;
	atomic_store(&spinning, 1);
	while (atomic_load(&spinning))
		x = x * 6364136223846793005ull + 1;
	return NULL;
}

/* The mean time of a one-byte round trip through pipes to the echo
 * process, while another thread computes. */
static double round_trip_ms(int to_echo, int from_echo)
{
	pthread_t t;
	char c = 'x';
	atomic_store(&spinning, 0);
	pthread_create(&t, NULL, spinner, NULL);
	while (!atomic_load(&spinning))
		sched_yield();
	double start = cpu_clock();
	for (int i = 0; i < 50; i++)
		if (write(to_echo, &c, 1) != 1 || read(from_echo, &c, 1) != 1)
			break;
	double ms = (cpu_clock() - start) * 1000 / 50;
	atomic_store(&spinning, 0);
	pthread_join(t, NULL);
	return ms;
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	ncpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
	int n = ncpus < 1 ? 1 : ncpus > MAX_THREADS ? MAX_THREADS : ncpus;
	/* Size the work so that each thread has about a second of CPU. */
	long done = 0;
	double t0 = now(CLOCK_THREAD_CPUTIME_ID), t;
	do {
		chunk();
		done++;
	} while ((t = now(CLOCK_THREAD_CPUTIME_ID) - t0) < 0.2);
	chunks_per_second = (long)(done / t);

	bool gil = prctl(PR_WEFT_GIL, 0, 0, 0, 0) == 0;  /* off, to start with */
	printf("%d CPU%s: %d CPU-bound thread%s, the same work each time\n", ncpus,
	       ncpus == 1 ? "" : "s", n, n == 1 ? "" : "s");
	cpu_percent("without the GIL:", n);
	if (gil) {
		prctl(PR_WEFT_GIL, 1, 0, 0, 0);
		cpu_percent("with the GIL:   ", n);

		pthread_t t[4];
		double start = now(CLOCK_MONOTONIC);
		for (int i = 0; i < 4; i++)
			pthread_create(&t[i], NULL, sleeper, NULL);
		for (int i = 0; i < 4; i++)
			pthread_join(t[i], NULL);
		printf("4 threads sleep 100 ms each, with the GIL: done after %.0f ms\n",
		       (now(CLOCK_MONOTONIC) - start) * 1000);
		prctl(PR_WEFT_GIL, 0, 0, 0, 0);
	} else {
		printf("  with the GIL:    (no GIL option here: this is not Weft)\n");
	}

	/* The echo process: on CPU 1 with this thread, the spinner on CPU 0. */
	int to_echo[2], from_echo[2];
	pipe(to_echo);
	pipe(from_echo);
	cpu_set_t s;
	CPU_ZERO(&s);
	CPU_SET(ncpus > 1 ? 1 : 0, &s);
	sched_setaffinity(0, sizeof s, &s);
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		close(to_echo[1]);
		while (read(to_echo[0], &c, 1) == 1)
			write(from_echo[1], &c, 1);
		_exit(0);
	}
	close(to_echo[0]);
	close(from_echo[1]);
	printf("a round trip to an echo process, next to a CPU-bound thread:\n");
	printf("  without the GIL:                %.1f ms\n",
	       round_trip_ms(to_echo[1], from_echo[0]));
	if (gil) {
		prctl(PR_WEFT_GIL, 1, 0, 0, 0);
		prctl(PR_WEFT_GIL_INTERVAL, 5000, 0, 0, 0);
		printf("  with the GIL, interval 5000 us: %.1f ms  <- the convoy effect\n",
		       round_trip_ms(to_echo[1], from_echo[0]));
		prctl(PR_WEFT_GIL_INTERVAL, 1000, 0, 0, 0);
		printf("  with the GIL, interval 1000 us: %.1f ms\n",
		       round_trip_ms(to_echo[1], from_echo[0]));
	}
	close(to_echo[1]);
	waitpid(pid, NULL, 0);
	return 0;
}
