/*
 * stack.c — stacks for green threads: mmap'ped, guarded, reused.
 *
 * Each stack sits just above one inaccessible guard page. A green thread
 * that recurses too deep touches the guard page and gets SIGSEGV at once,
 * instead of silently writing over whatever memory lies below its stack
 * (which is what a malloc'ed stack would allow).
 *
 * Making the guard page inaccessible has a cost in the kernel: with
 * mprotect() it becomes a separate memory area (VMA) next to each stack,
 * and Linux allows only vm.max_map_count (65530 by default) areas per
 * process — about 32,000 guarded stacks. Linux 6.13 added
 * madvise(MADV_GUARD_INSTALL), which marks pages as guards inside one
 * area, so 100,000 stacks fit. We try it first and fall back to mprotect
 * where it does not exist (older kernels, valgrind, Weft).
 *
 * mmap and munmap cost microseconds; a switch costs nanoseconds. So a
 * stack whose thread died is kept on a free list of its size and handed
 * to the next thread that needs one: creating a green thread then costs
 * no system call. Pages stay resident; nothing is ever given back.
 */
#include "green_internal.h"

#include <errno.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <unistd.h>

#ifdef GREEN_ASAN
#include <sanitizer/asan_interface.h>
#endif

#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102 /* Linux 6.13; libc headers may lack it */
#endif

/* A free stack keeps its list link in its own top bytes: that page was
 * touched while the stack was in use, so this costs no memory. */
struct free_stack {
	struct free_stack *next;
};

/* One free list per distinct size. Programs use one or two sizes; a size
 * beyond the table is simply unmapped on release. */
#define SIZE_CLASSES 8
static _Thread_local struct {
	size_t size;
	struct free_stack *head;
} classes[SIZE_CLASSES];

static atomic_int guard_install_works = 1; /* until the kernel says no */

static size_t page_size(void)
{
	static size_t ps;
	if (!ps)
		ps = (size_t)sysconf(_SC_PAGESIZE);
	return ps;
}

size_t green_stack_round(size_t size)
{
	size_t ps = page_size();
	if (size == 0)
		size = GREEN_STACK_DEFAULT;
	return (size + ps - 1) / ps * ps;
}

static int install_guard(void *page, size_t len)
{
	if (atomic_load_explicit(&guard_install_works, memory_order_relaxed)) {
		if (madvise(page, len, MADV_GUARD_INSTALL) == 0)
			return 0;
		atomic_store_explicit(&guard_install_works, 0, memory_order_relaxed);
	}
	return mprotect(page, len, PROT_NONE);
}

static struct free_stack **free_list_for(size_t size)
{
	for (int i = 0; i < SIZE_CLASSES; i++) {
		if (classes[i].size == size)
			return &classes[i].head;
		if (classes[i].size == 0) {
			classes[i].size = size;
			return &classes[i].head;
		}
	}
	return NULL;
}

static struct free_stack *top_of(char *base, size_t size)
{
	return (struct free_stack *)(base + size) - 1;
}

int green_stack_get(struct green_stack *s, size_t size)
{
	size = green_stack_round(size);
	struct free_stack **list = free_list_for(size);
	if (list && *list) {
		struct free_stack *f = *list;
		*list = f->next;
		s->base = (char *)(f + 1) - size;
		s->size = size;
		s->abandoned = false;
		return 0;
	}

	size_t guard = page_size();
	/* MAP_NORESERVE: a 64 KiB stack of which a thread touches 4 KiB must
	 * not count as 64 KiB against the commit limit. */
	char *p = mmap(NULL, guard + size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK,
		       -1, 0);
	if (p == MAP_FAILED)
		return -1;
	if (install_guard(p, guard) != 0) {
		int e = errno;
		munmap(p, guard + size);
		errno = e;
		return -1;
	}
	s->base = p + guard;
	s->size = size;
	s->abandoned = false;
	return 0;
}

void green_stack_put(struct green_stack *s)
{
	if (!s->base)
		return;
#ifdef GREEN_ASAN
	/* A killed thread abandons its frames without returning through
	 * them; their red zones would stay poisoned and trip the next user
	 * of this stack. (Only then: clearing the shadow of every stack
	 * would touch 8 KiB of it per 64 KiB stack.) */
	if (s->abandoned)
		__asan_unpoison_memory_region(s->base, s->size);
#endif
	struct free_stack **list = free_list_for(s->size);
	if (list) {
		struct free_stack *f = top_of(s->base, s->size);
		f->next = *list;
		*list = f;
	} else {
		munmap(s->base - page_size(), page_size() + s->size);
	}
	s->base = NULL;
}
