/*
 * sleep.c — green_sleep and the timers behind it.
 *
 * Sleepers wait in a binary min-heap ordered by wake-up time, so the hub
 * finds the earliest in O(1) and adding or removing one costs O(log n)
 * even with 100,000 sleepers. Ties are broken by a sequence number: two
 * tasks asking for the same time wake in the order they asked.
 */
#include "green_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static _Thread_local green_t **heap;
static _Thread_local size_t heap_len, heap_cap;
static _Thread_local uint64_t next_seq;

uint64_t green_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static bool earlier(const green_t *a, const green_t *b)
{
	if (a->deadline_ns != b->deadline_ns)
		return a->deadline_ns < b->deadline_ns;
	return a->timer_seq < b->timer_seq;
}

static void place(size_t i, green_t *t)
{
	heap[i] = t;
	t->heap_index = i;
}

static void sift_up(size_t i)
{
	green_t *t = heap[i];
	while (i > 0) {
		size_t parent = (i - 1) / 2;
		if (!earlier(t, heap[parent]))
			break;
		place(i, heap[parent]);
		i = parent;
	}
	place(i, t);
}

static void sift_down(size_t i)
{
	green_t *t = heap[i];
	for (;;) {
		size_t child = 2 * i + 1;
		if (child >= heap_len)
			break;
		if (child + 1 < heap_len && earlier(heap[child + 1], heap[child]))
			child++;
		if (!earlier(heap[child], t))
			break;
		place(i, heap[child]);
		i = child;
	}
	place(i, t);
}

static void heap_add(green_t *t)
{
	if (heap_len == heap_cap) {
		size_t cap = heap_cap ? heap_cap * 2 : 64;
		green_t **h = realloc(heap, cap * sizeof *h);
		if (!h) {
			perror("green: timer heap");
			abort();
		}
		heap = h;
		heap_cap = cap;
	}
	heap[heap_len] = t;
	sift_up(heap_len++);
}

void green_timer_cancel(green_t *t)
{
	size_t i = t->heap_index;
	if (i == GREEN_NO_HEAP_INDEX)
		return;
	t->heap_index = GREEN_NO_HEAP_INDEX;
	green_t *last = heap[--heap_len];
	if (i == heap_len)
		return;
	/* Move the last one into the hole and let it find its place. */
	place(i, last);
	if (i > 0 && earlier(last, heap[(i - 1) / 2]))
		sift_up(i);
	else
		sift_down(i);
}

bool green_timers_pending(void)
{
	return heap_len > 0;
}

int green_timer_poll_timeout_ms(void)
{
	if (heap_len == 0)
		return -1;
	uint64_t now = green_now_ns();
	if (heap[0]->deadline_ns <= now)
		return 0;
	/* Round up: waking early would only make the hub poll again. */
	uint64_t ms = (heap[0]->deadline_ns - now + 999999) / 1000000;
	return ms > 1000000 ? 1000000 : (int)ms;
}

void green_timers_fire(void)
{
	if (heap_len == 0)
		return;
	uint64_t now = green_now_ns();
	while (heap_len > 0 && heap[0]->deadline_ns <= now)
		green_make_ready(heap[0]); /* cancels its timer: pops the heap */
}

void green_sleep_ns(uint64_t ns)
{
	green_t *self = green_current();
	green_hub();
	self->deadline_ns = green_now_ns() + ns;
	self->timer_seq = next_seq++;
	heap_add(self);
	green_park(NULL);
}
