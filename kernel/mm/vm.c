/*
 * Address spaces: areas, demand paging, copy-on-write. See vm.h.
 *
 * Reference counting of physical pages (pmm_page_ref/unref) is the whole
 * trick: every page-table mapping of a page holds one reference, and a
 * shm_object holds one more for each page it owns. A private page mapped
 * by one process only (count 1) may be writable; a page with more
 * references is read-only everywhere and copied by the first writer.
 */
#include <kernel/errno.h>
#include <kernel/lib/string.h>
#include <kernel/mm/heap.h>
#include <kernel/mm/pmm.h>
#include <kernel/mm/vm.h>
#include <kernel/panic.h>

#define PAGE_MASK (~(uint64_t)(PAGE_SIZE - 1))

static uint64_t page_round_up(uint64_t x) { return (x + PAGE_SIZE - 1) & PAGE_MASK; }

/* ---- shared objects ------------------------------------------------ */

static struct shm_object *shm_new(uint64_t npages)
{
	struct shm_object *o = kzalloc(sizeof(*o) + npages * sizeof(uint64_t));
	if (o) {
		o->refs = 1;
		o->npages = npages;
	}
	return o;
}

static void shm_put(struct shm_object *o)
{
	if (!o || --o->refs)
		return;
	for (uint64_t i = 0; i < o->npages; i++)
		if (o->pages[i])
			pmm_page_unref(o->pages[i]);
	kfree(o);
}

/* ---- areas --------------------------------------------------------- */

static struct vm_area *area_of(struct rb_node *n)
{
	return n ? rb_entry(n, struct vm_area, node) : NULL;
}

static struct vm_area *area_first(struct address_space *as)
{
	return area_of(rb_first(&as->areas));
}

static struct vm_area *area_next(struct vm_area *a)
{
	return area_of(rb_next(&a->node));
}

/* The last area starting at or below va, or NULL. */
static struct vm_area *area_floor(struct address_space *as, uint64_t va)
{
	struct rb_node *n = as->areas.root, *best = NULL;
	while (n) {
		if (n->key <= va) {
			best = n;
			n = n->right;
		} else {
			n = n->left;
		}
	}
	return area_of(best);
}

/* The area containing va, or NULL. */
static struct vm_area *area_find(struct address_space *as, uint64_t va)
{
	struct vm_area *a = area_floor(as, va);
	return a && va < a->end ? a : NULL;
}

/* The first area that ends above va: the one containing it, or the next. */
static struct vm_area *area_from(struct address_space *as, uint64_t va)
{
	struct vm_area *a = area_floor(as, va);
	if (a && va < a->end)
		return a;
	return a ? area_next(a) : area_first(as);
}

static void area_insert(struct address_space *as, struct vm_area *n)
{
	n->node.key = n->start;
	rb_insert(&as->areas, &n->node);
}

/* The mapping a page of area a should have: writable only when the area
 * allows it and nobody else holds the page (else the write must fault
 * and copy). */
static unsigned pte_prot(const struct vm_area *a, uint64_t pa)
{
	unsigned prot = a->prot;
	if (!(a->flags & VMA_SHARED) && pmm_page_refcount(pa) > 1)
		prot &= ~ARCH_PROT_WRITE;
	return prot;
}

/* Drop the mappings of [start, end) inside area a. */
static void unmap_pages(struct address_space *as, uint64_t start, uint64_t end)
{
	for (uint64_t va = arch_pt_next_mapped(as->root, start, end); va < end;
	     va = arch_pt_next_mapped(as->root, va + PAGE_SIZE, end)) {
		uint64_t pa = arch_pt_unmap(as->root, va);
		if (pa)
			pmm_page_unref(pa);
	}
}

/* Split a so that addr is a boundary (start < addr < end). */
static int area_split(struct address_space *as, struct vm_area *a, uint64_t addr)
{
	struct vm_area *b = kmalloc(sizeof(*b));
	if (!b)
		return -ENOMEM;
	*b = *a;
	b->start = addr;
	if (a->shm) {
		a->shm->refs++;
		b->shm_first = a->shm_first + (addr - a->start) / PAGE_SIZE;
	}
	a->end = addr;
	area_insert(as, b);
	return 0;
}

