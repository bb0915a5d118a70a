/*
 * Lesson: two forks make four processes.
 *
 * The first fork makes two processes; each of them runs the second fork,
 * so there are four, and each prints one line.
 *
 * Expected output: four lines, in some order (pids vary), e.g.
 *   pid 42, parent 1
 *   pid 43, parent 42
 *   pid 44, parent 42
 *   pid 45, parent 43
 */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	fork();
	fork();
	printf("pid %d, parent %d\n", getpid(), getppid());
	fflush(stdout);
	while (wait(NULL) > 0) /* wait for our own children, if any */
		;
	return 0;
}
