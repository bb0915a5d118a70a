/*
 * A red-black tree of nodes ordered by a 64-bit key: the fair policy's
 * queue of ready threads, ordered by virtual runtime.
 *
 * Like the lists in list.h it is intrusive: the node lives inside the
 * thread, so queueing never allocates and cannot fail (it runs with
 * interrupts off and the run-queue lock held, sometimes in an interrupt).
 *
 * A red-black tree is a binary search tree that stays balanced by
 * keeping these rules after every insert and erase:
 *   1. every node is red or black, the root is black;
 *   2. a red node has no red child;
 *   3. every path from a node down to a missing child passes the same
 *      number of black nodes.
 * So the longest path is at most twice the shortest: with n nodes the
 * height is at most 2 log2(n + 1), and insert and erase cost O(log n).
 * The tree also remembers its leftmost (smallest) node, so "who has the
 * smallest key" is O(1) -- the question a scheduler asks most often.
 *
 * Keys are compared as a wrapping difference, (int64_t)(a - b) < 0, so a
 * key may overflow and the order still holds as long as all keys lie
 * within 2^63 of each other (virtual runtimes do). Equal keys keep their
 * insertion order: a new node goes after the ones already there.
 */
#ifndef WEFT_SCHED_RBTREE_H
#define WEFT_SCHED_RBTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rb_node {
	struct rb_node *parent, *left, *right;
	uint64_t key;
	bool red;
};

struct rb_tree {
	struct rb_node *root;
	struct rb_node *leftmost;       /* the smallest key; NULL when empty */
};

#define rb_entry(node, type, member) \
	((type *)((char *)(node) - offsetof(type, member)))

static inline void rb_init(struct rb_tree *t)
{
	t->root = t->leftmost = NULL;
}

static inline bool rb_empty(const struct rb_tree *t)
{
	return t->root == NULL;
}

/* The node with the smallest key (the first of equals), or NULL. */
static inline struct rb_node *rb_first(const struct rb_tree *t)
{
	return t->leftmost;
}

/* a's key orders before b's. */
static inline bool rb_key_less(uint64_t a, uint64_t b)
{
	return (int64_t)(a - b) < 0;
}

/* Add n (its key already set). */
void rb_insert(struct rb_tree *t, struct rb_node *n);
/* Remove n, which must be in t. */
void rb_erase(struct rb_tree *t, struct rb_node *n);
/* The next node in key order, or NULL. */
struct rb_node *rb_next(const struct rb_node *n);

#endif
