/*
 * tap.h — a tiny TAP (Test Anything Protocol) producer for the guest tests.
 *
 * A test program is a list of cases. Each case is a function that makes
 * checks; a failed check prints a "# file:line: ..." diagnostic (with
 * errno, since most checks here are about system calls) and marks the case
 * failed, but the case goes on, so one run shows every broken check.
 * After the case: "ok N - name" or "not ok N - name". tap_done() prints the
 * plan "1..N" and returns the exit status: non-zero if anything failed.
 *
 * The plan comes last on purpose: a program that crashes half-way never
 * prints it, and the runner counts a missing plan as a failure.
 *
 * Every line is flushed at once: these programs fork, and a line still
 * sitting in the stdio buffer would be printed again by each child.
 * Children must leave with _exit(), never exit(), for the same reason.
 */
#ifndef WEFT_TAP_H
#define WEFT_TAP_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_count, tap_failures;
static bool tap_case_failed;

static inline void tap_printf(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static inline void tap_printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
}

/* A "# ..." comment line: TAP consumers show it but do not judge it. */
#define DIAG(...)                                                            \
	do {                                                                 \
		printf("# ");                                                \
		tap_printf(__VA_ARGS__);                                     \
	} while (0)

#define CHECK(cond)                                                          \
	do {                                                                 \
		int tap_errno_ = errno;                                      \
		if (!(cond)) {                                               \
			tap_printf("# %s:%d: check failed: %s (errno %d: %s)\n", \
				   __FILE__, __LINE__, #cond, tap_errno_,    \
				   strerror(tap_errno_));                    \
			tap_case_failed = true;                              \
		}                                                            \
	} while (0)

#define CHECK_EQ(a, b)                                                       \
	do {                                                                 \
		int tap_errno_ = errno;                                      \
		long long tap_a_ = (long long)(a), tap_b_ = (long long)(b);  \
		if (tap_a_ != tap_b_) {                                      \
			tap_printf("# %s:%d: %s == %s: got %lld, want %lld " \
				   "(errno %d: %s)\n", __FILE__, __LINE__,   \
				   #a, #b, tap_a_, tap_b_, tap_errno_,       \
				   strerror(tap_errno_));                    \
			tap_case_failed = true;                              \
		}                                                            \
	} while (0)

/* A system call that must fail: returns -1 and sets errno to err. */
#define CHECK_ERR(call, err)                                                 \
	do {                                                                 \
		errno = 0;                                                   \
		long tap_r_ = (long)(call);                                  \
		int tap_e_ = errno;                                          \
		if (tap_r_ != -1 || tap_e_ != (err)) {                       \
			tap_printf("# %s:%d: %s: got %ld errno %d (%s), "    \
				   "want -1 errno %d (%s)\n", __FILE__,      \
				   __LINE__, #call, tap_r_, tap_e_,          \
				   strerror(tap_e_), (err), strerror(err));  \
			tap_case_failed = true;                              \
		}                                                            \
	} while (0)

/* The test cannot go on (e.g. fork failed): mark it and leave the case. */
#define REQUIRE(cond)                                                        \
	do {                                                                 \
		CHECK(cond);                                                 \
		if (tap_case_failed)                                         \
			return;                                              \
	} while (0)

/* A case is whatever checks run between tap_start() and tap_end(name). */
static inline void tap_start(void)
{
	tap_case_failed = false;
	fflush(stdout);
}

static inline void tap_end(const char *name)
{
	tap_count++;
	if (tap_case_failed)
		tap_failures++;
	tap_printf("%sok %d - %s\n", tap_case_failed ? "not " : "", tap_count,
		   name);
}

static inline void tap_run(const char *name, void (*fn)(void))
{
	tap_start();
	fn();
	tap_end(name);
}

static inline void tap_skip(const char *name, const char *why)
{
	tap_count++;
	tap_printf("ok %d - %s # SKIP %s\n", tap_count, name, why);
}

static inline int tap_done(void)
{
	tap_printf("1..%d\n", tap_count);
	if (tap_failures)
		tap_printf("# %d of %d failed\n", tap_failures, tap_count);
	return tap_failures ? EXIT_FAILURE : EXIT_SUCCESS;
}

#define TAP(fn) tap_run(#fn, fn)

#endif
