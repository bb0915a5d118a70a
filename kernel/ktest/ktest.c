/*
 * The in-kernel test runner. Booting with test=GROUP starts ktest_main in
 * a kernel thread; it runs each test of the group in a fresh kernel thread
 * (so a test that aborts, or exits, ends only itself), prints KTAP, and
 * ends QEMU with the verdict for tests/qemu/run to read.
 *
 * A test fails when an expectation fails or when a kernel BUG is reported
 * while it runs.
 */
#include <kernel/arch.h>
#include <kernel/ktest/ktest.h>
#include <kernel/lib/string.h>
#include <kernel/mm/pmm.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/sched/sched.h>

extern const struct ktest __ktests_start[], __ktests_end[];

static unsigned failures; /* expectations failed in the running test */

bool ktest_check(bool ok, const char *expr, const char *file, int line)
{
	if (!ok) {
		__atomic_fetch_add(&failures, 1, __ATOMIC_RELAXED);
		printk("    # %s:%d: expected %s\n", file, line, expr);
	}
	return ok;
}

bool ktest_check_eq(long long a, long long b, const char *ea, const char *eb,
                    const char *file, int line)
{
	if (a != b) {
		__atomic_fetch_add(&failures, 1, __ATOMIC_RELAXED);
		printk("    # %s:%d: expected %s == %s, got %lld and %lld\n",
		       file, line, ea, eb, a, b);
	}
	return a == b;
}

_Noreturn void ktest_abort(void)
{
	kthread_exit(1);
}

static void run_one(void *arg)
{
	const struct ktest *t = arg;
	t->fn();
}

static bool in_group(const struct ktest *t, const char *group)
{
	return strcmp(group, "all") == 0 || strcmp(t->group, group) == 0;
}

_Noreturn void ktest_main(void *arg)
{
	const char *group = arg;
	unsigned total = 0, passed = 0, n = 0;

	for (const struct ktest *t = __ktests_start; t < __ktests_end; t++)
		total += in_group(t, group);

	printk("KTAP version 1\n");
	if (total == 0) {
		printk("Bail out! no tests in group '%s'\n", group);
		arch_machine_exit(KTEST_EXIT_FAIL);
	}
	printk("1..%u\n", total);

	for (const struct ktest *t = __ktests_start; t < __ktests_end; t++) {
		if (!in_group(t, group))
			continue;
		n++;
		failures = 0;
		unsigned long bugs = kernel_bug_count;
		int code = 0;
		struct thread *th = kthread_create(t->name, run_one, (void *)t);
		if (!th) {
			printk("    # could not create the test thread\n");
			failures++;
		} else if (kthread_join(th, &code) != 0 || code != 0) {
			printk("    # test thread ended with code %d\n", code);
			failures++;
		}
		if (kernel_bug_count != bugs) {
			printk("    # %lu kernel BUG report(s) during the test\n",
			       kernel_bug_count - bugs);
			failures++;
		}
		bool ok = failures == 0;
		passed += ok;
		printk("%s %u %s.%s\n", ok ? "ok" : "not ok", n, t->group, t->name);
	}
	printk("# %s: %u passed, %u failed\n", group, passed, total - passed);
	arch_machine_exit(passed == total ? KTEST_EXIT_PASS : KTEST_EXIT_FAIL);
}
