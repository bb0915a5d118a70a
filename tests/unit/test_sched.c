/*
 * Host tests of the scheduler core: thread life cycle, round-robin
 * fairness, preemption at the end of a quantum, yield and accounting.
 * Time is virtual: threads "compute" by calling fake_advance_ticks().
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <kernel/cpu.h>
#include <kernel/sched/errno.h>
#include <kernel/sched/policy.h>
#include <kernel/sched/sched.h>
#include <kernel/sched/thread.h>

#include "fake.h"

/* Every scenario must end with all threads reaped and all memory back. */
static int teardown(void **state)
{
	(void)state;
	fake_reap_zombies();
	/* Only idle/0 is left, if the scenario ran at all. */
	assert_int_equal(sched_thread_count(), cpus[0].idle ? 1 : 0);
	assert_int_equal(fake_heap_live(), 0);
	return 0;
}

/* ---- create, exit, join ---- */

static int ran[8];

static void record_and_return(void *arg)
{
	ran[(intptr_t)arg]++;
}

static void record_and_exit(void *arg)
{
	ran[(intptr_t)arg]++;
	kthread_exit(40 + (int)(intptr_t)arg);
}

static void test_create_exit_join(void **state)
{
	(void)state;
	memset(ran, 0, sizeof ran);
	fake_reset("rr", 10, 1000);

	struct thread *a = kthread_create("returns", record_and_return, (void *)1);
	struct thread *b = kthread_create("exits", record_and_exit, (void *)2);
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(a->state, THREAD_READY);
	assert_string_equal(a->name, "returns");
	assert_true(a->tid > 0 && b->tid > a->tid);
	assert_int_equal(sched_thread_count(), 2);     /* no idle yet */

	fake_run_until_idle();

	assert_int_equal(ran[1], 1);
	assert_int_equal(ran[2], 1);
	assert_int_equal(a->state, THREAD_ZOMBIE);
	assert_int_equal(b->state, THREAD_ZOMBIE);

	int code = -1;
	assert_int_equal(kthread_join(a, &code), 0);
	assert_int_equal(code, 0);
	assert_int_equal(kthread_join(b, &code), 0);
	assert_int_equal(code, 42);
	assert_int_equal(fake_heap_live(), 0);
}

/* A parent joins a child that is still running: it must block. */
struct join_log {
	struct thread *child;
	int code;
	int join_ret;
	uint64_t joined_at;
	int self_join;
	int second_join;
};

static void slow_child(void *arg)
{
	(void)arg;
	fake_advance_ticks(25);
	kthread_exit(7);
}

static void second_joiner(void *arg)
{
	struct join_log *log = arg;
	log->second_join = kthread_join(log->child, NULL);
}

static void parent(void *arg)
{
	struct join_log *log = arg;
	log->child = kthread_create("child", slow_child, NULL);
	kthread_create("joiner2", second_joiner, log);
	log->self_join = kthread_join(thread_current(), NULL);
	log->join_ret = kthread_join(log->child, &log->code);
	log->joined_at = fake_now_ticks();
}

static void test_join_waits_for_exit(void **state)
{
	(void)state;
	struct join_log log = {0};
	fake_reset("rr", 10, 1000);
	kthread_create("parent", parent, &log);
	fake_run_until_idle();

	assert_int_equal(log.self_join, -EDEADLK);
	assert_int_equal(log.join_ret, 0);
	assert_int_equal(log.code, 7);
	assert_int_equal(log.joined_at, 25);
	/* The parent was already joining when the second joiner tried. */
	assert_int_equal(log.second_join, -EINVAL);
}

static void create_join_many(void *arg)
{
	int *done = arg;
	for (int i = 0; i < 1000; i++) {
		struct thread *t = kthread_create("worker", record_and_exit,
		                                  (void *)(intptr_t)(i % 4));
		if (!t || kthread_join(t, NULL) != 0)
			return;
		(*done)++;
	}
}

static void test_create_join_1000_in_sequence(void **state)
{
	(void)state;
	int done = 0;
	memset(ran, 0, sizeof ran);
	fake_reset("rr", 10, 1000);
	kthread_create("spawner", create_join_many, &done);
	fake_run_until_idle();
	assert_int_equal(done, 1000);
	assert_int_equal(ran[0] + ran[1] + ran[2] + ran[3], 1000);
}

