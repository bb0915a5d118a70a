/*
 * The kernel heap: kmalloc/kfree on top of the page allocator.
 *
 * Small requests (up to 2048 bytes) are rounded up to a power-of-two size
 * class and served from a slab: a few pages cut into equal objects, with a
 * header at the start of the first page. Because every object of a slab
 * has the same size, the header needs only one bit per object (allocated
 * or not); that bitmap is also what catches a double free.
 *
 * Larger requests take whole pages straight from pmm_alloc_pages(), so
 * they come out page aligned (kernel stacks rely on that).
 *
 * kfree() gets nothing but a pointer. It finds out what the pointer is
 * from the page's private word in the page allocator (pmm_page_private):
 *   0              not heap memory: a bug in the caller
 *   odd            first page of a large block: (pages << 1) | 1
 *   even, non-0    a slab page: the address of its slab header
 *
 * An empty slab goes back to the page allocator at once, so once every
 * kmalloc has been matched by a kfree the free page count is exactly what
 * it was before (the tests check that). A real kernel would keep one
 * empty slab per class around to avoid churning pages.
 *
 * Lock order: heap_lock, then pmm's lock (kmalloc calls the page allocator
 * with heap_lock held; pmm never calls the heap).
 */
#include <kernel/mm/heap.h>

#include <kernel/arch.h>
#include <kernel/lib/string.h>
#include <kernel/mm/pmm.h>
#include <kernel/panic.h>
#include <kernel/sync/spinlock.h>

#define HEAP_POISON 0x6b /* heap.h promises this byte in freed memory */

#define SLAB_MAGIC    0x51ab51abu
#define SLAB_MAX_OBJS 256 /* bitmap size: enough for 16-byte objects */
#define SLAB_HDR_SIZE 64  /* objects start here; keeps them 16 aligned */
#define MAX_SMALL     2048

struct slab {
	uint32_t magic;     /* SLAB_MAGIC: catches kfree of garbage */
	uint16_t cls;       /* index into classes[] */
	uint16_t inuse;     /* objects handed out */
	uint16_t capacity;  /* objects that fit */
	uint16_t npages;
	struct slab *prev;  /* in classes[cls].partial: slabs with room */
	struct slab *next;
	uint64_t used[SLAB_MAX_OBJS / 64]; /* bit i: object i is allocated */
};
_Static_assert(sizeof(struct slab) <= SLAB_HDR_SIZE, "slab header too big");

/*
 * The size classes. Bigger objects get slabs of several pages so that the
 * header and the leftover tail waste at most about one object in eight.
 */
static struct size_class {
	unsigned size;
	unsigned slab_pages;
	struct slab *partial; /* slabs of this class with a free object */
} classes[] = {
	{16, 1, NULL},  {32, 1, NULL},  {64, 1, NULL},   {128, 1, NULL},
	{256, 1, NULL}, {512, 1, NULL}, {1024, 2, NULL}, {2048, 4, NULL},
};
#define NCLASSES (sizeof(classes) / sizeof(classes[0]))

static struct spinlock heap_lock = SPINLOCK_INIT("heap");

static unsigned class_of(size_t size)
{
	unsigned c = 0;
	while (classes[c].size < size)
		c++;
	return c;
}

static char *slab_object(struct slab *s, unsigned i)
{
	return (char *)s + SLAB_HDR_SIZE + (size_t)i * classes[s->cls].size;
}

static bool slab_bit(struct slab *s, unsigned i)
{
	return s->used[i / 64] >> (i % 64) & 1;
}

static void slab_set_bit(struct slab *s, unsigned i, bool on)
{
	if (on)
		s->used[i / 64] |= 1ull << (i % 64);
	else
		s->used[i / 64] &= ~(1ull << (i % 64));
}

static void partial_push(struct size_class *c, struct slab *s)
{
	s->prev = NULL;
	s->next = c->partial;
	if (c->partial)
		c->partial->prev = s;
	c->partial = s;
}

static void partial_remove(struct size_class *c, struct slab *s)
{
	if (s->prev)
		s->prev->next = s->next;
	else
		c->partial = s->next;
	if (s->next)
		s->next->prev = s->prev;
	s->prev = s->next = NULL;
}

/* A new, empty slab for class c, already on the partial list. */
static struct slab *slab_create(unsigned cls)
{
	struct size_class *c = &classes[cls];
	uint64_t phys = pmm_alloc_pages(c->slab_pages);
	if (phys == 0)
		return NULL;

	struct slab *s = arch_phys_to_virt(phys);
	memset(s, 0, SLAB_HDR_SIZE);
	s->magic = SLAB_MAGIC;
	s->cls = cls;
	s->npages = c->slab_pages;
	s->capacity = (c->slab_pages * PAGE_SIZE - SLAB_HDR_SIZE) / c->size;
	if (s->capacity > SLAB_MAX_OBJS)
		s->capacity = SLAB_MAX_OBJS;
	/* Every page points back at the header, so kfree can find it from
	 * an object in any of them. */
	for (unsigned i = 0; i < s->npages; i++)
		pmm_page_set_private(phys + i * PAGE_SIZE, (uintptr_t)s);
#ifdef WEFT_DEBUG
	/* Start poisoned, so the allocation check below holds from the
	 * first object on. */
	memset(slab_object(s, 0), HEAP_POISON, (size_t)s->capacity * c->size);
#endif
	partial_push(c, s);
	return s;
}

