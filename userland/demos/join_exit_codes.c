/*
 * Lesson: join a child with waitpid, and read its exit code.
 *
 * Three children exit with codes 0, 1 and 42. The parent "joins" each
 * with waitpid and decodes the status. Without waiting, the parent's
 * "done" line could come before the children's output.
 *
 * Expected output (the child lines may come in any order):
 *   child 0 exits with 0
 *   child 1 exits with 1
 *   child 2 exits with 42
 *   joined child 0: exit code 0
 *   joined child 1: exit code 1
 *   joined child 2: exit code 42
 *   done
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	static const int codes[] = { 0, 1, 42 };
	pid_t pids[3];
	for (int i = 0; i < 3; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			printf("child %d exits with %d\n", i, codes[i]);
			exit(codes[i]);
		}
	}
	for (int i = 0; i < 3; i++) {
		int status;
		waitpid(pids[i], &status, 0); /* blocks until child i has exited */
		if (WIFEXITED(status))
			printf("joined child %d: exit code %d\n", i, WEXITSTATUS(status));
	}
	printf("done\n");
	return 0;
}
