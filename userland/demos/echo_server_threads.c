/*
 * Lesson: a threading server -- one thread per client.
 *
 * Python's socketserver.ThreadingMixIn: the server accepts a connection
 * and starts a thread to handle it. Threads are cheaper to start than
 * processes and share the server's memory (here a count of lines served,
 * kept under a mutex), but a crash in one handler takes the whole server
 * down. As in echo_server_fork, a "connection" is a socketpair: one end
 * goes to a client process, the server handles the other in a new thread
 * that echoes each line back in capitals until the client hangs up.
 * The clients are forked before any thread exists (a fork copies only
 * the thread that calls it).
 *
 * Expected output (thread ids vary; lines of different clients
 * interleave; the last line does not vary):
 *   server: a thread serves client 1
 *   ...
 *   client 2 sent "hello from 2", got "HELLO FROM 2"
 *   client 2 sent "bye from 2", got "BYE FROM 2"
 *   thread 1241: client 2 hung up after 2 lines
 *   ...
 *   server: 3 clients served by 3 threads of process 1239, 6 lines in all
 *
 * Needs: socketpair, fork, threads (clone, futex), wait4.
 */
#define _GNU_SOURCE /* gettid */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define CLIENTS 3

static pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;
static int lines_served; /* shared by all handler threads */

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

struct connection {
	int fd, client;
	pthread_t thread;
};

static void *handler(void *arg)
{
	struct connection *c = arg;
	char line[128];
	int lines = 0;
	while (read_line(c->fd, line, sizeof line)) {
		for (char *p = line; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		write_line(c->fd, line);
		lines++;
	}
	printf("thread %d: client %d hung up after %d lines\n", (int)gettid(),
	       c->client, lines);
	pthread_mutex_lock(&stats_lock);
	lines_served += lines;
	pthread_mutex_unlock(&stats_lock);
	close(c->fd);
	return NULL;
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
	close(conn);
}

int main(void)
{
	pid_t clients[CLIENTS];
	struct connection conn[CLIENTS];
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int i = 0; i < CLIENTS; i++) { /* all forks before any thread */
		int sv[2];
		socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
		clients[i] = fork();
		if (clients[i] == 0) {
			for (int j = 0; j < i; j++)
				close(conn[j].fd); /* other clients' server ends */
			close(sv[1]);
			client(sv[0], i + 1);
			_exit(0);
		}
		close(sv[0]);
		conn[i] = (struct connection){ .fd = sv[1], .client = i + 1 };
	}
	for (int i = 0; i < CLIENTS; i++) { /* "accept": a thread each */
		pthread_create(&conn[i].thread, NULL, handler, &conn[i]);
		printf("server: a thread serves client %d\n", i + 1);
	}
	for (int i = 0; i < CLIENTS; i++) {
		pthread_join(conn[i].thread, NULL);
		waitpid(clients[i], NULL, 0);
	}
	printf("server: %d clients served by %d threads of process %d, %d lines in all\n",
	       CLIENTS, CLIENTS, (int)getpid(), lines_served);
	return 0;
}
