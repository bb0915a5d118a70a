/*
 * bench_green.c — what a green thread costs, next to its yardsticks.
 *
 * Measured in one run, so the ratios compare like with like:
 *   - a switch round trip (there and back) with this library, with the
 *     minimal callee-saved-registers switch (jmp and ret endings), and
 *     with glibc's swapcontext;
 *   - creating and joining a task, and creating, running and freeing a
 *     plain green thread, with stacks reused;
 *   - the memory of 100,000 live green threads.
 *
 * Two clocks. Nanoseconds from clock_gettime over many iterations (best
 * and median of several runs: this machine is shared and noisy).
 * Instructions from valgrind's callgrind, which are the same every run:
 * each kernel runs under callgrind twice, with N1 and N2 iterations, and
 * (I(N2) - I(N1)) / (N2 - N1) cancels start-up and set-up exactly.
 *
 * Usage: bench_green            the whole table
 *        bench_green count K N  run kernel K for N iterations (for callgrind)
 */
#define _GNU_SOURCE
#include "../green.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

void *baseline_switch_jmp(void **save_sp, void *load_sp, void *value);
void *baseline_switch_ret(void **save_sp, void *load_sp, void *value);
void *baseline_switch_fpu(void **save_sp, void *load_sp, void *value);

enum { STACK = 64 * 1024 };

/* ---- kernels: set-up once, then a loop of `iters` operations ------- */

/* this library: main <-> one green thread */
static green_t *echo;
static void *echo_fn(void *arg, void *v)
{
	(void)arg;
	for (;;)
		v = green_switch(green_root(), v);
	return NULL;
}
static void green_setup(void) { echo = green_new(echo_fn, NULL, 0); }
static void green_loop(long iters)
{
	for (long i = 0; i < iters; i++)
		green_switch(echo, NULL);
}

