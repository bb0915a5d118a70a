/*
 * exec_helper — the program test_exec (and test_efault) executes. It
 * prints what it was given, one item per line, so the test can compare:
 *
 *   pid <getpid()>
 *   ppid <getppid()>
 *   argc <n>
 *   argv <each argument>
 *   envp <each environment string>
 *   fd <n> open|closed        for each number given with "--fd n"
 *
 * and exits with the status given as "--exit n" (default 0).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv, char **envp)
{
	int code = 0;
	printf("pid %d\nppid %d\nargc %d\n", (int)getpid(), (int)getppid(), argc);
	for (int i = 0; i < argc; i++)
		printf("argv %s\n", argv[i]);
	for (char **e = envp; *e; e++)
		printf("envp %s\n", *e);
	for (int i = 1; i + 1 < argc; i++) {
		if (strcmp(argv[i], "--fd") == 0) {
			int fd = atoi(argv[i + 1]);
			printf("fd %d %s\n", fd,
			       fcntl(fd, F_GETFD) == -1 ? "closed" : "open");
		} else if (strcmp(argv[i], "--exit") == 0) {
			code = atoi(argv[i + 1]);
		}
	}
	return code;
}
