/*
 * test_io.c — I/O that yields: a task waiting for a descriptor parks,
 * the others run, and it wakes when the descriptor is ready.
 */
#define _GNU_SOURCE
#include "../green.h"
#include "tap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static char trace[256];
static void note(const char *s) { strcat(trace, s); }

static int pipe_fds[2];

static void *pipe_reader(void *arg, void *v)
{
	(void)arg, (void)v;
	char buf[16] = { 0 };
	note("R");
	ssize_t n = green_read(pipe_fds[0], buf, sizeof buf - 1);
	CHECK_EQ(n, 5);
	CHECK(strcmp(buf, "hello") == 0);
	note("r");
	return NULL;
}
static void *busy_worker(void *arg, void *v)
{
	(void)v;
	for (int i = 0; i < 3; i++) {
		note(arg);
		green_yield();
	}
	return NULL;
}
static void *pipe_writer(void *arg, void *v)
{
	(void)arg, (void)v;
	/* Let the worker take all its turns first: order, not timing. */
	for (int i = 0; i < 3; i++)
		green_yield();
	note("W");
	CHECK_EQ(green_write(pipe_fds[1], "hello", 5), 5);
	return NULL;
}
static void test_parked_reader_lets_others_run(void)
{
	trace[0] = 0;
	CHECK_EQ(pipe2(pipe_fds, O_NONBLOCK), 0);
	green_t *r = green_spawn(pipe_reader, NULL, 0);
	green_t *a = green_spawn(busy_worker, "a", 0);
	green_t *w = green_spawn(pipe_writer, NULL, 0);
	CHECK_EQ(green_join(r, NULL), 0);
	CHECK_EQ(green_join(a, NULL), 0);
	CHECK_EQ(green_join(w, NULL), 0);
	/* The reader parked (R), the worker ran all its turns while the
	 * reader waited, the writer wrote (W) and only then the reader woke. */
	CHECK(strcmp(trace, "RaaaWr") == 0);
	if (strcmp(trace, "RaaaWr") != 0)
		printf("# trace: %s\n", trace);
	close(pipe_fds[0]);
	close(pipe_fds[1]);
}

/* A writer on a full pipe parks until a reader makes room. */
static void *bulk_writer(void *arg, void *v)
{
	(void)v;
	size_t total = (size_t)arg;
	char chunk[4096];
	memset(chunk, 'x', sizeof chunk);
	size_t sent = 0;
	while (sent < total) {
		size_t n = total - sent < sizeof chunk ? total - sent : sizeof chunk;
		ssize_t w = green_write_all(pipe_fds[1], chunk, n);
		if (w <= 0)
			break;
		sent += (size_t)w;
	}
	close(pipe_fds[1]);
	return (void *)sent;
}
static void *bulk_reader(void *arg, void *v)
{
	(void)arg, (void)v;
	char buf[1000];
	size_t got = 0;
	ssize_t n;
	while ((n = green_read(pipe_fds[0], buf, sizeof buf)) > 0)
		got += (size_t)n;
	CHECK_EQ(n, 0); /* end of file once the writer closed */
	return (void *)got;
}
static void test_writer_parks_on_full_pipe(void)
{
	CHECK_EQ(pipe2(pipe_fds, O_NONBLOCK), 0);
	size_t total = 1 << 20; /* far more than a pipe holds */
	green_t *w = green_spawn(bulk_writer, (void *)total, 0);
	green_t *r = green_spawn(bulk_reader, NULL, 0);
	void *sent, *got;
	CHECK_EQ(green_join(w, &sent), 0);
	CHECK_EQ(green_join(r, &got), 0);
	CHECK_EQ((size_t)sent, total);
	CHECK_EQ((size_t)got, total);
	close(pipe_fds[0]);
}

/* One task per client over socketpairs, each echoing until end of file;
 * each client task talks to its server in small steps, so every task
 * parks many times and they interleave. */
