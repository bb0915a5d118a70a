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
void process_free(struct process *p);
void process_set_name(struct process *p, const char *path);
void process_activate(struct thread *me);
struct trap_frame *process_user_regs(struct thread *t);
void process_init(void);

/* exec.c: replace p's image (address space, registers in r). */
int exec_image(struct process *p, const char *path, char *const kargv[],
               char *const kenvp[], struct trap_frame *r);

#endif