/* Make [start, end) consist of whole areas (or holes). */
static int split_around(struct address_space *as, uint64_t start, uint64_t end)
{
	struct vm_area *a = area_find(as, start);
	if (a && a->start < start && area_split(as, a, start))
		return -ENOMEM;
	a = area_find(as, end);
	if (a && a->start < end && area_split(as, a, end))
		return -ENOMEM;
	return 0;
}

static void remove_range(struct address_space *as, uint64_t start, uint64_t end)
{
	struct vm_area *a = area_from(as, start);
	while (a && a->start < end) {
		struct vm_area *next = area_next(a);
		if (a->start >= start && a->end <= end) {
			unmap_pages(as, a->start, a->end);
			rb_erase(&as->areas, &a->node);
			shm_put(a->shm);
			kfree(a);
		}
		a = next;
	}
}

/* ---- life cycle ---------------------------------------------------- */

struct address_space *as_create(void)
{
	struct address_space *as = kzalloc(sizeof(*as));
	if (!as)
		return NULL;
	as->root = arch_pt_create();
	if (!as->root) {
		kfree(as);
		return NULL;
	}
	mutex_init(&as->lock, "address-space");
	rb_init(&as->areas);
	as->mmap_hint = USER_MMAP_BASE;
	return as;
}

void as_destroy(struct address_space *as)
{
	if (!as)
		return;
	remove_range(as, 0, ARCH_USER_TOP);
	arch_pt_destroy(as->root);
	kfree(as);
}

struct address_space *as_fork(struct address_space *parent)
{
	struct address_space *child = as_create();
	if (!child)
		return NULL;
	mutex_lock(&parent->lock);
	child->brk_start = parent->brk_start;
	child->brk = parent->brk;
	child->mmap_hint = parent->mmap_hint;
	for (struct vm_area *a = area_first(parent); a; a = area_next(a)) {
		struct vm_area *c = kmalloc(sizeof(*c));
		if (!c)
			goto fail;
		*c = *a;
		if (c->shm)
			c->shm->refs++;
		area_insert(child, c);
		for (uint64_t va = arch_pt_next_mapped(parent->root, a->start, a->end);
		     va < a->end; va = arch_pt_next_mapped(parent->root, va + PAGE_SIZE, a->end)) {
			uint64_t pa;
			if (!arch_pt_lookup(parent->root, va, &pa, NULL))
				continue;
			pmm_page_ref(pa);
			if (arch_pt_map(child->root, va, pa, pte_prot(a, pa))) {
				pmm_page_unref(pa);
				goto fail;
			}
			/* Both now hold it: the parent loses write access too. */
			arch_pt_map(parent->root, va, pa, pte_prot(a, pa));
		}
	}
	mutex_unlock(&parent->lock);
	return child;
fail:
	mutex_unlock(&parent->lock);
	as_destroy(child);
	return NULL;
}

/* ---- faults -------------------------------------------------------- */

static int zero_page(uint64_t *pa)
{
	*pa = pmm_alloc_page();
	if (!*pa)
		return -ENOMEM;
	memset(arch_phys_to_virt(*pa), 0, PAGE_SIZE);
	return 0;
}

int as_page_locked(struct address_space *as, uint64_t va, bool write, bool force,
                   uint64_t *pa_out)
{
	va &= PAGE_MASK;
	struct vm_area *a = area_find(as, va);
	if (!a)
		return -EFAULT;
	if (!force && (!(a->prot & ARCH_PROT_READ) || (write && !(a->prot & ARCH_PROT_WRITE))))
		return -EFAULT;

	uint64_t pa;
	bool present = arch_pt_lookup(as->root, va, &pa, NULL);

	if (!present) {
		if (a->flags & VMA_SHARED) {
			uint64_t *slot = &a->shm->pages[a->shm_first + (va - a->start) / PAGE_SIZE];
			if (!*slot && zero_page(slot))
				return -ENOMEM;
			pa = *slot;
			pmm_page_ref(pa); /* the mapping's reference */
		} else if (zero_page(&pa)) {
			return -ENOMEM;
		}
	} else if (write && !(a->flags & VMA_SHARED) && pmm_page_refcount(pa) > 1) {
		/* Copy on write: this process gets its own copy. */
		uint64_t copy = pmm_alloc_page();
		if (!copy)
			return -ENOMEM;
		memcpy(arch_phys_to_virt(copy), arch_phys_to_virt(pa), PAGE_SIZE);
		pmm_page_unref(pa);
		pa = copy;
	}
	unsigned want = pte_prot(a, pa), have = 0;
	uint64_t mapped = 0;
	/* Already mapped just so (the common case for uaccess): leave it, and
	 * the TLB, alone. */
	if (!(present && arch_pt_lookup(as->root, va, &mapped, &have) && mapped == pa &&
	      have == (want | ARCH_PROT_READ)) &&
	    arch_pt_map(as->root, va, pa, want)) {
		if (!present)
			pmm_page_unref(pa);
		return -ENOMEM;
	}
	if (pa_out)
		*pa_out = pa;
	return 0;
}

