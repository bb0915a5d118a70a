/*
 * Lesson: a duplex connection -- one socketpair, both ends talk.
 *
 * socketpair(AF_UNIX, SOCK_STREAM) makes two connected sockets. Unlike a
 * pipe, each end can both send and receive: what is written on one end
 * is read on the other, in both directions, so one pair is a two-way
 * connection (Python's multiprocessing.Pipe(duplex=True)). The parent
 * keeps one end, the child the other. Each sends a greeting first and
 * then receives: a receive blocks until the other side's data arrives.
 * Both greetings travel at the same time, in opposite directions, on one
 * connection. Then the child answers three questions, and shutdown()
 * tells it the parent has nothing more to send: its next read returns 0.
 *
 * Expected output (the first two lines may come in either order):
 *   parent received: hello from the child
 *   child received: hello from the parent
 *   parent asked 1 + 1, child answered 2
 *   parent asked 2 + 2, child answered 4
 *   parent asked 3 + 3, child answered 6
 *   child: the parent has shut down its side, bye
 *
 * Needs: socketpair, fork, wait4, shutdown.
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * A stream socket keeps no message boundaries: two sends can arrive in
 * one read, or one in two. So each message ends with its 0 byte, and the
 * receiver reads up to that 0, a byte at a time (simple, if not fast).
 */
static void send_str(int fd, const char *s)
{
	write(fd, s, strlen(s) + 1);
}

static int recv_str(int fd, char *buf, size_t size)
{
	size_t n = 0;
	char c;
	while (read(fd, &c, 1) == 1) {
		if (n < size - 1)
			buf[n++] = c;
		if (c == 0)
			return 1;
	}
	buf[n] = 0;
	return 0; /* end-of-file (or an error) before a whole message */
}

int main(void)
{
	int sv[2];
	char buf[64];
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) {
		perror("socketpair");
		return 1;
	}
	pid_t pid = fork();
	if (pid == 0) {
		int me = sv[1];
		close(sv[0]);
		send_str(me, "hello from the child");
		recv_str(me, buf, sizeof buf);
		printf("child received: %s\n", buf);
		int a, b;
		while (recv_str(me, buf, sizeof buf) &&
		       sscanf(buf, "%d + %d", &a, &b) == 2) {
			snprintf(buf, sizeof buf, "%d", a + b);
			send_str(me, buf);
		}
		printf("child: the parent has shut down its side, bye\n");
		_exit(0);
	}
	int me = sv[0];
	close(sv[1]);
	send_str(me, "hello from the parent");
	recv_str(me, buf, sizeof buf);
	printf("parent received: %s\n", buf);
	for (int i = 1; i <= 3; i++) {
		char q[32];
		snprintf(q, sizeof q, "%d + %d", i, i);
		send_str(me, q);
		recv_str(me, buf, sizeof buf);
		printf("parent asked %s, child answered %s\n", q, buf);
	}
	shutdown(me, SHUT_WR); /* "no more from me"; we could still read */
	waitpid(pid, NULL, 0);
	close(me);
	return 0;
}
