/*
 * test_switch.c — the switching layer: greenlet's rules, one test each.
 */
#define _GNU_SOURCE
#include "../green.h"
#include "../green_internal.h" /* white-box: stack reuse */
#include "tap.h"

#include <errno.h>
#include <fenv.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* A log of events, to check order rather than timing. */
static char trace[256];
static void note(const char *s) { strcat(trace, s); }

/* ---- greenlet's example: prints 1, 3, 2, 4 ---- */
static green_t *g1, *g2;
static void *order_one(void *arg, void *v)
{
	(void)arg, (void)v;
	note("1");
	green_switch(g2, NULL);
	note("2");
	green_switch(g2, NULL);
	note("x"); /* never: g2's end returns to main, not here */
	return NULL;
}
static void *order_two(void *arg, void *v)
{
	(void)arg, (void)v;
	note("3");
	green_switch(g1, NULL);
	note("4");
	return NULL;
}
static void test_ordering_1_3_2_4(void)
{
	trace[0] = 0;
	g1 = green_new(order_one, NULL, 0);
	g2 = green_new(order_two, NULL, 0);
	green_switch(g1, NULL);
	CHECK(strcmp(trace, "1324") == 0);
	CHECK(green_is_dead(g2));
	CHECK(!green_is_dead(g1)); /* suspended in its second switch */
	green_free(g1);
	green_free(g2);
}

/* ---- values both ways ---- */
static void *doubler(void *arg, void *v)
{
	CHECK_EQ((intptr_t)arg, 7);
	/* Each value in comes back doubled; the first arrives as `v`. */
	intptr_t x = (intptr_t)v;
	while (x != 0)
		x = (intptr_t)green_switch(green_parent(green_current()), (void *)(2 * x));
	return (void *)(intptr_t)-1;
}
static void test_values_both_ways(void)
{
	green_t *g = green_new(doubler, (void *)7, 0);
	CHECK_EQ((intptr_t)green_switch(g, (void *)1), 2);
	CHECK_EQ((intptr_t)green_switch(g, (void *)21), 42);
	CHECK_EQ((intptr_t)green_switch(g, (void *)-5), -10);
	CHECK_EQ((intptr_t)green_switch(g, (void *)0), -1); /* its return value */
	CHECK(green_is_dead(g));
	CHECK_EQ((intptr_t)green_result(g), -1);
	green_free(g);
}

/* ---- the end of a thread goes to its parent ---- */
static void *returns_arg(void *arg, void *v)
{
	(void)v;
	return arg;
}
static void *middle(void *arg, void *v)
{
	(void)v;
	/* Our child's parent is us: its return comes back here. */
	green_t *child = green_new(returns_arg, arg, 0);
	void *r = green_switch(child, NULL);
	green_free(child);
	return (void *)((intptr_t)r + 1);
}
static void test_return_to_parent(void)
{
	green_t *m = green_new(middle, (void *)41, 0);
	CHECK(green_parent(m) == green_root());
	CHECK(!green_is_started(m));
	CHECK_EQ((intptr_t)green_switch(m, NULL), 42);
	CHECK(green_is_started(m) && green_is_dead(m));
	green_free(m);
}

/* A dead parent hands the result on to its own parent. */
static void test_return_skips_dead_parent(void)
{
	green_t *dead = green_new(returns_arg, NULL, 0);
	green_switch(dead, NULL);
	CHECK(green_is_dead(dead));
	green_t *orphan = green_new(returns_arg, (void *)5, 0);
	CHECK_EQ(green_set_parent(orphan, dead), 0);
	CHECK_EQ((intptr_t)green_switch(orphan, NULL), 5); /* came to root */
	green_free(orphan);
	green_free(dead);
}

