/*
 * Host tests of the scheduling policies (kernel/sched/policy_*.c) with
 * exact expected traces. Time is virtual: a thread "computes" one tick by
 * calling fake_advance_ticks(1), and records which thread ran each tick.
 * A trace is written as runs, "A10 B10" = A ran ticks 0-9, B ticks 10-19
 * ("." is idle). Every expected trace below is worked out by hand in the
 * comment above it, from the rules in the policy's file.
 *
 * The quantum is 10 ticks (quantum_ms=10, hz=1000) unless said otherwise.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <kernel/cpu.h>
#include <kernel/sched/policy.h>
#include <kernel/sched/rbtree.h>
#include <kernel/sched/sched.h>
#include <kernel/sched/thread.h>

#include "fake.h"

static int teardown(void **state)
{
	(void)state;
	fake_reap_zombies();
	assert_int_equal(sched_thread_count(), cpus[0].idle ? 1 : 0);
	assert_int_equal(fake_heap_live(), 0);
	return 0;
}

/* ---- recording ---- */

#define TMAX 4000

static char who[TMAX];          /* the thread that ran each tick, 0 = idle */
static signed char level_at[TMAX];  /* its MLFQ level during the tick */
static char trace_buf[4096];

static void record_reset(void)
{
	memset(who, 0, sizeof who);
	memset(level_at, -1, sizeof level_at);
}

/* The run-length form of who[0..end), e.g. "A10 B10". */
static const char *trace(unsigned end)
{
	size_t len = 0;
	trace_buf[0] = 0;
	for (unsigned i = 0; i < end;) {
		unsigned j = i;
		while (j < end && who[j] == who[i])
			j++;
		len += (size_t)snprintf(trace_buf + len, sizeof trace_buf - len, "%s%c%u",
		                        len ? " " : "", who[i] ? who[i] : '.', j - i);
		i = j;
	}
	return trace_buf;
}

/* One tick of computing by the calling thread, recorded. */
static void compute_tick(char id)
{
	uint64_t now = fake_now_ticks();
	if (now < TMAX) {
		who[now] = id;
		level_at[now] = (signed char)thread_current()->pd.mlfq.level;
	}
	fake_advance_ticks(1);
}

/*
 * What a test thread does: reps times { compute `compute` ticks, then
 * yield ('y'), sleep `wait` ticks ('s') or nothing (0) }. sleep_first:
 * sleep that long before starting.
 */
struct job {
	char id;
	unsigned reps;
	unsigned compute;
	char then;
	unsigned wait;
	unsigned sleep_first;
	uint64_t first_tick;        /* when it first computed */
	uint64_t done_tick;
};

static void job_main(void *arg)
{
	struct job *j = arg;
	j->first_tick = UINT64_MAX;
	if (j->sleep_first)
		thread_sleep_ticks(j->sleep_first);
	for (unsigned r = 0; r < j->reps; r++) {
		for (unsigned k = 0; k < j->compute; k++) {
			if (j->first_tick == UINT64_MAX)
				j->first_tick = fake_now_ticks();
			compute_tick(j->id);
		}
		if (j->then == 'y')
			thread_yield();
		else if (j->then == 's')
			thread_sleep_ticks(j->wait);
	}
	j->done_tick = fake_now_ticks();
}

static struct thread *start(struct job *j)
{
	char name[2] = { j->id, 0 };
	struct thread *t = kthread_create(name, job_main, j);
	assert_non_null(t);
	return t;
}

static void set_params(struct thread *t, int linux_policy, int rt_priority, int nice)
{
	struct sched_params p = {
		.nice = (int8_t)nice,
		.rt_priority = (uint8_t)rt_priority,
		.linux_policy = (uint8_t)linux_policy,
	};
	sched_set_policy(t, sched_policy_for(&p), &p);
}

static void set_nice(struct thread *t, int nice)
{
	set_params(t, SCHED_OTHER, 0, nice);
}

/* ---- the red-black tree ---- */

