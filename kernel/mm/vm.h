/*
 * Address spaces: what a process may touch, and the page tables that say
 * where it really is.
 *
 * An address space is a set of areas (vm_area: start, end, permissions,
 * private or shared) in a red-black tree ordered by start address, plus
 * the arch's page tables. A tree, not a list, because programs with
 * 100,000 green-thread stacks have 200,000 areas (a stack and its guard
 * page each), and every fault looks one up. Pages are
 * filled on demand: mmap and exec only record areas; the first touch
 * faults, and as_fault() puts a zeroed (or copied) page there.
 *
 * fork shares every page instead of copying it (as_fork): private pages
 * become read-only in both processes with one more reference each; the
 * first write to one faults, and as_fault() gives the writer its own copy
 * ("copy on write"). Shared areas (MAP_SHARED) stay shared: their pages
 * live in a shm_object that both processes' areas point at.
 */
#ifndef WEFT_MM_VM_H
#define WEFT_MM_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kernel/arch.h>
#include <kernel/sched/rbtree.h>
#include <kernel/sync/mutex.h>

#define VMA_SHARED 1u   /* MAP_SHARED: writes are seen by every sharer */
#define VMA_HEAP   2u   /* the brk area */
#define VMA_STACK  4u   /* the main thread's stack */

/* User address layout. */
#define USER_STACK_SIZE (8ull << 20)
#define USER_STACK_TOP  ARCH_USER_TOP
#define USER_MMAP_BASE  0x0000100000000000ull /* mmap searches upward from here */

struct shm_object {
	unsigned refs;      /* areas pointing at it */
	uint64_t npages;
	uint64_t pages[];   /* physical pages, 0 until first touched */
};

struct vm_area {
	uint64_t start, end;    /* page aligned, [start, end) */
	unsigned prot;          /* ARCH_PROT_* */
	unsigned flags;         /* VMA_* */
	struct shm_object *shm; /* VMA_SHARED: the pages; page i of the area is
	                           shm->pages[shm_first + i] */
	uint64_t shm_first;
	struct rb_node node;    /* in address_space.areas, keyed by start */
};

struct address_space {
	uint64_t root;          /* arch page tables */
	struct rb_tree areas;
	uint64_t mmap_hint;     /* where the last mmap ended: the next one
	                           looks there first */
	struct mutex lock;      /* areas and page tables */
	uint64_t brk_start, brk;
};

struct address_space *as_create(void);
/* A copy-on-write duplicate (fork); NULL when out of memory. */
struct address_space *as_fork(struct address_space *parent);
/* Unmap and free everything. The caller must not be running on as. */
void as_destroy(struct address_space *as);

/* mmap: fixed at addr (replacing what was there), or anywhere when
 * !fixed (addr is a hint). Returns the address or -errno. */
long as_mmap(struct address_space *as, uint64_t addr, uint64_t len,
             unsigned prot, unsigned flags, bool fixed);
int as_munmap(struct address_space *as, uint64_t addr, uint64_t len);
int as_mprotect(struct address_space *as, uint64_t addr, uint64_t len, unsigned prot);
/* MADV_DONTNEED: drop the private pages of the range (they read as zero
 * again); shared pages stay. */
int as_discard(struct address_space *as, uint64_t addr, uint64_t len);
/* brk: move the end of the heap; returns the (new or unchanged) break. */
uint64_t as_brk(struct address_space *as, uint64_t new_brk);

/* Resolve a fault at va: 0, or -EFAULT when the access is not allowed. */
int as_fault(struct address_space *as, uint64_t va, bool write, bool exec);

/*
 * For the kernel's own access to user memory (uaccess.c, exec): make the
 * page holding va present (writable for write) and return its physical
 * address, or -EFAULT. force ignores the area's permissions (exec writes
 * into read-only text it is loading). Call with as->lock held.
 */
int as_page_locked(struct address_space *as, uint64_t va, bool write, bool force,
                   uint64_t *pa);

/* Copy into user memory of an address space that may not be the active one
 * (exec builds the new image this way). */
int as_copy_to(struct address_space *as, uint64_t va, const void *src, size_t n, bool force);

/* Is va in a MAP_SHARED area? (futex keys) as->lock held. */
bool as_area_is_shared_locked(struct address_space *as, uint64_t va);

/* Pages mapped, for /proc (resident set). */
uint64_t as_resident_pages(struct address_space *as);

#endif