/*
 * Debug builds: an object being handed out must still hold the poison
 * kfree (or slab_create) put there; anything else is a write through a
 * dangling pointer, which we report here rather than let it corrupt the
 * next owner silently.
 */
static void check_poison(struct slab *s, unsigned i)
{
#ifdef WEFT_DEBUG
	const unsigned char *p = (const unsigned char *)slab_object(s, i);
	for (unsigned k = 0; k < classes[s->cls].size; k++) {
		if (p[k] != HEAP_POISON) {
			kernel_bug("kmalloc: %u-byte object %p was written after "
			           "it was freed (offset %u)",
			           classes[s->cls].size, (void *)p, k);
			return;
		}
	}
#else
	(void)s;
	(void)i;
#endif
}

static void *small_alloc(size_t size)
{
	unsigned cls = class_of(size);
	struct size_class *c = &classes[cls];

	unsigned long flags = spin_lock_irqsave(&heap_lock);
	struct slab *s = c->partial;
	if (s == NULL)
		s = slab_create(cls);
	void *obj = NULL;
	if (s != NULL) {
		unsigned i = 0;
		while (slab_bit(s, i)) /* a partial slab has a clear bit */
			i++;
		check_poison(s, i);
		slab_set_bit(s, i, true);
		if (++s->inuse == s->capacity)
			partial_remove(c, s);
		obj = slab_object(s, i);
	}
	spin_unlock_irqrestore(&heap_lock, flags);
	return obj;
}

static void small_free(struct slab *s, void *p)
{
	unsigned long flags = spin_lock_irqsave(&heap_lock);
	if (s->magic != SLAB_MAGIC || s->cls >= NCLASSES) {
		kernel_bug("kfree: %p: slab header %p is corrupt", p, (void *)s);
		goto out;
	}
	struct size_class *c = &classes[s->cls];
	uintptr_t off = (uintptr_t)p - (uintptr_t)slab_object(s, 0);
	if ((uintptr_t)p < (uintptr_t)slab_object(s, 0) || off % c->size != 0 ||
	    off / c->size >= s->capacity) {
		kernel_bug("kfree: %p is not the start of a kmalloc object", p);
		goto out;
	}
	unsigned i = off / c->size;
	if (!slab_bit(s, i)) {
		kernel_bug("kfree: double free of %p (%u bytes)", p, c->size);
		goto out;
	}

	slab_set_bit(s, i, false);
#ifdef WEFT_DEBUG
	memset(p, HEAP_POISON, c->size);
#endif
	if (s->inuse-- == s->capacity)
		partial_push(c, s); /* it was full: it has room again */
	if (s->inuse == 0) {
		partial_remove(c, s);
		s->magic = 0; /* a stale pointer into it must not look valid */
		pmm_free_pages(arch_virt_to_phys(s), s->npages);
	}
out:
	spin_unlock_irqrestore(&heap_lock, flags);
}

static void *large_alloc(size_t size)
{
	size_t npages = size / PAGE_SIZE + (size % PAGE_SIZE != 0);
	if (npages > 0xffffffffu / 2)
		return NULL; /* cannot be satisfied, and must not wrap */
	uint64_t phys = pmm_alloc_pages(npages);
	if (phys == 0)
		return NULL;
	pmm_page_set_private(phys, (uintptr_t)npages << 1 | 1);
	return arch_phys_to_virt(phys);
}

static void large_free(uint64_t phys, uintptr_t priv, void *p)
{
	if ((uintptr_t)p % PAGE_SIZE != 0) {
		kernel_bug("kfree: %p is inside a large block, not its start", p);
		return;
	}
	/* The page allocator poisons the pages itself in debug builds. The
	 * private word goes back to 0 with them, so a second kfree of p
	 * finds 0 and is reported. */
	pmm_free_pages(phys, priv >> 1);
}

void *kmalloc(size_t size)
{
	if (size == 0)
		size = 1; /* a unique pointer that kfree accepts, like malloc */
	return size <= MAX_SMALL ? small_alloc(size) : large_alloc(size);
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);
	if (p)
		memset(p, 0, size);
	return p;
}

void kfree(void *p)
{
	if (p == NULL)
		return;
	uint64_t phys = arch_virt_to_phys(p);
	uint64_t page = phys & ~(uint64_t)(PAGE_SIZE - 1);
	uintptr_t priv = pmm_page_private(page);
	if (priv == 0)
		kernel_bug("kfree: %p was not allocated by kmalloc (or is "
		           "already free)", p);
	else if (priv & 1)
		large_free(page, priv, p);
	else
		small_free((struct slab *)priv, p);
}
