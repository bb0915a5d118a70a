/*
 * Host tests of the physical page allocator (kernel/mm/pmm.c), built with
 * WEFT_DEBUG so the poisoning paths run too. "Physical memory" is a
 * malloc'd buffer (tests/unit/fake/mm_fake_arch.c); each test builds a
 * memory map over it, calls pmm_init, and must leave every page free.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <kernel/arch.h>
#include <kernel/mm/pmm.h>
#include <kernel/panic.h>

/* From mm_fake_arch.c. */
extern unsigned char *mm_fake_ram;
extern char mm_fake_last_bug[256];
extern jmp_buf *mm_fake_panic_jmp;
void mm_fake_ram_setup(size_t bytes);

#define KiB 1024ull
#define MiB (1024ull * 1024)
#define RAM_SIZE (8 * MiB)
#define RAM_FRAMES (RAM_SIZE / PAGE_SIZE)

/*
 * A map shaped like a small PC's, deliberately out of order: low memory
 * (usable but below 1 MiB), a usable region straddling 1 MiB, the kernel
 * image as loader data, ACPI tables between two usable regions.
 */
static const struct weft_mem_region std_map[] = {
	{5 * MiB + 16 * KiB, (3 * MiB - 16 * KiB) / PAGE_SIZE, WEFT_MEM_USABLE, 7},
	{0, 640 * KiB / PAGE_SIZE, WEFT_MEM_USABLE, 7},
	{640 * KiB, 320 * KiB / PAGE_SIZE, WEFT_MEM_RESERVED, 0},
	{960 * KiB, 128 * KiB / PAGE_SIZE, WEFT_MEM_USABLE, 7},
	{1 * MiB + 64 * KiB, (1 * MiB - 64 * KiB) / PAGE_SIZE, WEFT_MEM_BOOT, 2},
	{2 * MiB, 3 * MiB / PAGE_SIZE, WEFT_MEM_USABLE, 7},
	{5 * MiB, 16 * KiB / PAGE_SIZE, WEFT_MEM_ACPI, 9},
};
#define STD_MAP_N (sizeof(std_map) / sizeof(std_map[0]))
/* Usable pages at or above 1 MiB: 16 + 768 + 764. */
#define STD_USABLE_PAGES 1548u

static void init_map(const struct weft_mem_region *map, unsigned n)
{
	mm_fake_ram_setup(RAM_SIZE);
	pmm_init(map, n);
}

static void init_std(void) { init_map(std_map, STD_MAP_N); }

static bool in_usable(const struct weft_mem_region *map, unsigned n,
                      uint64_t phys)
{
	if (phys < PMM_LOW_LIMIT)
		return false;
	for (unsigned i = 0; i < n; i++)
		if (map[i].type == WEFT_MEM_USABLE && phys >= map[i].base &&
		    phys + PAGE_SIZE <= map[i].base + map[i].pages * PAGE_SIZE)
			return true;
	return false;
}

/* Allocate every page; fills pages[] and returns how many. */
static unsigned alloc_all(uint64_t *pages, unsigned max)
{
	unsigned n = 0;
	uint64_t p;
	while ((p = pmm_alloc_page()) != 0) {
		assert_true(n < max);
		pages[n++] = p;
	}
	return n;
}

static void free_all(const uint64_t *pages, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		pmm_free_page(pages[i]);
}

/* ---- counting ---------------------------------------------------------- */

static void test_init_counts_usable_pages(void **state)
{
	(void)state;
	init_std();
	uint64_t total = pmm_total_count();
	/* Everything usable above 1 MiB, minus the frame table: at most 32
	 * bytes of metadata per frame of the 8 MiB covered. */
	assert_true(total < STD_USABLE_PAGES);
	assert_true(STD_USABLE_PAGES - total <= RAM_FRAMES * 32 / PAGE_SIZE);
	assert_int_equal(pmm_free_count(), total);
}

static void test_reinit_starts_over(void **state)
{
	(void)state;
	init_std();
	uint64_t total = pmm_total_count();
	assert_int_not_equal(pmm_alloc_page(), 0);
	init_std();
	assert_int_equal(pmm_free_count(), total);
}

static void test_overlapping_regions_count_once(void **state)
{
	(void)state;
	const struct weft_mem_region map[] = {
		{2 * MiB, 1 * MiB / PAGE_SIZE, WEFT_MEM_USABLE, 7},
		{2 * MiB + 512 * KiB, 1 * MiB / PAGE_SIZE, WEFT_MEM_USABLE, 7},
	};
	init_map(map, 2);
	/* 1.5 MiB = 384 pages; the table over 3.5 MiB of frames is 4. */
	uint64_t total = pmm_total_count();
	assert_true(total < 384 && total >= 384 - 8);
}

