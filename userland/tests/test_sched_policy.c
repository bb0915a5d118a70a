/*
 * test_sched_policy — a thread's scheduling policy and nice value, as
 * Linux programs set them: sched_setscheduler, sched_getscheduler,
 * sched_setparam, sched_getparam, sched_get_priority_max/min,
 * setpriority, getpriority. Per thread, inherited over fork, reset on
 * fork when asked, and every bad argument refused with Linux's errno.
 *
 * musl's sched_setscheduler() and friends deliberately return ENOSYS
 * (POSIX means them per process, Linux's are per thread), so the
 * system calls are made directly with syscall(). Natively on Linux, the
 * real-time cases need root (CAP_SYS_NICE) and are skipped without it.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "guest.h"

#ifndef SCHED_RESET_ON_FORK
#define SCHED_RESET_ON_FORK 0x40000000
#endif

static long setscheduler(pid_t pid, int policy, int prio)
{
	struct sched_param p = { .sched_priority = prio };
	return syscall(SYS_sched_setscheduler, pid, policy, &p);
}

static long getscheduler(pid_t pid)
{
	return syscall(SYS_sched_getscheduler, pid);
}

static int getparam(pid_t pid)
{
	struct sched_param p = { .sched_priority = -1 };
	if (syscall(SYS_sched_getparam, pid, &p) != 0)
		return -1;
	return p.sched_priority;
}

static int my_nice(void)
{
	errno = 0;
	return getpriority(PRIO_PROCESS, 0);
}

/* Can we use the real-time policies here? (Always on Weft: root.) */
static bool can_rt(void)
{
	int status = -1;
	pid_t pid = fork();
	if (pid == 0)
		_exit(setscheduler(0, SCHED_RR, 1) == 0 ? 0 : 1);
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return false;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void priority_ranges(void)
{
	CHECK_EQ(sched_get_priority_max(SCHED_FIFO), 99);
	CHECK_EQ(sched_get_priority_min(SCHED_FIFO), 1);
	CHECK_EQ(sched_get_priority_max(SCHED_RR), 99);
	CHECK_EQ(sched_get_priority_min(SCHED_RR), 1);
	CHECK_EQ(sched_get_priority_max(SCHED_OTHER), 0);
	CHECK_EQ(sched_get_priority_min(SCHED_OTHER), 0);
	CHECK_EQ(sched_get_priority_max(SCHED_BATCH), 0);
	CHECK_EQ(sched_get_priority_max(SCHED_IDLE), 0);
	CHECK_ERR(sched_get_priority_max(1234), EINVAL);
	CHECK_ERR(sched_get_priority_min(-1), EINVAL);
}

static void normal_by_default(void)
{
	CHECK_EQ(getscheduler(0), SCHED_OTHER);
	CHECK_EQ(getscheduler(getpid()), SCHED_OTHER);
	CHECK_EQ(getparam(0), 0);
	/* sched_setparam with priority 0 is fine for a normal thread. */
	struct sched_param p = { .sched_priority = 0 };
	CHECK_EQ(syscall(SYS_sched_setparam, 0, &p), 0);
}

static void bad_arguments(void)
{
	struct sched_param p = { .sched_priority = 0 };
	CHECK_ERR(setscheduler(0, SCHED_OTHER, 5), EINVAL);   /* normal: 0 only */
	CHECK_ERR(setscheduler(0, SCHED_FIFO, 0), EINVAL);    /* real time: 1..99 */
	CHECK_ERR(setscheduler(0, SCHED_RR, 100), EINVAL);
	CHECK_ERR(setscheduler(0, 77, 0), EINVAL);
	CHECK_ERR(setscheduler(0, -1, 0), EINVAL);
	CHECK_ERR(setscheduler(-1, SCHED_OTHER, 0), EINVAL);
	CHECK_ERR(syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, NULL), EINVAL);
	CHECK_ERR(syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, (void *)8), EFAULT);
	CHECK_ERR(syscall(SYS_sched_getparam, 0, NULL), EINVAL);
	CHECK_ERR(syscall(SYS_sched_getparam, 0, (void *)8), EFAULT);
	CHECK_ERR(syscall(SYS_sched_getscheduler, -1), EINVAL);
	CHECK_ERR(syscall(SYS_sched_setparam, -1, &p), EINVAL);
	CHECK_ERR(setpriority(7, 0, 0), EINVAL);
	CHECK_ERR(getpriority(7, 0), EINVAL);
	/* A pid that no longer exists: a child that has been reaped. */
	pid_t gone = fork();
	if (gone == 0)
		_exit(0);
	REQUIRE(gone > 0);
	int status;
	CHECK_EQ(waitpid(gone, &status, 0), gone);
	CHECK_ERR(getscheduler(gone), ESRCH);
	CHECK_ERR(getparam(gone), ESRCH);
	CHECK_ERR(setscheduler(gone, SCHED_OTHER, 0), ESRCH);
	CHECK_ERR(setpriority(PRIO_PROCESS, gone, 1), ESRCH);
	CHECK_ERR(getpriority(PRIO_PROCESS, gone), ESRCH);
}

