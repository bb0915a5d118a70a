/*
 * test_cpus — what a program sees of several CPUs, the Linux way:
 * sysconf(_SC_NPROCESSORS_ONLN), /proc/stat and /proc/cpuinfo agree on
 * how many there are; sched_setaffinity to one CPU moves the caller
 * there before it returns (sched_getcpu, /proc/self/stat field 39 and
 * ps's PSR column all say so); bad masks, pointers and pids give EINVAL,
 * EFAULT and ESRCH; a child of fork and a new thread inherit the mask,
 * and each thread has its own.
 *
 * On Weft make test runs it with --smp 4 (tests/qemu/expect); it also
 * passes with any other number of CPUs, and natively on Linux.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "guest.h"

static const char *argv0;
static int nprocs;              /* sysconf(_SC_NPROCESSORS_ONLN) at the start */
static cpu_set_t all_cpus;      /* the affinity we started with */
static int cpu_ids[CPU_SETSIZE]; /* the CPUs in it, in order */

/* Cases that use cpu_ids need the count and the mask to agree. */
#define NEED_CPUS() REQUIRE(nprocs >= 1 && CPU_COUNT(&all_cpus) == nprocs)

static pid_t my_tid(void)
{
	return (pid_t)syscall(SYS_gettid);
}

/* Field k (proc(5) numbering, k >= 3) of a stat file, or -1. */
static long stat_field(const char *path, int k)
{
	char text[1024];
	if (guest_read_text(path, text, sizeof text) <= 0)
		return -1;
	char *p = strrchr(text, ')');       /* the name may hold ") " */
	if (!p)
		return -1;
	p++;
	for (int field = 3; field <= k; field++) {
		while (*p == ' ')
			p++;
		if (!*p)
			return -1;
		if (field == k)
			return strtol(p, NULL, 10);
		while (*p && *p != ' ')
			p++;
	}
	return -1;
}

static long my_stat_processor(void)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/self/task/%d/stat", (int)my_tid());
	return stat_field(path, 39);
}

static bool pin(int cpu)
{
	cpu_set_t one;
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	return sched_setaffinity(0, sizeof one, &one) == 0;
}

static bool unpin(void)
{
	return sched_setaffinity(0, sizeof all_cpus, &all_cpus) == 0;
}

/* The affinity of the caller is exactly {cpu}. */
static bool mask_is_only(int cpu)
{
	cpu_set_t set;
	return sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) == 1 &&
	       CPU_ISSET(cpu, &set);
}

/* A pid (and tid) that nothing has. */
static pid_t unused_pid(void)
{
	pid_t pid = 999999;
	while (kill(pid, 0) == 0 || errno != ESRCH)
		pid++;
	return pid;
}

/* Is s a whole, unsigned decimal number of its own? */
static bool is_number(const char *s, size_t len)
{
	if (len == 0)
		return false;
	for (size_t k = 0; k < len; k++)
		if (!isdigit((unsigned char)s[k]))
			return false;
	return true;
}

/* The numbers after a /proc/stat label ("cpu", "cpu3"): how many, all
 * numeric (-1 if something else is there). */
static int count_numbers(const char *line)
{
	int n = 0;
	const char *p = line;
	while (*p && *p != ' ')
		p++;                            /* the label */
	for (;;) {
		while (*p == ' ')
			p++;
		if (!*p || *p == '\n')
			return n;
		const char *start = p;
		while (*p && *p != ' ' && *p != '\n')
			p++;
		if (!is_number(start, (size_t)(p - start)))
			return -1;
		n++;
	}
}

/* ---- the cases ---- */

static void cpu_count(void)
{
	CHECK(nprocs >= 1);
	int n = 0;
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, &all_cpus))
			n++;
	CHECK_EQ(n, nprocs);
	CHECK_EQ(CPU_COUNT(&all_cpus), nprocs);
	if (on_weft())
		DIAG("%d CPUs\n", nprocs);
}

