/*
 * tap.h — a tiny TAP (Test Anything Protocol) producer.
 *
 * One line per test case, "ok N - name" or "not ok N - name", then the
 * plan "1..N". A failed check prints a "# file:line: expression" comment
 * and marks the case failed; the case goes on, so one run shows every
 * broken check. tap_done() is the exit status: non-zero on any failure.
 * (cmocka would do, but it is not built for musl, and these tests must
 * also run as static musl programs inside Weft.)
 */
#ifndef GREEN_TAP_H
#define GREEN_TAP_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

static int tap_count, tap_failures;
static bool tap_case_failed;

#define CHECK(cond)                                                          \
	do {                                                                 \
		if (!(cond)) {                                               \
			printf("# %s:%d: check failed: %s\n", __FILE__,      \
			       __LINE__, #cond);                             \
			tap_case_failed = true;                              \
		}                                                            \
	} while (0)

#define CHECK_EQ(a, b)                                                       \
	do {                                                                 \
		long long tap_a_ = (long long)(a), tap_b_ = (long long)(b);  \
		if (tap_a_ != tap_b_) {                                      \
			printf("# %s:%d: %s == %s: %lld != %lld\n", __FILE__, \
			       __LINE__, #a, #b, tap_a_, tap_b_);            \
			tap_case_failed = true;                              \
		}                                                            \
	} while (0)

static inline void tap_run(const char *name, void (*fn)(void))
{
	tap_case_failed = false;
	fflush(stdout); /* children forked by a test must not repeat output */
	fn();
	tap_count++;
	if (tap_case_failed)
		tap_failures++;
	printf("%sok %d - %s\n", tap_case_failed ? "not " : "", tap_count, name);
	fflush(stdout);
}

static inline void tap_skip(const char *name, const char *why)
{
	tap_count++;
	printf("ok %d - %s # SKIP %s\n", tap_count, name, why);
}

static inline int tap_done(void)
{
	printf("1..%d\n", tap_count);
	if (tap_failures)
		printf("# %d of %d failed\n", tap_failures, tap_count);
	return tap_failures ? EXIT_FAILURE : EXIT_SUCCESS;
}

#define TAP(fn) tap_run(#fn, fn)

#endif
