/*
 * Lesson: a forking server -- one process per client.
 *
 * Python's socketserver.ForkingMixIn: the server accepts a connection
 * and forks a child to handle it, then goes straight back to accepting;
 * the handlers run side by side, and a slow client delays no one else.
 * Weft has no network, so a "connection" here is a socketpair: the
 * server makes one per client, hands one end to a client process, and
 * "accepts" the other end by forking a handler for it. The handler
 * echoes each line back in capitals until the client hangs up (read
 * returns 0); the server closes its own copy of each end at once (the
 * handler and the client have theirs), and in the end reaps everyone.
 *
 * Expected output (pids vary; lines of different clients interleave;
 * the last line does not vary):
 *   server: handler 1234 serves client 1
 *   client 1 sent "hello from 1", got "HELLO FROM 1"
 *   client 1 sent "bye from 1", got "BYE FROM 1"
 *   handler 1234: client 1 hung up after 2 lines
 *   server: handler 1236 serves client 2
 *   ... (the same for clients 2 and 3)
 *   server: 3 clients served by 3 handler processes
 *
 * Needs: socketpair, fork, wait4.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define CLIENTS 3

/* Read one line (without its newline); 0 at end-of-file. */
static int read_line(int fd, char *buf, size_t size)
{
	size_t n = 0;
	char c;
	while (read(fd, &c, 1) == 1) {
		if (c == '\n') {
			buf[n] = 0;
			return 1;
		}
		if (n < size - 1)
			buf[n++] = c;
	}
	buf[n] = 0;
	return n > 0;
}

static void write_line(int fd, const char *s)
{
	write(fd, s, strlen(s));
	write(fd, "\n", 1);
}

static void handler(int conn, int client)
{
	char line[128];
	int lines = 0;
	while (read_line(conn, line, sizeof line)) {
		for (char *p = line; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		write_line(conn, line);
		lines++;
	}
	printf("handler %d: client %d hung up after %d lines\n", (int)getpid(),
	       client, lines);
}

static void client(int conn, int me)
{
	static const char *words[] = { "hello", "bye" };
	char msg[64], reply[128];
	for (int i = 0; i < 2; i++) {
		snprintf(msg, sizeof msg, "%s from %d", words[i], me);
		write_line(conn, msg);
		read_line(conn, reply, sizeof reply);
		printf("client %d sent \"%s\", got \"%s\"\n", me, msg, reply);
	}
	close(conn); /* hang up */
}

int main(void)
{
	pid_t clients[CLIENTS], handlers[CLIENTS];
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int i = 0; i < CLIENTS; i++) {
		int sv[2];
		socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
		clients[i] = fork();
		if (clients[i] == 0) {
			close(sv[1]);
			client(sv[0], i + 1);
			_exit(0);
		}
		close(sv[0]);
		/* "accept": a new process for this connection */
		handlers[i] = fork();
		if (handlers[i] == 0) {
			handler(sv[1], i + 1);
			_exit(0);
		}
		printf("server: handler %d serves client %d\n", (int)handlers[i], i + 1);
		close(sv[1]); /* the handler has its own copy */
	}
	for (int i = 0; i < CLIENTS; i++) {
		waitpid(clients[i], NULL, 0);
		waitpid(handlers[i], NULL, 0);
	}
	printf("server: %d clients served by %d handler processes\n", CLIENTS, CLIENTS);
	return 0;
}
