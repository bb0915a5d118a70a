/*
 * schedsim: replay a workload under one of Weft's scheduling policies,
 * on the kernel's own scheduler core (kernel/sched, unchanged) and a
 * simulated machine with a virtual clock (sim_arch.c), and report per
 * task turnaround, waiting and response time, plus a Gantt chart.
 *
 *   schedsim [--policy rr|prio|mlfq|fair] [--cpus N] [--quantum TICKS]
 *            [--svg FILE] WORKLOAD
 *
 * Every task is a kernel thread that computes its cpu bursts one tick at
 * a time (sim_compute_tick) and sleeps through its io bursts
 * (thread_sleep_ticks). So what is measured is exactly what the kernel's
 * scheduler would do with those threads, tick by tick, with no timing
 * noise: the same input always gives the same output.
 *
 * Conventions (docs/scheduling.md explains them with examples):
 *  - time is in ticks (1 tick = 1 ms; quantum 10 ticks unless --quantum);
 *  - events at one instant happen in this order: arrivals, then the
 *    timer tick on each CPU (I/O completions, then the running task's
 *    accounting and maybe its preemption);
 *  - a cpu burst that ends exactly when its quantum ends goes to its I/O
 *    (or exits) instead of being preempted first;
 *  - a task arriving is placed on the CPU with the fewest unfinished
 *    tasks (the lowest number on a tie) and stays there: the kernel
 *    has per-CPU run queues and no load balancing yet;
 *  - a trailing io burst ends the task when the I/O completes;
 *  - turnaround = done - arrival; response = first time on a CPU -
 *    arrival; waiting = turnaround - cpu - io (time ready, not running).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kernel/cpu.h>
#include <kernel/sched/policy.h>
#include <kernel/sched/sched.h>
#include <kernel/sched/thread.h>

#include "sim.h"
#include "gantt.h"
#include "workload.h"

static struct task *tasks;
static unsigned ntasks, nexited, ncpus = 1;
static unsigned *order;                 /* task indexes by arrival, then file order */
static unsigned next_arrival;
static unsigned live_on[MAX_CPUS];      /* unfinished tasks placed on each CPU */
static struct timeline timeline[MAX_CPUS];

/* ---- the tasks' threads ---- */

static void task_main(void *arg)
{
	struct task *k = arg;
	bool ended = false;

	k->started = true;
	k->first_run = sim_now();
	for (unsigned b = 0; b < k->nbursts && !ended; b++) {
		struct burst *x = &k->bursts[b];
		if (x->io) {
			x->started = sim_now();
			if (b + 1 == k->nbursts) {
				k->done = sim_now() + x->ticks;   /* nothing after it */
				ended = true;
			} else {
				thread_sleep_ticks(x->ticks);
			}
		} else {
			for (uint64_t i = 0; i < x->ticks; i++)
				sim_compute_tick(i + 1 == x->ticks);
		}
	}
	if (!ended)
		k->done = sim_now();
	k->exited = true;
	live_on[k->cpu]--;
	nexited++;
}

/* ---- the machine's hooks ---- */

static int by_arrival(const void *a, const void *b)
{
	const struct task *x = &tasks[*(const unsigned *)a], *y = &tasks[*(const unsigned *)b];
	if (x->arrival != y->arrival)
		return x->arrival < y->arrival ? -1 : 1;
	return *(const unsigned *)a < *(const unsigned *)b ? -1 : 1;
}

static void arrivals(uint64_t now, void *arg)
{
	(void)arg;
	while (next_arrival < ntasks && tasks[order[next_arrival]].arrival == now) {
		struct task *k = &tasks[order[next_arrival++]];
		unsigned best = 0;
		for (unsigned c = 1; c < ncpus; c++)
			if (live_on[c] < live_on[best])
				best = c;
		k->cpu = best;
		live_on[best]++;
		sim_set_cpu(best);
		k->thread = kthread_create(k->name, task_main, k);
		if (!k->thread) {
			fprintf(stderr, "schedsim: out of memory\n");
			exit(1);
		}
		struct sched_params p = {
			.nice = (int8_t)k->nice,
			.rt_priority = (uint8_t)k->rt_priority,
			.linux_policy = (uint8_t)k->linux_policy,
		};
		sched_set_policy(k->thread, sched_policy_for(&p), &p);
	}
}

static bool finished(void *arg)
{
	(void)arg;
	return nexited == ntasks;
}

static void tick_ran(unsigned cpu, uint64_t tick, struct thread *t, void *arg)
{
	(void)arg;
	timeline_set(&timeline[cpu], tick, t ? (int)((struct task *)t->arg - tasks) : -1);
}

/* ---- the report ---- */

/* "cpu0  0 A 10 B 20 . 25": from 0 A runs until 10, then B until 20,
 * then the CPU idles ('.') until 25. */
static void print_runs(unsigned cpu, uint64_t end)
{
	printf("cpu%u ", cpu);
	for (uint64_t i = 0; i < end;) {
		int who = timeline_get(&timeline[cpu], i);
		uint64_t j = i;
		while (j < end && timeline_get(&timeline[cpu], j) == who)
			j++;
		printf(" %llu %s", (unsigned long long)i, who < 0 ? "." : tasks[who].name);
		i = j;
	}
	printf(" %llu\n", (unsigned long long)end);
}

