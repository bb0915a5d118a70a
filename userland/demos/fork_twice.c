/*
 * Lesson: fork returns twice.
 *
 * One call, two returns: in the child fork() returns 0, in the parent it
 * returns the child's pid. Which line comes first is up to the scheduler.
 *
 * Expected output (pids vary, the order may too):
 *   parent: fork returned 43 (my pid is 42)
 *   child:  fork returned 0 (my pid is 43)
 */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	pid_t ret = fork();
	if (ret == 0)
		printf("child:  fork returned 0 (my pid is %d)\n", getpid());
	else
		printf("parent: fork returned %d (my pid is %d)\n", ret, getpid());
	if (ret > 0)
		wait(NULL); /* a good parent waits for its child */
	return 0;
}
