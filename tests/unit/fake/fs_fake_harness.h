/*
 * Host harness for the file-system tests: a fake current process (with a
 * descriptor table and a working directory), recorded signals, uaccess
 * that copies directly (with one "bad" address that faults), and a way
 * to run a test body inside a kernel thread -- the VFS takes sleeping
 * locks, which only threads may do.
 *
 * Bodies run on their own stacks, so they don't call cmocka: they use
 * FS_CHECK, which records the first failure; fs_run() then fails the
 * cmocka test with it.
 */
#ifndef WEFT_FS_FAKE_HARNESS_H
#define WEFT_FS_FAKE_HARNESS_H

#include <stdbool.h>
#include <stdint.h>

struct process;

/* A user pointer that copy_*_user refuse, to test -EFAULT. */
#define FAKE_BAD_UPTR ((void *)0x10)

/* The process current_process() returns (NULL: a kernel thread). */
extern struct process *fake_current;
/* A process table of up to 8 for process_for_each (/proc tests). */
void fake_procs_reset(void);
void fake_procs_add(struct process *p);

/* The last signal_send / signal_send_group: sig 0 if none. */
struct fake_signal { int pid, pgid, sig, count; };
extern struct fake_signal fake_last_signal;

extern uint64_t fake_pmm_total, fake_pmm_free;

/* Record a failure (first one wins) without cmocka. */
bool fs_check(bool ok, const char *expr, const char *file, int line);
bool fs_check_eq(long long a, long long b, const char *ea, const char *eb,
                 const char *file, int line);
#define FS_CHECK(c) fs_check(!!(c), #c, __FILE__, __LINE__)
#define FS_CHECK_EQ(a, b) \
	fs_check_eq((long long)(a), (long long)(b), #a, #b, __FILE__, __LINE__)

/* fake_reset, run body(arg) in a kernel thread until every thread is
 * done, then fail the cmocka test if a check failed or a thread is left
 * blocked. */
void fs_run(void (*body)(void *), void *arg);
/* The same with the VFS set up (vfs_init) and torn down afterwards, and
 * a check that the kernel heap is back where it started. */
void fs_run_vfs(void (*body)(void *), void *arg);

/* Call a registered syscall by number from a body (a->arg from the list). */
long fake_syscall(long nr, long a0, long a1, long a2, long a3, long a4);

#endif
