/*
 * Lesson: a manager -- one process owns the data, the others change it
 * by sending it requests (Python's multiprocessing.Manager().dict()).
 *
 * Shared memory lets processes touch the same bytes, and then they need
 * a lock (shared_counter). A manager turns that around: the dictionary
 * lives in one server process only, and every other process sends it
 * requests -- "set a 1", "incr hits", "get hits" -- over its own
 * connection (a socketpair) and waits for the reply. The server handles
 * one request at a time, so no update is ever lost, and nobody but the
 * server needs a lock. It watches all connections with poll() and
 * serves whichever has a request, until every client has hung up.
 *
 * Two client processes each set a key and add 1 to "hits" five times;
 * then the main process asks for the whole dictionary.
 *
 * Expected output (the client lines may come in either order):
 *   client 1: set a 1, then incr hits 5 times
 *   client 2: set b 2, then incr hits 5 times
 *   main: get hits -> 10
 *   main: dict -> {a: 1, b: 2, hits: 10}
 *   manager: 3 clients gone, 14 requests served
 *
 * Needs: socketpair, poll, fork, wait4.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define CLIENTS 3 /* two client processes, and main */
#define KEYS 16

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
	return 0;
}

static void write_line(int fd, const char *s)
{
	write(fd, s, strlen(s));
	write(fd, "\n", 1);
}

/* ---- the manager: the only process that has the dictionary ---- */

static struct {
	char key[16];
	long value;
} dict[KEYS];
static int nkeys;

static long *lookup(const char *key, int create)
{
	for (int i = 0; i < nkeys; i++)
		if (strcmp(dict[i].key, key) == 0)
			return &dict[i].value;
	if (!create || nkeys == KEYS)
		return NULL;
	snprintf(dict[nkeys].key, sizeof dict[nkeys].key, "%s", key);
	dict[nkeys].value = 0;
	return &dict[nkeys++].value;
}

static int by_key(const void *a, const void *b)
{
	return strcmp(a, b); /* the key is the first member */
}

static void handle(const char *req, char *reply, size_t size)
{
	char op[8], key[16];
	long v = 0, *slot;
	int n = sscanf(req, "%7s %15s %ld", op, key, &v);
	if (n >= 1 && strcmp(op, "dict") == 0) {
		qsort(dict, nkeys, sizeof dict[0], by_key); /* a stable answer */
		size_t at = snprintf(reply, size, "{");
		for (int i = 0; i < nkeys && at < size; i++)
			at += snprintf(reply + at, size - at, "%s%s: %ld", i ? ", " : "",
				       dict[i].key, dict[i].value);
		if (at < size)
			snprintf(reply + at, size - at, "}");
	} else if (n == 3 && strcmp(op, "set") == 0 && (slot = lookup(key, 1))) {
		*slot = v;
		snprintf(reply, size, "ok");
	} else if (n == 2 && strcmp(op, "incr") == 0 && (slot = lookup(key, 1))) {
		snprintf(reply, size, "%ld", ++*slot);
	} else if (n == 2 && strcmp(op, "get") == 0 && (slot = lookup(key, 0))) {
		snprintf(reply, size, "%ld", *slot);
	} else {
		snprintf(reply, size, "error");
	}
}

static void manager(int conns[CLIENTS])
{
	struct pollfd pfd[CLIENTS];
	int open_conns = CLIENTS, served = 0;
	for (int i = 0; i < CLIENTS; i++)
		pfd[i] = (struct pollfd){ .fd = conns[i], .events = POLLIN };
	while (open_conns > 0) {
		poll(pfd, CLIENTS, -1); /* sleep until some client has a request */
		for (int i = 0; i < CLIENTS; i++) {
			char req[64], reply[256];
			if (pfd[i].fd < 0 || !pfd[i].revents)
				continue;
			if (!read_line(pfd[i].fd, req, sizeof req)) { /* hung up */
				close(pfd[i].fd);
				pfd[i].fd = -1; /* poll ignores negative fds */
				open_conns--;
				continue;
			}
			handle(req, reply, sizeof reply);
			write_line(pfd[i].fd, reply);
			served++;
		}
	}
	printf("manager: %d clients gone, %d requests served\n", CLIENTS, served);
}

/* ---- the clients ---- */

static void request(int fd, const char *req, char *reply, size_t size)
{
	write_line(fd, req);
	if (!read_line(fd, reply, size))
		snprintf(reply, size, "(no reply)");
}

static void client(int fd, int me)
{
	char req[32], reply[64];
	snprintf(req, sizeof req, "set %c %d", 'a' + me - 1, me);
	request(fd, req, reply, sizeof reply);
	for (int i = 0; i < 5; i++)
		request(fd, "incr hits", reply, sizeof reply);
	printf("client %d: set %c %d, then incr hits 5 times\n", me, 'a' + me - 1, me);
	close(fd);
}

int main(void)
{
	int mine[CLIENTS], theirs[CLIENTS];
	pid_t clients[2];
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int i = 0; i < CLIENTS; i++) {
		int sv[2];
		socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
		mine[i] = sv[0];   /* the client side */
		theirs[i] = sv[1]; /* the manager side */
	}
	pid_t server = fork();
	if (server == 0) {
		for (int i = 0; i < CLIENTS; i++)
			close(mine[i]);
		manager(theirs);
		_exit(0);
	}
	for (int i = 0; i < CLIENTS; i++)
		close(theirs[i]);
	for (int i = 0; i < 2; i++) {
		clients[i] = fork();
		if (clients[i] == 0) {
			for (int j = 0; j < CLIENTS; j++)
				if (j != i)
					close(mine[j]);
			client(mine[i], i + 1);
			_exit(0);
		}
		close(mine[i]);
	}
	for (int i = 0; i < 2; i++)
		waitpid(clients[i], NULL, 0);

	char reply[256];
	int fd = mine[2]; /* main's own connection */
	request(fd, "get hits", reply, sizeof reply);
	printf("main: get hits -> %s\n", reply);
	request(fd, "dict", reply, sizeof reply);
	printf("main: dict -> %s\n", reply);
	close(fd);
	waitpid(server, NULL, 0);
	return 0;
}
