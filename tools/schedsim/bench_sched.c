/*
 * The scheduler-step microbenchmark: what one scheduling decision costs a
 * policy with N ready threads, for N from 16 to a million.
 *
 *   bench_sched --policy NAME --tasks N [--iters I]
 *
 * N threads are made ready on one run queue (random nice values, so the
 * priority policy uses many levels and the fair one many weights). Then,
 * I times: pick_next, charge the picked thread one tick (on_tick, and the
 * run queue's periodic work, as the timer would), enqueue it again. The
 * step measured is pick_next + enqueue, each called through the policy
 * table: the functions bench_pick and bench_enqueue. Run under
 * valgrind's callgrind with --toggle-collect on those two, it counts
 * their instructions exactly (tools/schedsim/bench-sched does that);
 * alone, it prints the time a whole step takes, which is noisier.
 *
 * The threads never run: they are struct threads with no stack, which is
 * all the policies ever look at.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <kernel/cpu.h>
#include <kernel/sched/policy.h>
#include <kernel/sched/runqueue.h>
#include <kernel/sched/sched.h>
#include <kernel/sched/thread.h>

#if defined(__has_include)
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#endif
#endif
#ifndef CALLGRIND_START_INSTRUMENTATION
#define CALLGRIND_START_INSTRUMENTATION
#define CALLGRIND_STOP_INSTRUMENTATION
#endif

#include "sim.h"

__attribute__((noinline)) struct thread *bench_pick(const struct sched_policy *p,
                                                    struct runqueue *rq)
{
	return p->pick_next(rq);
}

__attribute__((noinline)) void bench_enqueue(const struct sched_policy *p,
                                             struct runqueue *rq, struct thread *t)
{
	p->enqueue(rq, t);
}

/* What the timer does between the pick and the enqueue: not measured. */
static void charge(const struct sched_policy *p, struct runqueue *rq, struct thread *t)
{
	p->on_tick(rq, t);
	if (p->rq_tick)
		p->rq_tick(rq);
}

static unsigned long arg(int argc, char **argv, const char *name, unsigned long dflt)
{
	for (int i = 1; i + 1 < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return strtoul(argv[i + 1], NULL, 10);
	return dflt;
}

int main(int argc, char **argv)
{
	const char *name = "rr";
	for (int i = 1; i + 1 < argc; i++)
		if (strcmp(argv[i], "--policy") == 0)
			name = argv[i + 1];
	unsigned long n = arg(argc, argv, "--tasks", 1000);
	unsigned long iters = arg(argc, argv, "--iters", 100000);
	const struct sched_policy *p = sched_policy_find(name);
	if (!p || n == 0 || iters == 0) {
		fprintf(stderr, "usage: bench_sched --policy rr|prio|mlfq|fair --tasks N [--iters I]\n");
		return 2;
	}

	sim_init(1, name, 10);
	struct runqueue *rq = &cpus[0].rq;
	struct thread *threads = calloc(n, sizeof *threads);
	if (!threads) {
		fprintf(stderr, "bench_sched: out of memory for %lu threads\n", n);
		return 1;
	}
	unsigned seed = 1;
	for (unsigned long i = 0; i < n; i++) {
		struct thread *t = &threads[i];
		seed = seed * 1103515245u + 12345u;
		t->pd.params.nice = (int8_t)((int)((seed >> 16) % 40) + NICE_MIN);
		t->pd.params.linux_policy = SCHED_OTHER;
		t->policy = p;
		list_init(&t->rq_node);
		p->thread_init(t);
		t->state = THREAD_READY;
		p->enqueue(rq, t);
	}
	/* Warm up: a while of scheduling, so the queues look lived in. */
	for (unsigned long i = 0; i < iters; i++) {
		struct thread *t = p->pick_next(rq);
		charge(p, rq, t);
		p->enqueue(rq, t);
	}

	struct timespec a, b;
	CALLGRIND_START_INSTRUMENTATION;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (unsigned long i = 0; i < iters; i++) {
		struct thread *t = bench_pick(p, rq);
		charge(p, rq, t);
		bench_enqueue(p, rq, t);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	CALLGRIND_STOP_INSTRUMENTATION;

	double ns = (double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec);
	printf("%s %lu tasks: %lu steps, %.1f ns a step (pick + tick + enqueue)\n",
	       name, n, iters, ns / (double)iters);
	free(threads);
	return 0;
}
