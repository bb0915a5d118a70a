/*
 * Host fake of the kernel heap: the C library's allocator (so
 * AddressSanitizer watches every block), page aligned from a page up as
 * the kernel's is, with a count of live blocks for leak checks.
 */
#include <kernel/mm/heap.h>

#include <stdlib.h>
#include <string.h>

#include "fake.h"

static long live;

void *kmalloc(size_t size)
{
	void *p;
	if (size >= 4096)
		p = aligned_alloc(4096, (size + 4095) & ~(size_t)4095);
	else
		p = malloc(size ? size : 1);
	if (p)
		live++;
	return p;
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
	if (!p)
		return;
	live--;
	free(p);
}

long fake_heap_live(void)
{
	return live;
}
