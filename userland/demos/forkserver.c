/*
 * Lesson: the forkserver start method.
 *
 * Early, while the program is still small and simple, it forks a
 * "template" process: the fork server. Later, whenever the main program
 * wants a worker, it sends a request down a pipe; the server forks a
 * copy of its own clean self to do the job. Workers so start from the
 * template's state, not from whatever the main program has become (here:
 * a big table the main program built after starting the server).
 *
 * Requests are one byte each (the task number); each worker prints its
 * result and its parent, the server, and the server answers with the
 * worker's pid once the worker has finished.
 *
 * Expected output (pids vary; all workers have the server as parent):
 *   main 42: fork server is 43
 *   worker 44 (parent 43): task 1 -> 1, table size seen: 0
 *   worker 45 (parent 43): task 2 -> 4, table size seen: 0
 *   worker 46 (parent 43): task 3 -> 9, table size seen: 0
 *   main: all 3 tasks done; table size here: 100000
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static int *table;
static int table_size;

static void serve(int requests, int replies)
{
	char task;
	while (read(requests, &task, 1) == 1) {
		pid_t pid = fork();
		if (pid == 0) {
			printf("worker %d (parent %d): task %d -> %d, table size seen: %d\n",
			       getpid(), getppid(), task, task * task, table_size);
			exit(0);
		}
		waitpid(pid, NULL, 0);
		write(replies, &pid, sizeof pid);
	}
	exit(0); /* the main program closed the request pipe */
}

int main(void)
{
	int req[2], rep[2];
	pipe(req);
	pipe(rep);
	fflush(stdout);
	pid_t server = fork();
	if (server == 0) {
		close(req[1]);
		close(rep[0]);
		serve(req[0], rep[1]);
	}
	close(req[0]);
	close(rep[1]);
	printf("main %d: fork server is %d\n", getpid(), server);
	fflush(stdout);

	/* Now the main program grows; the server never sees this. */
	table_size = 100000;
	table = calloc(table_size, sizeof *table);

	for (char task = 1; task <= 3; task++) {
		pid_t worker;
		write(req[1], &task, 1);
		read(rep[0], &worker, sizeof worker); /* done */
	}
	close(req[1]);
	waitpid(server, NULL, 0);
	printf("main: all 3 tasks done; table size here: %d\n", table_size);
	free(table);
	return 0;
}