static void print_table(void)
{
	double sum_turn = 0, sum_wait = 0, sum_resp = 0;

	printf("\n%-15s %7s %6s %6s %6s %7s %10s %8s %8s %9s%s\n", "task", "arrival",
	       "cpu", "io", "first", "done", "turnaround", "waiting", "response",
	       "preempted", ncpus > 1 ? "  on" : "");
	for (unsigned i = 0; i < ntasks; i++) {
		struct task *k = &tasks[i];
		uint64_t turn = k->done - k->arrival;
		uint64_t wait = turn - k->cpu_total - k->io_total;
		uint64_t resp = k->first_run - k->arrival;
		sum_turn += (double)turn;
		sum_wait += (double)wait;
		sum_resp += (double)resp;
		printf("%-15s %7llu %6llu %6llu %6llu %7llu %10llu %8llu %8llu %9llu",
		       k->name, (unsigned long long)k->arrival,
		       (unsigned long long)k->cpu_total, (unsigned long long)k->io_total,
		       (unsigned long long)k->first_run, (unsigned long long)k->done,
		       (unsigned long long)turn, (unsigned long long)wait,
		       (unsigned long long)resp,
		       (unsigned long long)k->thread->switches_involuntary);
		if (ncpus > 1)
			printf("  cpu%u", k->cpu);
		printf("\n");
	}
	printf("%-15s %7s %6s %6s %6s %7s %10.2f %8.2f %8.2f\n", "average", "", "", "",
	       "", "", sum_turn / ntasks, sum_wait / ntasks, sum_resp / ntasks);
}

static void usage(void)
{
	fprintf(stderr,
	        "usage: schedsim [--policy rr|prio|mlfq|fair] [--cpus N] [--quantum TICKS]\n"
	        "                [--svg FILE] [--max-ticks T] WORKLOAD\n");
	exit(2);
}

static unsigned long parse_opt(const char *opt, const char *v, unsigned long min, unsigned long max)
{
	char *end;
	unsigned long n = v ? strtoul(v, &end, 10) : 0;
	if (!v || end == v || *end || n < min || n > max) {
		fprintf(stderr, "schedsim: %s wants a number from %lu to %lu\n", opt, min, max);
		exit(2);
	}
	return n;
}

int main(int argc, char **argv)
{
	const char *policy = "rr", *svg = NULL, *path = NULL;
	unsigned quantum = 10;
	uint64_t max_ticks = 10000000;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--policy") == 0 && v) {
			policy = v;
			i++;
		} else if (strcmp(a, "--cpus") == 0) {
			ncpus = (unsigned)parse_opt(a, v, 1, MAX_CPUS);
			i++;
		} else if (strcmp(a, "--quantum") == 0) {
			quantum = (unsigned)parse_opt(a, v, 1, 1000);
			i++;
		} else if (strcmp(a, "--max-ticks") == 0) {
			max_ticks = parse_opt(a, v, 1, 1000000000);
			i++;
		} else if (strcmp(a, "--svg") == 0 && v) {
			svg = v;
			i++;
		} else if (a[0] == '-' || path) {
			usage();
		} else {
			path = a;
		}
	}
	if (!path)
		usage();
	if (!sched_policy_exists(policy)) {
		fprintf(stderr, "schedsim: no policy '%s' (rr, prio, mlfq, fair)\n", policy);
		return 2;
	}
	if (!workload_load(path, &tasks, &ntasks))
		return 2;

	order = malloc(ntasks * sizeof *order);
	if (!order)
		return 1;
	for (unsigned i = 0; i < ntasks; i++)
		order[i] = i;
	qsort(order, ntasks, sizeof *order, by_arrival);

	sim_init(ncpus, policy, quantum);
	struct sim_hooks hooks = { arrivals, finished, tick_ran, NULL };
	uint64_t end = sim_run(&hooks, max_ticks);
	if (end == UINT64_MAX) {
		fprintf(stderr, "schedsim: stopped after %llu ticks (--max-ticks)\n",
		        (unsigned long long)max_ticks);
		return 1;
	}
	for (unsigned i = 0; i < ntasks; i++)
		if (tasks[i].done > end)
			end = tasks[i].done;   /* a trailing I/O ends after the last CPU work */

	printf("schedsim: %s, policy %s, %u CPU%s, quantum %u ticks (1 tick = 1 ms)\n\n",
	       path, policy, ncpus, ncpus > 1 ? "s" : "", quantum);
	for (unsigned c = 0; c < ncpus; c++)
		print_runs(c, end);
	print_table();

	if (svg) {
		char title[256];
		snprintf(title, sizeof title, "%s: policy %s, %u CPU%s, quantum %u ticks",
		         path, policy, ncpus, ncpus > 1 ? "s" : "", quantum);
		if (!svg_write(svg, title, tasks, ntasks, timeline, ncpus, end))
			return 1;
	}
	return 0;
}
