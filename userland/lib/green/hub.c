/*
 * hub.c — the hub: one green thread that decides who runs next.
 *
 * This is gevent's design. Every task's parent is the hub, and a task that
 * must wait simply parks (records why it waits) and switches to the hub.
 * The hub runs the ready tasks in FIFO order; when none is ready it sleeps
 * in poll() until a descriptor some task waits for is ready or the
 * earliest sleeper's time comes. Nobody is preempted: a task runs until it
 * yields, blocks or ends — so between those points it needs no locks.
 *
 * A task is in exactly one of three places: running, on the run queue, or
 * parked (on a wait list, the timer heap, or as a joiner). green_make_ready
 * moves it from wherever it waits to the run queue.
 */
#include "green_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

static _Thread_local green_t *hub;
static _Thread_local struct green_list run_queue;
_Thread_local struct green_list green_fd_waiters;

/* Every task blocked, no timer, no descriptor: nothing can ever change.
 * The root (main) is woken with EDEADLK so its join or recv can fail
 * cleanly, as gevent raises LoopExit in the main greenlet. */
static void deadlock(void)
{
	green_t *root = green_root();
	if (root->parked) {
		root->wake_error = EDEADLK;
		green_make_ready(root);
		return;
	}
	fputs("green: deadlock: every green thread is blocked\n", stderr);
	abort();
}

static void *hub_main(void *arg, void *value)
{
	(void)arg, (void)value;
	for (;;) {
		/* Run only the tasks ready now; tasks readied meanwhile wait for
		 * the next round, after I/O has been checked, so a task that
		 * yields in a loop cannot starve one waiting for a descriptor. */
		for (size_t n = run_queue.len; n > 0; n--) {
			green_t *t = green_list_pop(&run_queue);
			if (!t)
				break;
			green_switch(t, NULL); /* back when t parks, yields or ends */
		}
		bool timers = green_timers_pending();
		bool runnable = !green_list_empty(&run_queue);
		bool fds = green_fd_waiters.len > 0;
		if (!runnable && !timers && !fds) {
			deadlock();
			continue;
		}
		if (fds || (!runnable && timers))
			green_poll_fds(runnable ? 0 : green_timer_poll_timeout_ms());
		if (timers)
			green_timers_fire();
	}
	return NULL;
}

green_t *green_hub(void)
{
	if (__builtin_expect(hub == NULL, 0)) {
		hub = green_new(hub_main, NULL, 0);
		if (!hub) {
			perror("green: cannot create the hub");
			abort();
		}
		hub->parent = green_root();
	}
	return hub;
}

void green_make_ready(green_t *t)
{
	green_list_remove(t);
	green_timer_cancel(t);
	t->parked = false;
	green_list_append(&run_queue, t);
}

int green_park(struct green_list *on)
{
	green_t *self = green_current();
	green_t *h = green_hub();
	if (self == h) {
		fputs("green: the hub itself cannot block\n", stderr);
		abort();
	}
	self->wake_error = 0;
	self->parked = true;
	if (on)
		green_list_append(on, self);
	green_switch(h, NULL);
	return self->wake_error;
}

/* on_finish of every task: take it off whatever it waited on (it may have
 * been killed while parked) and wake its joiner. */
void green_task_finished(green_t *t)
{
	green_list_remove(t);
	green_timer_cancel(t);
	t->parked = false;
	if (t->joiner)
		green_make_ready(t->joiner);
}

void green_yield(void)
{
	green_t *self = green_current();
	green_t *h = green_hub(); /* first: creating it sets up the queue */
	green_list_append(&run_queue, self);
	green_switch(h, NULL);
}