static void test_parent_cycle_rejected(void)
{
	green_t *a = green_new(returns_arg, NULL, 0);
	green_t *b = green_new(returns_arg, NULL, 0);
	CHECK_EQ(green_set_parent(b, a), 0);
	errno = 0;
	CHECK_EQ(green_set_parent(a, b), -1);
	CHECK_EQ(errno, EINVAL);
	CHECK(green_parent(a) == green_root());
	green_free(b);
	green_free(a);
}

/* ---- errors, not crashes ---- */
static void test_switch_to_dead_is_error(void)
{
	green_t *g = green_new(returns_arg, (void *)3, 0);
	CHECK_EQ((intptr_t)green_switch(g, NULL), 3);
	errno = 0;
	CHECK(green_switch(g, (void *)9) == GREEN_ERROR);
	CHECK_EQ(errno, ESRCH);
	CHECK(green_current() == green_root()); /* still running, here */
	green_free(g);
}

static void test_switch_to_self(void)
{
	CHECK_EQ((intptr_t)green_switch(green_current(), (void *)77), 77);
}

/* ---- kill ---- */
static void cleanup_note(void *s) { note(s); }
static void *killable(void *arg, void *v)
{
	(void)arg, (void)v;
	struct green_cleanup outer, inner;
	green_cleanup_push(&outer, cleanup_note, "O");
	note("a");
	green_switch(green_parent(green_current()), NULL);
	green_cleanup_push(&inner, cleanup_note, "I");
	note("b");
	green_switch(green_parent(green_current()), NULL);
	note("c"); /* never: killed while suspended above */
	green_cleanup_pop(&inner, true);
	green_cleanup_pop(&outer, true);
	return (void *)1;
}
static void test_kill_unwinds(void)
{
	trace[0] = 0;
	green_t *g = green_new(killable, NULL, 0);
	green_switch(g, NULL);
	green_switch(g, NULL);
	CHECK(strcmp(trace, "ab") == 0);
	CHECK_EQ(green_kill(g), 0);
	CHECK(green_current() == green_root()); /* kill came back to us */
	CHECK(strcmp(trace, "abIO") == 0);      /* cleanups, newest first */
	CHECK(green_is_dead(g));
	CHECK(green_result(g) == GREEN_KILLED);
	CHECK(green_switch(g, NULL) == GREEN_ERROR);
	CHECK_EQ(green_kill(g), 0); /* killing the dead is harmless */
	green_free(g);
}

static void test_kill_unstarted(void)
{
	trace[0] = 0;
	green_t *g = green_new(killable, NULL, 0);
	CHECK_EQ(green_kill(g), 0);
	CHECK(green_is_dead(g));
	CHECK(trace[0] == 0); /* it never ran */
	CHECK(green_switch(g, NULL) == GREEN_ERROR);
	green_free(g);
}

static void *exits_early(void *arg, void *v)
{
	(void)arg, (void)v;
	struct green_cleanup c;
	green_cleanup_push(&c, cleanup_note, "E");
	green_exit((void *)99);
}
static void test_exit(void)
{
	trace[0] = 0;
	green_t *g = green_new(exits_early, NULL, 0);
	CHECK_EQ((intptr_t)green_switch(g, NULL), 99);
	CHECK(strcmp(trace, "E") == 0);
	CHECK(green_is_dead(g));
	green_free(g);
}

/* ---- what a switch must preserve ---- */
static void *rounding_up(void *arg, void *v)
{
	(void)arg, (void)v;
	fesetround(FE_UPWARD);
	green_switch(green_root(), NULL);
	return (void *)(intptr_t)fegetround();
}
static void test_fpu_control_is_per_thread(void)
{
	CHECK_EQ(fegetround(), FE_TONEAREST);
	green_t *g = green_new(rounding_up, NULL, 0);
	green_switch(g, NULL);
	/* It set FE_UPWARD (in MXCSR and the x87 control word); we did not. */
	CHECK_EQ(fegetround(), FE_TONEAREST);
	volatile double one = 1.0, three = 3.0;
	CHECK(one / three * three == 1.0); /* to nearest, this one is exact */
	CHECK_EQ((intptr_t)green_switch(g, NULL), FE_UPWARD);
	CHECK_EQ(fegetround(), FE_TONEAREST);
	green_free(g);
}

