/*
 * The physical page allocator ("pmm"): hands out 4 KiB frames of RAM.
 *
 * Built once from the loader's memory map: only WEFT_MEM_USABLE regions
 * become free pages. Everything the kernel still needs (its image, the
 * initrd, the boot info, the loader's page tables) is WEFT_MEM_BOOT, so it
 * is excluded without any extra reservation step. Frames below 1 MiB are
 * never handed out either: physical page 0 would look like a NULL result,
 * and low memory is where the real-mode trampoline that starts the other
 * CPUs has to live.
 *
 * Every frame the allocator knows about has a struct page (see pmm.c)
 * holding a reference count. A fresh page has count 1; copy-on-write
 * shares a page by taking more references, and the page goes back to the
 * free pool when the last one is dropped.
 *
 * Addresses in and out of this API are physical; reach the memory through
 * arch_phys_to_virt() (the direct map). All functions are SMP safe and
 * may be called with interrupts disabled; none of them sleeps.
 */
#ifndef WEFT_PMM_H
#define WEFT_PMM_H

#include <stdint.h>

#include <boot/bootinfo.h>

#define PAGE_SIZE  4096u
#define PAGE_SHIFT 12

/* Lowest physical address the allocator will ever return. */
#define PMM_LOW_LIMIT 0x100000ull

/*
 * Debug builds (WEFT_DEBUG) fill freed pages with this byte: the same one
 * the kernel heap uses (heap.h), so "6b6b6b6b" always means "freed".
 */
#define PMM_POISON 0x6b

/*
 * Take ownership of every usable frame in regions[0..count). Regions may
 * come in any order; unaligned edges are trimmed to whole pages. Panics
 * when there is no room for the per-page metadata. May be called again
 * (host tests do) to start over from a new map.
 */
void pmm_init(const struct weft_mem_region *regions, unsigned count);

/* One page, reference count 1. Returns 0 when memory is exhausted. */
uint64_t pmm_alloc_page(void);

/*
 * count physically contiguous pages (kernel stacks, large kmalloc), each
 * with reference count 1. Returns the first page's address, 0 on failure.
 * Slower than pmm_alloc_page: it searches for a free run.
 */
uint64_t pmm_alloc_pages(unsigned count);

/*
 * Give back a page the caller owns alone (reference count 1). Freeing a
 * free page, a page the allocator does not manage, or a shared page is a
 * kernel_bug() and leaves the allocator untouched.
 */
void pmm_free_page(uint64_t phys);
/* Give back pages [phys, phys + count pages), each as pmm_free_page. */
void pmm_free_pages(uint64_t phys, unsigned count);

/* Reference counts, for pages shared by copy-on-write. */
void pmm_page_ref(uint64_t phys);
/* Drop one reference; the page is freed when the count reaches 0. */
void pmm_page_unref(uint64_t phys);
/* The current count: 0 for a free page (or one pmm does not manage). */
unsigned pmm_page_refcount(uint64_t phys);

/*
 * One word per page that belongs to whoever allocated the page; pmm only
 * clears it when the page is freed. The kernel heap keeps its bookkeeping
 * here (which slab a page belongs to, how long a large block is), the way
 * Linux's slab allocator uses struct page. 0 for unmanaged pages.
 */
void pmm_page_set_private(uint64_t phys, uintptr_t value);
uintptr_t pmm_page_private(uint64_t phys);

/* Pages free right now, and pages managed in total (free + allocated). */
uint64_t pmm_free_count(void);
uint64_t pmm_total_count(void);

#endif
