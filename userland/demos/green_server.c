/*
 * Lessons 31 and 33 — gevent: one OS thread serves many clients, with one
 * green thread per client; a read that would block yields instead.
 *
 * Five client processes (fork) each send a line over a socketpair, wait
 * a moment, then send a second line, and read the replies. The server is
 * one thread: a green thread per connection reads, upper-cases, replies.
 * While one handler waits for its client's next line, the hub's poll()
 * watches every connection and runs whichever handler's data arrived —
 * what a select() loop does, written as plain sequential code per client.
 *
 * Expected output, exactly (the server prints after every handler ended,
 * in client order, so the order does not depend on timing):
 *   client 0: "hello from 0" -> "HELLO FROM 0", "bye from 0" -> "BYE FROM 0"
 *   client 1: "hello from 1" -> "HELLO FROM 1", "bye from 1" -> "BYE FROM 1"
 *   client 2: "hello from 2" -> "HELLO FROM 2", "bye from 2" -> "BYE FROM 2"
 *   client 3: "hello from 3" -> "HELLO FROM 3", "bye from 3" -> "BYE FROM 3"
 *   client 4: "hello from 4" -> "HELLO FROM 4", "bye from 4" -> "BYE FROM 4"
 *   served 5 clients, 10 requests, on 1 OS thread; every client exited 0
 */
#include <green.h>
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { CLIENTS = 5, LINES = 2 };

struct conn {
	int fd;
	char got[LINES][64], sent[LINES][64];
	int requests;
};

/* A client: an ordinary process with ordinary blocking I/O. */
static int client(int fd, int id)
{
	const char *words[LINES] = { "hello", "bye" };
	for (int i = 0; i < LINES; i++) {
		char out[64], in[64] = { 0 };
		int n = snprintf(out, sizeof out, "%s from %d", words[i], id);
		/* later clients wait longer: the replies interleave */
		struct timespec pause = { 0, (id + 1) * 5 * 1000000L };
		nanosleep(&pause, NULL);
		if (write(fd, out, (size_t)n) != n || read(fd, in, sizeof in - 1) != n)
			return 1;
		for (int k = 0; k < n; k++)
			if (in[k] != toupper((unsigned char)out[k]))
				return 1;
	}
	return 0;
}

/* The server's handler for one connection: sequential code, yet it never
 * blocks the thread — green_read parks it until its client writes. */
static void *handle(void *arg, void *value)
{
	(void)value;
	struct conn *c = arg;
	char buf[64];
	ssize_t n;
	while (c->requests < LINES &&
	       (n = green_read(c->fd, buf, sizeof buf - 1)) > 0) {
		buf[n] = 0;
		strcpy(c->got[c->requests], buf);
		for (ssize_t k = 0; k < n; k++)
			buf[k] = (char)toupper((unsigned char)buf[k]);
		strcpy(c->sent[c->requests], buf);
		green_write_all(c->fd, buf, (size_t)n);
		c->requests++;
	}
	close(c->fd);
	return NULL;
}

int main(void)
{
	static struct conn conns[CLIENTS];
	green_t *handlers[CLIENTS];
	pid_t pids[CLIENTS];
	for (int i = 0; i < CLIENTS; i++) {
		int sv[2];
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
			return 1;
		fflush(stdout);
		pids[i] = fork();
		if (pids[i] == 0) {
			close(sv[0]);
			_exit(client(sv[1], i));
		}
		close(sv[1]);
		green_set_nonblock(sv[0]);
		conns[i].fd = sv[0];
		handlers[i] = green_spawn(handle, &conns[i], 0);
	}
	int requests = 0, all_ok = 1;
	for (int i = 0; i < CLIENTS; i++) {
		green_join(handlers[i], NULL);
		int status;
		waitpid(pids[i], &status, 0);
		all_ok &= WIFEXITED(status) && WEXITSTATUS(status) == 0;
		requests += conns[i].requests;
		printf("client %d: \"%s\" -> \"%s\", \"%s\" -> \"%s\"\n", i,
		       conns[i].got[0], conns[i].sent[0], conns[i].got[1],
		       conns[i].sent[1]);
	}
	printf("served %d clients, %d requests, on 1 OS thread; %s\n", CLIENTS,
	       requests, all_ok ? "every client exited 0" : "A CLIENT FAILED");
	return all_ok ? 0 : 1;
}