/* Many values live across switches: the compiler keeps some in the
 * callee-saved registers, which only switch.S keeps for us. */
static void *scribbler(void *arg, void *v)
{
	(void)arg, (void)v;
	for (;;) {
		volatile long junk[8] = { -1, -2, -3, -4, -5, -6, -7, -8 };
		(void)junk;
		green_switch(green_root(), NULL);
	}
	return NULL;
}
static void test_locals_survive_switches(void)
{
	green_t *g = green_new(scribbler, NULL, 0);
	unsigned long a = 1, b = 2, c = 3, d = 4, e = 5, f = 6;
	for (int i = 0; i < 100; i++) {
		green_switch(g, NULL);
		a += b, b += c, c += d, d += e, e += f, f += a;
	}
	/* the same computation without switches */
	unsigned long A = 1, B = 2, C = 3, D = 4, E = 5, F = 6;
	for (int i = 0; i < 100; i++)
		A += B, B += C, C += D, D += E, E += F, F += A;
	CHECK(a == A && b == B && c == C && d == D && e == E && f == F);
	green_free(g); /* kills it */
}

/* ---- stacks ---- */
static void *stack_address(void *arg, void *v)
{
	(void)arg, (void)v;
	return green_current()->stack.base;
}
static void test_stack_reused(void)
{
	green_t *a = green_new(stack_address, NULL, 32 * 1024);
	void *first = green_switch(a, NULL);
	green_free(a);
	green_t *b = green_new(stack_address, NULL, 32 * 1024);
	CHECK(green_switch(b, NULL) == first);
	green_free(b);
}

static int deep(int n)
{
	volatile char pad[512];
	pad[0] = (char)n;
	return n == 0 ? 0 : deep(n - 1) + pad[0];
}
static void *overflow(void *arg, void *v)
{
	(void)arg, (void)v;
	return (void *)(intptr_t)deep(1 << 20); /* 512 MiB of frames */
}
static void *within_bounds(void *arg, void *v)
{
	(void)arg, (void)v;
	return (void *)(intptr_t)deep(16); /* 8 KiB: fits in 16 KiB */
}
static void test_guard_page_gives_sigsegv(void)
{
	/* A deep but legal recursion works... */
	green_t *ok = green_new(within_bounds, NULL, 16 * 1024);
	CHECK_EQ((intptr_t)green_switch(ok, NULL), deep(16));
	green_free(ok);

	/* ...and one too deep dies by SIGSEGV, in a child so we survive. */
	pid_t pid = fork();
	if (pid == 0) {
		/* The default action, so the kernel's verdict is what the
		 * parent sees (a sanitizer would report and exit instead). */
		signal(SIGSEGV, SIG_DFL);
		green_t *g = green_new(overflow, NULL, 16 * 1024);
		green_switch(g, NULL);
		_exit(0); /* reached only if the overflow went unnoticed */
	}
	CHECK(pid > 0);
	int status = 0;
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFSIGNALED(status));
	if (WIFSIGNALED(status))
		CHECK_EQ(WTERMSIG(status), SIGSEGV);
	else
		printf("# child exited with %d\n", WEXITSTATUS(status));
}

int main(void)
{
	TAP(test_ordering_1_3_2_4);
	TAP(test_values_both_ways);
	TAP(test_return_to_parent);
	TAP(test_return_skips_dead_parent);
	TAP(test_parent_cycle_rejected);
	TAP(test_switch_to_dead_is_error);
	TAP(test_switch_to_self);
	TAP(test_kill_unwinds);
	TAP(test_kill_unstarted);
	TAP(test_exit);
	TAP(test_fpu_control_is_per_thread);
	TAP(test_locals_survive_switches);
	TAP(test_stack_reused);
	TAP(test_guard_page_gives_sigsegv);
	return tap_done();
}
