/*
 * green_internal.h — what the library's files share and users do not see:
 * the green thread record, the intrusive list used by every queue, and the
 * calls between the switching layer and the scheduler.
 */
#ifndef GREEN_INTERNAL_H
#define GREEN_INTERNAL_H

#include "green.h"

#if defined(__SANITIZE_ADDRESS__)
#define GREEN_ASAN 1
#endif

enum green_state {
	GREEN_NEW,       /* created, never run, owns no stack yet */
	GREEN_SUSPENDED, /* has a saved stack pointer to resume from */
	GREEN_RUNNING,   /* the current green thread of this OS thread */
	GREEN_DEAD,      /* its function returned, exited or was killed */
};

/* A list node embedded in the green thread: a task waits on at most one
 * queue at a time (run queue, a channel, the descriptor set), so one node
 * is enough and waking never allocates. */
struct green_link {
	struct green_link *prev, *next;
};
struct green_list {
	struct green_link head; /* circular; empty when head.next == &head */
	size_t len;
};

/* A stack handed out by stack.c: [guard page][base ... base+size). */
struct green_stack {
	char *base;
	size_t size;
	bool abandoned; /* frames were left without returning (exit, kill) */
};

struct green {
	/* switch.S saves and loads the stack pointer here; it must stay the
	 * first field because the assembly is handed its address. */
	void *sp;
	enum green_state state;

	green_fn fn;
	void *arg;
	void *result;
	green_t *parent;
	green_t *kill_return; /* a killed thread ends by switching here */
	struct green_cleanup *cleanups;
	void (*on_finish)(green_t *); /* the scheduler's hook, NULL if none */

	size_t stack_request;
	struct green_stack stack; /* base == NULL until first run */

	/* scheduling (hub.c and friends) */
	struct green_link link;
	struct green_list *on_list; /* which queue `link` is on, if any */
	bool parked;                /* waiting, not runnable */
	int wake_error;             /* why a park ended, 0 if normally */
	green_t *joiner;
	uint64_t deadline_ns; /* sleep.c: when to wake */
	uint64_t timer_seq;   /* sleep.c: equal deadlines wake in call order */
	size_t heap_index;    /* sleep.c: position in the timer heap */
	int wait_fd;          /* io.c */
	short wait_events, revents;

#ifdef GREEN_ASAN
	void *asan_fake_stack;
	const void *asan_bottom;
	size_t asan_size;
#endif
};

#define GREEN_NO_HEAP_INDEX ((size_t)-1)

/* switch.S */
void *green_ctx_switch(void **save_sp, void *load_sp, void *value);
void green_trampoline(void);
void green_kill_trampoline(void);

/* stack.c */
int green_stack_get(struct green_stack *s, size_t size);
void green_stack_put(struct green_stack *s);
size_t green_stack_round(size_t size);

/* hub.c */
green_t *green_hub(void);
int green_park(struct green_list *on); /* returns wake_error */
void green_make_ready(green_t *t);
void green_task_finished(green_t *t);
extern _Thread_local struct green_list green_fd_waiters;

/* sleep.c */
uint64_t green_now_ns(void);
bool green_timers_pending(void);
int green_timer_poll_timeout_ms(void); /* -1 if no timer */
void green_timers_fire(void);
void green_timer_cancel(green_t *t);

/* io.c */
void green_poll_fds(int timeout_ms);

/* the intrusive list */
static inline void green_list_init(struct green_list *l)
{
	l->head.prev = l->head.next = &l->head;
	l->len = 0;
}
static inline bool green_list_empty(const struct green_list *l)
{
	return !l->head.next || l->head.next == &l->head;
}
static inline void green_list_append(struct green_list *l, green_t *t)
{
	if (!l->head.next) /* zero-initialised lists start empty */
		green_list_init(l);
	struct green_link *n = &t->link;
	n->prev = l->head.prev;
	n->next = &l->head;
	l->head.prev->next = n;
	l->head.prev = n;
	l->len++;
	t->on_list = l;
}
static inline void green_list_remove(green_t *t)
{
	struct green_list *l = t->on_list;
	if (!l)
		return;
	t->link.prev->next = t->link.next;
	t->link.next->prev = t->link.prev;
	t->link.prev = t->link.next = NULL;
	t->on_list = NULL;
	l->len--;
}
static inline green_t *green_list_first(const struct green_list *l)
{
	if (green_list_empty(l))
		return NULL;
	return (green_t *)((char *)l->head.next - offsetof(green_t, link));
}
static inline green_t *green_list_pop(struct green_list *l)
{
	green_t *t = green_list_first(l);
	if (t)
		green_list_remove(t);
	return t;
}

#endif
