/*
 * channel.c — a bounded FIFO between tasks (gevent's Queue, Go's channel).
 *
 * A ring buffer plus two wait lists. Waking is only a hint: a woken task
 * re-checks its condition, because another task may have taken the slot
 * or the item between the wake-up and its turn to run.
 */
#include "green_internal.h"

#include <errno.h>
#include <stdlib.h>

struct green_chan {
	void **items;
	size_t cap, head, len;
	bool closed;
	struct green_list senders, receivers; /* tasks waiting for room / items */
};

green_chan_t *green_chan_new(size_t capacity)
{
	if (capacity == 0) {
		errno = EINVAL;
		return NULL;
	}
	green_chan_t *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->items = calloc(capacity, sizeof *c->items);
	if (!c->items) {
		free(c);
		return NULL;
	}
	c->cap = capacity;
	green_list_init(&c->senders);
	green_list_init(&c->receivers);
	return c;
}

static void wake_one(struct green_list *l)
{
	green_t *t = green_list_first(l);
	if (t)
		green_make_ready(t);
}

static void wake_all(struct green_list *l)
{
	green_t *t;
	while ((t = green_list_first(l)))
		green_make_ready(t);
}

int green_chan_send(green_chan_t *c, void *v)
{
	while (c->len == c->cap && !c->closed) {
		int err = green_park(&c->senders);
		if (err) {
			errno = err;
			return -1;
		}
	}
	if (c->closed) {
		errno = EPIPE;
		return -1;
	}
	c->items[(c->head + c->len) % c->cap] = v;
	c->len++;
	wake_one(&c->receivers);
	return 0;
}

int green_chan_recv(green_chan_t *c, void **v)
{
	while (c->len == 0 && !c->closed) {
		int err = green_park(&c->receivers);
		if (err) {
			errno = err;
			return -1;
		}
	}
	if (c->len == 0) {
		errno = EPIPE; /* closed and drained */
		return -1;
	}
	*v = c->items[c->head];
	c->head = (c->head + 1) % c->cap;
	c->len--;
	wake_one(&c->senders);
	return 0;
}

void green_chan_close(green_chan_t *c)
{
	c->closed = true;
	wake_all(&c->senders);
	wake_all(&c->receivers);
}

size_t green_chan_len(const green_chan_t *c)
{
	return c->len;
}

void green_chan_free(green_chan_t *c)
{
	if (!c)
		return;
	free(c->items);
	free(c);
}
