/*
 * Lesson: select -- one loop watches several descriptors and serves
 * whichever is ready.
 *
 * Three child processes each write two messages into their own pipe, at
 * different moments. The parent could read the pipes one after another,
 * but then it would sit blocked on the first while the others have data
 * waiting. Instead it asks select() which of the pipes can be read now,
 * sleeping until at least one can, and serves just those. A pipe whose
 * writer has exited reads as end-of-file: the loop closes it and stops
 * watching it. One thread, no busy waiting, and every message is handled
 * as soon as it arrives -- the pattern under every event loop (asyncio,
 * gevent, a server with many clients).
 *
 * Expected output (the order follows the children's timing, so it can
 * vary; the last line does not):
 *   child 1 says: hello (after 0.1 s)
 *   child 2 says: hello (after 0.2 s)
 *   child 3 says: hello (after 0.3 s)
 *   child 1 says: bye (after 0.4 s)
 *   child 1 closed its pipe
 *   child 2 says: bye (after 0.5 s)
 *   child 2 closed its pipe
 *   child 3 says: bye (after 0.6 s)
 *   child 3 closed its pipe
 *   served 6 messages from 3 pipes with one select loop
 *
 * Needs: select (or pselect6), fork, pipes, nanosleep, wait4.
 */
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CHILDREN 3

static void sleep_ms(long ms)
{
	struct timespec t = { ms / 1000, ms % 1000 * 1000000 };
	nanosleep(&t, NULL);
}

int main(void)
{
	int fd[CHILDREN];
	pid_t pids[CHILDREN];
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int i = 0; i < CHILDREN; i++) {
		int p[2];
		pipe(p);
		pids[i] = fork();
		if (pids[i] == 0) {
			char msg[64];
			close(p[0]);
			sleep_ms(100 * (i + 1));
			snprintf(msg, sizeof msg, "hello (after 0.%d s)\n", i + 1);
			write(p[1], msg, strlen(msg));
			sleep_ms(300);
			snprintf(msg, sizeof msg, "bye (after 0.%d s)\n", i + 4);
			write(p[1], msg, strlen(msg));
			_exit(0); /* closes the pipe: end-of-file for the parent */
		}
		close(p[1]);
		fd[i] = p[0];
	}

	int open_pipes = CHILDREN, messages = 0;
	while (open_pipes > 0) {
		fd_set ready;
		int maxfd = -1;
		FD_ZERO(&ready);
		for (int i = 0; i < CHILDREN; i++) {
			if (fd[i] >= 0) {
				FD_SET(fd[i], &ready);
				if (fd[i] > maxfd)
					maxfd = fd[i];
			}
		}
		/* sleeps until at least one watched pipe can be read */
		if (select(maxfd + 1, &ready, NULL, NULL, NULL) < 0) {
			perror("select");
			return 1;
		}
		for (int i = 0; i < CHILDREN; i++) {
			if (fd[i] < 0 || !FD_ISSET(fd[i], &ready))
				continue;
			char buf[128];
			ssize_t n = read(fd[i], buf, sizeof buf - 1);
			if (n > 0) {
				/* one read may bring more than one message (if we
				 * were slow to come): each ends with a newline */
				buf[n] = 0;
				for (char *line = strtok(buf, "\n"); line;
				     line = strtok(NULL, "\n")) {
					printf("child %d says: %s\n", i + 1, line);
					messages++;
				}
			} else { /* end-of-file: the child is done */
				printf("child %d closed its pipe\n", i + 1);
				close(fd[i]);
				fd[i] = -1;
				open_pipes--;
			}
		}
	}
	for (int i = 0; i < CHILDREN; i++)
		waitpid(pids[i], NULL, 0);
	printf("served %d messages from %d pipes with one select loop\n", messages,
	       CHILDREN);
	return 0;
}
