/*
 * test_tlb — TLB shoot-downs: when one thread changes the mapping of a
 * page, a thread of the same process running on another CPU must see the
 * change at once, not keep using the translation its CPU cached.
 *
 * In each case a "spinner" thread touches one page in a tight loop
 * (reading it, or writing it) while the main thread takes the page away
 * (mprotect PROT_NONE, mprotect PROT_READ for the writer, munmap). The
 * spinner must fault, and the fault (SIGSEGV, default action) ends its
 * process -- so each case runs in a child process of its own, and the
 * test reads the verdict from the child's wait status and from counters
 * in a MAP_SHARED page. More than "it faults": once mprotect or munmap has
 * returned, the spinner may finish at most the one access it had started;
 * every later one must fault (the kernel waits for the other CPUs to
 * forget the page before it returns). The last case is copy-on-write:
 * after fork, the parent's spinner must write into its own copy, never
 * into the page the child now shares.
 *
 * Without shoot-downs the spinner's CPU keeps the old translation in its
 * TLB and goes on reading, or writing, a page that is gone (and maybe
 * already someone else's): it never faults, and the case fails after a
 * generous timeout. Nothing here measures time otherwise.
 *
 * Each thread is pinned to its own CPU when the machine has two
 * (sched_setaffinity); with one CPU the cases pass trivially.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "guest.h"

#define PATIENCE_MS 20000   /* how long a spinner may take to fault */
#define WARM_ACCESSES 100000 /* accesses before the page is taken away */

enum access { READ, WRITE };

/* Shared with the case's child process (MAP_SHARED survives fork). */
struct shared {
	atomic_ulong accesses;      /* completed accesses to the page */
	atomic_ulong at_return;     /* accesses when mprotect/munmap returned */
	atomic_int returned;        /* at_return is set (the fault may end the
	                               process before the main thread gets to it) */
	atomic_int stop;            /* the spinner should leave (no-fault case) */
};
static struct shared *sh;

static volatile int *page;
static enum access mode;
static volatile unsigned long sink;
static int cpu_a = -1, cpu_b = -1;  /* two CPUs we may run on, or -1 */

static void pin(int cpu)
{
	if (cpu < 0)
		return;
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof set, &set) != 0)
		DIAG("sched_setaffinity(%d): errno %d\n", cpu, errno);
}

static void *spinner(void *arg)
{
	(void)arg;
	pin(cpu_b);
	while (!atomic_load(&sh->stop)) {
		if (mode == READ)
			sink += (unsigned long)*page;
		else
			*page = (int)atomic_load_explicit(&sh->accesses, memory_order_relaxed);
		atomic_fetch_add(&sh->accesses, 1);
	}
	return NULL;
}

static void sleep_ms(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&t, NULL);
}

/* Wait (bounded) until the spinner has done n accesses. */
static void wait_for_accesses(unsigned long n)
{
	for (int i = 0; i < PATIENCE_MS && atomic_load(&sh->accesses) < n; i++)
		sleep_ms(1);
}

static volatile int *map_page(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	*(volatile int *)p = 1;
	return p;
}

static void reset_shared(void)
{
	atomic_store(&sh->accesses, 0);
	atomic_store(&sh->at_return, 0);
	atomic_store(&sh->returned, 0);
	atomic_store(&sh->stop, 0);
}

enum takeaway { PROTECT_NONE, PROTECT_READ, UNMAP };

/* Exit statuses of a case's child that did not die of SIGSEGV. */
#define CHILD_NO_FAULT 2
#define CHILD_SETUP_FAILED 3
#define CHILD_CALL_FAILED 4

/* The child: start the spinner, take the page away, wait to be killed. */
static void take_away_in_child(enum access m, enum takeaway how)
{
	/* A crash is expected: no core file for it on a Linux host. */
	struct rlimit no_core = { 0, 0 };
	setrlimit(RLIMIT_CORE, &no_core);
	page = map_page();
	if (!page)
		_exit(CHILD_SETUP_FAILED);
	mode = m;
	pthread_t t;
	if (pthread_create(&t, NULL, spinner, NULL) != 0)
		_exit(CHILD_SETUP_FAILED);
	/* Let it settle on its CPU with the translation cached. */
	wait_for_accesses(WARM_ACCESSES);

	int r;
	if (how == UNMAP)
		r = munmap((void *)page, 4096);
	else
		r = mprotect((void *)page, 4096, how == PROTECT_NONE ? PROT_NONE : PROT_READ);
	atomic_store(&sh->at_return, atomic_load(&sh->accesses));
	atomic_store(&sh->returned, 1);
	if (r != 0)
		_exit(CHILD_CALL_FAILED);
	/* The spinner's fault ends this process; if it does not come: */
	for (int i = 0; i < PATIENCE_MS; i++)
		sleep_ms(1);
	_exit(CHILD_NO_FAULT);
}

