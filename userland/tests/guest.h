/*
 * guest.h — what every guest test needs besides TAP.
 *
 * The same static binary runs two ways:
 *   - on Weft, booted as the first process (pid 1), stdout on the serial
 *     console, its exit status the run's status;
 *   - natively on the Linux host, as an ordinary process, under `make`.
 * So a test reaps everything it creates (on Weft it is init, and nobody
 * else will), and Weft-only checks are guarded by on_weft().
 *
 * guest_begin()/guest_end() bracket a test program. On Weft they compare
 * MemFree from /proc/meminfo before and after, once every child has been
 * reaped: a kernel that leaks a page per fork fails here. On Linux MemFree
 * moves with everything else the host does, so the check is skipped.
 */
#ifndef WEFT_GUEST_H
#define WEFT_GUEST_H

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"

static inline bool on_weft(void)
{
	struct utsname u;
	return uname(&u) == 0 && strcmp(u.sysname, "Weft") == 0;
}

/* The whole file into buf (NUL-terminated): its length, or -1. For
 * /proc files, whose size stat() does not tell. */
static inline ssize_t guest_read_text(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t got = 0;
	ssize_t r;
	while (got + 1 < size && (r = read(fd, buf + got, size - 1 - got)) > 0)
		got += (size_t)r;
	buf[got] = '\0';
	close(fd);
	return (ssize_t)got;
}

/* MemFree in KiB, or -1 if /proc/meminfo cannot be read. */
static inline long memfree_kb(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[128];
	long kb = -1;
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "MemFree: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/* Wait for every remaining child; returns how many there were. */
static inline int reap_all(void)
{
	int n = 0, status;
	while (waitpid(-1, &status, 0) > 0)
		n++;
	return n;
}

/*
 * Run fn(arg) in a child that then exits 0; return the child's wait
 * status, or -1 if fork or waitpid failed. The child never returns here.
 */
static inline int run_in_child(void (*fn)(void *), void *arg)
{
	int status;
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		fn(arg);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

/*
 * The path of a program next to this one: dir(argv0)/rel. On Weft the
 * test is /tests/test_x; natively build/userland/tests/test_x.
 */
static inline void sibling_path(char *buf, size_t size, const char *argv0,
				const char *rel)
{
	const char *slash = strrchr(argv0, '/');
	if (slash)
		snprintf(buf, size, "%.*s/%s", (int)(slash - argv0), argv0, rel);
	else
		snprintf(buf, size, "/tests/%s", rel);
}

/*
 * On Weft the test cases run in a child process, and this process only
 * measures: MemFree before the child, and after it is reaped. Measuring
 * inside the process that runs the cases would count its own growth (a
 * deeper stack, a bigger heap, stdio buffers) as a leak. Here the
 * measuring process changes nothing between the two readings: its stack
 * was touched beforehand, its fopen buffer is reused, and copy-on-write
 * copies it makes after fork replace pages that the child's exit frees.
 *
 * The child reports how many cases it ran, and whether any failed, in its
 * exit status: 2 * count + failed.
 */
static inline void guest_touch_stack(void)
{
	volatile char buf[32 * 1024];
	for (size_t i = 0; i < sizeof buf; i += 512)
		buf[i] = 1;
}

static bool guest_in_child;

static inline void guest_begin(void)
{
	/* A test is run as init on Weft: nothing is waiting for it yet. */
	reap_all();
	if (!on_weft())
		return;
	guest_touch_stack();
	memfree_kb(); /* the first fopen allocates; later ones reuse it */
	long before = memfree_kb();
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0) {
		DIAG("fork for the measured run failed\n");
		return; /* run the cases here, without the memory check */
	}
	if (pid == 0) {
		guest_in_child = true;
		return;
	}
	int status = 0;
	while (waitpid(pid, &status, 0) < 0)
		;
	reap_all();
	long after = memfree_kb();
	if (!WIFEXITED(status)) {
		tap_count++;
		tap_failures++;
		tap_printf("not ok %d - the test cases ended by signal %d\n", tap_count,
		           WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	} else {
		tap_count = WEXITSTATUS(status) / 2;
		tap_failures = WEXITSTATUS(status) & 1;
	}
	tap_count++;
	bool same = before >= 0 && after == before;
	if (!same) {
		tap_failures++;
		DIAG("MemFree before %ld kB, after %ld kB\n", before, after);
	}
	tap_printf("%sok %d - free pages after == before\n", same ? "" : "not ",
		   tap_count);
	exit(tap_done());
}

static inline void guest_end(void)
{
	int stray = reap_all();
	if (stray)
		DIAG("reaped %d child(ren) the cases left behind\n", stray);
	if (guest_in_child) {
		fflush(stdout);
		_exit((tap_count < 127 ? tap_count : 127) * 2 + (tap_failures ? 1 : 0));
	}
	if (!on_weft())
		tap_skip("free pages after == before", "not on Weft");
}

#endif