static void test_join_errors(void **state)
{
	(void)state;
	fake_reset("rr", 10, 1000);
	assert_int_equal(kthread_join(NULL, NULL), -ESRCH);
	fake_run_until_idle();
	/* Joining an idle thread is refused. */
	assert_int_equal(kthread_join(cpus[0].idle, NULL), -EINVAL);
}

/* ---- the idle thread and the thread table ---- */

struct table_seen {
	int n;
	int idle_tid;
	char names[8][THREAD_NAME_LEN];
};

static void see_thread(struct thread *t, void *arg)
{
	struct table_seen *s = arg;
	if (s->n < 8)
		memcpy(s->names[s->n], t->name, THREAD_NAME_LEN);
	if (t->is_idle)
		s->idle_tid = t->tid;
	s->n++;
}

static void test_idle_and_thread_table(void **state)
{
	(void)state;
	fake_reset("rr", 10, 1000);
	/* Nothing to run: the scenario ends at once, in the idle thread. */
	fake_run_until_idle();
	assert_non_null(cpus[0].idle);
	assert_ptr_equal(thread_current(), cpus[0].idle);
	assert_string_equal(cpus[0].idle->name, "idle/0");

	struct thread *t = kthread_create("a-very-long-thread-name",
	                                  record_and_return, (void *)0);
	struct table_seen seen = { .idle_tid = -1 };
	sched_for_each_thread(see_thread, &seen);
	assert_int_equal(seen.n, 2);
	assert_int_equal(seen.idle_tid, 0);
	assert_string_equal(seen.names[1], "a-very-long-thr");  /* 15 chars */
	assert_string_equal(thread_state_name(t->state), "ready");
	assert_string_equal(thread_state_name(THREAD_ZOMBIE), "zombie");

	fake_run_until_idle();   /* the scenario can go on */
	assert_string_equal(thread_state_name(t->state), "zombie");
}

/* ---- policy selection ---- */

static void test_policy_by_name(void **state)
{
	(void)state;
	assert_true(sched_policy_exists("rr"));
	assert_false(sched_policy_exists("bogus"));
	assert_false(sched_policy_exists(""));

	fake_reset("bogus", 10, 1000);
	assert_true(fake_console_contains("unknown policy 'bogus'"));
	assert_ptr_equal(sched_default_policy(), &sched_policy_rr);

	fake_reset("rr", 10, 1000);
	assert_false(fake_console_contains("unknown policy"));
	assert_int_equal(sched_quantum_ticks, 10);
	fake_reset("rr", 10, 100);
	assert_int_equal(sched_quantum_ticks, 1);
	fake_reset("rr", 15, 100);       /* rounded up, never shorter */
	assert_int_equal(sched_quantum_ticks, 2);
	fake_reset("rr", 0, 100);        /* never zero */
	assert_int_equal(sched_quantum_ticks, 1);
}

/* ---- round-robin fairness and preemption ---- */

#define FAIR_N 4
#define FAIR_Q 10                       /* ticks per quantum (10 ms at 1 kHz) */
#define FAIR_K (FAIR_N * FAIR_Q * 12)   /* ticks in the whole run */

static int who_ran[FAIR_K];

/* CPU-bound: compute one tick at a time until the run is over, noting
 * which thread each tick belonged to. Never yields. */
static void cpu_bound(void *arg)
{
	int id = (int)(intptr_t)arg;
	while (fake_now_ticks() < FAIR_K) {
		who_ran[fake_now_ticks()] = id;
		fake_advance_ticks(1);
	}
}

static void test_rr_fairness(void **state)
{
	(void)state;
	struct thread *t[FAIR_N];
	fake_reset("rr", 10, 1000);
	for (int i = 0; i < FAIR_N; i++)
		t[i] = kthread_create("cpu", cpu_bound, (void *)(intptr_t)i);
	fake_run_until_idle();

	/* Each gets its share, within one quantum. */
	for (int i = 0; i < FAIR_N; i++) {
		long share = FAIR_K / FAIR_N;
		assert_in_range(t[i]->ticks_run, share - FAIR_Q, share + FAIR_Q);
		assert_true(t[i]->switches_involuntary >= 11);
	}
	/* And in strict turns of exactly one quantum: 0 1 2 3 0 1 2 3 ... */
	for (int k = 0; k < FAIR_K; k++)
		if (who_ran[k] != (k / FAIR_Q) % FAIR_N)
			fail_msg("tick %d ran thread %d, expected %d", k,
			         who_ran[k], (k / FAIR_Q) % FAIR_N);
}