static void proc_stat_format(void)
{
	NEED_CPUS();
	static char text[65536];
	REQUIRE(guest_read_text("/proc/stat", text, sizeof text) > 0);
	REQUIRE(strncmp(text, "cpu  ", 5) == 0);    /* two spaces, as Linux */

	int cpu_lines = 0, next = 0;
	bool ctxt = false, procs_running = false, processes = false;
	for (char *line = text; *line; ) {
		char *end = strchr(line, '\n');
		if (end)
			*end = '\0';
		int id;
		if (strncmp(line, "cpu ", 4) == 0) {
			CHECK_EQ(count_numbers(line), 10);
		} else if (sscanf(line, "cpu%d ", &id) == 1) {
			CHECK_EQ(count_numbers(line), 10);
			CHECK_EQ(id, cpu_ids[next]);        /* in order, the ones online */
			cpu_lines++;
			next++;
		} else if (strncmp(line, "ctxt ", 5) == 0) {
			ctxt = count_numbers(line) == 1;
		} else if (strncmp(line, "processes ", 10) == 0) {
			processes = count_numbers(line) == 1;
		} else if (strncmp(line, "procs_running ", 14) == 0) {
			procs_running = atoi(line + 14) >= 1;   /* this test, at least */
		}
		if (!end)
			break;
		line = end + 1;
	}
	CHECK_EQ(cpu_lines, nprocs);
	CHECK(ctxt);
	CHECK(processes);
	CHECK(procs_running);
}

static void proc_cpuinfo_format(void)
{
	NEED_CPUS();
	static char text[1 << 18];
	REQUIRE(guest_read_text("/proc/cpuinfo", text, sizeof text) > 0);
	CHECK(strstr(text, " fpu ") != NULL);     /* every x86-64 CPU has these */
	CHECK(strstr(text, " sse2") != NULL);
	int blocks = 0, names = 0, flags = 0, mhz = 0;
	for (char *line = text; *line; ) {
		char *end = strchr(line, '\n');
		if (end)
			*end = '\0';
		int id;
		if (sscanf(line, "processor : %d", &id) == 1) {
			CHECK_EQ(id, cpu_ids[blocks]);
			blocks++;
		}
		names += strncmp(line, "model name\t: ", 13) == 0;
		flags += strncmp(line, "flags\t\t: ", 9) == 0;
		mhz += strncmp(line, "cpu MHz\t\t: ", 11) == 0;
		if (!end)
			break;
		line = end + 1;
	}
	CHECK_EQ(blocks, nprocs);
	CHECK_EQ(names, nprocs);
	CHECK_EQ(flags, nprocs);
	CHECK_EQ(mhz, nprocs);
}

static void getaffinity_checks_its_arguments(void)
{
	unsigned char buf[sizeof(cpu_set_t)];
	memset(buf, 0, sizeof buf);
	long r = syscall(SYS_sched_getaffinity, 0, sizeof buf, buf);
	CHECK(r >= 8 && r % 8 == 0);                /* the bytes it wrote */
	if (on_weft())
		CHECK_EQ(r, 8);
	CHECK_ERR(syscall(SYS_sched_getaffinity, 0, 4, buf), EINVAL);
	CHECK_ERR(syscall(SYS_sched_getaffinity, 0, 12, buf), EINVAL);
	CHECK_ERR(syscall(SYS_sched_getaffinity, 0, sizeof buf, (void *)8), EFAULT);
	pid_t nobody = unused_pid();
	CHECK_ERR(syscall(SYS_sched_getaffinity, nobody, sizeof buf, buf), ESRCH);
	/* Another process's mask, by pid: our parent's (init's, on Weft). */
	cpu_set_t set;
	CHECK_EQ(sched_getaffinity(getppid(), sizeof set, &set), 0);
	CHECK(CPU_COUNT(&set) >= 1);
}

static void setaffinity_rejects_bad_masks(void)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CHECK_ERR(sched_setaffinity(0, sizeof set, &set), EINVAL);
	CHECK_ERR(sched_setaffinity(0, 0, &all_cpus), EINVAL);   /* no bytes: empty */
	if (!CPU_ISSET(63, &all_cpus)) {
		CPU_SET(63, &set);                  /* a CPU that does not exist */
		CHECK_ERR(sched_setaffinity(0, sizeof set, &set), EINVAL);
	}
	CHECK_ERR(sched_setaffinity(0, sizeof set, (cpu_set_t *)8), EFAULT);
	CHECK_ERR(sched_setaffinity(unused_pid(), sizeof all_cpus, &all_cpus), ESRCH);
	/* None of that changed anything. */
	CHECK_EQ(sched_getaffinity(0, sizeof set, &set), 0);
	CHECK(CPU_EQUAL(&set, &all_cpus));
}

