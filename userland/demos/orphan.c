/*
 * Lesson: an orphan is adopted by init.
 *
 * The parent starts a child and exits at once. The child, now an orphan,
 * is given a new parent: init (pid 1), which will also wait for it. On
 * Linux the new parent may be a "subreaper" (e.g. systemd --user) rather
 * than pid 1; either way it is no longer the parent that died.
 *
 * Expected output (pids vary):
 *   parent 42: started child 43, exiting now
 *   child 43: my parent was 42
 *   child 43: my parent is now 1
 */
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	int gone[2];
	char c;
	pipe(gone);
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid > 0) {
		printf("parent %d: started child %d, exiting now\n", parent, pid);
		return 0; /* exiting closes our end of the pipe */
	}
	close(gone[1]);
	printf("child %d: my parent was %d\n", getpid(), parent);
	fflush(stdout);
	read(gone[0], &c, 1); /* EOF once the parent has exited */
	/* the exit has closed the pipe, but the adoption may trail it */
	while (getppid() == parent)
		usleep(1000);
	printf("child %d: my parent is now %d\n", getpid(), getppid());
	return 0;
}
