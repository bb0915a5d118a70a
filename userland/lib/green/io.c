/*
 * io.c — read, write and accept that yield instead of blocking.
 *
 * On a non-blocking descriptor a call that cannot proceed fails with
 * EAGAIN instead of sleeping in the kernel. That is the moment to park:
 * record which descriptor and which events we wait for, switch to the
 * hub, and retry when the hub's poll() says the descriptor is ready. The
 * OS thread never sleeps while some other task could run.
 */
#define _GNU_SOURCE /* accept4 */
#include "green_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static _Thread_local struct pollfd *pfds;
static _Thread_local green_t **waiter_of;
static _Thread_local size_t pfd_cap;

int green_set_nonblock(int fd)
{
	int flags = fcntl(fd, F_GETFL);
	if (flags < 0)
		return -1;
	return fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

int green_wait_fd(int fd, short events)
{
	green_t *self = green_current();
	green_hub();
	self->wait_fd = fd;
	self->wait_events = events;
	self->revents = 0;
	int err = green_park(&green_fd_waiters);
	self->wait_fd = -1;
	if (err) {
		errno = err;
		return -1;
	}
	if (self->revents & POLLNVAL) {
		errno = EBADF;
		return -1;
	}
	return self->revents;
}

/* The hub's side: one poll() over every parked descriptor. */
void green_poll_fds(int timeout_ms)
{
	size_t n = green_fd_waiters.len;
	if (n > pfd_cap) {
		size_t cap = n * 2;
		struct pollfd *p = realloc(pfds, cap * sizeof *p);
		green_t **w = p ? realloc(waiter_of, cap * sizeof *w) : NULL;
		if (!p || !w) {
			perror("green: poll set");
			abort();
		}
		pfds = p;
		waiter_of = w;
		pfd_cap = cap;
	}
	size_t i = 0;
	for (struct green_link *l = green_fd_waiters.head.next;
	     n > 0 && l != &green_fd_waiters.head; l = l->next, i++) {
		green_t *t = (green_t *)((char *)l - offsetof(green_t, link));
		pfds[i] = (struct pollfd){ .fd = t->wait_fd, .events = t->wait_events };
		waiter_of[i] = t;
	}
	int r = poll(pfds, i, timeout_ms);
	if (r <= 0)
		return; /* timeout, or EINTR: the hub loops and tries again */
	for (size_t k = 0; k < i; k++) {
		if (pfds[k].revents) {
			waiter_of[k]->revents = pfds[k].revents;
			green_make_ready(waiter_of[k]);
		}
	}
}

static bool would_block(void)
{
	return errno == EAGAIN || errno == EWOULDBLOCK;
}

ssize_t green_read(int fd, void *buf, size_t n)
{
	for (;;) {
		ssize_t r = read(fd, buf, n);
		if (r >= 0 || !would_block())
			return r;
		if (green_wait_fd(fd, POLLIN) < 0)
			return -1;
	}
}

ssize_t green_write(int fd, const void *buf, size_t n)
{
	for (;;) {
		ssize_t r = write(fd, buf, n);
		if (r >= 0 || !would_block())
			return r;
		if (green_wait_fd(fd, POLLOUT) < 0)
			return -1;
	}
}

ssize_t green_write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	size_t done = 0;
	while (done < n) {
		ssize_t r = green_write(fd, p + done, n - done);
		if (r < 0)
			return done ? (ssize_t)done : -1;
		done += (size_t)r;
	}
	return (ssize_t)done;
}

int green_accept(int fd, struct sockaddr *addr, socklen_t *len)
{
	for (;;) {
		int c = accept4(fd, addr, len, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (c >= 0 || !would_block())
			return c;
		if (green_wait_fd(fd, POLLIN) < 0)
			return -1;
	}
}