/* Checks the three rules and the order; returns the black height. */
static int rb_check(const struct rb_node *n, const struct rb_node *parent,
                    int *count)
{
	if (!n)
		return 1;
	assert_ptr_equal(n->parent, parent);
	if (n->red) {
		assert_false(n->left && n->left->red);
		assert_false(n->right && n->right->red);
	}
	if (n->left)
		assert_false(rb_key_less(n->key, n->left->key));
	if (n->right)
		assert_false(rb_key_less(n->right->key, n->key));
	(*count)++;
	int hl = rb_check(n->left, n, count), hr = rb_check(n->right, n, count);
	assert_int_equal(hl, hr);
	return hl + !n->red;
}

static void rb_verify(const struct rb_tree *t, int expect_count)
{
	int count = 0;
	if (t->root)
		assert_false(t->root->red);
	rb_check(t->root, NULL, &count);
	assert_int_equal(count, expect_count);
	/* In order by rb_next from the cached leftmost, non-decreasing. */
	int seen = 0;
	const struct rb_node *prev = NULL;
	for (const struct rb_node *n = rb_first(t); n; n = rb_next(n)) {
		if (prev)
			assert_false(rb_key_less(n->key, prev->key));
		prev = n;
		seen++;
	}
	assert_int_equal(seen, expect_count);
}

static void test_rbtree_random(void **state)
{
	(void)state;
	enum { N = 1000 };
	static struct rb_node nodes[N];
	static bool in[N];
	struct rb_tree t;
	int count = 0;
	unsigned seed = 12345;

	rb_init(&t);
	memset(in, 0, sizeof in);
	for (int step = 0; step < 20000; step++) {
		seed = seed * 1103515245u + 12345u;
		int i = (int)((seed >> 8) % N);
		if (in[i]) {
			rb_erase(&t, &nodes[i]);
			in[i] = false;
			count--;
		} else {
			/* Few distinct keys, so equal keys are common. */
			nodes[i].key = (seed >> 20) % 200;
			rb_insert(&t, &nodes[i]);
			in[i] = true;
			count++;
		}
		if (step % 97 == 0)
			rb_verify(&t, count);
	}
	rb_verify(&t, count);
}

static void test_rbtree_equal_keys_fifo_and_wrap(void **state)
{
	(void)state;
	struct rb_node n[5];
	struct rb_tree t;
	rb_init(&t);
	for (int i = 0; i < 4; i++) {
		n[i].key = 7;
		rb_insert(&t, &n[i]);
	}
	/* A key just below 2^64 is "before" 7: the order wraps. */
	n[4].key = UINT64_MAX - 3;
	rb_insert(&t, &n[4]);
	assert_ptr_equal(rb_first(&t), &n[4]);
	rb_erase(&t, &n[4]);
	for (int i = 0; i < 4; i++) {
		assert_ptr_equal(rb_first(&t), &n[i]);   /* first come, first out */
		rb_erase(&t, &n[i]);
	}
	assert_true(rb_empty(&t));
	assert_null(rb_first(&t));
}

/* ---- names ---- */

static void test_policy_names(void **state)
{
	(void)state;
	const char *names[] = { "rr", "prio", "mlfq", "fair" };
	for (int i = 0; i < 4; i++) {
		assert_true(sched_policy_exists(names[i]));
		fake_reset(names[i], 10, 1000);
		assert_string_equal(sched_default_policy()->name, names[i]);
	}
	assert_false(sched_policy_exists("cfs"));
}

/* ---- rr ---- */

/* Three equal CPU-bound threads, 30 ticks each: turns of one quantum in
 * creation order. */
static void test_rr_alternates(void **state)
{
	(void)state;
	struct job a = { 'A', 1, 30, 0, 0, 0, 0, 0 };
	struct job b = { 'B', 1, 30, 0, 0, 0, 0, 0 };
	struct job c = { 'C', 1, 30, 0, 0, 0, 0, 0 };
	record_reset();
	fake_reset("rr", 10, 1000);
	start(&a);
	start(&b);
	start(&c);
	fake_run_until_idle();
	assert_string_equal(trace(90), "A10 B10 C10 A10 B10 C10 A10 B10 C10");
}

/* ---- prio ---- */

/* nice -5 (level 24) before nice 0 (19) before nice 5 (14); each needs
 * less than a quantum and aging (every 20 ticks) never gets a say. */
