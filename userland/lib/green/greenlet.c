/*
 * greenlet.c — green threads that switch explicitly, as Python's greenlet.
 *
 * The rules, all of them here:
 *  - A green thread runs only when something switches to it; the switcher
 *    is suspended in its green_switch call until something switches back.
 *  - The value given to a switch is what the resumed side's pending
 *    green_switch returns (or, the first time, its function's `value`).
 *  - Every green thread has a parent (its creator unless changed). When
 *    its function returns, it is dead and control goes to the parent, whose
 *    pending switch returns the function's result. A dead parent passes
 *    this on to its own parent; the root (the OS thread's own stack) never
 *    dies, so the chain always ends.
 *  - A thread cannot free the stack it is running on. A dying thread
 *    leaves itself in `zombie`; its stack goes back to the pool at the
 *    next chance taken off the switch path (a new thread's first run,
 *    green_free, the next death), so the switch itself does no more work.
 */
#include "green_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef GREEN_ASAN
#include <sanitizer/common_interface_defs.h>
#endif

static _Thread_local green_t root;
static _Thread_local green_t *current;
static _Thread_local green_t *zombie;
#ifdef GREEN_ASAN
static _Thread_local green_t *previous; /* who switched to us */
#endif

/* called from switch.S */
_Noreturn void green_start(void *value);
_Noreturn void green_killed(void);

/* The root needs no setup beyond being marked as running: it already has
 * a stack (the OS thread's), and its sp is written on the first switch. */
static green_t *init_root(void)
{
	root.state = GREEN_RUNNING;
	root.heap_index = GREEN_NO_HEAP_INDEX;
	root.wait_fd = -1;
	current = &root;
	return current;
}

green_t *green_current(void)
{
	return __builtin_expect(current != NULL, 1) ? current : init_root();
}

green_t *green_root(void)
{
	green_current();
	return &root;
}

/* ---- AddressSanitizer ------------------------------------------------
 * ASan tracks which stack the program runs on, to tell stack memory from
 * heap and to clean up after frames that never return. A switch to a
 * stack it was not told about confuses it, so every switch is announced:
 * start_switch_fiber before (with NULL when the old stack dies) and
 * finish_switch_fiber after, on the new stack. Without ASan these vanish. */
#ifdef GREEN_ASAN
static void asan_before_switch(green_t *from, green_t *to, bool from_dies)
{
	previous = from;
	__sanitizer_start_switch_fiber(from_dies ? NULL : &from->asan_fake_stack,
				       to->asan_bottom, to->asan_size);
}
static void asan_after_switch(green_t *self)
{
	const void *bottom;
	size_t size;
	__sanitizer_finish_switch_fiber(self->asan_fake_stack, &bottom, &size);
	/* The root's stack bounds are known only to ASan: learn them the
	 * first time we leave it, so switches back to it can be announced. */
	if (previous == &root && root.asan_size == 0) {
		root.asan_bottom = bottom;
		root.asan_size = size;
	}
}
#else
static inline void asan_before_switch(green_t *from, green_t *to, bool from_dies)
{
	(void)from, (void)to, (void)from_dies;
}
static inline void asan_after_switch(green_t *self) { (void)self; }
#endif

/* ---- creating ----------------------------------------------------- */

/* Records of freed green threads, kept for the next green_new: a
 * malloc/free pair costs more than the rest of creating and joining a
 * task. Linked through `parent`; a few thousand are kept, the rest freed. */
enum { SPARE_MAX = 4096 };
static _Thread_local green_t *spare;
static _Thread_local unsigned spare_count;

static green_t *record_get(void)
{
	green_t *g = spare;
	if (g) {
		spare = g->parent;
		spare_count--;
	} else if (!(g = malloc(sizeof *g))) {
		return NULL;
	}
	memset(g, 0, sizeof *g);
	return g;
}

static void record_put(green_t *g)
{
	if (spare_count >= SPARE_MAX) {
		free(g);
		return;
	}
	g->parent = spare;
	spare = g;
	spare_count++;
}

green_t *green_new(green_fn fn, void *arg, size_t stack_size)
{
	if (!fn) {
		errno = EINVAL;
		return NULL;
	}
	green_t *g = record_get();
	if (!g)
		return NULL;
	g->state = GREEN_NEW;
	g->fn = fn;
	g->arg = arg;
	g->parent = green_current();
	g->stack_request = stack_size;
	g->heap_index = GREEN_NO_HEAP_INDEX;
	g->wait_fd = -1;
	return g;
}

/* Give a new thread its stack and the frame switch.S will "restore":
 * zeroed callee-saved registers, the ABI's initial FPU control words, and
 * green_trampoline as the place to resume. */
static void reap_zombie(void)
{
	if (zombie) {
		green_stack_put(&zombie->stack);
		zombie = NULL;
	}
}

static int prepare_first_run(green_t *g)
{
	reap_zombie(); /* its stack is likely the one we are about to take */
	if (green_stack_get(&g->stack, g->stack_request) != 0)
		return -1;
	uint64_t *frame = (uint64_t *)(g->stack.base + g->stack.size) - 8;
	frame[0] = 0x1f80 | ((uint64_t)0x037f << 32); /* MXCSR, x87 CW */
	for (int i = 1; i < 7; i++)
		frame[i] = 0; /* r15 r14 r13 r12 rbx rbp (rbp 0 ends backtraces) */
	frame[7] = (uint64_t)(uintptr_t)green_trampoline;
	g->sp = frame;
	g->state = GREEN_SUSPENDED;
#ifdef GREEN_ASAN
	g->asan_bottom = g->stack.base;
	g->asan_size = g->stack.size;
#endif
	return 0;
}

/* ---- switching ---------------------------------------------------- */

