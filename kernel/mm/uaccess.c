/*
 * Copying to and from user memory without ever faulting in the kernel.
 *
 * Instead of letting the CPU fault on a bad pointer and recovering (the
 * exception-table trick Linux uses), we ask the address space first: each
 * page of the range must lie in an area with the right permissions; it is
 * then made present (and private, for a write) exactly as a user access
 * would, and copied through the direct map. The address-space lock is
 * held meanwhile, so no page can vanish under the copy.
 */
#include <kernel/arch.h>
#include <kernel/errno.h>
#include <kernel/lib/string.h>
#include <kernel/mm/pmm.h>
#include <kernel/mm/vm.h>
#include <kernel/proc/process.h>
#include <kernel/uaccess.h>

int user_range_ok(const void *p, size_t n)
{
	uint64_t a = (uint64_t)p;
	return a < ARCH_USER_TOP && n <= ARCH_USER_TOP - a;
}

/* Walk [uaddr, uaddr+n) page by page, calling fn on each piece with its
 * kernel (direct map) address. */
static int user_walk(uint64_t uaddr, size_t n, bool write,
                     int (*fn)(void *kaddr, size_t len, void *arg), void *arg)
{
	struct process *p = current_process();
	if (!p || !p->as || !user_range_ok((void *)uaddr, n))
		return -EFAULT;
	struct address_space *as = p->as;
	int r = 0;
	mutex_lock(&as->lock);
	while (n) {
		uint64_t pa;
		size_t off = uaddr & (PAGE_SIZE - 1), chunk = PAGE_SIZE - off;
		if (chunk > n)
			chunk = n;
		if (as_page_locked(as, uaddr, write, false, &pa)) {
			r = -EFAULT;
			break;
		}
		r = fn((char *)arch_phys_to_virt(pa) + off, chunk, arg);
		if (r)
			break;
		uaddr += chunk, n -= chunk;
	}
	mutex_unlock(&as->lock);
	return r < 0 ? r : 0;
}

struct cursor {
	char *k;
};

static int do_from(void *kaddr, size_t len, void *arg)
{
	struct cursor *c = arg;
	memcpy(c->k, kaddr, len);
	c->k += len;
	return 0;
}

static int do_to(void *kaddr, size_t len, void *arg)
{
	struct cursor *c = arg;
	memcpy(kaddr, c->k, len);
	c->k += len;
	return 0;
}

static int do_zero(void *kaddr, size_t len, void *arg)
{
	(void)arg;
	memset(kaddr, 0, len);
	return 0;
}

int copy_from_user(void *dst, const void *usrc, size_t n)
{
	struct cursor c = { dst };
	return n ? user_walk((uint64_t)usrc, n, false, do_from, &c) : 0;
}

int copy_to_user(void *udst, const void *src, size_t n)
{
	struct cursor c = { (char *)src };
	return n ? user_walk((uint64_t)udst, n, true, do_to, &c) : 0;
}

int clear_user(void *udst, size_t n)
{
	return n ? user_walk((uint64_t)udst, n, true, do_zero, NULL) : 0;
}

struct strcopy {
	char *dst;
	size_t left; /* room in dst */
	bool done;
};

static int do_str(void *kaddr, size_t len, void *arg)
{
	struct strcopy *s = arg;
	const char *k = kaddr;
	for (size_t i = 0; i < len; i++) {
		if (!s->left)
			return 1; /* stop: too long */
		*s->dst++ = k[i];
		s->left--;
		if (!k[i]) {
			s->done = true;
			return 1; /* stop: found the NUL */
		}
	}
	return 0;
}

long strncpy_from_user(char *dst, const char *usrc, size_t max)
{
	struct strcopy s = { dst, max, false };
	uint64_t u = (uint64_t)usrc;
	/* Page by page, so a string that ends just before an unmapped page is
	 * fine: never ask for more than the rest of the current page. */
	while (!s.done && s.left) {
		size_t chunk = PAGE_SIZE - (u & (PAGE_SIZE - 1));
		if (chunk > s.left)
			chunk = s.left;
		int r = user_walk(u, chunk, false, do_str, &s);
		if (r < 0)
			return r;
		u += chunk;
	}
	if (!s.done)
		return -ENAMETOOLONG;
	return (long)(max - s.left - 1);
}
