/*
 * The red-black tree of rbtree.h, written from the textbook description
 * (Cormen et al., "Introduction to Algorithms", chapter 13), with NULL
 * for the missing children instead of a sentinel node.
 *
 * Insert: put the node where a plain search tree would, colour it red
 * (black heights stay right), then repair "red parent of a red node"
 * walking up: recolour while the uncle is red, else one or two rotations.
 * Erase: unlink as in a search tree (a node with two children trades
 * places with its successor); if a black node left a path, that path is
 * one black short, and the repair walks up recolouring and rotating
 * until some red node can be painted black or the root is reached.
 */
#include <kernel/sched/rbtree.h>

/* Make new take old's place under parent (or as the root). */
static void replace_child(struct rb_tree *t, struct rb_node *parent,
                          struct rb_node *old, struct rb_node *new)
{
	if (!parent)
		t->root = new;
	else if (parent->left == old)
		parent->left = new;
	else
		parent->right = new;
}

/*
 *      x                y
 *     / \              / \
 *    a   y    --->    x   c
 *       / \          / \
 *      b   c        a   b
 */
static void rotate_left(struct rb_tree *t, struct rb_node *x)
{
	struct rb_node *y = x->right;

	x->right = y->left;
	if (y->left)
		y->left->parent = x;
	y->parent = x->parent;
	replace_child(t, x->parent, x, y);
	y->left = x;
	x->parent = y;
}

/* The mirror image of rotate_left. */
static void rotate_right(struct rb_tree *t, struct rb_node *x)
{
	struct rb_node *y = x->left;

	x->left = y->right;
	if (y->right)
		y->right->parent = x;
	y->parent = x->parent;
	replace_child(t, x->parent, x, y);
	y->right = x;
	x->parent = y;
}

static bool is_red(const struct rb_node *n)
{
	return n && n->red;
}

static void insert_fixup(struct rb_tree *t, struct rb_node *z)
{
	struct rb_node *p;

	while ((p = z->parent) && p->red) {
		struct rb_node *g = p->parent;  /* exists: a red node is not the root */
		if (p == g->left) {
			struct rb_node *uncle = g->right;
			if (is_red(uncle)) {
				/* Push the red up: p and uncle black, g red. */
				p->red = false;
				uncle->red = false;
				g->red = true;
				z = g;
				continue;
			}
			if (z == p->right) {
				/* Bend the zig-zag into a straight line. */
				rotate_left(t, p);
				z = p;
				p = z->parent;
			}
			p->red = false;
			g->red = true;
			rotate_right(t, g);
		} else {
			struct rb_node *uncle = g->left;
			if (is_red(uncle)) {
				p->red = false;
				uncle->red = false;
				g->red = true;
				z = g;
				continue;
			}
			if (z == p->left) {
				rotate_right(t, p);
				z = p;
				p = z->parent;
			}
			p->red = false;
			g->red = true;
			rotate_left(t, g);
		}
	}
	t->root->red = false;
}

void rb_insert(struct rb_tree *t, struct rb_node *n)
{
	struct rb_node *parent = NULL, **link = &t->root;
	bool leftmost = true;

	while (*link) {
		parent = *link;
		if (rb_key_less(n->key, parent->key)) {
			link = &parent->left;
		} else {
			link = &parent->right;  /* equal keys: after, so FIFO */
			leftmost = false;
		}
	}
	n->parent = parent;
	n->left = n->right = NULL;
	n->red = true;
	*link = n;
	if (leftmost)
		t->leftmost = n;
	insert_fixup(t, n);
}

struct rb_node *rb_next(const struct rb_node *n)
{
	if (n->right) {
		n = n->right;
		while (n->left)
			n = n->left;
		return (struct rb_node *)n;
	}
	while (n->parent && n == n->parent->right)
		n = n->parent;
	return n->parent;
}

/* Put v (maybe NULL) where u is. */
static void transplant(struct rb_tree *t, struct rb_node *u, struct rb_node *v)
{
	replace_child(t, u->parent, u, v);
	if (v)
		v->parent = u->parent;
}

/* x (maybe NULL, a child of parent) is one black short: repair. */
static void erase_fixup(struct rb_tree *t, struct rb_node *x, struct rb_node *parent)
{
	while (x != t->root && !is_red(x)) {
		if (x == parent->left) {
			/* The sibling exists: its side has a black node more. */
			struct rb_node *w = parent->right;
			if (w->red) {
				w->red = false;
				parent->red = true;
				rotate_left(t, parent);
				w = parent->right;
			}
			if (!is_red(w->left) && !is_red(w->right)) {
				/* Take one black off both sides; move the problem up. */
				w->red = true;
				x = parent;
				parent = x->parent;
				continue;
			}
			if (!is_red(w->right)) {
				w->left->red = false;
				w->red = true;
				rotate_right(t, w);
				w = parent->right;
			}
			w->red = parent->red;
			parent->red = false;
			w->right->red = false;
			rotate_left(t, parent);
			x = t->root;
		} else {
			struct rb_node *w = parent->left;
			if (w->red) {
				w->red = false;
				parent->red = true;
				rotate_right(t, parent);
				w = parent->left;
			}
			if (!is_red(w->left) && !is_red(w->right)) {
				w->red = true;
				x = parent;
				parent = x->parent;
				continue;
			}
			if (!is_red(w->left)) {
				w->right->red = false;
				w->red = true;
				rotate_left(t, w);
				w = parent->left;
			}
			w->red = parent->red;
			parent->red = false;
			w->left->red = false;
			rotate_right(t, parent);
			x = t->root;
		}
	}
	if (x)
		x->red = false;
}

void rb_erase(struct rb_tree *t, struct rb_node *z)
{
	struct rb_node *x, *x_parent;
	bool removed_red;

	if (t->leftmost == z)
		t->leftmost = rb_next(z);   /* the successor stays in the tree */

	if (!z->left || !z->right) {
		/* At most one child: it takes z's place. */
		x = z->left ? z->left : z->right;
		x_parent = z->parent;
		removed_red = z->red;
		transplant(t, z, x);
	} else {
		/* Two children: z's successor y (leftmost of the right
		 * subtree, no left child) takes z's place and colour; what
		 * goes missing is y's colour, at y's old spot. */
		struct rb_node *y = z->right;
		while (y->left)
			y = y->left;
		removed_red = y->red;
		x = y->right;
		if (y->parent == z) {
			x_parent = y;
		} else {
			x_parent = y->parent;
			transplant(t, y, y->right);
			y->right = z->right;
			y->right->parent = y;
		}
		transplant(t, z, y);
		y->left = z->left;
		y->left->parent = y;
		y->red = z->red;
	}
	if (!removed_red)
		erase_fixup(t, x, x_parent);
	z->parent = z->left = z->right = NULL;
}