static void test_prio_higher_runs_first(void **state)
{
	(void)state;
	struct job a = { 'A', 1, 5, 0, 0, 0, 0, 0 };
	struct job b = { 'B', 1, 5, 0, 0, 0, 0, 0 };
	struct job c = { 'C', 1, 5, 0, 0, 0, 0, 0 };
	record_reset();
	fake_reset("prio", 10, 1000);
	start(&a);
	set_nice(start(&b), -5);
	set_nice(start(&c), 5);
	fake_run_until_idle();
	assert_string_equal(trace(15), "B5 A5 C5");
}

/*
 * Real time: SCHED_FIFO threads F and G (priority 1) come before a nice
 * -20 thread N, created first; FIFO means no time slice, so F keeps the
 * CPU for all its 30 ticks although G, of its own priority, waits. Two
 * SCHED_RR threads R, S (priority 50) before them take turns of a
 * quantum.
 */
static void test_prio_fifo_and_rr(void **state)
{
	(void)state;
	struct job n = { 'N', 1, 10, 0, 0, 0, 0, 0 };
	struct job f = { 'F', 1, 30, 0, 0, 0, 0, 0 };
	struct job g = { 'G', 1, 30, 0, 0, 0, 0, 0 };
	struct job r = { 'R', 1, 20, 0, 0, 0, 0, 0 };
	struct job s = { 'S', 1, 20, 0, 0, 0, 0, 0 };
	record_reset();
	fake_reset("prio", 10, 1000);
	set_nice(start(&n), -20);
	set_params(start(&f), SCHED_FIFO, 1, 0);
	set_params(start(&g), SCHED_FIFO, 1, 0);
	struct thread *tr = start(&r);
	set_params(tr, SCHED_RR, 50, 0);
	set_params(start(&s), SCHED_RR, 50, 0);
	assert_ptr_equal(tr->policy, &sched_policy_prio);
	assert_int_equal(tr->pd.prio.base, 40 + 50 - 1);
	fake_run_until_idle();
	assert_string_equal(trace(110), "R10 S10 R10 S10 F30 G30 N10");
}

/*
 * Aging. H (nice 0, level 19) computes 400 ticks; L (nice 10, level 9)
 * 5 ticks. Strict priority would run L at 400. Aging steps come every
 * 2 quanta = 20 ticks (ticks 20, 40, ...), each lifting L one level:
 * the 10th, at tick 200, puts L at level 19, in the FIFO before H, whose
 * quantum ends on that same tick. So L runs at 200, within the stated
 * bound (19 - 9) * 20 + 10 = 210, then H finishes.
 */
static void test_prio_aging_bounds_starvation(void **state)
{
	(void)state;
	struct job h = { 'H', 1, 400, 0, 0, 0, 0, 0 };
	struct job l = { 'L', 1, 5, 0, 0, 0, 0, 0 };
	record_reset();
	fake_reset("prio", 10, 1000);
	start(&h);
	set_nice(start(&l), 10);
	fake_run_until_idle();
	assert_int_equal(l.first_tick, 200);
	assert_true(l.first_tick <= (19 - 9) * PRIO_AGING_QUANTA * 10 + 10);
	assert_string_equal(trace(405), "H200 L5 H200");
}

/* ---- mlfq ---- */

/*
 * Two CPU hogs of 150 ticks. Each level's allotment equals its slice
 * (10, 20, 40 ticks; the bottom has 80-tick turns), so every turn ends
 * one level lower:
 *   A10 B10 (level 0)  A20 B20 (1)  A40 B40 (2)  A80 (3, A done: 150)
 *   B80 (3, B done).
 */
static void test_mlfq_hog_sinks_level_by_level(void **state)
{
	(void)state;
	struct job a = { 'A', 1, 150, 0, 0, 0, 0, 0 };
	struct job b = { 'B', 1, 150, 0, 0, 0, 0, 0 };
	record_reset();
	fake_reset("mlfq", 10, 1000);
	start(&a);
	start(&b);
	fake_run_until_idle();
	assert_string_equal(trace(300), "A10 B10 A20 B20 A40 B40 A80 B80");
	const int expect_level[][2] = {
		{ 0, 0 }, { 19, 0 }, { 20, 1 }, { 59, 1 }, { 60, 2 }, { 139, 2 },
		{ 140, 3 }, { 299, 3 },
	};
	for (unsigned i = 0; i < sizeof expect_level / sizeof expect_level[0]; i++)
		assert_int_equal(level_at[expect_level[i][0]], expect_level[i][1]);
}

