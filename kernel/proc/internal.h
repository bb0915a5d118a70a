/*
 * Shared between the files of kernel/proc only.
 */
#ifndef WEFT_PROC_INTERNAL_H
#define WEFT_PROC_INTERNAL_H

#include <kernel/lib/string.h>
#include <kernel/mm/heap.h>
#include <kernel/proc/process.h>
#include <kernel/sched/sched.h>
#include <kernel/sync/waitqueue.h>

/* The lock of everything in the process table, and where wait4 sleeps. */
extern struct wait_queue proc_table;

struct process *process_find_locked(int pid);
/* The list of all processes (of all_node), for walks under the lock. */
struct list_node *process_list_head(void);
struct process *process_alloc(struct process *parent);
/* A process left the table (wait4 reaped it). Table locked. */
void process_count_dec_locked(void);
void process_free_unborn(struct process *p);
void process_attach_main_locked(struct process *p, struct thread *t);
void process_free(struct process *p);
void process_set_name(struct process *p, const char *path);
void process_activate(struct thread *me);
/* A user FPU area: a copy of copy_from, or the initial state when NULL. */
void *process_fpu_alloc(const void *copy_from);
struct trap_frame *process_user_regs(struct thread *t);
void process_init(void);

/* reaper.c: free a user thread (not a main thread) once it is off its
 * stack, in the background. */
void reaper_add(struct thread *t);
void reaper_start(void);

/* futex.c: wake up to n waiters on the word at user address uaddr of
 * the current process (private key). */
int futex_wake_address(uint64_t uaddr, int n);

/* sys_time.c: CLOCK_REALTIME or CLOCK_MONOTONIC now, in ns. */
uint64_t clock_now_ns(bool realtime);

/* A new id for a process or a thread, unused by either. Table locked. */
int alloc_id_locked(void);

/* exec.c: replace p's image (address space, registers in r). */
int exec_image(struct process *p, const char *path, char *const kargv[],
               char *const kenvp[], struct trap_frame *r);

#endif
