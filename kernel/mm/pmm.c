/*
 * The physical page allocator.
 *
 * One struct page per 4 KiB frame, in a flat array indexed by frame number
 * (physical address >> 12) from frame 0 up to the end of the highest usable
 * region. The array itself is carved out of the first usable region big
 * enough to hold it. A frame is free when it is PAGE_MANAGED and its
 * reference count is 0; there is no separate free list, so the array is
 * the single source of truth and a double free can always be recognised.
 *
 * Allocation searches the array "next fit": it starts where the previous
 * search stopped, so in the common case (lots of free memory) it finds a
 * page after a step or two. The cost is O(frames) when memory is nearly
 * full; Linux's buddy allocator avoids that with free lists per block
 * size, at the price of much more code. The table costs 16 bytes per
 * 4 KiB page: 0.4% of RAM.
 *
 * One spinlock, taken with interrupts disabled, guards everything: the
 * allocator is short and never sleeps, and an interrupt handler that
 * allocated while its CPU held the lock would otherwise deadlock.
 */
#include <kernel/mm/pmm.h>

#include <kernel/arch.h>
#include <kernel/lib/string.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/sync/spinlock.h>

struct page {
	uint32_t refcount; /* 0: free (when PAGE_MANAGED) */
	uint32_t flags;
	uintptr_t private; /* the owner's word, see pmm_page_private() */
};

#define PAGE_MANAGED  (1u << 0) /* usable RAM that pmm hands out */
#define PAGE_POISONED (1u << 1) /* holds PMM_POISON since it was freed */

static struct spinlock pmm_lock = SPINLOCK_INIT("pmm");
static struct page *pages; /* pages[frame], frames 0 .. nframes-1 */
static uint64_t nframes;
static uint64_t free_pages;
static uint64_t total_pages;
static uint64_t next_fit; /* frame where the next search starts */

/* ---- building the frame table from the memory map -------------------- */

/*
 * The whole pages of a usable region that pmm may hand out: the region
 * trimmed to page boundaries and to at least PMM_LOW_LIMIT.
 */