int as_fault(struct address_space *as, uint64_t va, bool write, bool exec)
{
	if (va >= ARCH_USER_TOP)
		return -EFAULT;
	mutex_lock(&as->lock);
	struct vm_area *a = area_find(as, va);
	int r = -EFAULT;
	if (a && !(exec && !(a->prot & ARCH_PROT_EXEC)))
		r = as_page_locked(as, va, write, false, NULL);
	mutex_unlock(&as->lock);
	return r;
}

int as_copy_to(struct address_space *as, uint64_t va, const void *src, size_t n, bool force)
{
	const char *s = src;
	int r = 0;
	mutex_lock(&as->lock);
	while (n) {
		uint64_t pa;
		size_t off = va & (PAGE_SIZE - 1), chunk = PAGE_SIZE - off;
		if (chunk > n)
			chunk = n;
		r = as_page_locked(as, va, true, force, &pa);
		if (r)
			break;
		memcpy((char *)arch_phys_to_virt(pa) + off, s, chunk);
		va += chunk, s += chunk, n -= chunk;
	}
	mutex_unlock(&as->lock);
	return r;
}

/* ---- mmap, munmap, mprotect, brk ------------------------------------ */

static bool range_free(struct address_space *as, uint64_t start, uint64_t end)
{
	struct vm_area *a = area_from(as, start);
	return !a || a->start >= end;
}

/* A gap of len bytes: where the last mmap ended if it is free there
 * (programs map one stack after another), else the lowest one at or
 * above base (first fit). */
static uint64_t find_gap(struct address_space *as, uint64_t base, uint64_t len)
{
	uint64_t limit = USER_STACK_TOP - USER_STACK_SIZE;
	if (as->mmap_hint >= base && as->mmap_hint + len <= limit &&
	    range_free(as, as->mmap_hint, as->mmap_hint + len))
		return as->mmap_hint;
	uint64_t start = base;
	for (struct vm_area *a = area_from(as, base); a; a = area_next(a)) {
		if (a->start >= start + len)
			break;
		if (a->end > start)
			start = a->end;
	}
	return start + len <= limit ? start : 0;
}

long as_mmap(struct address_space *as, uint64_t addr, uint64_t len,
             unsigned prot, unsigned flags, bool fixed)
{
	if (len == 0 || (addr & (PAGE_SIZE - 1)))
		return -EINVAL;
	len = page_round_up(len);
	if (len > ARCH_USER_TOP || (fixed && (addr >= ARCH_USER_TOP || addr + len > ARCH_USER_TOP)))
		return -EINVAL;

	struct vm_area *a = kzalloc(sizeof(*a));
	if (!a)
		return -ENOMEM;
	if (flags & VMA_SHARED) {
		a->shm = shm_new(len / PAGE_SIZE);
		if (!a->shm) {
			kfree(a);
			return -ENOMEM;
		}
	}
	mutex_lock(&as->lock);
	if (fixed) {
		if (split_around(as, addr, addr + len))
			goto nomem;
		remove_range(as, addr, addr + len);
	} else {
		if (!(addr && addr >= PAGE_SIZE && addr + len <= ARCH_USER_TOP &&
		      range_free(as, addr, addr + len)))
			addr = find_gap(as, USER_MMAP_BASE, len);
		if (!addr)
			goto nomem;
	}
	a->start = addr;
	a->end = addr + len;
	a->prot = prot;
	a->flags = flags;
	area_insert(as, a);
	if (!fixed)
		as->mmap_hint = addr + len;
	mutex_unlock(&as->lock);
	return (long)addr;
nomem:
	mutex_unlock(&as->lock);
	shm_put(a->shm);
	kfree(a);
	return -ENOMEM;
}

