/*
 * Open files: struct file's life, and the checks every read, write, seek
 * and ioctl goes through before it reaches the file's own operation --
 * the access mode it was opened with, and what a missing operation means
 * (a directory cannot be read with read(), a pipe cannot seek, only a
 * terminal answers terminal ioctls).
 */
#include <kernel/fs/vfs.h>

#include <kernel/errno.h>
#include <kernel/mm/heap.h>
#include <kernel/panic.h>

struct file *file_alloc(struct inode *i, const struct file_ops *ops,
                        unsigned flags)
{
	struct file *f = kzalloc(sizeof *f);
	if (!f)
		return NULL;
	f->inode = inode_get(i);
	f->ops = ops;
	f->flags = flags;
	f->refcount = 1;
	return f;
}

struct file *file_get(struct file *f)
{
	if (f)
		__atomic_fetch_add(&f->refcount, 1, __ATOMIC_RELAXED);
	return f;
}

void file_put(struct file *f)
{
	if (!f)
		return;
	int left = __atomic_sub_fetch(&f->refcount, 1, __ATOMIC_ACQ_REL);
	if (left > 0)
		return;
	if (left < 0) {
		kernel_bug("struct file: reference count below zero");
		return;
	}
	if (f->ops && f->ops->release)
		f->ops->release(f);
	inode_put(f->inode);
	kfree(f);
}

static bool can_read(const struct file *f)
{
	return (f->flags & O_ACCMODE) != O_WRONLY;
}

static bool can_write(const struct file *f)
{
	unsigned acc = f->flags & O_ACCMODE;
	return acc == O_WRONLY || acc == O_RDWR;
}

long file_read(struct file *f, struct iobuf buf, size_t n, uint64_t *pos)
{
	if (!can_read(f))
		return -EBADF;
	if (!f->ops || !f->ops->read)
		return S_ISDIR(f->inode->mode) ? -EISDIR : -EINVAL;
	return f->ops->read(f, buf, n, pos ? pos : &f->pos);
}

long file_write(struct file *f, struct iobuf buf, size_t n, uint64_t *pos)
{
	if (!can_write(f))
		return -EBADF;
	if (!f->ops || !f->ops->write)
		return -EINVAL;
	return f->ops->write(f, buf, n, pos ? pos : &f->pos);
}

long file_lseek(struct file *f, int64_t off, int whence)
{
	if (!f->ops || !f->ops->lseek)
		return -ESPIPE;
	return f->ops->lseek(f, off, whence);
}

long file_ioctl(struct file *f, unsigned long cmd, unsigned long arg)
{
	if (!f->ops || !f->ops->ioctl)
		return -ENOTTY;     /* musl's isatty() relies on this answer */
	return f->ops->ioctl(f, cmd, arg);
}

int file_getdents(struct file *f, struct dir_ctx *ctx)
{
	if (!f->ops || !f->ops->getdents)
		return -ENOTDIR;
	return f->ops->getdents(f, ctx);
}

long vfs_read(struct file *f, void *kbuf, size_t n)
{
	return file_read(f, iobuf_kernel(kbuf), n, NULL);
}

long vfs_write(struct file *f, const void *kbuf, size_t n)
{
	return file_write(f, iobuf_kernel((void *)kbuf), n, NULL);
}

long vfs_generic_lseek(struct file *f, int64_t off, int whence, uint64_t end)
{
	int64_t base;
	switch (whence) {
	case SEEK_SET: base = 0; break;
	case SEEK_CUR: base = (int64_t)f->pos; break;
	case SEEK_END: base = (int64_t)end; break;
	default: return -EINVAL;
	}
	if ((off > 0 && base > INT64_MAX - off) )
		return -EOVERFLOW;
	int64_t pos = base + off;
	if (pos < 0)
		return -EINVAL;
	f->pos = (uint64_t)pos;
	return pos;
}