static void getcpu_checks_its_arguments(void)
{
	unsigned cpu = 12345, node = 12345;
	CHECK_EQ(syscall(SYS_getcpu, &cpu, &node, NULL), 0);
	CHECK(CPU_ISSET(cpu, &all_cpus));
	CHECK_EQ(node, 0);
	CHECK_EQ(syscall(SYS_getcpu, NULL, NULL, NULL), 0);
	CHECK_ERR(syscall(SYS_getcpu, (void *)8, NULL, NULL), EFAULT);
	CHECK_EQ(sched_getcpu() >= 0, 1);
}

/* Pinned to k, the caller is on k at once, and stays there. */
static void pinning_moves_the_caller(void)
{
	NEED_CPUS();
	for (int i = 0; i < nprocs; i++) {
		int k = cpu_ids[i];
		REQUIRE(pin(k));
		CHECK_EQ(sched_getcpu(), k);
		for (int y = 0; y < 5; y++)
			sched_yield();
		CHECK_EQ(sched_getcpu(), k);
		CHECK(mask_is_only(k));
		CHECK_EQ(my_stat_processor(), k);
		CHECK_EQ(stat_field("/proc/self/stat", 39), k);

		char text[4096], want[64];
		CHECK(guest_read_text("/proc/self/status", text, sizeof text) > 0);
		snprintf(want, sizeof want, "\nCpus_allowed_list:\t%d\n", k);
		CHECK(strstr(text, want) != NULL);
		CHECK(strstr(text, "\nCpus_allowed:\t") != NULL);
	}
	CHECK(unpin());
	cpu_set_t set;
	CHECK_EQ(sched_getaffinity(0, sizeof set, &set), 0);
	CHECK(CPU_EQUAL(&set, &all_cpus));
	if (nprocs == 1)
		return;
	/* With all CPUs allowed, the list is a range. */
	char text[4096], want[64];
	CHECK(guest_read_text("/proc/self/status", text, sizeof text) > 0);
	snprintf(want, sizeof want, "\nCpus_allowed_list:\t%d-%d\n", cpu_ids[0],
	         cpu_ids[nprocs - 1]);
	if (cpu_ids[nprocs - 1] - cpu_ids[0] == nprocs - 1)
		CHECK(strstr(text, want) != NULL);
}

static void fork_child_inherits_the_mask(void)
{
	NEED_CPUS();
	int k = cpu_ids[nprocs - 1];
	REQUIRE(pin(k));
	pid_t pid = fork();
	if (pid == 0) {
		bool ok = mask_is_only(k) && sched_getcpu() == k;
		_exit(ok ? 0 : 1);
	}
	CHECK(pid > 0);
	int status = -1;
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK(unpin());
}

/* A thread that reports what it inherited, then pins itself elsewhere
 * and waits on a pipe so that /proc can be asked where it is. */
struct worker {
	int inherited_from;         /* the CPU its creator was pinned to */
	int move_to;
	bool inherited_ok, moved_ok;
	volatile pid_t tid;
	int fds[2];
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	w->inherited_ok = mask_is_only(w->inherited_from) &&
	                  sched_getcpu() == w->inherited_from;
	w->moved_ok = pin(w->move_to) && sched_getcpu() == w->move_to &&
	              my_stat_processor() == w->move_to;
	__atomic_store_n(&w->tid, my_tid(), __ATOMIC_RELEASE);
	char c;
	(void)!read(w->fds[0], &c, 1);
	return NULL;
}