/*
 * An I/O-bound thread stays at the top. H is a hog; I computes 1 tick,
 * then sleeps 50, five times. I uses 5 ticks in all, less than the top
 * allotment (10), so it never moves down, and each time it wakes it
 * preempts H (sunk to level 2 and 3 by then) at once:
 *   H10 (H's top allotment)  I1 at 10, asleep until 61
 *   H50 (H at level 1 for 20, then level 2)  I1 at 61, until 112
 *   H50  I1 at 112 ... I1 at 214
 */
static void test_mlfq_io_bound_stays_high(void **state)
{
	(void)state;
	struct job h = { 'H', 1, 300, 0, 0, 0, 0, 0 };
	struct job io = { 'I', 5, 1, 's', 50, 0, 0, 0 };
	record_reset();
	fake_reset("mlfq", 10, 1000);
	start(&h);
	start(&io);
	fake_run_until_idle();
	assert_string_equal(trace(305),
	                    "H10 I1 H50 I1 H50 I1 H50 I1 H50 I1 H90");
	const int io_ticks[] = { 10, 61, 112, 163, 214 };
	for (int i = 0; i < 5; i++)
		assert_int_equal(level_at[io_ticks[i]], 0);
	assert_int_equal(level_at[300], 3);     /* and H is at the bottom */
}

/*
 * Gaming: G computes 9 ticks and yields, forever hoping to stay at the
 * top (its slice is 10). Rule 4 counts its ticks across yields, so it
 * sinks exactly like the honest hog H:
 *   G9 (yields, used 9)  H10 (H to level 1)  G1 (used 10: level 1)
 *   H20 (level 2)  G20 = 8 + 9 + 3 ticks in three turns (level 2)
 *   H40 (level 3)  G40 = 6 + 9 + 9 + 9 + 7 (level 3)
 *   H80  G2 (the rest of a 9-tick burst, then it yields)  H80  G9 ...
 * At the bottom G gets 9 ticks per 89: the trick buys it nothing.
 */
static void test_mlfq_gaming_does_not_keep_a_hog_on_top(void **state)
{
	(void)state;
	struct job g = { 'G', 60, 9, 'y', 0, 0, 0, 0 };
	struct job h = { 'H', 1, 1000, 0, 0, 0, 0, 0 };
	record_reset();
	fake_reset("mlfq", 10, 1000);
	start(&g);
	start(&h);
	fake_run_until_idle();
	assert_string_equal(trace(311), "G9 H10 G1 H20 G20 H40 G40 H80 G2 H80 G9");
	assert_int_equal(level_at[19], 0);   /* G's last top tick */
	assert_int_equal(level_at[40], 1);
	assert_int_equal(level_at[100], 2);
	assert_int_equal(level_at[220], 3);  /* G at the bottom by tick 140 */
	unsigned g_ticks = 0, h_ticks = 0;
	for (int k = 0; k < 1000; k++) {
		g_ticks += who[k] == 'G';
		h_ticks += who[k] == 'H';
	}
	assert_true(g_ticks < h_ticks);
}

/*
 * The boost lifts everyone. Two hogs of 700 ticks sink to the bottom by
 * tick 140, then take 80-tick turns: A 140-220, B 220-300, ... A from
 * 940. The boost at tick 1000 (100 quanta) puts both at the top: A, still
 * running, gets at most a top slice more (to 1010, where its top
 * allotment is used up), then B gets its top turn (1010-1020), and down
 * they go again: A20 B20 A40 B40 ...
 */
static void test_mlfq_boost_lifts_everyone(void **state)
{
	(void)state;
	struct job a = { 'A', 1, 700, 0, 0, 0, 0, 0 };
	struct job b = { 'B', 1, 700, 0, 0, 0, 0, 0 };
	record_reset();
	fake_reset("mlfq", 10, 1000);
	start(&a);
	start(&b);
	fake_run_until_idle();
	assert_int_equal(level_at[999], 3);
	assert_int_equal(level_at[1000], 0);   /* A, boosted while running */
	assert_int_equal(level_at[1010], 0);   /* B, boosted while waiting */
	assert_int_equal(level_at[1020], 1);
	assert_string_equal(trace(1140),
	                    "A10 B10 A20 B20 A40 B40 A80 B80 A80 B80 A80 B80 "
	                    "A80 B80 A80 B80 A70 B10 A20 B20 A40 B40");
}