static void test_no_usable_memory_panics(void **state)
{
	(void)state;
	const struct weft_mem_region map[] = {
		{0, 640 * KiB / PAGE_SIZE, WEFT_MEM_USABLE, 7},
		{1 * MiB, 1 * MiB / PAGE_SIZE, WEFT_MEM_RESERVED, 0},
	};
	jmp_buf env;
	mm_fake_ram_setup(RAM_SIZE);
	mm_fake_panic_jmp = &env;
	if (setjmp(env) == 0) {
		pmm_init(map, 2);
		mm_fake_panic_jmp = NULL;
		fail_msg("pmm_init did not panic");
	}
	mm_fake_panic_jmp = NULL;
	assert_non_null(strstr(mm_fake_last_bug, "usable"));
}

/* ---- handing out pages -------------------------------------------------- */

static uint64_t all_pages[RAM_FRAMES];

static void test_exhaust_then_free_restores(void **state)
{
	(void)state;
	init_std();
	uint64_t total = pmm_total_count();
	static bool seen[RAM_FRAMES];
	memset(seen, 0, sizeof(seen));

	unsigned n = alloc_all(all_pages, RAM_FRAMES);
	assert_int_equal(n, total);
	assert_int_equal(pmm_free_count(), 0);
	assert_int_equal(pmm_alloc_page(), 0);
	assert_int_equal(pmm_alloc_pages(2), 0);

	for (unsigned i = 0; i < n; i++) {
		uint64_t p = all_pages[i];
		assert_int_equal(p % PAGE_SIZE, 0);
		assert_true(in_usable(std_map, STD_MAP_N, p));
		assert_false(seen[p / PAGE_SIZE]); /* never handed out twice */
		seen[p / PAGE_SIZE] = true;
		assert_int_equal(pmm_page_refcount(p), 1);
		/* Fill the page: if it overlapped the frame table, the
		 * refcount checks below would see the damage. */
		memset(arch_phys_to_virt(p), (int)(p >> PAGE_SHIFT), PAGE_SIZE);
	}
	for (unsigned i = 0; i < n; i++) {
		uint64_t p = all_pages[i];
		const unsigned char *v = arch_phys_to_virt(p);
		assert_int_equal(v[0], (unsigned char)(p >> PAGE_SHIFT));
		assert_int_equal(v[PAGE_SIZE - 1], (unsigned char)(p >> PAGE_SHIFT));
		assert_int_equal(pmm_page_refcount(p), 1);
	}

	free_all(all_pages, n);
	assert_int_equal(pmm_free_count(), total);
	/* And the whole lot can be had again. */
	assert_int_equal(alloc_all(all_pages, RAM_FRAMES), total);
	free_all(all_pages, total);
	assert_int_equal(pmm_free_count(), total);
}

static void test_alloc_counts_down_and_up(void **state)
{
	(void)state;
	init_std();
	uint64_t total = pmm_total_count();
	uint64_t a = pmm_alloc_page(), b = pmm_alloc_page();
	assert_int_not_equal(a, 0);
	assert_int_not_equal(b, 0);
	assert_int_not_equal(a, b);
	assert_int_equal(pmm_free_count(), total - 2);
	pmm_free_page(a);
	assert_int_equal(pmm_free_count(), total - 1);
	pmm_free_page(b);
	assert_int_equal(pmm_free_count(), total);
}

/* ---- contiguous runs ---------------------------------------------------- */

static void test_contiguous_run(void **state)
{
	(void)state;
	init_std();
	uint64_t total = pmm_total_count();
	uint64_t p = pmm_alloc_pages(8);
	assert_int_not_equal(p, 0);
	assert_int_equal(pmm_free_count(), total - 8);
	for (unsigned i = 0; i < 8; i++) {
		assert_true(in_usable(std_map, STD_MAP_N, p + i * PAGE_SIZE));
		assert_int_equal(pmm_page_refcount(p + i * PAGE_SIZE), 1);
	}
	/* One run lies inside one usable region: no hole in the middle. */
	for (unsigned i = 0; i < STD_MAP_N; i++)
		if (p >= std_map[i].base &&
		    p < std_map[i].base + std_map[i].pages * PAGE_SIZE)
			assert_true(p + 8 * PAGE_SIZE <=
			            std_map[i].base + std_map[i].pages * PAGE_SIZE);
	pmm_free_pages(p, 8);
	assert_int_equal(pmm_free_count(), total);
	assert_int_equal(pmm_alloc_pages(0), 0);
}