/* The slow cases of green_switch, kept out of its fast path. */
static __attribute__((noinline)) int switch_check(green_t *self, green_t *to)
{
	if (!to) {
		errno = EINVAL;
		return -1;
	}
	if (to == self)
		return 1;
	if (to->state == GREEN_DEAD) {
		errno = ESRCH; /* "no such process": it has ended */
		return -1;
	}
	if (to->state == GREEN_NEW)
		return prepare_first_run(to);
	return 0;
}

void *green_switch(green_t *to, void *value)
{
	green_t *self = green_current();
	if (__builtin_expect(to == NULL || to->state != GREEN_SUSPENDED, 0)) {
		int r = switch_check(self, to);
		if (r < 0)
			return GREEN_ERROR;
		if (r > 0)
			return value; /* switching to yourself */
	}
	self->state = GREEN_SUSPENDED;
	to->state = GREEN_RUNNING;
	current = to;
#ifdef GREEN_ASAN
	asan_before_switch(self, to, false);
	void *v = green_ctx_switch(&self->sp, to->sp, value);
	asan_after_switch(self);
	return v;
#else
	/* A tail call (the compiler emits a jump): our caller's return
	 * address becomes the resume address in the saved frame, and the
	 * other side resumes straight in *its* caller. No `ret` runs on the
	 * way, so the CPU's return-stack predictor is not misled (see
	 * switch.S); nothing is left to do here after the switch. */
	return green_ctx_switch(&self->sp, to->sp, value);
#endif
}

/* ---- ending --------------------------------------------------------- */

/* The last thing a green thread does: become dead and leave for good. */
static _Noreturn void finish(green_t *self, void *result)
{
	self->result = result;
	self->state = GREEN_DEAD;
	if (self->on_finish)
		self->on_finish(self);

	green_t *to = self->kill_return ? self->kill_return : self->parent;
	while (to->state == GREEN_DEAD)
		to = to->parent;
	if (to->state == GREEN_NEW && prepare_first_run(to) != 0) {
		perror("green: no stack for the parent of a finished thread");
		abort();
	}
	reap_zombie(); /* an earlier one: we are not running on its stack */
	zombie = self;
	to->state = GREEN_RUNNING;
	current = to;
	asan_before_switch(self, to, true);
	green_ctx_switch(&self->sp, to->sp, result);
	abort(); /* a dead thread is never switched to */
}

_Noreturn void green_start(void *value)
{
	green_t *self = current;
	asan_after_switch(self);
	finish(self, self->fn(self->arg, value));
}

/* A killed thread resumes here (green_kill_trampoline), not in its switch. */
_Noreturn void green_killed(void)
{
	asan_after_switch(current);
	green_exit(GREEN_KILLED);
}

_Noreturn void green_exit(void *value)
{
	green_t *self = green_current();
	if (self == &root) {
		fputs("green_exit: the root green thread cannot exit\n", stderr);
		abort();
	}
	/* Unwind: run the cleanup handlers newest first, then abandon the
	 * frames below us, as pthread_exit does. */
	self->stack.abandoned = true;
	while (self->cleanups) {
		struct green_cleanup *c = self->cleanups;
		self->cleanups = c->next;
		c->fn(c->arg);
	}
	finish(self, value);
}

int green_kill(green_t *g)
{
	green_t *self = green_current();
	if (!g || g == &root) {
		errno = EINVAL;
		return -1;
	}
	switch (g->state) {
	case GREEN_DEAD:
		return 0;
	case GREEN_NEW: /* never ran: nothing to unwind */
		g->result = GREEN_KILLED;
		g->state = GREEN_DEAD;
		if (g->on_finish)
			g->on_finish(g);
		return 0;
	case GREEN_RUNNING:
		green_exit(GREEN_KILLED); /* g == self */
	case GREEN_SUSPENDED:
		break;
	}
	/* Make it resume in green_kill_trampoline instead of returning from
	 * its switch: overwrite the resume address, the top word of the frame
	 * switch.S saved. Its last switch comes back here, not to its parent,
	 * since a C caller expects kill to return. */
	((void **)g->sp)[7] = (void *)green_kill_trampoline;
	g->kill_return = self;
	green_switch(g, NULL);
	return 0;
}

void green_free(green_t *g)
{
	if (!g || g == &root || g == current)
		return;
	if (g->state != GREEN_DEAD)
		green_kill(g);
	/* Dead and not running: its stack is free, even if it is the zombie. */
	if (zombie == g)
		zombie = NULL;
	green_stack_put(&g->stack);
	record_put(g);
}

/* ---- small queries ---------------------------------------------------- */

green_t *green_parent(const green_t *g) { return g->parent; }
bool green_is_dead(const green_t *g) { return g->state == GREEN_DEAD; }
bool green_is_started(const green_t *g) { return g->state != GREEN_NEW; }
void *green_result(const green_t *g) { return g->result; }

int green_set_parent(green_t *g, green_t *parent)
{
	if (!g || !parent || g == &root) {
		errno = EINVAL;
		return -1;
	}
	for (green_t *p = parent; p; p = p->parent)
		if (p == g) {
			errno = EINVAL; /* a cycle: nobody would get the result */
			return -1;
		}
	g->parent = parent;
	return 0;
}

void green_cleanup_push(struct green_cleanup *c, void (*fn)(void *), void *arg)
{
	green_t *self = green_current();
	c->fn = fn;
	c->arg = arg;
	c->next = self->cleanups;
	self->cleanups = c;
}

void green_cleanup_pop(struct green_cleanup *c, bool run)
{
	green_t *self = green_current();
	if (self->cleanups == c)
		self->cleanups = c->next;
	if (run)
		c->fn(c->arg);
}
