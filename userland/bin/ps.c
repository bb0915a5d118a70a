/*
 * ps — list every process, read from /proc as on Linux:
 *
 *     PID  PPID S     TIME COMMAND
 *       1     0 S     0.02 init
 *
 * /proc/<pid>/stat is one line: "pid (comm) state ppid pgrp ...", with
 * utime and stime (CPU time in user and kernel mode, in clock ticks) as
 * fields 14 and 15. comm may hold spaces and parentheses, so we look for
 * the *last* ')' to find where the name ends.
 */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int by_number(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

static void show(int pid, long ticks_per_s)
{
	char path[64], line[1024];
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
	char state;
	int ppid;
	unsigned long utime, stime;
	/* after ')': state(3) ppid(4) pgrp session tty tpgid flags minflt
	 * cminflt majflt cmajflt utime(14) stime(15) */
	if (sscanf(close + 1, " %c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
		   &state, &ppid, &utime, &stime) != 4)
		return;
	double cpu = (double)(utime + stime) / ticks_per_s;
	printf("%5d %5d %c %8.2f %s\n", pid, ppid, state, cpu, comm);
}

int main(void)
{
	long ticks_per_s = sysconf(_SC_CLK_TCK);
	if (ticks_per_s <= 0)
		ticks_per_s = 100;
	DIR *d = opendir("/proc");
	if (!d) {
		perror("ps: /proc");
		return 1;
	}
	int *pids = NULL;
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		if (isdigit((unsigned char)e->d_name[0])) {
			pids = realloc(pids, (n + 1) * sizeof *pids);
			pids[n++] = atoi(e->d_name);
		}
	closedir(d);
	qsort(pids, n, sizeof *pids, by_number);
	printf("  PID  PPID S     TIME COMMAND\n");
	for (size_t i = 0; i < n; i++)
		show(pids[i], ticks_per_s);
	free(pids);
	return 0;
}
