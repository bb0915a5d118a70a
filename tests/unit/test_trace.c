/*
 * Host tests of the scheduler event trace (kernel/sched/trace.c): the
 * ring keeps the newest records and counts the lost ones, off records
 * nothing, real scheduling produces the expected switches, and the dump
 * has the format tools/weft-trace reads.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <kernel/cpu.h>
#include <kernel/sched/sched.h>
#include <kernel/sched/thread.h>
#include <kernel/sched/trace.h>

#include "fake.h"

static int teardown(void **state)
{
	(void)state;
	sched_trace_free();
	fake_reap_zombies();
	assert_int_equal(fake_heap_live(), 0);
	return 0;
}

/* A stand-in thread for sched_trace() calls made by the test itself. */
static struct thread fake_thread(int tid)
{
	struct thread t = {0};
	t.tid = tid;
	t.cpu = &cpus[0];
	snprintf(t.name, sizeof t.name, "t%d", tid);
	return t;
}

static void test_off_records_nothing(void **state)
{
	(void)state;
	fake_reset("rr", 10, 1000);
	assert_false(sched_trace_init(false, 1, 8));
	assert_false(sched_trace_on);
	assert_int_equal(sched_trace_cpus(), 0);
	struct thread a = fake_thread(5), b = fake_thread(6);
	sched_trace(SCHED_EV_SWITCH, &a, &b);
	uint64_t lost = 99;
	assert_int_equal(sched_trace_count(0, &lost), 0);
	assert_int_equal(lost, 0);
	assert_null(sched_trace_event(0, 0));
	/* The dump prints nothing at all. */
	fake_console_clear();
	sched_trace_dump();
	assert_false(fake_console_contains("weft-trace"));
	assert_int_equal(fake_heap_live(), 0);   /* nothing was allocated */
}

static void test_ring_keeps_newest_and_counts_lost(void **state)
{
	(void)state;
	fake_reset("rr", 10, 1000);
	assert_true(sched_trace_init(true, 1, 5));   /* rounded up to 8 */
	assert_int_equal(sched_trace_cpus(), 1);
	for (int i = 1; i <= 20; i++) {
		struct thread a = fake_thread(i), b = fake_thread(100 + i);
		sched_trace(SCHED_EV_GIL, &a, i % 2 ? &b : NULL);
	}
	uint64_t lost;
	assert_int_equal(sched_trace_count(0, &lost), 8);
	assert_int_equal(lost, 12);
	for (uint64_t i = 0; i < 8; i++) {
		const struct sched_trace_event *e = sched_trace_event(0, i);
		int tid = 13 + (int)i;
		assert_non_null(e);
		assert_int_equal(e->ev, SCHED_EV_GIL);
		assert_int_equal(e->cpu, 0);
		assert_int_equal(e->a, tid);
		assert_int_equal(e->b, tid % 2 ? 100 + tid : -1);
	}
	assert_null(sched_trace_event(0, 8));

	/* Stopped: nothing more is recorded. */
	sched_trace_stop();
	struct thread a = fake_thread(77);
	sched_trace(SCHED_EV_EXIT, &a, NULL);
	assert_int_equal(sched_trace_count(0, &lost), 8);
	assert_int_equal(lost, 12);
	assert_int_equal(sched_trace_event(0, 7)->a, 20);
}

static void test_migrate_and_wakeup_name_the_cpu(void **state)
{
	(void)state;
	fake_reset("rr", 10, 1000);
	assert_true(sched_trace_init(true, 1, 16));
	struct thread a = fake_thread(3);
	a.cpu = &cpus[1];        /* it now belongs to CPU 1 */
	sched_trace(SCHED_EV_MIGRATE, &a, NULL);
	sched_trace(SCHED_EV_WAKEUP, &a, NULL);
	sched_trace(SCHED_EV_BLOCK, &a, NULL);
	assert_int_equal(sched_trace_count(0, NULL), 3);
	assert_int_equal(sched_trace_event(0, 0)->dst, 1);
	assert_int_equal(sched_trace_event(0, 1)->dst, 1);
	assert_int_equal(sched_trace_event(0, 2)->dst, 0xff);
	assert_string_equal(sched_trace_event_name(SCHED_EV_MIGRATE), "mg");
	assert_string_equal(sched_trace_event_name(SCHED_EV_GIL), "gil");
}

/* ---- real scheduling ---- */

static void yielder(void *arg)
{
	(void)arg;
	for (int i = 0; i < 3; i++)
		thread_yield();
}