static void test_contiguous_run_skips_holes(void **state)
{
	(void)state;
	/* Two 2-page regions with a reserved page between them, and a big
	 * region that will hold the frame table. A 3-page run must never
	 * span A + hole + B. */
	const struct weft_mem_region map[] = {
		{1 * MiB, 2, WEFT_MEM_USABLE, 7},
		{1 * MiB + 2 * PAGE_SIZE, 1, WEFT_MEM_RESERVED, 0},
		{1 * MiB + 3 * PAGE_SIZE, 2, WEFT_MEM_USABLE, 7},
		{2 * MiB, 64, WEFT_MEM_USABLE, 7},
	};
	init_map(map, 4);
	uint64_t total = pmm_total_count();
	uint64_t runs[64];
	unsigned n = 0;
	uint64_t p;
	while ((p = pmm_alloc_pages(3)) != 0) {
		assert_true(p >= 2 * MiB && p + 3 * PAGE_SIZE <= 2 * MiB + 64 * PAGE_SIZE);
		runs[n++] = p;
	}
	/* What is left: A and B (2 pages each) and under 3 pages of C. */
	uint64_t left = pmm_free_count();
	assert_true(left >= 4 && left < 4 + 3);
	p = pmm_alloc_pages(2);
	assert_true(p == 1 * MiB || p == 1 * MiB + 3 * PAGE_SIZE ||
	            p >= 2 * MiB);
	pmm_free_pages(p, 2);
	for (unsigned i = 0; i < n; i++)
		pmm_free_pages(runs[i], 3);
	assert_int_equal(pmm_free_count(), total);
}

static void test_contiguous_run_in_fragmented_memory(void **state)
{
	(void)state;
	init_std();
	uint64_t total = pmm_total_count();
	unsigned n = alloc_all(all_pages, RAM_FRAMES);
	static bool managed[RAM_FRAMES];
	memset(managed, 0, sizeof(managed));
	for (unsigned i = 0; i < n; i++)
		managed[all_pages[i] / PAGE_SIZE] = true;

	/* Free every even frame: lots of free memory, no two pages in a
	 * row. */
	for (unsigned i = 0; i < n; i++)
		if ((all_pages[i] / PAGE_SIZE) % 2 == 0)
			pmm_free_page(all_pages[i]);
	assert_true(pmm_free_count() > 100);
	assert_int_equal(pmm_alloc_pages(2), 0);

	/* Free one odd frame whose neighbours are both managed (so free):
	 * now there is exactly one run of three, and first fit must find
	 * it. */
	unsigned target = 0;
	for (unsigned i = 0; i < n && target == 0; i++) {
		uint64_t f = all_pages[i] / PAGE_SIZE;
		if (f % 2 == 1 && f + 1 < RAM_FRAMES && managed[f - 1] &&
		    managed[f + 1])
			target = i;
	}
	assert_int_not_equal(target, 0);
	pmm_free_page(all_pages[target]);
	uint64_t run = pmm_alloc_pages(3);
	assert_int_equal(run, all_pages[target] - PAGE_SIZE);
	pmm_free_pages(run, 3);

	/* Put it all back: the odd frames except target are still ours. */
	for (unsigned i = 0; i < n; i++)
		if ((all_pages[i] / PAGE_SIZE) % 2 == 1 && i != target)
			pmm_free_page(all_pages[i]);
	assert_int_equal(pmm_free_count(), total);
}

/* ---- reference counts and misuse ---------------------------------------- */

static void test_refcount_frees_at_zero(void **state)
{
	(void)state;
	init_std();
	uint64_t total = pmm_total_count();
	unsigned long bugs = kernel_bug_count;
	uint64_t p = pmm_alloc_page();
	assert_int_equal(pmm_page_refcount(p), 1);
	pmm_page_ref(p);
	pmm_page_ref(p);
	assert_int_equal(pmm_page_refcount(p), 3);
	pmm_page_unref(p);
	pmm_page_unref(p);
	assert_int_equal(pmm_page_refcount(p), 1);
	assert_int_equal(pmm_free_count(), total - 1);
	pmm_page_unref(p);
	assert_int_equal(pmm_page_refcount(p), 0);
	assert_int_equal(pmm_free_count(), total);
	assert_int_equal(kernel_bug_count, bugs);
}

