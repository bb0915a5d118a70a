/*
 * builtin.c — commands the shell runs itself, because a child could not
 * do them: cd (a child's directory dies with it), exit, wait and jobs
 * (only the shell knows its jobs). pwd is here for convenience.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sh.h"

static int do_cd(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : getenv("HOME");
	if (!dir)
		dir = "/";
	if (chdir(dir) < 0) {
		fprintf(stderr, "cd: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	return 0;
}

static int do_pwd(int argc, char **argv)
{
	(void)argc, (void)argv;
	char buf[PATH_MAX];
	if (!getcwd(buf, sizeof buf)) {
		fprintf(stderr, "pwd: %s\n", strerror(errno));
		return 1;
	}
	printf("%s\n", buf);
	return 0;
}

static int do_exit(int argc, char **argv)
{
	int code = last_status;
	if (argc > 1) {
		char *end;
		code = (int)strtol(argv[1], &end, 10);
		if (*end || end == argv[1]) {
			fprintf(stderr, "exit: %s: numeric argument required\n", argv[1]);
			code = 2;
		}
	}
	fflush(stdout);
	exit(code & 0xff);
}

static int do_wait(int argc, char **argv)
{
	(void)argc, (void)argv;
	jobs_wait_all();
	return 0;
}

static int do_jobs(int argc, char **argv)
{
	(void)argc, (void)argv;
	jobs_poll();
	jobs_list();
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(int, char **);
} builtins[] = {
	{ "cd", do_cd }, { "pwd", do_pwd }, { "exit", do_exit },
	{ "wait", do_wait }, { "jobs", do_jobs },
};

int builtin_lookup(const char *name)
{
	for (unsigned i = 0; i < sizeof builtins / sizeof builtins[0]; i++)
		if (strcmp(name, builtins[i].name) == 0)
			return (int)i;
	return -1;
}

int builtin_run(int which, int argc, char **argv)
{
	int status = builtins[which].fn(argc, argv);
	fflush(stdout);
	return status;
}
