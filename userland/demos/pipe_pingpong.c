/*
 * Lesson: ping-pong between two processes over pipes.
 *
 * A pipe carries bytes one way only, so a two-way conversation needs two:
 * one from parent to child ("ping") and one back ("pong"). Each side
 * closes the ends it does not use. A read blocks until the other side
 * has written something, so the two processes run in lock-step: each
 * waits for the other's message before it answers, and the output below
 * always comes in this order. When the parent closes its write end, the
 * child's read returns 0 (end-of-file): the conversation is over.
 *
 * Expected output (always this order):
 *   parent sends ping 1
 *   child got ping 1, sends pong 1
 *   parent got pong 1
 *   parent sends ping 2
 *   child got ping 2, sends pong 2
 *   parent got pong 2
 *   parent sends ping 3
 *   child got ping 3, sends pong 3
 *   parent got pong 3
 *   child: end of file, bye
 *
 * Needs: fork, pipe, wait4.
 */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	int ping[2], pong[2]; /* [0] is the read end, [1] the write end */
	char buf[32];
	ssize_t n;
	setvbuf(stdout, NULL, _IOLBF, 0);
	pipe(ping);
	pipe(pong);
	pid_t pid = fork();
	if (pid == 0) {
		close(ping[1]); /* the child reads pings and writes pongs */
		close(pong[0]);
		while ((n = read(ping[0], buf, sizeof buf - 1)) > 0) {
			buf[n] = 0;
			int k = 0;
			sscanf(buf, "ping %d", &k);
			printf("child got %s, sends pong %d\n", buf, k);
			snprintf(buf, sizeof buf, "pong %d", k);
			write(pong[1], buf, strlen(buf));
		}
		printf("child: end of file, bye\n");
		_exit(0);
	}
	close(ping[0]);
	close(pong[1]);
	for (int i = 1; i <= 3; i++) {
		snprintf(buf, sizeof buf, "ping %d", i);
		printf("parent sends %s\n", buf);
		write(ping[1], buf, strlen(buf));
		n = read(pong[0], buf, sizeof buf - 1); /* blocks for the answer */
		buf[n > 0 ? n : 0] = 0;
		printf("parent got %s\n", buf);
	}
	close(ping[1]); /* the child's read now returns 0 */
	waitpid(pid, NULL, 0);
	return 0;
}