static void threads_inherit_and_have_their_own_mask(void)
{
	NEED_CPUS();
	struct worker w = { 0 };
	w.inherited_from = cpu_ids[0];
	w.move_to = cpu_ids[nprocs - 1];
	REQUIRE(pipe2(w.fds, O_CLOEXEC) == 0);
	REQUIRE(pin(w.inherited_from));
	pthread_t th;
	REQUIRE(pthread_create(&th, NULL, worker_main, &w) == 0);
	struct timespec ms = { 0, 1000000 };
	while (__atomic_load_n(&w.tid, __ATOMIC_ACQUIRE) == 0)
		nanosleep(&ms, NULL);
	CHECK(w.inherited_ok);
	CHECK(w.moved_ok);
	/* The thread's mask is its own: the creator's did not change. */
	CHECK(mask_is_only(w.inherited_from));
	CHECK_EQ(sched_getcpu(), w.inherited_from);
	/* /proc shows the waiting thread's CPU and mask. */
	char path[64], text[4096], want[64];
	snprintf(path, sizeof path, "/proc/self/task/%d/stat", (int)w.tid);
	CHECK_EQ(stat_field(path, 39), w.move_to);
	snprintf(path, sizeof path, "/proc/self/task/%d/status", (int)w.tid);
	CHECK(guest_read_text(path, text, sizeof text) > 0);
	snprintf(want, sizeof want, "\nCpus_allowed_list:\t%d\n", w.move_to);
	CHECK(strstr(text, want) != NULL);
	/* And another thread's mask can be read and set by its tid. */
	cpu_set_t set;
	CHECK_EQ(sched_getaffinity(w.tid, sizeof set, &set), 0);
	CHECK(CPU_COUNT(&set) == 1 && CPU_ISSET(w.move_to, &set));
	CHECK_EQ(sched_setaffinity(w.tid, sizeof all_cpus, &all_cpus), 0);
	CHECK_EQ(sched_getaffinity(w.tid, sizeof set, &set), 0);
	CHECK(CPU_EQUAL(&set, &all_cpus));

	CHECK_EQ(write(w.fds[1], "x", 1), 1);
	CHECK_EQ(pthread_join(th, NULL), 0);
	close(w.fds[0]);
	close(w.fds[1]);
	CHECK(unpin());
}

/* ps -L, run pinned to the last CPU, shows it in the PSR column of its
 * own line (the child inherits the mask; ps reads field 39). */
static void ps_shows_the_cpu(void)
{
	NEED_CPUS();
	char ps[256];
	sibling_path(ps, sizeof ps, argv0, "../bin/ps");
	if (access(ps, X_OK) != 0) {
		DIAG("no %s\n", ps);
		CHECK(!on_weft());
		return;
	}
	int k = cpu_ids[nprocs - 1];
	int fds[2];
	REQUIRE(pipe2(fds, O_CLOEXEC) == 0);
	REQUIRE(pin(k));
	pid_t pid = fork();
	if (pid == 0) {
		dup2(fds[1], 1);
		execl(ps, "ps", "-L", (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	static char out[65536];
	size_t got = 0;
	ssize_t r;
	while (got + 1 < sizeof out && (r = read(fds[0], out + got, sizeof out - 1 - got)) > 0)
		got += (size_t)r;
	out[got] = '\0';
	close(fds[0]);
	int status = -1;
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK(strncmp(out, "  PID   LWP  PPID S PSR     TIME COMMAND\n", 41) == 0);
	bool found = false;
	for (char *line = strchr(out, '\n'); line; line = strchr(line + 1, '\n')) {
		int p, lwp, ppid, psr;
		char state;
		if (sscanf(line + 1, "%d %d %d %c %d", &p, &lwp, &ppid, &state, &psr) == 5 &&
		    p == pid && lwp == pid) {
			found = true;
			CHECK_EQ(psr, k);
			CHECK_EQ(ppid, getpid());
		}
	}
	CHECK(found);
	if (!found)
		DIAG("ps -L said:\n%s", out);
	CHECK(unpin());
}

int main(int argc, char **argv)
{
	(void)argc;
	argv0 = argv[0];
	guest_begin();
	/* musl counts the bits of our affinity mask: read both before
	 * anything pins this thread. */
	nprocs = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (sched_getaffinity(0, sizeof all_cpus, &all_cpus) != 0)
		CPU_ZERO(&all_cpus);
	for (int cpu = 0, n = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, &all_cpus))
			cpu_ids[n++] = cpu;
	TAP(cpu_count);
	TAP(proc_stat_format);
	TAP(proc_cpuinfo_format);
	TAP(getaffinity_checks_its_arguments);
	TAP(setaffinity_rejects_bad_masks);
	TAP(getcpu_checks_its_arguments);
	TAP(pinning_moves_the_caller);
	TAP(fork_child_inherits_the_mask);
	TAP(threads_inherit_and_have_their_own_mask);
	TAP(ps_shows_the_cpu);
	guest_end();
	return tap_done();
}
