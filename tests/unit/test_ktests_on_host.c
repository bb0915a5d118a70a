/*
 * Runs the in-kernel tests of kernel/ktest/test_sched.c and test_sync.c
 * on the host, against the fake arch, so they are checked before they
 * ever boot. Each KTEST runs in a kernel thread as the real runner does.
 *
 * The host has no free-running timer: time moves only when a thread asks
 * or the CPU idles. So a test that waits for the timer to preempt a
 * thread spinning on a variable cannot end here; those are listed in
 * needs_real_timer[] and skipped (they run in QEMU).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <kernel/cpu.h>
#include <kernel/ktest/ktest.h>
#include <kernel/sched/sched.h>
#include <kernel/sched/thread.h>

#include "fake.h"

extern const struct ktest __start_ktests[], __stop_ktests[];

static const char *const needs_real_timer[] = {
	"cpu_bound_threads_are_preempted",
	"cpu_bound_threads_spread_over_all_cpus",   /* spinners never yield */
};

static int failures;

bool ktest_check(bool ok, const char *expr, const char *file, int line)
{
	if (!ok) {
		printf("# %s:%d: expected %s\n", file, line, expr);
		failures++;
	}
	return ok;
}

bool ktest_check_eq(long long a, long long b, const char *ea, const char *eb,
                    const char *file, int line)
{
	if (a != b) {
		printf("# %s:%d: expected %s == %s (%lld != %lld)\n", file, line,
		       ea, eb, a, b);
		failures++;
	}
	return a == b;
}

_Noreturn void ktest_abort(void)
{
	kthread_exit(1);
}

static void run_one(void *arg)
{
	((const struct ktest *)arg)->fn();
}

static bool skipped(const struct ktest *k)
{
	for (size_t i = 0; i < sizeof needs_real_timer / sizeof *needs_real_timer; i++)
		if (strcmp(k->name, needs_real_timer[i]) == 0)
			return true;
	return false;
}

static void test_all_ktests(void **state)
{
	(void)state;
	int ran = 0;
	for (const struct ktest *k = __start_ktests; k < __stop_ktests; k++) {
		if (skipped(k)) {
			printf("# skip %s.%s (needs a free-running timer)\n",
			       k->group, k->name);
			continue;
		}
		failures = 0;
		fake_reset("rr", 10, 100);
		struct thread *t = kthread_create("ktest", run_one, (void *)k);
		assert_non_null(t);
		fake_run_until_idle();
		if (t->state != THREAD_ZOMBIE)
			fail_msg("%s.%s did not finish (%s)", k->group, k->name,
			         thread_state_name(t->state));
		if (failures)
			fail_msg("%s.%s: %d failed expectations", k->group,
			         k->name, failures);
		assert_int_equal(fake_bug_count(), 0);
		assert_int_equal(fake_reap_zombies(), 1);
		assert_int_equal(sched_thread_count(), 1);
		assert_int_equal(fake_heap_live(), 0);
		printf("# ok %s.%s\n", k->group, k->name);
		ran++;
	}
	assert_true(ran >= 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_ktests),
	};
	return cmocka_run_group_tests_name("ktests_on_host", tests, NULL, NULL);
}
