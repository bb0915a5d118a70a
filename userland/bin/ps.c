/*
 * ps — list every process, read from /proc as on Linux:
 *
 *     PID  PPID S PSR     TIME COMMAND
 *       1     0 S   0     0.02 init
 *
 * ps -L lists every thread instead, with its id (LWP) next to its
 * process's:
 *
 *     PID   LWP  PPID S PSR     TIME COMMAND
 *
 * /proc/<pid>/stat (a thread's: /proc/<pid>/task/<tid>/stat) is one line:
 * "pid (comm) state ppid pgrp ...", with utime and stime (CPU time in
 * user and kernel mode, in clock ticks) as fields 14 and 15 and the CPU
 * it runs on or last ran on as field 39 -- what Linux's "ps -o psr"
 * shows. comm may hold spaces and parentheses, so we look for the *last*
 * ')' to find where the name ends.
 */
#include <ctype.h>
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FIELD_UTIME 14
#define FIELD_STIME 15
#define FIELD_CPU   39
#define MAX_FIELDS  52

static long ticks_per_s = 100;
static bool threads;            /* -L */

static int by_number(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* The numeric entries of a directory, sorted (pids in /proc, tids in
 * /proc/<pid>/task), in *out (free it), *count of them; -1 if the
 * directory cannot be read. */
static int numbered_entries(const char *dir, int **out, size_t *count)
{
	DIR *d = opendir(dir);
	int *ids = NULL;
	*out = NULL;
	*count = 0;
	if (!d)
		return -1;
	struct dirent *e;
	while ((e = readdir(d)))
		if (isdigit((unsigned char)e->d_name[0])) {
			int *more = realloc(ids, (*count + 1) * sizeof *ids);
			if (!more)
				break;
			ids = more;
			ids[(*count)++] = atoi(e->d_name);
		}
	closedir(d);
	qsort(ids, *count, sizeof *ids, by_number);
	*out = ids;
	return 0;
}

/* One line for a process (tid 0) or one of its threads. */
static void show(int pid, int tid)
{
	char path[64], line[1024];
	if (tid)
		snprintf(path, sizeof path, "/proc/%d/task/%d/stat", pid, tid);
	else
		snprintf(path, sizeof path, "/proc/%d/stat", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return; /* it exited while we were looking */
	size_t n = fread(line, 1, sizeof line - 1, f);
	fclose(f);
	line[n] = '\0';
	char *open = strchr(line, '('), *close = strrchr(line, ')');
	if (!open || !close || close < open)
		return;
	*close = '\0';
	const char *comm = open + 1;

	/* field[k] is field k of proc(5); the name was field 2. */
	char *field[MAX_FIELDS + 1] = { 0 };
	int k = 3;
	for (char *save, *tok = strtok_r(close + 1, " \n", &save);
	     tok && k <= MAX_FIELDS; tok = strtok_r(NULL, " \n", &save))
		field[k++] = tok;
	if (k <= FIELD_STIME)
		return;
	char state = field[3][0];
	int ppid = atoi(field[4]);
	unsigned long time = strtoul(field[FIELD_UTIME], NULL, 10) +
	                     strtoul(field[FIELD_STIME], NULL, 10);
	const char *cpu = field[FIELD_CPU] ? field[FIELD_CPU] : "-";

	if (threads)
		printf("%5d %5d %5d %c %3s %8.2f %s\n", pid, tid, ppid, state, cpu,
		       (double)time / ticks_per_s, comm);
	else
		printf("%5d %5d %c %3s %8.2f %s\n", pid, ppid, state, cpu,
		       (double)time / ticks_per_s, comm);
}

static void show_threads(int pid)
{
	char dir[64];
	size_t n;
	int *tids;
	snprintf(dir, sizeof dir, "/proc/%d/task", pid);
	numbered_entries(dir, &tids, &n);   /* gone already: nothing to show */
	for (size_t i = 0; i < n; i++)
		show(pid, tids[i]);
	free(tids);
}

int main(int argc, char **argv)
{
	int opt;
	while ((opt = getopt(argc, argv, "L")) != -1) {
		if (opt != 'L') {
			fprintf(stderr, "usage: ps [-L]\n");
			return 2;
		}
		threads = true;
	}
	long hz = sysconf(_SC_CLK_TCK);
	if (hz > 0)
		ticks_per_s = hz;
	size_t n;
	int *pids;
	if (numbered_entries("/proc", &pids, &n) < 0) {
		perror("ps: /proc");
		return 1;
	}
	if (threads)
		printf("  PID   LWP  PPID S PSR     TIME COMMAND\n");
	else
		printf("  PID  PPID S PSR     TIME COMMAND\n");
	for (size_t i = 0; i < n; i++) {
		if (threads)
			show_threads(pids[i]);
		else
			show(pids[i], 0);
	}
	free(pids);
	return 0;
}
