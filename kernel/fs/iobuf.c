/* User-or-kernel buffers (see iobuf.h). */
#include <kernel/fs/iobuf.h>

#include <kernel/lib/string.h>
#include <kernel/uaccess.h>

int iobuf_copy_out(struct iobuf buf, size_t off, const void *src, size_t n)
{
	if (buf.user)
		return copy_to_user(buf.ptr + off, src, n);
	memcpy(buf.ptr + off, src, n);
	return 0;
}

int iobuf_copy_in(void *dst, struct iobuf buf, size_t off, size_t n)
{
	if (buf.user)
		return copy_from_user(dst, buf.ptr + off, n);
	memcpy(dst, buf.ptr + off, n);
	return 0;
}

int iobuf_zero(struct iobuf buf, size_t off, size_t n)
{
	if (buf.user)
		return clear_user(buf.ptr + off, n);
	memset(buf.ptr + off, 0, n);
	return 0;
}