/*
 * One case: a spinner doing access m, the page taken away by how; the
 * spinner must fault, and after the call returned it may complete at most
 * the access it was in.
 */
static void run_case(enum access m, enum takeaway how)
{
	reset_shared();
	fflush(stdout);
	pid_t pid = fork();
	REQUIRE(pid >= 0);
	if (pid == 0)
		take_away_in_child(m, how);
	int status = 0;
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	if (WIFEXITED(status))
		DIAG("the child exited with %d (%s)\n", WEXITSTATUS(status),
		     WEXITSTATUS(status) == CHILD_NO_FAULT ? "the spinner never faulted" :
		     WEXITSTATUS(status) == CHILD_CALL_FAILED ? "mprotect/munmap failed" :
		     "set-up failed");
	CHECK_EQ(WIFSIGNALED(status) ? WTERMSIG(status) : 0, SIGSEGV);
	unsigned long total = atomic_load(&sh->accesses);
	CHECK(total >= WARM_ACCESSES);
	/* The one access in flight when the call returned may complete; no
	 * access that started later may. (Often the spinner's fault ends the
	 * process before the main thread notes the count: nothing to check.) */
	if (atomic_load(&sh->returned)) {
		unsigned long at_return = atomic_load(&sh->at_return);
		if (total > at_return + 1)
			DIAG("%lu accesses after the call returned\n", total - at_return);
		CHECK(total <= at_return + 1);
	}
}

static void reader_faults_after_mprotect_none(void) { run_case(READ, PROTECT_NONE); }
static void writer_faults_after_mprotect_none(void) { run_case(WRITE, PROTECT_NONE); }
static void writer_faults_after_mprotect_read(void) { run_case(WRITE, PROTECT_READ); }
static void reader_faults_after_munmap(void) { run_case(READ, UNMAP); }
static void writer_faults_after_munmap(void) { run_case(WRITE, UNMAP); }

/*
 * fork makes the parent's private pages read-only (copy-on-write). A
 * spinner writing the page on another CPU must then fault and get its own
 * copy; if its CPU kept the writable translation, it would go on writing
 * the frame that is now the child's too, and the child would see the
 * value change under it.
 */
static void cow_child_sees_a_frozen_page(void)
{
	page = map_page();
	REQUIRE(page != NULL);
	mode = WRITE;
	reset_shared();

	pthread_t t;
	REQUIRE(pthread_create(&t, NULL, spinner, NULL) == 0);
	wait_for_accesses(WARM_ACCESSES);

	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		/* Only this thread exists here. Read twice, well apart. */
		int first = *page;
		for (int i = 0; i < 200; i++)
			sleep_ms(1);
		_exit(*page == first ? 0 : 1);
	}
	CHECK(pid > 0);
	unsigned long at_fork = atomic_load(&sh->accesses);
	int status = -1;
	if (pid > 0)
		CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* The spinner went on, in its own copy. */
	wait_for_accesses(at_fork + WARM_ACCESSES);
	CHECK(atomic_load(&sh->accesses) >= at_fork + WARM_ACCESSES);
	atomic_store(&sh->stop, 1);
	pthread_join(t, NULL);
	munmap((void *)page, 4096);
}

/* Two CPUs to pin the threads to, from the ones we may use. */
static void choose_cpus(void)
{
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof set, &set) != 0)
		return;
	for (int c = 0; c < CPU_SETSIZE; c++) {
		if (!CPU_ISSET(c, &set))
			continue;
		if (cpu_a < 0)
			cpu_a = c;
		else if (cpu_b < 0)
			cpu_b = c;
	}
	if (cpu_b < 0)
		cpu_a = -1;  /* one CPU: no pinning, the cases pass trivially */
}

int main(void)
{
	guest_begin();
	sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		DIAG("mmap of the shared counters failed\n");
		return 1;
	}
	choose_cpus();
	if (cpu_a < 0)
		DIAG("one CPU: no other TLB to shoot down\n");
	pin(cpu_a);

	TAP(reader_faults_after_mprotect_none);
	TAP(writer_faults_after_mprotect_none);
	TAP(writer_faults_after_mprotect_read);
	TAP(reader_faults_after_munmap);
	TAP(writer_faults_after_munmap);
	TAP(cow_child_sees_a_frozen_page);
	munmap(sh, sizeof *sh);
	guest_end();
	return tap_done();
}
