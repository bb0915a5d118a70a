/*
 * In-kernel tests of the page allocator and the heap (boot with test=mm).
 *
 * The host unit tests (tests/unit/test_pmm.c, test_heap.c) cover the
 * corner cases against a fake memory map; these run the same code on the
 * real one, on real page tables, and check the property everything else
 * relies on: whatever a test allocates and frees, the free page count
 * ends where it started. They assume a quiet system (nothing else
 * allocating meanwhile), which is what test mode is.
 */
#include <kernel/arch.h>
#include <kernel/ktest/ktest.h>
#include <kernel/lib/string.h>
#include <kernel/mm/heap.h>
#include <kernel/mm/pmm.h>

/* xorshift: deterministic "random" sizes, the same on every boot. */
static uint32_t rng = 2463534242u;
static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

static void fill(void *p, size_t n, uint32_t tag)
{
	unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		b[i] = (unsigned char)(tag + i * 31);
}

static bool intact(const void *p, size_t n, uint32_t tag)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		if (b[i] != (unsigned char)(tag + i * 31))
			return false;
	return true;
}

#define NPAGES 256

KTEST(mm, page_alloc_free_cycle)
{
	static uint64_t page[NPAGES];
	uint64_t before = pmm_free_count();
	KASSERT_T(before >= NPAGES + 16);

	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < NPAGES; i++) {
			page[i] = pmm_alloc_page();
			KASSERT_T(page[i] != 0);
			KEXPECT(page[i] % PAGE_SIZE == 0);
			KEXPECT(page[i] >= PMM_LOW_LIMIT);
			KEXPECT_EQ(pmm_page_refcount(page[i]), 1);
			/* Through the direct map: the page is real RAM. */
			uint64_t *w = arch_phys_to_virt(page[i]);
			for (unsigned k = 0; k < PAGE_SIZE / 8; k++)
				w[k] = page[i] + k;
		}
		KEXPECT_EQ(pmm_free_count(), before - NPAGES);
		/* Every page kept its own contents: none was handed out
		 * twice. */
		for (int i = 0; i < NPAGES; i++) {
			const uint64_t *w = arch_phys_to_virt(page[i]);
			bool ok = true;
			for (unsigned k = 0; k < PAGE_SIZE / 8; k++)
				ok &= w[k] == page[i] + k;
			KEXPECT(ok);
		}
		for (int i = 0; i < NPAGES; i++)
			pmm_free_page(page[i]);
		KEXPECT_EQ(pmm_free_count(), before);
	}
}

KTEST(mm, contiguous_pages)
{
	uint64_t before = pmm_free_count();
	uint64_t p = pmm_alloc_pages(16);
	KASSERT_T(p != 0);
	KEXPECT_EQ(pmm_free_count(), before - 16);
	for (unsigned i = 0; i < 16; i++)
		KEXPECT_EQ(pmm_page_refcount(p + i * PAGE_SIZE), 1);
	/* The run is one block of memory through the direct map. */
	memset(arch_phys_to_virt(p), 0x5a, 16 * PAGE_SIZE);
	pmm_free_pages(p, 16);
	KEXPECT_EQ(pmm_free_count(), before);
}

KTEST(mm, page_refcount)
{
	uint64_t before = pmm_free_count();
	uint64_t p = pmm_alloc_page();
	KASSERT_T(p != 0);
	pmm_page_ref(p); /* as fork shares a page copy-on-write */
	KEXPECT_EQ(pmm_page_refcount(p), 2);
	pmm_page_unref(p);
	KEXPECT_EQ(pmm_free_count(), before - 1); /* still held once */
	pmm_page_unref(p);
	KEXPECT_EQ(pmm_page_refcount(p), 0);
	KEXPECT_EQ(pmm_free_count(), before);
}

#define NBLOCKS 4000

KTEST(mm, kmalloc_stress)
{
	static void *ptr[NBLOCKS];
	static size_t len[NBLOCKS];
	uint64_t before = pmm_free_count();

	for (int i = 0; i < NBLOCKS; i++) {
		/* Mostly small objects, one in sixteen up to 5 pages. */
		len[i] = (rnd() % 16 == 0) ? rnd() % (5 * PAGE_SIZE)
		                           : rnd() % 1024;
		ptr[i] = kmalloc(len[i]);
		KASSERT_T(ptr[i] != NULL);
		KEXPECT((uintptr_t)ptr[i] % 16 == 0);
		if (len[i] >= PAGE_SIZE)
			KEXPECT((uintptr_t)ptr[i] % PAGE_SIZE == 0);
		fill(ptr[i], len[i], i);
	}
	int broken = 0;
	for (int i = 0; i < NBLOCKS; i++)
		broken += !intact(ptr[i], len[i], i);
	KEXPECT_EQ(broken, 0);

	/* Free the odd ones, reallocate them at new sizes, then free all:
	 * reuse of freed slots must not touch the live neighbours. */
	for (int i = 1; i < NBLOCKS; i += 2)
		kfree(ptr[i]);
	for (int i = 1; i < NBLOCKS; i += 2) {
		len[i] = rnd() % 3000;
		ptr[i] = kmalloc(len[i]);
		KASSERT_T(ptr[i] != NULL);
		fill(ptr[i], len[i], i * 7);
	}
	broken = 0;
	for (int i = 0; i < NBLOCKS; i++) {
		broken += !intact(ptr[i], len[i], (i % 2) ? i * 7 : i);
		kfree(ptr[i]);
	}
	KEXPECT_EQ(broken, 0);

	KEXPECT_EQ(pmm_free_count(), before);
}

KTEST(mm, kzalloc_and_big_blocks)
{
	uint64_t before = pmm_free_count();
	unsigned char *z = kzalloc(3000);
	KASSERT_T(z != NULL);
	bool zero = true;
	for (int i = 0; i < 3000; i++)
		zero &= z[i] == 0;
	KEXPECT(zero);
	kfree(z);

	/* A kernel stack: 16 KiB, page aligned, four pages. */
	void *stack = kmalloc(16384);
	KASSERT_T(stack != NULL);
	KEXPECT((uintptr_t)stack % PAGE_SIZE == 0);
	KEXPECT_EQ(pmm_free_count(), before - 4);
	kfree(stack);
	kfree(NULL);
	KEXPECT_EQ(pmm_free_count(), before);
}