int as_munmap(struct address_space *as, uint64_t addr, uint64_t len)
{
	if ((addr & (PAGE_SIZE - 1)) || len == 0 || addr >= ARCH_USER_TOP)
		return -EINVAL;
	uint64_t end = page_round_up(addr + len);
	if (end > ARCH_USER_TOP || end < addr)
		return -EINVAL;
	mutex_lock(&as->lock);
	int r = split_around(as, addr, end);
	if (!r)
		remove_range(as, addr, end);
	mutex_unlock(&as->lock);
	return r;
}

int as_mprotect(struct address_space *as, uint64_t addr, uint64_t len, unsigned prot)
{
	if ((addr & (PAGE_SIZE - 1)) || addr >= ARCH_USER_TOP)
		return -EINVAL;
	uint64_t end = page_round_up(addr + len);
	if (end > ARCH_USER_TOP || end < addr)
		return -EINVAL;
	mutex_lock(&as->lock);
	/* Linux: the whole range must be mapped, else ENOMEM. */
	for (uint64_t va = addr; va < end;) {
		struct vm_area *a = area_find(as, va);
		if (!a) {
			mutex_unlock(&as->lock);
			return -ENOMEM;
		}
		va = a->end;
	}
	int r = split_around(as, addr, end);
	for (struct vm_area *a = r ? NULL : area_from(as, addr); a && a->start < end;
	     a = area_next(a)) {
		if (a->start < addr || a->end > end)
			continue;
		a->prot = prot;
		for (uint64_t va = a->start; va < a->end; va += PAGE_SIZE) {
			uint64_t pa;
			if (!arch_pt_lookup(as->root, va, &pa, NULL))
				continue;
			if (prot & ARCH_PROT_READ || prot & ARCH_PROT_WRITE || prot & ARCH_PROT_EXEC)
				arch_pt_map(as->root, va, pa, pte_prot(a, pa));
			else /* PROT_NONE: keep the page, remove access */
				arch_pt_unmap(as->root, va), pmm_page_unref(pa);
		}
	}
	mutex_unlock(&as->lock);
	return r;
}

int as_discard(struct address_space *as, uint64_t addr, uint64_t len)
{
	uint64_t end = page_round_up(addr + len);
	if (end < addr || end > ARCH_USER_TOP)
		return -EINVAL;
	mutex_lock(&as->lock);
	for (uint64_t va = addr; va < end; va += PAGE_SIZE) {
		struct vm_area *a = area_find(as, va);
		if (a && !(a->flags & VMA_SHARED))
			unmap_pages(as, va, va + PAGE_SIZE);
	}
	mutex_unlock(&as->lock);
	return 0;
}

uint64_t as_brk(struct address_space *as, uint64_t new_brk)
{
	mutex_lock(&as->lock);
	uint64_t old_end = page_round_up(as->brk), new_end = page_round_up(new_brk);
	if (new_brk < as->brk_start)
		goto out;
	if (new_end > old_end) {
		if (!range_free(as, old_end, new_end) || new_end > USER_MMAP_BASE)
			goto out;
		struct vm_area *a = kzalloc(sizeof(*a));
		if (!a)
			goto out;
		a->start = old_end;
		a->end = new_end;
		a->prot = ARCH_PROT_READ | ARCH_PROT_WRITE;
		a->flags = VMA_HEAP;
		area_insert(as, a);
	} else if (new_end < old_end) {
		if (split_around(as, new_end, old_end))
			goto out;
		remove_range(as, new_end, old_end);
	}
	as->brk = new_brk;
out:
	new_brk = as->brk;
	mutex_unlock(&as->lock);
	return new_brk;
}

bool as_area_is_shared_locked(struct address_space *as, uint64_t va)
{
	struct vm_area *a = area_find(as, va);
	return a && (a->flags & VMA_SHARED);
}

uint64_t as_resident_pages(struct address_space *as)
{
	uint64_t n = 0;
	mutex_lock(&as->lock);
	for (struct vm_area *a = area_first(as); a; a = area_next(a))
		for (uint64_t va = arch_pt_next_mapped(as->root, a->start, a->end); va < a->end;
		     va = arch_pt_next_mapped(as->root, va + PAGE_SIZE, a->end))
			n++;
	mutex_unlock(&as->lock);
	return n;
}
