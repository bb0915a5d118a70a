/*
 * Host tests of the kernel heap (kernel/mm/heap.c) over the real page
 * allocator and fake RAM, built with WEFT_DEBUG. Every test must give
 * back everything it took: the heap's slab lists live in the fake RAM,
 * and each test starts the page allocator over.
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
#include <kernel/mm/heap.h>
#include <kernel/mm/pmm.h>
#include <kernel/panic.h>

/* From mm_fake_arch.c. */
extern char mm_fake_last_bug[256];
void mm_fake_ram_setup(size_t bytes);

#define MiB (1024ull * 1024)
#define RAM_SIZE (16 * MiB)

static uint64_t free_at_start;

static int setup(void **state)
{
	(void)state;
	static const struct weft_mem_region map[] = {
		{1 * MiB, 1 * MiB / PAGE_SIZE, WEFT_MEM_BOOT, 2},
		{2 * MiB, 14 * MiB / PAGE_SIZE, WEFT_MEM_USABLE, 7},
	};
	mm_fake_ram_setup(RAM_SIZE);
	pmm_init(map, 2);
	free_at_start = pmm_free_count();
	return 0;
}

/* Every test ends with the page allocator exactly as it started. */
static int teardown(void **state)
{
	(void)state;
	assert_int_equal(pmm_free_count(), free_at_start);
	return 0;
}