static void test_refcount_misuse_is_reported(void **state)
{
	(void)state;
	init_std();
	uint64_t total = pmm_total_count();
	uint64_t p = pmm_alloc_page();
	pmm_free_page(p);
	unsigned long bugs = kernel_bug_count;
	pmm_page_ref(p);   /* a free page */
	pmm_page_unref(p); /* a free page */
	pmm_page_ref(0x1000); /* below 1 MiB: not managed */
	assert_int_equal(kernel_bug_count, bugs + 3);
	assert_int_equal(pmm_page_refcount(p), 0);
	assert_int_equal(pmm_free_count(), total);
}

static void test_double_free_is_reported(void **state)
{
	(void)state;
	init_std();
	uint64_t total = pmm_total_count();
	uint64_t p = pmm_alloc_page();
	pmm_free_page(p);
	unsigned long bugs = kernel_bug_count;
	pmm_free_page(p);
	assert_int_equal(kernel_bug_count, bugs + 1);
	assert_non_null(strstr(mm_fake_last_bug, "double free"));
	assert_int_equal(pmm_free_count(), total); /* not counted twice */
	/* Still one page, handed out once. */
	uint64_t a = pmm_alloc_pages(1);
	assert_int_equal(pmm_free_count(), total - 1);
	pmm_free_page(a);
	assert_int_equal(pmm_free_count(), total);
}

static void test_bad_free_leaves_allocator_untouched(void **state)
{
	(void)state;
	init_std();
	uint64_t total = pmm_total_count();
	unsigned long bugs = kernel_bug_count;
	pmm_free_page(0);                      /* page 0 */
	pmm_free_page(0x9000);                 /* below 1 MiB */
	pmm_free_page(1 * MiB + 128 * KiB);    /* the kernel image (BOOT) */
	pmm_free_page(5 * MiB);                /* ACPI */
	pmm_free_page(64 * MiB);               /* beyond RAM */
	assert_int_equal(kernel_bug_count, bugs + 5);

	/* A run with one free page in the middle: nothing is freed. */
	uint64_t r = pmm_alloc_pages(4);
	pmm_free_page(r + 2 * PAGE_SIZE);
	bugs = kernel_bug_count;
	pmm_free_pages(r, 4);
	assert_int_equal(kernel_bug_count, bugs + 1);
	assert_int_equal(pmm_page_refcount(r), 1);
	assert_int_equal(pmm_free_count(), total - 3);
	pmm_free_page(r);
	pmm_free_page(r + PAGE_SIZE);
	pmm_free_page(r + 3 * PAGE_SIZE);

	/* An unaligned address inside an allocated page. */
	uint64_t p = pmm_alloc_page();
	bugs = kernel_bug_count;
	pmm_free_page(p + 8);
	assert_int_equal(kernel_bug_count, bugs + 1);
	pmm_free_page(p);
	assert_int_equal(pmm_free_count(), total);
}

static void test_freeing_shared_page_is_reported(void **state)
{
	(void)state;
	init_std();
	uint64_t total = pmm_total_count();
	uint64_t p = pmm_alloc_page();
	pmm_page_ref(p);
	unsigned long bugs = kernel_bug_count;
	pmm_free_page(p);
	assert_int_equal(kernel_bug_count, bugs + 1);
	assert_int_equal(pmm_page_refcount(p), 2);
	pmm_page_unref(p);
	pmm_page_unref(p);
	assert_int_equal(pmm_free_count(), total);
}

/* ---- the private word --------------------------------------------------- */

static void test_private_word(void **state)
{
	(void)state;
	init_std();
	uint64_t p = pmm_alloc_page();
	assert_int_equal(pmm_page_private(p), 0);
	pmm_page_set_private(p, 0x1234);
	assert_int_equal(pmm_page_private(p), 0x1234);
	pmm_free_page(p);
	assert_int_equal(pmm_page_private(p), 0); /* cleared on free */
	assert_int_equal(pmm_page_private(0x2000), 0); /* unmanaged */
	unsigned long bugs = kernel_bug_count;
	pmm_page_set_private(p, 1); /* a free page */
	assert_int_equal(kernel_bug_count, bugs + 1);
	/* A fresh allocation starts at 0 again. */
	uint64_t q = pmm_alloc_pages(2);
	assert_int_equal(pmm_page_private(q), 0);
	assert_int_equal(pmm_page_private(q + PAGE_SIZE), 0);
	pmm_free_pages(q, 2);
}

/* ---- debug poisoning ----------------------------------------------------- */

static void test_freed_page_is_poisoned(void **state)
{
	(void)state;
	init_std();
	uint64_t p = pmm_alloc_page();
	unsigned char *v = arch_phys_to_virt(p);
	memset(v, 0x11, PAGE_SIZE);
	pmm_free_page(p);
	for (unsigned i = 0; i < PAGE_SIZE; i++)
		assert_int_equal(v[i], PMM_POISON);
}

