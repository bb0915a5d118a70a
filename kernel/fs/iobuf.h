/*
 * A buffer that is either in user space or in the kernel.
 *
 * File operations copy data to or from "the caller's buffer". For a
 * system call that buffer is a user pointer and must go through
 * copy_to_user/copy_from_user (a bad pointer is -EFAULT, never a kernel
 * fault); for the kernel's own callers (the ELF loader reading a file,
 * the initramfs, the in-kernel tests) it is plain kernel memory. Passing
 * this small descriptor instead of a bare pointer lets one read/write op
 * serve both -- the idea behind Linux's iov_iter, without the iovecs.
 */
#ifndef WEFT_FS_IOBUF_H
#define WEFT_FS_IOBUF_H

#include <stdbool.h>
#include <stddef.h>

struct iobuf {
	char *ptr;
	bool user;
};

static inline struct iobuf iobuf_user(void *p)
{
	return (struct iobuf){ (char *)p, true };
}

static inline struct iobuf iobuf_kernel(void *p)
{
	return (struct iobuf){ (char *)p, false };
}

/* Copy n bytes from src to buf + off: 0 or -EFAULT. */
int iobuf_copy_out(struct iobuf buf, size_t off, const void *src, size_t n);
/* Copy n bytes from buf + off to dst: 0 or -EFAULT. */
int iobuf_copy_in(void *dst, struct iobuf buf, size_t off, size_t n);
/* Zero n bytes at buf + off (reading a hole in a sparse file). */
int iobuf_zero(struct iobuf buf, size_t off, size_t n);

#endif
