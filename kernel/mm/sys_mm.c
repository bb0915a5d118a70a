/*
 * The memory system calls: brk, mmap, munmap, mprotect, madvise.
 * Anonymous mappings only (private or shared); file mappings return
 * -ENODEV (docs/syscalls.md).
 */
#include <kernel/arch.h>
#include <kernel/errno.h>
#include <kernel/mm/vm.h>
#include <kernel/proc/process.h>
#include <kernel/syscall/syscall.h>

#define PROT_MASK 7
#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_TYPE 0x0f
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_FIXED_NOREPLACE 0x100000
#define MAP_GROWSDOWN 0x100
#define MAP_DENYWRITE 0x800
#define MAP_NORESERVE 0x4000
#define MAP_POPULATE 0x8000
#define MAP_STACK 0x20000

static struct address_space *my_as(void) { return current_process()->as; }

static long sys_brk(const struct syscall_args *a)
{
	return (long)as_brk(my_as(), (uint64_t)a->arg[0]);
}
SYSCALL(12, brk, sys_brk)

static long sys_mmap(const struct syscall_args *a)
{
	uint64_t addr = (uint64_t)a->arg[0], len = (uint64_t)a->arg[1];
	unsigned prot = (unsigned)a->arg[2], flags = (unsigned)a->arg[3];
	unsigned type = flags & MAP_TYPE;

	if (prot & ~PROT_MASK)
		return -EINVAL;
	if (type != MAP_SHARED && type != MAP_PRIVATE)
		return -EINVAL;
	if (!(flags & MAP_ANONYMOUS))
		return -ENODEV; /* no file mappings yet */
	if (flags & MAP_FIXED_NOREPLACE)
		flags |= MAP_FIXED; /* close enough: we do not check for overlap */
	return as_mmap(my_as(), addr, len, prot, type == MAP_SHARED ? VMA_SHARED : 0,
	               flags & MAP_FIXED);
}
SYSCALL(9, mmap, sys_mmap)

static long sys_munmap(const struct syscall_args *a)
{
	return as_munmap(my_as(), (uint64_t)a->arg[0], (uint64_t)a->arg[1]);
}
SYSCALL(11, munmap, sys_munmap)

static long sys_mprotect(const struct syscall_args *a)
{
	if ((unsigned)a->arg[2] & ~PROT_MASK)
		return -EINVAL;
	return as_mprotect(my_as(), (uint64_t)a->arg[0], (uint64_t)a->arg[1], (unsigned)a->arg[2]);
}
SYSCALL(10, mprotect, sys_mprotect)

/*
 * madvise: advice may always be ignored, except MADV_DONTNEED, which
 * promises that private pages read as zero afterwards: those pages are
 * dropped (the next touch faults in a fresh zero page). Unknown advice is
 * -EINVAL, so programs can detect what the kernel lacks (the green-thread
 * library falls back from MADV_GUARD_INSTALL to mprotect this way).
 */
#define MADV_DONTNEED 4
static long sys_madvise(const struct syscall_args *a)
{
	uint64_t addr = (uint64_t)a->arg[0], len = (uint64_t)a->arg[1];
	int advice = (int)a->arg[2];
	if (addr & 0xfff)
		return -EINVAL;
	switch (advice) {
	case 0: case 1: case 2: case 3: case 8: case 9: case 10: case 11:
	case 12: case 13: case 14: case 15: case 16: case 17:
		return 0;
	case MADV_DONTNEED:
		return as_discard(my_as(), addr, len);
	default:
		return -EINVAL;
	}
}
SYSCALL(28, madvise, sys_madvise)
