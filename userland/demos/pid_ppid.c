/*
 * Lesson: getpid and getppid.
 *
 * Every process has a number (pid) and knows its parent's (ppid). The
 * child's getppid() is the parent's getpid().
 *
 * Expected output (pids vary):
 *   parent: pid 42, ppid 1
 *   child:  pid 43, ppid 42
 */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	printf("parent: pid %d, ppid %d\n", getpid(), getppid());
	fflush(stdout);
	if (fork() == 0) {
		printf("child:  pid %d, ppid %d\n", getpid(), getppid());
		return 0;
	}
	wait(NULL);
	return 0;
}
