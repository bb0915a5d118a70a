/*
 * The floating-point and vector registers belong to each thread and each
 * process: a switch to another one must not change them.
 *
 * The rounding mode lives in MXCSR, which the ABI says survives function
 * calls, so a program that sets it relies on nobody else changing it --
 * yet two processes that set different modes and yield to each other
 * share one CPU's MXCSR unless the kernel saves and restores it. The sums
 * check the same for the vector registers themselves, when a timer tick
 * switches processes in the middle of a loop.
 */
#include <fenv.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "guest.h"

/* Yield many times; every time we are back, our rounding mode must be. */
static int keeps_rounding(int mode)
{
	fesetround(mode);
	for (int i = 0; i < 2000; i++) {
		sched_yield();
		if (fegetround() != mode)
			return 0;
	}
	return 1;
}

static void rounding_mode_is_per_process(void)
{
	pid_t pid = fork();
	REQUIRE(pid >= 0);
	if (pid == 0)
		_exit(keeps_rounding(FE_DOWNWARD) ? 0 : 1);
	CHECK(keeps_rounding(FE_UPWARD));
	fesetround(FE_TONEAREST);
	int st;
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static void *rounding_thread(void *arg)
{
	return (void *)(long)keeps_rounding((int)(long)arg);
}

static void rounding_mode_is_per_thread(void)
{
	pthread_t t;
	REQUIRE(pthread_create(&t, NULL, rounding_thread, (void *)(long)FE_TOWARDZERO) == 0);
	CHECK(keeps_rounding(FE_UPWARD));
	fesetround(FE_TONEAREST);
	void *ok;
	CHECK_EQ(pthread_join(t, &ok), 0);
	CHECK(ok == (void *)1L);
}

/* A sum kept in vector registers across a long loop: a preemption in the
 * middle must not mix in the other process's partial sums. */
static double sum(double seed, int n)
{
	double a = 0, b = 0;
	for (int i = 1; i <= n; i++) {
		a += seed / i;
		b += a * 1e-9;
	}
	return a + b;
}

static void sums_survive_preemption(void)
{
	const int n = 3000000;
	double want1 = sum(1.0, n), want3 = sum(3.0, n);
	pid_t pid = fork();
	REQUIRE(pid >= 0);
	if (pid == 0)
		_exit(sum(3.0, n) == want3 ? 0 : 1);
	CHECK(sum(1.0, n) == want1);
	int st;
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static void fork_inherits_rounding(void)
{
	/* A forked child starts with its parent's mode. */
	fesetround(FE_UPWARD);
	pid_t pid = fork();
	REQUIRE(pid >= 0);
	if (pid == 0)
		_exit(fegetround() == FE_UPWARD ? 0 : 1);
	fesetround(FE_TONEAREST);
	int st;
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

int main(void)
{
	guest_begin();
	TAP(rounding_mode_is_per_process);
	TAP(rounding_mode_is_per_thread);
	TAP(sums_survive_preemption);
	TAP(fork_inherits_rounding);
	guest_end();
	return tap_done();
}