enum { CLIENTS = 50, ROUNDS = 20 };
static void *echo_server(void *arg, void *v)
{
	(void)v;
	int fd = (int)(intptr_t)arg;
	char buf[64];
	ssize_t n;
	while ((n = green_read(fd, buf, sizeof buf)) > 0)
		if (green_write_all(fd, buf, (size_t)n) != n)
			return (void *)-1;
	close(fd);
	return NULL;
}
static void *echo_client(void *arg, void *v)
{
	(void)v;
	int fd = (int)(intptr_t)arg;
	intptr_t good = 0;
	for (int i = 0; i < ROUNDS; i++) {
		char out[32], in[32] = { 0 };
		int len = snprintf(out, sizeof out, "msg %d/%d", fd, i);
		green_write_all(fd, out, (size_t)len);
		ssize_t got = 0;
		while (got < len) {
			ssize_t n = green_read(fd, in + got, (size_t)(len - got));
			if (n <= 0)
				break;
			got += n;
		}
		good += got == len && memcmp(in, out, (size_t)len) == 0;
	}
	close(fd);
	return (void *)good;
}
static void test_many_clients_over_socketpairs(void)
{
	green_t *servers[CLIENTS], *clients[CLIENTS];
	for (int i = 0; i < CLIENTS; i++) {
		int sv[2];
		CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
		servers[i] = green_spawn(echo_server, (void *)(intptr_t)sv[0], 0);
		clients[i] = green_spawn(echo_client, (void *)(intptr_t)sv[1], 0);
	}
	long good = 0;
	for (int i = 0; i < CLIENTS; i++) {
		void *r;
		CHECK_EQ(green_join(clients[i], &r), 0);
		good += (intptr_t)r;
		CHECK_EQ(green_join(servers[i], &r), 0);
		CHECK(r == NULL);
	}
	CHECK_EQ(good, CLIENTS * ROUNDS);
}

/* accept parks until a client connects. */
static int listener;
static struct sockaddr_un addr;
static socklen_t addr_len;
static void *acceptor(void *arg, void *v)
{
	(void)arg, (void)v;
	note("A");
	int c = green_accept(listener, NULL, NULL);
	CHECK(c >= 0);
	note("a");
	char buf[8] = { 0 };
	CHECK_EQ(green_read(c, buf, 2), 2);
	CHECK(strcmp(buf, "hi") == 0);
	close(c);
	return NULL;
}
static void *connector(void *arg, void *v)
{
	(void)arg, (void)v;
	note("C");
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK_EQ(connect(s, (struct sockaddr *)&addr, addr_len), 0);
	CHECK_EQ(write(s, "hi", 2), 2);
	close(s);
	return NULL;
}
static void test_accept_parks(void)
{
	listener = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	CHECK(listener >= 0);
	/* An abstract address (leading NUL): nothing to clean up on disk. */
	memset(&addr, 0, sizeof addr);
	addr.sun_family = AF_UNIX;
	int n = snprintf(addr.sun_path + 1, sizeof addr.sun_path - 1,
			 "green-test-%d", (int)getpid());
	addr_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
	CHECK_EQ(bind(listener, (struct sockaddr *)&addr, addr_len), 0);
	CHECK_EQ(listen(listener, 4), 0);
	trace[0] = 0;
	green_t *a = green_spawn(acceptor, NULL, 0);
	green_t *c = green_spawn(connector, NULL, 0);
	CHECK_EQ(green_join(a, NULL), 0);
	CHECK_EQ(green_join(c, NULL), 0);
	CHECK(strcmp(trace, "ACa") == 0);
	close(listener);
}

int main(void)
{
	TAP(test_parked_reader_lets_others_run);
	TAP(test_writer_parks_on_full_pipe);
	TAP(test_many_clients_over_socketpairs);
	/* Weft may have socketpair but no listening sockets: skip, visibly. */
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	if (s < 0) {
		tap_skip("test_accept_parks", "no AF_UNIX sockets");
	} else {
		close(s);
		TAP(test_accept_parks);
	}
	return tap_done();
}