/* the minimal switch: a hand-built first frame, as greenlet.c builds */
static void *base_main_sp, *base_worker_sp;
static void base_jmp_worker(void)
{
	for (;;)
		baseline_switch_jmp(&base_worker_sp, base_main_sp, NULL);
}
static void base_ret_worker(void)
{
	for (;;)
		baseline_switch_ret(&base_worker_sp, base_main_sp, NULL);
}
static void base_fpu_worker(void)
{
	for (;;)
		baseline_switch_fpu(&base_worker_sp, base_main_sp, NULL);
}
static void base_setup(void (*worker)(void))
{
	char *stack = mmap(NULL, STACK, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	/* 6 zeroed registers, the worker as resume address, a fake return
	 * address (the worker never returns) so its stack is ABI-aligned. */
	uint64_t *frame = (uint64_t *)(stack + STACK) - 8;
	memset(frame, 0, 8 * sizeof *frame);
	frame[6] = (uint64_t)(uintptr_t)worker;
	base_worker_sp = frame;
}
/* The FPU variant's frame has one more word, the control words, first. */
static void base_fpu_setup(void)
{
	base_setup(base_fpu_worker);
	uint64_t *frame = (uint64_t *)base_worker_sp - 1;
	frame[0] = 0x1f80 | ((uint64_t)0x037f << 32);
	base_worker_sp = frame;
}
static void base_jmp_setup(void) { base_setup(base_jmp_worker); }
static void base_ret_setup(void) { base_setup(base_ret_worker); }
static void base_jmp_loop(long iters)
{
	for (long i = 0; i < iters; i++)
		baseline_switch_jmp(&base_main_sp, base_worker_sp, NULL);
}
static void base_fpu_loop(long iters)
{
	for (long i = 0; i < iters; i++)
		baseline_switch_fpu(&base_main_sp, base_worker_sp, NULL);
}
static void base_ret_loop(long iters)
{
	for (long i = 0; i < iters; i++)
		baseline_switch_ret(&base_main_sp, base_worker_sp, NULL);
}

/* glibc swapcontext: also saves and restores the signal mask, which is
 * a system call each way */
static ucontext_t uc_main, uc_worker;
static void uc_worker_fn(void)
{
	for (;;)
		swapcontext(&uc_worker, &uc_main);
}
static void uc_setup(void)
{
	getcontext(&uc_worker);
	uc_worker.uc_stack.ss_sp = malloc(STACK);
	uc_worker.uc_stack.ss_size = STACK;
	uc_worker.uc_link = NULL;
	makecontext(&uc_worker, uc_worker_fn, 0);
}
static void uc_loop(long iters)
{
	for (long i = 0; i < iters; i++)
		swapcontext(&uc_main, &uc_worker);
}

/* create + join a task (the scheduler path: spawn, park, hub, run, end) */
static void *nothing(void *arg, void *v)
{
	(void)v;
	return arg;
}
static void no_setup(void) {}
static void spawn_join_loop(long iters)
{
	for (long i = 0; i < iters; i++)
		green_join(green_spawn(nothing, NULL, 0), NULL);
}
/* create + run + free a plain green thread (the greenlet path) */
static void new_free_loop(long iters)
{
	for (long i = 0; i < iters; i++) {
		green_t *g = green_new(nothing, NULL, 0);
		green_switch(g, NULL);
		green_free(g);
	}
}

struct kernel {
	const char *name, *label;
	void (*setup)(void);
	void (*loop)(long);
};
static const struct kernel kernels[] = {
	{ "green", "switch round trip: green_switch", green_setup, green_loop },
	{ "min_jmp", "switch round trip: minimal (jmp)", base_jmp_setup, base_jmp_loop },
	{ "min_ret", "switch round trip: minimal (ret)", base_ret_setup, base_ret_loop },
	{ "min_fpu", "switch round trip: minimal + FPU ctl words", base_fpu_setup, base_fpu_loop },
	{ "swapcontext", "switch round trip: glibc swapcontext", uc_setup, uc_loop },
	{ "spawn_join", "create+join: green_spawn, green_join", no_setup, spawn_join_loop },
	{ "new_free", "create+run+free: green_new/switch/free", no_setup, new_free_loop },
};
enum { NKERNELS = sizeof kernels / sizeof kernels[0] };

/* ---- nanoseconds ---------------------------------------------------- */

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

enum { REPS = 9 };
static void time_kernel(const struct kernel *k, double *best, double *median)
{
	k->setup();
	/* Calibrate so one repetition takes about 20 ms. */
	long iters = 1000;
	for (;;) {
		double t0 = now_ns();
		k->loop(iters);
		double dt = now_ns() - t0;
		if (dt > 2e6 || iters > (1L << 28)) {
			iters = (long)(iters * 20e6 / dt) + 1;
			break;
		}
		iters *= 10;
	}
	double ns[REPS];
	for (int r = 0; r < REPS; r++) {
		double t0 = now_ns();
		k->loop(iters);
		ns[r] = (now_ns() - t0) / iters;
	}
	qsort(ns, REPS, sizeof ns[0], cmp_double);
	*best = ns[0];
	*median = ns[REPS / 2];
}

/* ---- instructions ----------------------------------------------------- */

static char self_path[4096];

/* Total instructions of one callgrind run of kernel k, or -1. */
static double callgrind_total(const char *kernel, long iters)
{
	char out[64], n[32];
	snprintf(out, sizeof out, "/tmp/bench_green.%d.cg", (int)getpid());
	snprintf(n, sizeof n, "%ld", iters);
	char outarg[128];
	snprintf(outarg, sizeof outarg, "--callgrind-out-file=%s", out);
	pid_t pid = fork();
	if (pid == 0) {
		int devnull = open("/dev/null", O_WRONLY);
		dup2(devnull, 1);
		dup2(devnull, 2);
		execlp("valgrind", "valgrind", "--tool=callgrind", outarg,
		       self_path, "count", kernel, n, (char *)NULL);
		_exit(127);
	}
	int status;
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		return -1;
	FILE *f = fopen(out, "r");
	if (!f)
		return -1;
	char line[512];
	double total = -1;
	while (fgets(line, sizeof line, f)) {
		/* "totals: N" (or "summary: N" in older callgrind) */
		if (!strncmp(line, "totals:", 7) || !strncmp(line, "summary:", 8))
			total = strtod(strchr(line, ':') + 1, NULL);
	}
	fclose(f);
	unlink(out);
	return total;
}

static double instructions_per_op(const char *kernel)
{
	const long n1 = 10000, n2 = 110000;
	double a = callgrind_total(kernel, n1), b = callgrind_total(kernel, n2);
	if (a < 0 || b < 0)
		return -1;
	return (b - a) / (double)(n2 - n1);
}

/* ---- memory ------------------------------------------------------------ */

static long rss_kib(void)
{
	long size, resident;
	FILE *f = fopen("/proc/self/statm", "r");
	if (!f)
		return -1;
	int n = fscanf(f, "%ld %ld", &size, &resident);
	fclose(f);
	return n == 2 ? resident * (sysconf(_SC_PAGESIZE) / 1024) : -1;
}

static void *yield_once(void *arg, void *v)
{
	(void)v;
	green_yield();
	return arg;
}

/* In a child, so the measurement starts from an empty stack pool and the
 * child's 100,000 stacks do not stay behind in this process. Reports the
 * growth of the resident set while all 100,000 are alive and suspended. */
enum { MANY = 100000 };
static long memory_for_many(void)
{
	int fds[2];
	if (pipe(fds) != 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		static green_t *t[MANY];
		long before = rss_kib();
		for (long i = 0; i < MANY; i++)
			t[i] = green_spawn(yield_once, NULL, 0);
		green_yield(); /* every task runs to its yield: all are alive */
		long grown = rss_kib() - before;
		for (long i = 0; i < MANY; i++)
			green_join(t[i], NULL);
		ssize_t w = write(fds[1], &grown, sizeof grown);
		_exit(w == sizeof grown ? 0 : 1);
	}
	close(fds[1]);
	long kib = -1;
	if (read(fds[0], &kib, sizeof kib) != sizeof kib)
		kib = -1;
	close(fds[0]);
	waitpid(pid, NULL, 0);
	return kib;
}

/* ---- the table --------------------------------------------------------- */

static const char *verdict(bool ok) { return ok ? "PASS" : "FAIL"; }

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "count")) {
		for (int i = 0; i < NKERNELS; i++)
			if (!strcmp(argv[2], kernels[i].name)) {
				kernels[i].setup();
				kernels[i].loop(atol(argv[3]));
				return 0;
			}
		return 2;
	}
	ssize_t len = readlink("/proc/self/exe", self_path, sizeof self_path - 1);
	if (len < 0)
		return 1;
	self_path[len] = 0;

	double best[NKERNELS], median[NKERNELS], instr[NKERNELS];
	for (int i = 0; i < NKERNELS; i++)
		time_kernel(&kernels[i], &best[i], &median[i]);
	long kib = memory_for_many();
	for (int i = 0; i < NKERNELS; i++)
		instr[i] = instructions_per_op(kernels[i].name);

	printf("green threads: cost per operation (host, gcc -O2)\n");
	printf("ns: best and median of %d runs of ~20 ms; instructions: callgrind,"
	       " exact\n\n", REPS);
	printf("%-42s %9s %9s %13s\n", "operation", "ns best", "ns median",
	       "instructions");
	for (int i = 0; i < NKERNELS; i++) {
		printf("%-42s %9.1f %9.1f ", kernels[i].label, best[i], median[i]);
		if (instr[i] >= 0)
			printf("%13.1f\n", instr[i]);
		else
			printf("%13s\n", "n/a");
	}
	double per = kib > 0 ? (double)kib / MANY : -1;
	printf("%-42s %9.2f KiB (%.0f MiB for 100,000)\n",
	       "memory per green thread, 100,000 alive", per, kib / 1024.0);

	/* Targets, from ratios measured in this run (best times). */
	double vs_min = best[0] / best[1], vs_uc = best[4] / best[0];
	printf("\ntargets (ratios of this run's best times)\n");
	printf("  green / minimal(jmp) round trip  %6.2fx   target <= 1.5x   %s\n",
	       vs_min, verdict(vs_min <= 1.5));
	printf("  swapcontext / green round trip   %6.1fx   target >= 30x    %s\n",
	       vs_uc, verdict(vs_uc >= 30));
	printf("  create+join (spawn, join)        %6.1f ns target <= 100   %s\n",
	       best[5], verdict(best[5] <= 100));
	printf("  100,000 green threads            %6.0f MiB target <= 512  %s\n",
	       kib / 1024.0, verdict(kib > 0 && kib / 1024.0 <= 512));
	printf("  green / minimal + FPU ctl words  %6.2fx   (the library's own overhead)\n",
	       best[0] / best[3]);
	printf("  minimal ret / minimal jmp        %6.2fx   (why switch.S ends in a jump)\n",
	       best[2] / best[1]);
	if (instr[0] > 0 && instr[1] > 0)
		printf("  instructions green / minimal     %6.2fx\n", instr[0] / instr[1]);
	return 0;
}