static void test_yielding_threads_alternate(void **state)
{
	(void)state;
	fake_reset("rr", 10, 1000);
	assert_true(sched_trace_init(true, 1, 1024));
	struct thread *p = kthread_create("ping", yielder, NULL);
	struct thread *q = kthread_create("pong", yielder, NULL);
	int ptid = p->tid, qtid = q->tid;
	fake_run_until_idle();

	/* Every switch, in order: idle -> ping, then ping and pong take
	 * turns, 3 yields each plus their exits, then back to idle. */
	int from[16], to[16], nsw = 0, created = 0, exits = 0;
	uint64_t n = sched_trace_count(0, NULL), prev_ns = 0;
	for (uint64_t i = 0; i < n; i++) {
		const struct sched_trace_event *e = sched_trace_event(0, i);
		assert_true(e->ns >= prev_ns);
		prev_ns = e->ns;
		if (e->ev == SCHED_EV_SWITCH && nsw < 16) {
			from[nsw] = e->a;
			to[nsw] = e->b;
			nsw++;
		}
		created += e->ev == SCHED_EV_CREATE;
		exits += e->ev == SCHED_EV_EXIT;
	}
	assert_int_equal(created, 2);
	assert_int_equal(exits, 2);
	int want_from[] = { 0, ptid, qtid, ptid, qtid, ptid, qtid, ptid, qtid };
	int want_to[] = { ptid, qtid, ptid, qtid, ptid, qtid, ptid, qtid, 0 };
	assert_int_equal(nsw, 9);
	for (int i = 0; i < nsw; i++) {
		assert_int_equal(from[i], want_from[i]);
		assert_int_equal(to[i], want_to[i]);
	}

	/* The dump: header, the CPU line, the events, both threads named
	 * (they exited and were joined: the names come from the trace). */
	fake_reap_zombies();
	fake_console_clear();
	sched_trace_dump();
	char want[160];
	snprintf(want, sizeof want, "weft-trace: begin v1 cpus=1 tick_ns=1000000 start_ns=%llu end_ns=%llu events=%llu lost=0\n",
	         (unsigned long long)sched_trace_event(0, 0)->ns,
	         (unsigned long long)fake_now_ns(), (unsigned long long)n);
	assert_true(fake_console_contains(want));
	snprintf(want, sizeof want, "C 0 %llu 0\n", (unsigned long long)n);
	assert_true(fake_console_contains(want));
	/* No time passes in this scenario: every dt is 0. */
	snprintf(want, sizeof want, "\nsw 0 0 0 %d\n", ptid);
	assert_true(fake_console_contains(want));
	snprintf(want, sizeof want, "\nT %d 0 0 ping\n", ptid);
	assert_true(fake_console_contains(want));
	snprintf(want, sizeof want, "\nT %d 0 0 pong\n", qtid);
	assert_true(fake_console_contains(want));
	assert_true(fake_console_contains("\nT 0 0 0 idle\n"));
	assert_true(fake_console_contains("\nweft-trace: end\n"));
	/* The dump stops the trace. */
	assert_false(sched_trace_on);
}

static void renamer(void *arg)
{
	(void)arg;
	thread_yield();
	/* As execve or prctl(PR_SET_NAME) would. */
	strcpy(thread_current()->name, "renamed");
	fake_advance_ticks(1);
}

static void test_dump_names_a_thread_by_its_last_name(void **state)
{
	(void)state;
	fake_reset("rr", 10, 1000);
	assert_true(sched_trace_init(true, 1, 1024));
	struct thread *t = kthread_create("before", renamer, NULL);
	int tid = t->tid;
	fake_run_until_idle();
	fake_console_clear();
	sched_trace_dump();
	char want[64];
	snprintf(want, sizeof want, "\nT %d 0 0 renamed\n", tid);
	assert_true(fake_console_contains(want));
	assert_false(fake_console_contains("before"));
}

static void nap(void *arg)
{
	(void)arg;
	thread_sleep_ticks(3);
}

static void test_dump_times_are_deltas(void **state)
{
	(void)state;
	fake_reset("rr", 10, 1000);
	assert_true(sched_trace_init(true, 1, 64));
	struct thread *t = kthread_create("nap", nap, NULL);
	int tid = t->tid;
	fake_run_until_idle();
	fake_console_clear();
	sched_trace_dump();
	/* It sleeps, the CPU idles; the tick 3 ms later wakes it (no waker,
	 * on CPU 0), and the switch to it follows at once. */
	char want[96];
	snprintf(want, sizeof want, "\nsl 0 0 %d -1\nsw 0 0 %d 0\nwk 0 3000000 %d -1 0\n",
	         tid, tid, tid);
	assert_true(fake_console_contains(want));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_off_records_nothing, teardown),
		cmocka_unit_test_teardown(test_ring_keeps_newest_and_counts_lost, teardown),
		cmocka_unit_test_teardown(test_migrate_and_wakeup_name_the_cpu, teardown),
		cmocka_unit_test_teardown(test_yielding_threads_alternate, teardown),
		cmocka_unit_test_teardown(test_dump_names_a_thread_by_its_last_name, teardown),
		cmocka_unit_test_teardown(test_dump_times_are_deltas, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