/* A small deterministic PRNG (xorshift): same sequence every run. */
static uint32_t rng_state;
static uint32_t rnd(void)
{
	uint32_t x = rng_state;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return rng_state = x;
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

/* ---- basic contract ------------------------------------------------------ */

static void test_kfree_null_is_noop(void **state)
{
	(void)state;
	unsigned long bugs = kernel_bug_count;
	kfree(NULL);
	assert_int_equal(kernel_bug_count, bugs);
}

/* Every size up to the largest class, then a sample of bigger ones. */
static size_t nth_size(unsigned i)
{
	return i <= 2100 ? i : 2100 + (i - 2100) * 61;
}
#define NSIZES 2200

static void test_alignment_every_size(void **state)
{
	(void)state;
	static void *ptrs[NSIZES];
	for (unsigned i = 0; i < NSIZES; i++) {
		size_t size = nth_size(i);
		void *p = kmalloc(size);
		assert_non_null(p);
		assert_int_equal((uintptr_t)p % 16, 0);
		if (size >= PAGE_SIZE)
			assert_int_equal((uintptr_t)p % PAGE_SIZE, 0);
		fill(p, size, i);
		ptrs[i] = p;
	}
	for (unsigned i = 0; i < NSIZES; i++) {
		assert_true(intact(ptrs[i], nth_size(i), i));
		kfree(ptrs[i]);
	}
}

static void test_big_blocks_are_page_aligned_whole_pages(void **state)
{
	(void)state;
	uint64_t before = pmm_free_count();
	char *p = kmalloc(3 * PAGE_SIZE + 1);
	assert_non_null(p);
	assert_int_equal((uintptr_t)p % PAGE_SIZE, 0);
	assert_int_equal(pmm_free_count(), before - 4);
	memset(p, 0x5a, 3 * PAGE_SIZE + 1);
	kfree(p);
	assert_int_equal(pmm_free_count(), before);

	/* A kernel-stack-sized block. */
	p = kmalloc(16 * 1024);
	assert_int_equal((uintptr_t)p % PAGE_SIZE, 0);
	assert_int_equal(pmm_free_count(), before - 4);
	kfree(p);
}

static void test_kzalloc_zeroes(void **state)
{
	(void)state;
	/* Make the memory dirty first, so zeros are not luck. */
	unsigned char *p = kmalloc(200);
	memset(p, 0xff, 200);
	unsigned char *keep = kmalloc(200); /* keeps the slab alive */
	kfree(p);
	unsigned char *z = kzalloc(200);
	assert_ptr_equal(z, p); /* the same object, reused */
	for (int i = 0; i < 200; i++)
		assert_int_equal(z[i], 0);
	unsigned char *big = kzalloc(2 * PAGE_SIZE);
	for (unsigned i = 0; i < 2 * PAGE_SIZE; i++)
		assert_int_equal(big[i], 0);
	kfree(big);
	kfree(z);
	kfree(keep);
}

/* ---- no overlap, all pages back ------------------------------------------ */

#define STRESS_N 3000

/*
 * Thousands of live blocks of random sizes at once, each filled with its
 * own pattern; freeing in random order, checking everything still live at
 * several points. Two blocks that overlapped would spoil each other's
 * pattern.
 */
static void test_random_sizes_no_overlap(void **state)
{
	(void)state;
	static void *ptr[STRESS_N];
	static size_t len[STRESS_N];
	rng_state = 12345;
	for (unsigned i = 0; i < STRESS_N; i++) {
		/* Mostly small, some up to three pages. */
		len[i] = (rnd() % 8 == 0) ? rnd() % (3 * PAGE_SIZE) : rnd() % 600;
		ptr[i] = kmalloc(len[i]);
		assert_non_null(ptr[i]);
		fill(ptr[i], len[i], i);
	}
	assert_true(pmm_free_count() < free_at_start);
	for (unsigned i = 0; i < STRESS_N; i++)
		assert_true(intact(ptr[i], len[i], i));

	/* Free in a shuffled order. */
	static unsigned order[STRESS_N];
	for (unsigned i = 0; i < STRESS_N; i++)
		order[i] = i;
	for (unsigned i = STRESS_N - 1; i > 0; i--) {
		unsigned j = rnd() % (i + 1), t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	for (unsigned k = 0; k < STRESS_N; k++) {
		unsigned i = order[k];
		assert_true(intact(ptr[i], len[i], i));
		kfree(ptr[i]);
		ptr[i] = NULL;
		if (k % 500 == 0)
			for (unsigned m = 0; m < STRESS_N; m++)
				if (ptr[m])
					assert_true(intact(ptr[m], len[m], m));
	}
	/* teardown: every slab and block has gone back to pmm */
}

static void test_every_size_class_returns_its_pages(void **state)
{
	(void)state;
	static void *p[600];
	for (size_t size = 16; size <= 8192; size *= 2) {
		uint64_t before = pmm_free_count();
		for (int i = 0; i < 600; i++)
			p[i] = kmalloc(size);
		assert_true(pmm_free_count() < before);
		for (int i = 0; i < 600; i++)
			kfree(p[i]);
		assert_int_equal(pmm_free_count(), before);
	}
}

static void test_exhaustion_returns_null(void **state)
{
	(void)state;
	assert_null(kmalloc(1ull << 40));     /* more than there is */
	assert_null(kmalloc(SIZE_MAX));       /* must not wrap around */
	assert_null(kmalloc(SIZE_MAX - 100)); /* ditto */

	/* Take small objects until the heap runs dry: NULL, not a crash. */
	static void *p[20000];
	unsigned n = 0;
	while ((p[n] = kmalloc(1024)) != NULL)
		assert_true(++n < 20000);
	assert_true(n > 1000);
	assert_null(kmalloc(1024));
	while (n > 0)
		kfree(p[--n]);
}

/* ---- debug poisoning and misuse ------------------------------------------ */

static void test_freed_object_is_poisoned(void **state)
{
	(void)state;
	unsigned char *keep = kmalloc(64); /* keeps the slab alive */
	unsigned char *p = kmalloc(64);
	memset(p, 0, 64);
	kfree(p);
	for (int i = 0; i < 64; i++)
		assert_int_equal(p[i], 0x6b);

	/* A big block's pages are poisoned too (by the page allocator). */
	unsigned char *big = kmalloc(2 * PAGE_SIZE);
	memset(big, 0, 2 * PAGE_SIZE);
	kfree(big);
	for (unsigned i = 0; i < 2 * PAGE_SIZE; i++)
		assert_int_equal(big[i], 0x6b);
	kfree(keep);
}

static void test_double_free_is_reported(void **state)
{
	(void)state;
	void *keep = kmalloc(32);
	void *p = kmalloc(32);
	kfree(p);
	unsigned long bugs = kernel_bug_count;
	kfree(p);
	assert_int_equal(kernel_bug_count, bugs + 1);
	assert_non_null(strstr(mm_fake_last_bug, "double free"));
	/* The heap is not corrupted: p comes back exactly once. */
	void *a = kmalloc(32), *b = kmalloc(32);
	assert_ptr_not_equal(a, b);
	kfree(a);
	kfree(b);

	void *big = kmalloc(5 * PAGE_SIZE);
	kfree(big);
	bugs = kernel_bug_count;
	kfree(big);
	assert_int_equal(kernel_bug_count, bugs + 1);
	kfree(keep);
	/* teardown checks the pages were not freed twice over */
}

static void test_bad_pointers_are_reported(void **state)
{
	(void)state;
	int on_stack;
	char *small = kmalloc(100); /* class 128 */
	char *big = kmalloc(3 * PAGE_SIZE);
	unsigned long bugs = kernel_bug_count;
	kfree(&on_stack);         /* not heap memory at all */
	kfree(small + 16);        /* inside an object */
	kfree(big + PAGE_SIZE);   /* second page of a big block */
	kfree(big + 64);          /* inside the first page */
	assert_int_equal(kernel_bug_count, bugs + 4);
	kfree(small);
	kfree(big);
	assert_int_equal(kernel_bug_count, bugs + 4);
}

static void test_write_after_free_is_reported(void **state)
{
	(void)state;
	char *keep = kmalloc(48); /* class 64, keeps the slab alive */
	char *p = kmalloc(48);
	kfree(p);
	p[10] = 1; /* a write through a dangling pointer */
	unsigned long bugs = kernel_bug_count;
	char *q = kmalloc(48);
	assert_ptr_equal(q, p); /* the lowest free slot comes back */
	assert_int_equal(kernel_bug_count, bugs + 1);
	assert_non_null(strstr(mm_fake_last_bug, "written after"));
	kfree(q);
	kfree(keep);
}

/* ---- several CPUs at once (host threads) --------------------------------- */

#define THREADS 4
#define ROUNDS 20000
#define HELD 64

static void *stress_thread(void *arg)
{
	uint32_t seed = (uint32_t)(uintptr_t)arg * 2654435761u;
	void *held[HELD] = {0};
	size_t len[HELD] = {0};
	uint32_t tag[HELD] = {0};
	uintptr_t errors = 0;
	for (uint32_t r = 0; r < ROUNDS; r++) {
		seed ^= seed << 13;
		seed ^= seed >> 17;
		seed ^= seed << 5;
		unsigned slot = seed % HELD;
		if (held[slot]) {
			errors += !intact(held[slot], len[slot], tag[slot]);
			kfree(held[slot]);
		}
		len[slot] = (seed >> 8) % 64 == 0 ? (seed >> 12) % 9000
		                                  : (seed >> 12) % 700;
		tag[slot] = seed;
		held[slot] = kmalloc(len[slot]);
		if (held[slot] == NULL) {
			errors++;
			continue;
		}
		fill(held[slot], len[slot], tag[slot]);
	}
	for (unsigned s = 0; s < HELD; s++) {
		if (held[s]) {
			errors += !intact(held[s], len[s], tag[s]);
			kfree(held[s]);
		}
	}
	return (void *)errors;
}

static void test_concurrent_kmalloc_kfree(void **state)
{
	(void)state;
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
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_kfree_null_is_noop),
		T(test_alignment_every_size),
		T(test_big_blocks_are_page_aligned_whole_pages),
		T(test_kzalloc_zeroes),
		T(test_random_sizes_no_overlap),
		T(test_every_size_class_returns_its_pages),
		T(test_exhaustion_returns_null),
		T(test_freed_object_is_poisoned),
		T(test_double_free_is_reported),
		T(test_bad_pointers_are_reported),
		T(test_write_after_free_is_reported),
		T(test_concurrent_kmalloc_kfree),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