/* ---- fair ---- */

/* Equal weights: turns of one quantum, as round-robin. */
static void test_fair_equal_threads_alternate(void **state)
{
	(void)state;
	struct job a = { 'A', 1, 30, 0, 0, 0, 0, 0 };
	struct job b = { 'B', 1, 30, 0, 0, 0, 0, 0 };
	record_reset();
	fake_reset("fair", 10, 1000);
	start(&a);
	start(&b);
	fake_run_until_idle();
	assert_string_equal(trace(60), "A10 B10 A10 B10 A10 B10");
}

/*
 * nice 0 (weight 1024) against nice 5 (weight 336), both CPU-bound, for
 * K = 2000 ticks. A's virtual clock runs at 1 per tick, B's at 1024/336 =
 * 3.05: after A10 B10, A (at 10) is behind B (at 30.5) for three turns:
 * A10 B10 A30 B10 A30 ... The share of A must be 1024/1360 of K = 1505.9
 * ticks, to within one quantum.
 */
static void test_fair_shares_follow_weights(void **state)
{
	(void)state;
	enum { K = 2000 };
	struct job a = { 'A', 1, 3000, 0, 0, 0, 0, 0 };
	struct job b = { 'B', 1, 3000, 0, 0, 0, 0, 0 };
	record_reset();
	fake_reset("fair", 10, 1000);
	start(&a);
	set_nice(start(&b), 5);
	fake_run_until_idle();
	unsigned ta = 0;
	for (int k = 0; k < K; k++)
		ta += who[k] == 'A';
	double ideal = K * 1024.0 / (1024 + 336);
	assert_true(ta >= ideal - 10 && ta <= ideal + 10);
	trace(100);
	assert_string_equal(trace_buf, "A10 B10 A30 B10 A30 B10");
}

/*
 * A sleeper gets no unbounded credit. S sleeps 1000 ticks while H
 * computes, then needs 60 ticks. On waking (tick 1010) S's virtual
 * runtime is 0, a thousand ticks behind; it is raised to min_vruntime -
 * G/2 (5 ticks behind H), preempts H, and after one quantum H is
 * behind again: S10 H10 S10 ... -- not S1000.
 */
static void test_fair_sleeper_credit_is_bounded(void **state)
{
	(void)state;
	struct job h = { 'H', 1, 1200, 0, 0, 0, 0, 0 };
	struct job s = { 'S', 1, 60, 0, 0, 1000, 0, 0 };
	record_reset();
	fake_reset("fair", 10, 1000);
	start(&h);
	start(&s);
	fake_run_until_idle();
	assert_int_equal(s.first_tick, 1010);
	assert_string_equal(trace(1140),
	                    "H1010 S10 H10 S10 H10 S10 H10 S10 H10 S10 H10 S10 H20");
}

/* ---- changing policy on the fly ---- */

static struct thread *raise_target;

/* Computes 5 ticks, makes raise_target (or itself) SCHED_FIFO, 25 more. */
static void raiser(void *arg)
{
	struct job *j = arg;
	for (int k = 0; k < 5; k++)
		compute_tick(j->id);
	set_params(raise_target ? raise_target : thread_current(), SCHED_FIFO, 10, 0);
	for (int k = 0; k < 25; k++)
		compute_tick(j->id);
}

/*
 * Under rr, A raises itself to SCHED_FIFO after 5 ticks: it now outranks
 * B and has no time slice, so it runs its 30 ticks in one go. Then A
 * raises a READY thread instead: B preempts A at the next tick.
 */
static void test_set_policy_of_running_and_ready_threads(void **state)
{
	(void)state;
	struct job a = { 'A', 0, 0, 0, 0, 0, 0, 0 };
	struct job b = { 'B', 1, 10, 0, 0, 0, 0, 0 };

	record_reset();
	raise_target = NULL;
	fake_reset("rr", 10, 1000);
	struct thread *ta = kthread_create("A", raiser, &a);
	start(&b);
	fake_run_until_idle();
	assert_string_equal(trace(40), "A30 B10");
	assert_ptr_equal(ta->policy, &sched_policy_prio);
	assert_int_equal(ta->pd.params.linux_policy, SCHED_FIFO);
	fake_reap_zombies();

	record_reset();
	fake_reset("rr", 10, 1000);
	kthread_create("A", raiser, &a);
	raise_target = start(&b);
	fake_run_until_idle();
	raise_target = NULL;
	assert_string_equal(trace(40), "A6 B10 A24");
}

