/*
 * init — the first process. The kernel starts it as pid 1; it
 *   1. makes sure fds 0, 1, 2 are the console,
 *   2. starts the shell in a new session with the console as its
 *      controlling terminal (so ^C on the console reaches its jobs),
 *   3. waits forever: for the shell, and for every orphan the kernel
 *      hands it (a process whose parent died becomes init's child, and
 *      only a wait by init lets its zombie go),
 *   4. restarts the shell when it dies, unless it keeps dying at once.
 *
 *   init [program [args...]]     default: /bin/sh -i
 *
 * Run natively (not as pid 1) it asks Linux to make it a "child
 * subreaper", so orphans below it come to it as they would to pid 1, and
 * it exits when it gives up instead of idling forever.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define QUICK_DEATH_S 2  /* a shell that dies sooner than this ... */
#define MAX_QUICK 10     /* ... this many times in a row: stop restarting */

static char *default_argv[] = { "/bin/sh", "-i", NULL };

static void console_on_012(void)
{
	if (fcntl(0, F_GETFD) != -1)
		return; /* the kernel (or our parent) already gave us fds */
	int fd = open("/dev/console", O_RDWR);
	if (fd < 0)
		return; /* nowhere to print to: carry on silently */
	/* open returns the lowest free fd: 0, then dup gives 1 and 2 */
	while (fd < 2)
		fd = dup(fd);
	if (fd > 2)
		close(fd);
}

static pid_t start_shell(char **argv)
{
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	/* A new session has no controlling terminal; TIOCSCTTY makes the
	 * console ours (the 1 lets root take it from another session, which
	 * matters only when init is run natively from a terminal). Failure
	 * is fine: a shell still runs without one, just without ^C. */
	setsid();
	ioctl(0, TIOCSCTTY, 1);
	signal(SIGINT, SIG_DFL);
	signal(SIGQUIT, SIG_DFL);
	setenv("PATH", "/bin", 0); /* defaults, unless we were given some */
	setenv("HOME", "/", 0);
	execv(argv[0], argv);
	fprintf(stderr, "init: %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

static time_t now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

int main(int argc, char **argv)
{
	char **shell = argc > 1 ? argv + 1 : default_argv;
	console_on_012();
	/* Linux never lets a signal without a handler kill pid 1; say so
	 * explicitly, which also protects init when it runs natively. */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	if (getpid() != 1)
		prctl(PR_SET_CHILD_SUBREAPER, 1);

	int quick_deaths = 0;
	bool restarting = true;
	time_t started = now();
	pid_t sh = start_shell(shell);
	for (;;) {
		int status;
		pid_t pid = wait(&status);
		if (pid < 0) {
			if (errno == ECHILD && !restarting && getpid() != 1)
				return 1; /* natively: nothing left to look after */
			if (errno == ECHILD)
				pause(); /* pid 1 must never exit: idle */
			continue;
		}
		if (pid != sh || !restarting)
			continue; /* an orphan: reaping it was the whole job */
		quick_deaths = now() - started < QUICK_DEATH_S ? quick_deaths + 1 : 0;
		if (quick_deaths >= MAX_QUICK) {
			fprintf(stderr, "init: %s keeps dying; not restarting it\n",
				shell[0]);
			restarting = false;
			continue;
		}
		fprintf(stderr, "init: shell exited (status %d); starting a new one\n",
			WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
		started = now();
		sh = start_shell(shell);
	}
}