/* In a child: nice goes up, is clamped to 19, and is inherited. */
static void nice_in_child(void *arg)
{
	(void)arg;
	int n0 = my_nice();
	if (setpriority(PRIO_PROCESS, 0, n0 + 1) != 0 || my_nice() != n0 + 1)
		_exit(1);
	if (nice(1) != n0 + 2 || my_nice() != n0 + 2)
		_exit(2);
	/* A fork inherits it. */
	pid_t pid = fork();
	if (pid == 0)
		_exit(my_nice() == n0 + 2 ? 0 : 1);
	int status;
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		_exit(3);
	/* Out of range is clamped, not refused. */
	if (setpriority(PRIO_PROCESS, 0, 100) != 0 || my_nice() != 19)
		_exit(4);
	/* The raw system call answers 20 - nice, never negative. */
	if (syscall(SYS_getpriority, PRIO_PROCESS, 0) != 1)
		_exit(5);
	/* A process group reaches every thread in it: ours alone, here. */
	if (setpgid(0, 0) != 0 || setpriority(PRIO_PGRP, 0, 18) != 0 ||
	    my_nice() != 18 || getpriority(PRIO_PGRP, getpid()) != 18)
		_exit(6);
}

static void nice_values(void)
{
	int status = run_in_child(nice_in_child, NULL);
	CHECK(WIFEXITED(status));
	CHECK_EQ(WEXITSTATUS(status), 0);
}

/* A thread's nice is its own: the other threads keep theirs. */
static pid_t thread_tid;
static pthread_barrier_t barrier;

static void *report_tid(void *arg)
{
	(void)arg;
	thread_tid = (pid_t)syscall(SYS_gettid);
	pthread_barrier_wait(&barrier);   /* tid known */
	pthread_barrier_wait(&barrier);   /* checked: may end */
	return NULL;
}

static void nice_is_per_thread(void)
{
	pthread_t t;
	int n0 = my_nice();
	REQUIRE(pthread_barrier_init(&barrier, NULL, 2) == 0);
	REQUIRE(pthread_create(&t, NULL, report_tid, NULL) == 0);
	pthread_barrier_wait(&barrier);
	CHECK(thread_tid != getpid());
	CHECK_EQ(setpriority(PRIO_PROCESS, thread_tid, n0 + 3), 0);
	errno = 0;
	CHECK_EQ(getpriority(PRIO_PROCESS, thread_tid), n0 + 3);
	CHECK_EQ(my_nice(), n0);            /* the main thread did not change */
	pthread_barrier_wait(&barrier);
	CHECK_EQ(pthread_join(t, NULL), 0);
	pthread_barrier_destroy(&barrier);
}

/* In a child (real time is not for the test process itself). */
static void rt_in_child(void *arg)
{
	(void)arg;
	if (setscheduler(0, SCHED_FIFO, 10) != 0)
		_exit(1);
	if (getscheduler(0) != SCHED_FIFO || getparam(0) != 10)
		_exit(2);
	/* sched_setparam keeps the policy, changes the priority. */
	struct sched_param p = { .sched_priority = 20 };
	if (syscall(SYS_sched_setparam, 0, &p) != 0 ||
	    getscheduler(0) != SCHED_FIFO || getparam(0) != 20)
		_exit(3);
	p.sched_priority = 0;
	if (syscall(SYS_sched_setparam, 0, &p) != -1 || errno != EINVAL)
		_exit(4);
	if (setscheduler(0, SCHED_RR, 5) != 0 || getscheduler(0) != SCHED_RR ||
	    getparam(0) != 5)
		_exit(5);
	/* A child inherits SCHED_RR... */
	pid_t pid = fork();
	if (pid == 0)
		_exit(getscheduler(0) == SCHED_RR && getparam(0) == 5 ? 0 : 1);
	int status;
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		_exit(6);
	/* ...unless we ask for a reset on fork: then it starts normal. */
	if (setscheduler(0, SCHED_RR | SCHED_RESET_ON_FORK, 5) != 0 ||
	    getscheduler(0) != (SCHED_RR | SCHED_RESET_ON_FORK))
		_exit(7);
	pid = fork();
	if (pid == 0)
		_exit(getscheduler(0) == SCHED_OTHER && getparam(0) == 0 ? 0 : 1);
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		_exit(8);
	/* And back to normal. */
	if (setscheduler(0, SCHED_OTHER, 0) != 0 || getscheduler(0) != SCHED_OTHER)
		_exit(9);
}

static void real_time_policies(void)
{
	int status = run_in_child(rt_in_child, NULL);
	CHECK(WIFEXITED(status));
	CHECK_EQ(WEXITSTATUS(status), 0);
}

int main(void)
{
	guest_begin();
	TAP(priority_ranges);
	TAP(normal_by_default);
	TAP(bad_arguments);
	TAP(nice_values);
	TAP(nice_is_per_thread);
	if (on_weft() || can_rt())
		TAP(real_time_policies);
	else
		tap_skip("real_time_policies", "needs root (CAP_SYS_NICE) on Linux");
	guest_end();
	return tap_done();
}
