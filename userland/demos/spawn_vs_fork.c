/*
 * Lesson: start methods, fork against spawn.
 *
 * fork copies the running program: the child sees the parent's variables
 * (here secret = 42, set after the program started). spawn starts a
 * fresh program instead (posix_spawn = fork + execve in one call): it
 * inherits nothing but what is passed to it, its arguments and its
 * environment. Here we spawn this very program, with the argument
 * "fresh"; its secret is the initial 0.
 *
 * Expected output (pids vary):
 *   forked child 43: secret = 42
 *   spawned child 44: secret = 0, argv[1] = fresh, GREETING = hello
 */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int secret = 0;

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "fresh") == 0) {
		printf("spawned child %d: secret = %d, argv[1] = %s, GREETING = %s\n",
		       getpid(), secret, argv[1], getenv("GREETING"));
		return 0;
	}
	secret = 42;
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		printf("forked child %d: secret = %d\n", getpid(), secret);
		return 0;
	}
	waitpid(pid, NULL, 0);

	char *child_argv[] = { argv[0], "fresh", NULL };
	char *child_env[] = { "GREETING=hello", NULL };
	if (posix_spawn(&pid, argv[0], NULL, NULL, child_argv, child_env) != 0) {
		perror("posix_spawn");
		return 1;
	}
	waitpid(pid, NULL, 0);
	return 0;
}