static void test_write_after_free_is_reported(void **state)
{
	(void)state;
	init_std();
	uint64_t total = pmm_total_count();
	unsigned n = alloc_all(all_pages, RAM_FRAMES);
	uint64_t victim = all_pages[n / 2];
	pmm_free_page(victim);
	((unsigned char *)arch_phys_to_virt(victim))[100] = 0;
	unsigned long bugs = kernel_bug_count;
	uint64_t again = pmm_alloc_page(); /* the only free page */
	assert_int_equal(again, victim);
	assert_int_equal(kernel_bug_count, bugs + 1);
	assert_non_null(strstr(mm_fake_last_bug, "written after"));

	/* An untouched poisoned page passes. */
	pmm_free_page(again);
	bugs = kernel_bug_count;
	assert_int_equal(pmm_alloc_page(), victim);
	assert_int_equal(kernel_bug_count, bugs);
	free_all(all_pages, n);
	assert_int_equal(pmm_free_count(), total);
}

/* ---- several CPUs at once (host threads) -------------------------------- */

#define THREADS 4
#define ROUNDS 20000
#define HELD 16

/*
 * Each thread keeps up to HELD pages, stamps each with its own id and a
 * serial number over the whole page, and checks the stamp before freeing.
 * If the lock failed and two threads got the same page, one of them would
 * find the other's stamp.
 */
static void *stress_thread(void *arg)
{
	uint64_t id = (uintptr_t)arg;
	uint64_t held[HELD] = {0};
	uint64_t stamp[HELD] = {0};
	uintptr_t errors = 0;
	for (uint64_t r = 0; r < ROUNDS; r++) {
		unsigned slot = (r * 7 + id) % HELD;
		if (held[slot]) {
			uint64_t *w = arch_phys_to_virt(held[slot]);
			for (unsigned i = 0; i < PAGE_SIZE / 8; i++)
				errors += w[i] != stamp[slot];
			if (r % 3 == 0)
				pmm_free_pages(held[slot], 1);
			else
				pmm_page_unref(held[slot]);
			held[slot] = 0;
		}
		uint64_t p = (r % 5 == 0) ? pmm_alloc_pages(2) : pmm_alloc_page();
		if (p == 0)
			continue;
		if (r % 5 == 0)
			pmm_free_page(p + PAGE_SIZE); /* keep the first */
		held[slot] = p;
		stamp[slot] = id << 32 | r;
		uint64_t *w = arch_phys_to_virt(p);
		for (unsigned i = 0; i < PAGE_SIZE / 8; i++)
			w[i] = stamp[slot];
	}
	for (unsigned s = 0; s < HELD; s++)
		if (held[s])
			pmm_free_page(held[s]);
	return (void *)errors;
}

static void test_concurrent_alloc_free(void **state)
{
	(void)state;
	init_std();
	uint64_t total = pmm_total_count();
	unsigned long bugs = kernel_bug_count;
	pthread_t t[THREADS];
	for (uintptr_t i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, stress_thread,
		                                (void *)(i + 1)), 0);
	for (int i = 0; i < THREADS; i++) {
		void *errors;
		pthread_join(t[i], &errors);
		assert_int_equal((uintptr_t)errors, 0);
	}
	assert_int_equal(kernel_bug_count, bugs);
	assert_int_equal(pmm_free_count(), total);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_counts_usable_pages),
		cmocka_unit_test(test_reinit_starts_over),
		cmocka_unit_test(test_overlapping_regions_count_once),
		cmocka_unit_test(test_no_usable_memory_panics),
		cmocka_unit_test(test_exhaust_then_free_restores),
		cmocka_unit_test(test_alloc_counts_down_and_up),
		cmocka_unit_test(test_contiguous_run),
		cmocka_unit_test(test_contiguous_run_skips_holes),
		cmocka_unit_test(test_contiguous_run_in_fragmented_memory),
		cmocka_unit_test(test_refcount_frees_at_zero),
		cmocka_unit_test(test_refcount_misuse_is_reported),
		cmocka_unit_test(test_double_free_is_reported),
		cmocka_unit_test(test_bad_free_leaves_allocator_untouched),
		cmocka_unit_test(test_freeing_shared_page_is_reported),
		cmocka_unit_test(test_private_word),
		cmocka_unit_test(test_freed_page_is_poisoned),
		cmocka_unit_test(test_write_after_free_is_reported),
		cmocka_unit_test(test_concurrent_alloc_free),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