static bool usable_span(const struct weft_mem_region *r, uint64_t *start,
                        uint64_t *end)
{
	if (r->type != WEFT_MEM_USABLE)
		return false;
	uint64_t s = (r->base + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
	uint64_t e = (r->base + r->pages * PAGE_SIZE) & ~(uint64_t)(PAGE_SIZE - 1);
	if (s < PMM_LOW_LIMIT)
		s = PMM_LOW_LIMIT;
	*start = s;
	*end = e;
	return s < e;
}

void pmm_init(const struct weft_mem_region *regions, unsigned count)
{
	uint64_t start, end, top = 0;

	for (unsigned i = 0; i < count; i++)
		if (usable_span(&regions[i], &start, &end) && end > top)
			top = end;
	if (top == 0)
		panic("pmm: the memory map has no usable RAM above 1 MiB");

	/* The table covers every frame up to the top, holes included, so
	 * that finding a page's entry is one shift and one index. */
	nframes = top >> PAGE_SHIFT;
	uint64_t table_bytes = nframes * sizeof(struct page);
	uint64_t table_pages = (table_bytes + PAGE_SIZE - 1) / PAGE_SIZE;

	uint64_t table_phys = 0;
	for (unsigned i = 0; i < count && table_phys == 0; i++)
		if (usable_span(&regions[i], &start, &end) &&
		    (end - start) / PAGE_SIZE >= table_pages)
			table_phys = start;
	if (table_phys == 0)
		panic("pmm: no usable region can hold the %lu-page frame table",
		      (unsigned long)table_pages);

	pages = arch_phys_to_virt(table_phys);
	memset(pages, 0, table_bytes);

	uint64_t table_first = table_phys >> PAGE_SHIFT;
	uint64_t table_last = table_first + table_pages; /* exclusive */
	total_pages = 0;
	for (unsigned i = 0; i < count; i++) {
		if (!usable_span(&regions[i], &start, &end))
			continue;
		for (uint64_t f = start >> PAGE_SHIFT; f < end >> PAGE_SHIFT; f++) {
			if (f >= table_first && f < table_last)
				continue;
			/* The flag check makes overlapping regions harmless. */
			if (!(pages[f].flags & PAGE_MANAGED)) {
				pages[f].flags = PAGE_MANAGED;
				total_pages++;
			}
		}
	}
	free_pages = total_pages;
	next_fit = 0;

	printk("pmm: %lu pages (%lu MiB) free, frame table %lu pages at 0x%lx\n",
	       (unsigned long)total_pages, (unsigned long)(total_pages >> 8),
	       (unsigned long)table_pages, (unsigned long)table_phys);
}

/* ---- helpers; all called with pmm_lock held --------------------------- */

/* The entry of a managed frame, or NULL for any other address. */
static struct page *managed_page(uint64_t phys)
{
	if (phys & (PAGE_SIZE - 1))
		return NULL;
	uint64_t f = phys >> PAGE_SHIFT;
	if (pages == NULL || f >= nframes || !(pages[f].flags & PAGE_MANAGED))
		return NULL;
	return &pages[f];
}

static bool page_is_free(uint64_t f)
{
	return (pages[f].flags & PAGE_MANAGED) && pages[f].refcount == 0;
}

/*
 * Give a page back. In debug builds it is filled with PMM_POISON first,
 * so a stale pointer into it reads an obvious pattern, and the next
 * allocation can tell whether anything wrote to it meanwhile.
 */
static void release_page(uint64_t f)
{
#ifdef WEFT_DEBUG
	memset(arch_phys_to_virt(f << PAGE_SHIFT), PMM_POISON, PAGE_SIZE);
	pages[f].flags |= PAGE_POISONED;
#endif
	pages[f].refcount = 0;
	pages[f].private = 0;
	free_pages++;
}

/*
 * Debug builds: a page being allocated must still hold the poison it got
 * when it was freed; anything else is a write through a stale pointer.
 */
static void check_poison(uint64_t f)
{
#ifdef WEFT_DEBUG
	if (!(pages[f].flags & PAGE_POISONED))
		return; /* never freed since boot: nothing to compare with */
	pages[f].flags &= ~PAGE_POISONED;
	/* Eight bytes at a time: this runs on every allocation. */
	const uint64_t *p = arch_phys_to_virt(f << PAGE_SHIFT);
	const uint64_t poison = 0x0101010101010101ull * PMM_POISON;
	for (unsigned i = 0; i < PAGE_SIZE / 8; i++) {
		if (p[i] != poison) {
			kernel_bug("pmm: page 0x%lx was written after it was freed "
			           "(offset %u)", (unsigned long)(f << PAGE_SHIFT), i * 8);
			return;
		}
	}
#else
	(void)f;
#endif
}

static void take_page(uint64_t f)
{
	check_poison(f);
	pages[f].refcount = 1;
	pages[f].private = 0;
	free_pages--;
}

/*
 * Checks that [phys, +count pages) may be freed; reports the first reason
 * not to with kernel_bug(). (kernel_bug runs with pmm_lock held here; it
 * only prints, and must never allocate.)
 */
static bool may_free(uint64_t phys, unsigned count, const char *who)
{
	for (unsigned i = 0; i < count; i++) {
		uint64_t a = phys + (uint64_t)i * PAGE_SIZE;
		struct page *pg = managed_page(a);
		if (pg == NULL) {
			kernel_bug("%s: 0x%lx is not a page the allocator manages",
			           who, (unsigned long)a);
			return false;
		}
		if (pg->refcount == 0) {
			kernel_bug("%s: double free of page 0x%lx", who,
			           (unsigned long)a);
			return false;
		}
		if (pg->refcount > 1) {
			kernel_bug("%s: page 0x%lx is shared (%u references); "
			           "use pmm_page_unref", who, (unsigned long)a,
			           pg->refcount);
			return false;
		}
	}
	return true;
}

/* ---- the API ----------------------------------------------------------- */

uint64_t pmm_alloc_page(void)
{
	unsigned long flags = spin_lock_irqsave(&pmm_lock);
	uint64_t found = 0; /* frame 0 is never managed, so 0 means none */
	if (free_pages > 0) {
		for (uint64_t n = 0; n < nframes; n++) {
			uint64_t f = (next_fit + n) % nframes;
			if (page_is_free(f)) {
				found = f;
				break;
			}
		}
	}
	if (found != 0) {
		take_page(found);
		next_fit = found + 1;
	}
	spin_unlock_irqrestore(&pmm_lock, flags);
	return found << PAGE_SHIFT;
}

uint64_t pmm_alloc_pages(unsigned count)
{
	if (count == 0)
		return 0;
	if (count == 1)
		return pmm_alloc_page();

	unsigned long flags = spin_lock_irqsave(&pmm_lock);
	/* First fit from the bottom: one pass, counting the length of the
	 * current run of free frames. */
	uint64_t run_start = 0, run_len = 0, found = 0;
	if (free_pages >= count) {
		for (uint64_t f = 0; f < nframes; f++) {
			if (!page_is_free(f)) {
				run_len = 0;
				continue;
			}
			if (run_len++ == 0)
				run_start = f;
			if (run_len == count) {
				found = run_start;
				break;
			}
		}
	}
	if (found != 0)
		for (unsigned i = 0; i < count; i++)
			take_page(found + i);
	spin_unlock_irqrestore(&pmm_lock, flags);
	return found << PAGE_SHIFT;
}

void pmm_free_pages(uint64_t phys, unsigned count)
{
	unsigned long flags = spin_lock_irqsave(&pmm_lock);
	/* Check every page before touching any: a bad call leaves the
	 * allocator exactly as it was. */
	if (may_free(phys, count, "pmm_free_pages"))
		for (unsigned i = 0; i < count; i++)
			release_page((phys >> PAGE_SHIFT) + i);
	spin_unlock_irqrestore(&pmm_lock, flags);
}

void pmm_free_page(uint64_t phys)
{
	unsigned long flags = spin_lock_irqsave(&pmm_lock);
	if (may_free(phys, 1, "pmm_free_page"))
		release_page(phys >> PAGE_SHIFT);
	spin_unlock_irqrestore(&pmm_lock, flags);
}

void pmm_page_ref(uint64_t phys)
{
	unsigned long flags = spin_lock_irqsave(&pmm_lock);
	struct page *pg = managed_page(phys);
	if (pg == NULL || pg->refcount == 0)
		kernel_bug("pmm_page_ref: 0x%lx is not an allocated page",
		           (unsigned long)phys);
	else
		pg->refcount++;
	spin_unlock_irqrestore(&pmm_lock, flags);
}

void pmm_page_unref(uint64_t phys)
{
	unsigned long flags = spin_lock_irqsave(&pmm_lock);
	struct page *pg = managed_page(phys);
	if (pg == NULL || pg->refcount == 0)
		kernel_bug("pmm_page_unref: 0x%lx is not an allocated page",
		           (unsigned long)phys);
	else if (--pg->refcount == 0)
		release_page(phys >> PAGE_SHIFT);
	spin_unlock_irqrestore(&pmm_lock, flags);
}

unsigned pmm_page_refcount(uint64_t phys)
{
	unsigned long flags = spin_lock_irqsave(&pmm_lock);
	struct page *pg = managed_page(phys);
	unsigned n = pg ? pg->refcount : 0;
	spin_unlock_irqrestore(&pmm_lock, flags);
	return n;
}

void pmm_page_set_private(uint64_t phys, uintptr_t value)
{
	unsigned long flags = spin_lock_irqsave(&pmm_lock);
	struct page *pg = managed_page(phys);
	if (pg == NULL || pg->refcount == 0)
		kernel_bug("pmm_page_set_private: 0x%lx is not an allocated page",
		           (unsigned long)phys);
	else
		pg->private = value;
	spin_unlock_irqrestore(&pmm_lock, flags);
}

uintptr_t pmm_page_private(uint64_t phys)
{
	unsigned long flags = spin_lock_irqsave(&pmm_lock);
	struct page *pg = managed_page(phys);
	uintptr_t v = pg ? pg->private : 0;
	spin_unlock_irqrestore(&pmm_lock, flags);
	return v;
}

uint64_t pmm_free_count(void)
{
	unsigned long flags = spin_lock_irqsave(&pmm_lock);
	uint64_t n = free_pages;
	spin_unlock_irqrestore(&pmm_lock, flags);
	return n;
}

uint64_t pmm_total_count(void)
{
	unsigned long flags = spin_lock_irqsave(&pmm_lock);
	uint64_t n = total_pages;
	spin_unlock_irqrestore(&pmm_lock, flags);
	return n;
}
