/*
 * Host fakes of what the file system needs from kernel/proc, kernel/mm
 * (uaccess, page counts) and the harness of fs_fake_harness.h.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <kernel/errno.h>
#include <kernel/fs/vfs.h>
#include <kernel/proc/process.h>
#include <kernel/sched/thread.h>
#include <kernel/syscall/syscall.h>
#include <kernel/uaccess.h>

#include "fake.h"
#include "fs_fake_harness.h"

struct process *fake_current;
struct fake_signal fake_last_signal;
uint64_t fake_pmm_total = 1024, fake_pmm_free = 512;

static struct process *procs[8];
static unsigned nprocs;

void fake_procs_reset(void)
{
	nprocs = 0;
}

void fake_procs_add(struct process *p)
{
	if (nprocs < 8)
		procs[nprocs++] = p;
}

struct process *current_process(void)
{
	return fake_current;
}

struct process *process_find(int pid)
{
	for (unsigned k = 0; k < nprocs; k++)
		if (procs[k]->pid == pid)
			return procs[k];
	return NULL;
}

void process_for_each(void (*fn)(struct process *p, void *arg), void *arg)
{
	for (unsigned k = 0; k < nprocs; k++)
		fn(procs[k], arg);
}

int signal_send(struct process *p, int sig)
{
	fake_last_signal.pid = p->pid;
	fake_last_signal.pgid = 0;
	fake_last_signal.sig = sig;
	fake_last_signal.count++;
	return 0;
}

int signal_send_self(int sig)
{
	struct process *p = current_process();
	return p ? signal_send(p, sig) : 0;
}

int signal_send_group(int pgid, int sig)
{
	fake_last_signal.pid = 0;
	fake_last_signal.pgid = pgid;
	fake_last_signal.sig = sig;
	fake_last_signal.count++;
	return 0;
}

bool signal_pending(void)
{
	return false;
}

/* sys_time.c's clocks (kernel/ipc/mqueue.c turns CLOCK_REALTIME deadlines
 * into arch_clock_ns ones): the same fixed epoch, the fake clock. */
uint64_t clock_now_ns(bool realtime)
{
	return arch_clock_ns() + (realtime ? 1767225600ull * 1000000000ull : 0);
}

uint64_t pmm_total_count(void)
{
	return fake_pmm_total;
}

uint64_t pmm_free_count(void)
{
	return fake_pmm_free;
}

int copy_from_user(void *dst, const void *usrc, size_t n)
{
	if (usrc == FAKE_BAD_UPTR)
		return -EFAULT;
	memcpy(dst, usrc, n);
	return 0;
}

int copy_to_user(void *udst, const void *src, size_t n)
{
	if (udst == FAKE_BAD_UPTR)
		return -EFAULT;
	memcpy(udst, src, n);
	return 0;
}

int clear_user(void *udst, size_t n)
{
	if (udst == FAKE_BAD_UPTR)
		return -EFAULT;
	memset(udst, 0, n);
	return 0;
}

long strncpy_from_user(char *dst, const char *usrc, size_t max)
{
	if (usrc == FAKE_BAD_UPTR)
		return -EFAULT;
	size_t n = strnlen(usrc, max);
	if (n >= max)
		return -ENAMETOOLONG;
	memcpy(dst, usrc, n + 1);
	return (long)n;
}

int user_range_ok(const void *p, size_t n)
{
	(void)n;
	return p != FAKE_BAD_UPTR;
}

/* ---- checks and running bodies ------------------------------------------ */

static char first_failure[512];

bool fs_check(bool ok, const char *expr, const char *file, int line)
{
	if (!ok && !first_failure[0])
		snprintf(first_failure, sizeof first_failure, "%s:%d: expected %s",
		         file, line, expr);
	return ok;
}

bool fs_check_eq(long long a, long long b, const char *ea, const char *eb,
                 const char *file, int line)
{
	if (a != b && !first_failure[0])
		snprintf(first_failure, sizeof first_failure,
		         "%s:%d: expected %s == %s (%lld != %lld)", file, line, ea,
		         eb, a, b);
	return a == b;
}

struct body { void (*fn)(void *); void *arg; };

static void trampoline(void *p)
{
	struct body *b = p;
	b->fn(b->arg);
}

static void count_blocked(struct thread *t, void *arg)
{
	if (t->state == THREAD_BLOCKED)
		(*(int *)arg)++;
}

void fs_run(void (*fn)(void *), void *arg)
{
	struct body b = { fn, arg };
	first_failure[0] = '\0';
	fake_current = NULL;
	memset(&fake_last_signal, 0, sizeof fake_last_signal);
	fake_reset("rr", 10, 1000);
	struct thread *t = kthread_create("fs-test", trampoline, &b);
	assert_non_null(t);
	fake_run_until_idle();
	int blocked = 0;
	sched_for_each_thread(count_blocked, &blocked);
	fake_reap_zombies();
	if (first_failure[0])
		fail_msg("%s", first_failure);
	assert_int_equal(blocked, 0);
	assert_int_equal(fake_bug_count(), 0);
}

struct vfs_body { void (*fn)(void *); void *arg; long heap_before; };

static void vfs_trampoline(void *p)
{
	struct vfs_body *vb = p;
	vb->heap_before = fake_heap_live();
	vfs_init();
	vb->fn(vb->arg);
	vfs_teardown();
	fs_check_eq(fake_heap_live(), vb->heap_before, "heap after",
	            "heap before", __FILE__, __LINE__);
}

void fs_run_vfs(void (*fn)(void *), void *arg)
{
	struct vfs_body vb = { fn, arg, 0 };
	fs_run(vfs_trampoline, &vb);
}

extern const struct syscall_entry __start_syscalls[], __stop_syscalls[];

long fake_syscall(long nr, long a0, long a1, long a2, long a3, long a4)
{
	struct syscall_args a = { nr, { a0, a1, a2, a3, a4, 0 } };
	for (const struct syscall_entry *e = __start_syscalls; e < __stop_syscalls; e++)
		if (e->nr == nr)
			return e->fn(&a);
	return -ENOSYS;
}
