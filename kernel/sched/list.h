/*
 * A circular, doubly linked, intrusive list: the node lives inside the
 * object (a thread is on a run queue, a sleep queue or a wait queue through
 * nodes embedded in struct thread), so putting a thread on a queue never
 * allocates and can never fail -- which matters in code that runs with
 * interrupts off and locks held.
 */
#ifndef WEFT_SCHED_LIST_H
#define WEFT_SCHED_LIST_H

#include <stdbool.h>
#include <stddef.h>

struct list_node {
	struct list_node *prev, *next;
};

/* A head is a node that points at itself when the list is empty. */
#define LIST_HEAD_INIT(name) { &(name), &(name) }

#define list_entry(node, type, member) \
	((type *)((char *)(node) - offsetof(type, member)))

static inline void list_init(struct list_node *head)
{
	head->prev = head->next = head;
}

static inline bool list_empty(const struct list_node *head)
{
	return head->next == head;
}

/* A node that is on no list points at itself (list_remove leaves it so). */
static inline bool list_linked(const struct list_node *n)
{
	return n->next != n;
}

static inline void list_insert_before(struct list_node *pos,
                                      struct list_node *n)
{
	n->prev = pos->prev;
	n->next = pos;
	pos->prev->next = n;
	pos->prev = n;
}

static inline void list_push_back(struct list_node *head, struct list_node *n)
{
	list_insert_before(head, n);
}

static inline void list_remove(struct list_node *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	list_init(n);
}

/* The first node, or NULL when the list is empty. */
static inline struct list_node *list_first(const struct list_node *head)
{
	return list_empty(head) ? NULL : head->next;
}

#define list_for_each(pos, head) \
	for ((pos) = (head)->next; (pos) != (head); (pos) = (pos)->next)

#endif
