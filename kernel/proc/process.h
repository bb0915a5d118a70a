/*
 * Processes: an address space, open files, a working directory, signals,
 * and the threads that run in them (one per process for now; clone adds
 * more in a later issue).
 *
 *   fork ──> ALIVE ──exit / fatal signal──> ZOMBIE ──wait4 by parent──> freed
 *
 * A ZOMBIE keeps only its pid, exit status and accounting until its parent
 * reaps it; the parent's death hands its children to init (pid 1).
 */
#ifndef WEFT_PROC_PROCESS_H
#define WEFT_PROC_PROCESS_H

#include <stdbool.h>
#include <stdint.h>

#include <kernel/proc/gil.h>
#include <kernel/sched/list.h>
#include <kernel/sync/waitqueue.h>

struct address_space;
struct files;       /* open file table (kernel/fs) */
struct inode;       /* kernel/fs */
struct thread;

#define PROC_NAME_LEN 16
#define NSIG 64

enum process_state {
	PROC_ALIVE,
	PROC_ZOMBIE,    /* exited, waiting for its parent's wait4 */
};

struct sigaction_k {        /* what rt_sigaction records */
	uint64_t handler;       /* SIG_DFL 0, SIG_IGN 1, or a user address */
	uint64_t flags;
	uint64_t restorer;
	uint64_t mask;
};

struct process {
	int pid;
	int pgid, sid;              /* process group and session (job control) */
	bool child_subreaper;       /* prctl(PR_SET_CHILD_SUBREAPER): adopts
	                               orphaned descendants instead of init */
	char name[PROC_NAME_LEN];   /* from the exec path or prctl(PR_SET_NAME) */
	enum process_state state;

	struct process *parent;
	struct list_node children;  /* of child->sibling */
	struct list_node sibling;
	struct list_node all_node;  /* on the table of all processes */

	struct thread *main_thread;  /* the first thread (its tid is the pid) */
	struct list_node threads;    /* live threads, of thread->proc_node */
	unsigned nr_threads;         /* live threads, counting ones being created */
	/* Exited threads (not the main one) that the reaper has not freed
	 * yet: their kernel stacks are still the process's memory, so wait4
	 * waits for them before it reports the process gone (table lock). */
	unsigned threads_unfreed;
	bool group_exiting;          /* exit_group or a fatal signal: all go */
	struct address_space *as;
	struct files *files;        /* kernel/fs: the descriptor table */
	struct inode *cwd;          /* kernel/fs: the working directory */
	char *cmdline;              /* argv joined by NULs, for /proc/<pid>/cmdline */
	unsigned cmdline_len;

	/* Signals: pending and blocked sets (bit n-1 = signal n), actions. */
	uint64_t sig_pending, sig_blocked;
	struct sigaction_k sig_action[NSIG];

	int exit_status;            /* wait4's status word, valid as ZOMBIE */

	struct gil gil;             /* the GIL option (gil.h) */

	uint64_t start_ns;          /* arch_clock_ns() at fork */
	uint64_t utime_ticks, stime_ticks;  /* of exited threads and reaped children */
};

/* The process of the running thread; NULL in kernel threads. */
struct process *current_process(void);

/* Find a live or zombie process by pid (with the table lock taken and
 * released inside: the result is only safe to use while pid cannot be
 * reaped, e.g. for our own children or under process_table_lock). */
struct process *process_find(int pid);

/* Call fn for every process under the process-table lock (for /proc). */
void process_for_each(void (*fn)(struct process *p, void *arg), void *arg);

/* Send signal sig to process p / to every process in group pgid. 0 or -errno. */
int signal_send(struct process *p, int sig);
int signal_send_group(int pgid, int sig);
/* A signal the calling thread caused itself (SIGPIPE from a write): it
 * goes to that thread, as on Linux, not to whichever thread of the
 * process takes it first. */
int signal_send_self(int sig);

/* Does the running thread have a signal that should interrupt a blocking
 * call (a pending, unblocked signal whose action is not "ignore")? */
bool signal_pending(void);

/* Start the init= program as pid 1 (argv NULL-terminated). When
 * run_mode, its exit ends the machine with its status. */
void process_start_init(const char *path, char *const argv[], bool run_mode);

/* End the calling process -- every thread of it -- with a wait status
 * word (exit code << 8, or the signal number). Never returns. */
_Noreturn void process_exit(int status);
/* End the calling thread only; the last one out ends the process. */
_Noreturn void thread_exit_user(void);

/* Processes in existence (alive and zombie), for the fork limit. */
unsigned process_count(void);
#define PROCESS_MAX 1024

#endif