struct preempt_log {
	uint64_t b_started_at;
	uint64_t a_done_at;
};

static void long_computation(void *arg)
{
	struct preempt_log *log = arg;
	fake_advance_ticks(10);          /* one "call", preempted inside */
	log->a_done_at = fake_now_ticks();
}

static void short_computation(void *arg)
{
	struct preempt_log *log = arg;
	log->b_started_at = fake_now_ticks();
	fake_advance_ticks(1);
}

static void test_preempt_at_quantum_end(void **state)
{
	(void)state;
	struct preempt_log log = {0};
	fake_reset("rr", 3, 1000);                  /* quantum: 3 ticks */
	struct thread *a = kthread_create("a", long_computation, &log);
	struct thread *b = kthread_create("b", short_computation, &log);
	fake_run_until_idle();

	assert_int_equal(log.b_started_at, 3);      /* a lost the CPU at its 3rd tick */
	assert_int_equal(log.a_done_at, 11);        /* 10 of its own + 1 of b's */
	assert_int_equal(a->ticks_run, 10);
	assert_int_equal(b->ticks_run, 1);
	assert_int_equal(a->switches_involuntary, 1);
	assert_int_equal(a->switches_voluntary, 1); /* its exit */
	assert_int_equal(b->switches_involuntary, 0);
}

static void test_lone_thread_not_switched(void **state)
{
	(void)state;
	struct preempt_log log = {0};
	fake_reset("rr", 2, 1000);
	struct thread *a = kthread_create("alone", long_computation, &log);
	fake_run_until_idle();
	/* Its quantum ended five times, but nobody else wanted the CPU. */
	assert_int_equal(a->ticks_run, 10);
	assert_int_equal(a->switches_involuntary, 0);
	assert_int_equal(a->switches_voluntary, 1);
}

/* ---- yield ---- */

static char yield_trace[32];
static int yield_len;

static void yielder(void *arg)
{
	for (int i = 0; i < 3; i++) {
		yield_trace[yield_len++] = (char)(intptr_t)arg;
		thread_yield();
	}
}

static void test_yield_alternates(void **state)
{
	(void)state;
	memset(yield_trace, 0, sizeof yield_trace);
	yield_len = 0;
	fake_reset("rr", 10, 1000);
	struct thread *a = kthread_create("A", yielder, (void *)'A');
	kthread_create("B", yielder, (void *)'B');
	fake_run_until_idle();
	assert_string_equal(yield_trace, "ABABAB");
	assert_int_equal(a->switches_voluntary, 4);  /* 3 yields + exit */
	assert_int_equal(a->switches_involuntary, 0);
	assert_int_equal(fake_now_ticks(), 0);       /* no time passed */
}

static void lone_yielder(void *arg)
{
	int *count = arg;
	for (int i = 0; i < 5; i++) {
		thread_yield();                 /* nobody else: returns at once */
		(*count)++;
	}
}

static void test_yield_alone_returns(void **state)
{
	(void)state;
	int count = 0;
	fake_reset("rr", 10, 1000);
	struct thread *t = kthread_create("alone", lone_yielder, &count);
	fake_run_until_idle();
	assert_int_equal(count, 5);
	assert_int_equal(t->switches_voluntary, 1);  /* only the exit */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_create_exit_join, teardown),
		cmocka_unit_test_teardown(test_join_waits_for_exit, teardown),
		cmocka_unit_test_teardown(test_create_join_1000_in_sequence, teardown),
		cmocka_unit_test_teardown(test_join_errors, teardown),
		cmocka_unit_test_teardown(test_idle_and_thread_table, teardown),
		cmocka_unit_test_teardown(test_policy_by_name, teardown),
		cmocka_unit_test_teardown(test_rr_fairness, teardown),
		cmocka_unit_test_teardown(test_preempt_at_quantum_end, teardown),
		cmocka_unit_test_teardown(test_lone_thread_not_switched, teardown),
		cmocka_unit_test_teardown(test_yield_alternates, teardown),
		cmocka_unit_test_teardown(test_yield_alone_returns, teardown),
	};
	return cmocka_run_group_tests_name("sched", tests, NULL, NULL);
}
