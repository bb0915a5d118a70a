/*
 * In-kernel tests. A test is a function registered with KTEST(group, name);
 * booting with test=GROUP runs every test of that group in a kernel thread
 * and prints KTAP:
 *
 *   KTAP version 1
 *   1..3
 *   ok 1 group.name
 *   not ok 2 group.other   (with "# file:line: expectation" lines above it)
 *
 * then ends QEMU with the verdict (see ktest.c). KEXPECT* record a failure
 * and carry on; KASSERT_T* record it and end the test at once.
 */
#ifndef WEFT_KTEST_H
#define WEFT_KTEST_H

#include <stdbool.h>
#include <stdint.h>

/* QEMU exit statuses (isa-debug-exit turns v into (v << 1) | 1). */
#define KTEST_EXIT_PASS  0x10 /* QEMU status 33 */
#define KTEST_EXIT_FAIL  0x11 /* QEMU status 35 */
#define KTEST_EXIT_CRASH 0x12 /* QEMU status 37: panic or exception */

struct ktest {
	const char *group;
	const char *name;
	void (*fn)(void);
};

#define KTEST(group, name)                                                   \
	static void ktest_fn_##group##_##name(void);                         \
	static const struct ktest ktest_##group##_##name                     \
		__attribute__((used, section("ktests"), aligned(8))) = {     \
			#group, #name, ktest_fn_##group##_##name};           \
	static void ktest_fn_##group##_##name(void)

bool ktest_check(bool ok, const char *expr, const char *file, int line);
bool ktest_check_eq(long long a, long long b, const char *ea, const char *eb,
                    const char *file, int line);
_Noreturn void ktest_abort(void);

/* Run every test of group (a kernel thread's body; arg is the group name),
 * print KTAP and end QEMU with the verdict. */
_Noreturn void ktest_main(void *group);

#define KEXPECT(c) ktest_check(!!(c), #c, __FILE__, __LINE__)
#define KEXPECT_EQ(a, b) \
	ktest_check_eq((long long)(a), (long long)(b), #a, #b, __FILE__, __LINE__)
#define KASSERT_T(c) do { if (!KEXPECT(c)) ktest_abort(); } while (0)
#define KASSERT_T_EQ(a, b) do { if (!KEXPECT_EQ(a, b)) ktest_abort(); } while (0)

#endif
