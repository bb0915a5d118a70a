/*
 * task.c — spawn and join: green threads the hub schedules.
 *
 * A task is an ordinary green thread (greenlet.c) with two differences:
 * its parent is the hub, so when its function returns control goes to the
 * hub, which picks the next ready task; and it carries an on_finish hook
 * that wakes whoever joins it.
 */
#include "green_internal.h"

#include <errno.h>

green_t *green_spawn(green_fn fn, void *arg, size_t stack_size)
{
	green_t *h = green_hub();
	green_t *t = green_new(fn, arg, stack_size);
	if (!t)
		return NULL;
	t->parent = h;
	t->on_finish = green_task_finished;
	green_make_ready(t);
	return t;
}

int green_join(green_t *t, void **result)
{
	green_t *self = green_current();
	if (!t) {
		errno = EINVAL;
		return -1;
	}
	if (t == self) {
		errno = EDEADLK; /* it would wait for itself forever */
		return -1;
	}
	if (t->joiner && t->joiner != self) {
		errno = EINVAL;
		return -1;
	}
	while (t->state != GREEN_DEAD) {
		t->joiner = self;
		int err = green_park(NULL);
		if (err) {
			t->joiner = NULL;
			errno = err;
			return -1;
		}
	}
	if (result)
		*result = t->result;
	green_free(t);
	return 0;
}