/* Kernel threads start in the boot policy; SCHED_OTHER maps to it. */
static void test_policy_mapping(void **state)
{
	(void)state;
	fake_reset("mlfq", 10, 1000);
	struct sched_params p = { .linux_policy = SCHED_OTHER };
	assert_ptr_equal(sched_policy_for(&p), &sched_policy_mlfq);
	p.linux_policy = SCHED_BATCH;
	assert_ptr_equal(sched_policy_for(&p), &sched_policy_mlfq);
	p.linux_policy = SCHED_RR;
	assert_ptr_equal(sched_policy_for(&p), &sched_policy_prio);
	/* reset-on-fork: a real-time parent's child is normal at nice 0. */
	struct thread parent = {0};
	parent.pd.params = (struct sched_params){ -5, 30, SCHED_FIFO, true };
	struct sched_params c = sched_params_for_child(&parent);
	assert_int_equal(c.linux_policy, SCHED_OTHER);
	assert_int_equal(c.rt_priority, 0);
	assert_int_equal(c.nice, 0);
	assert_false(c.reset_on_fork);
	parent.pd.params = (struct sched_params){ -5, 0, SCHED_OTHER, true };
	assert_int_equal(sched_params_for_child(&parent).nice, 0);
	parent.pd.params = (struct sched_params){ 7, 0, SCHED_BATCH, false };
	c = sched_params_for_child(&parent);
	assert_int_equal(c.nice, 7);
	assert_int_equal(c.linux_policy, SCHED_BATCH);
	/* Weights: 1024 at 0, 1.25 per step, SCHED_IDLE below nice 19. */
	p = (struct sched_params){ .nice = 0 };
	assert_int_equal(sched_nice_weight(&p), 1024);
	p.nice = 5;
	assert_int_equal(sched_nice_weight(&p), 336);
	p.nice = 19;
	assert_int_equal(sched_nice_weight(&p), 15);
	p.linux_policy = SCHED_IDLE;
	assert_true(sched_nice_weight(&p) < 15);

	struct job a = { 'A', 1, 1, 0, 0, 0, 0, 0 };
	struct thread *t = start(&a);
	assert_ptr_equal(t->policy, &sched_policy_mlfq);
	assert_int_equal(t->pd.params.linux_policy, SCHED_OTHER);
	fake_run_until_idle();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rbtree_random),
		cmocka_unit_test(test_rbtree_equal_keys_fifo_and_wrap),
		cmocka_unit_test_teardown(test_policy_names, teardown),
		cmocka_unit_test_teardown(test_rr_alternates, teardown),
		cmocka_unit_test_teardown(test_prio_higher_runs_first, teardown),
		cmocka_unit_test_teardown(test_prio_fifo_and_rr, teardown),
		cmocka_unit_test_teardown(test_prio_aging_bounds_starvation, teardown),
		cmocka_unit_test_teardown(test_mlfq_hog_sinks_level_by_level, teardown),
		cmocka_unit_test_teardown(test_mlfq_io_bound_stays_high, teardown),
		cmocka_unit_test_teardown(test_mlfq_gaming_does_not_keep_a_hog_on_top, teardown),
		cmocka_unit_test_teardown(test_mlfq_boost_lifts_everyone, teardown),
		cmocka_unit_test_teardown(test_fair_equal_threads_alternate, teardown),
		cmocka_unit_test_teardown(test_fair_shares_follow_weights, teardown),
		cmocka_unit_test_teardown(test_fair_sleeper_credit_is_bounded, teardown),
		cmocka_unit_test_teardown(test_set_policy_of_running_and_ready_threads, teardown),
		cmocka_unit_test_teardown(test_policy_mapping, teardown),
	};
	return cmocka_run_group_tests_name("policies", tests, NULL, NULL);
}
