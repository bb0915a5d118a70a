/*
 * Inodes: allocation and reference counting (see vfs.h for who holds
 * references). The count is changed with atomic operations so that
 * dropping a reference (closing a file, exiting) needs no lock; whoever
 * drops the last one frees the inode, and nobody can find an inode whose
 * count is 0 because directory entries hold a reference of their own.
 */
#include <kernel/fs/vfs.h>

#include <kernel/arch.h>
#include <kernel/mm/heap.h>
#include <kernel/panic.h>

static uint64_t next_ino = 1;

uint64_t vfs_now_ns(void)
{
	return arch_clock_ns();
}

struct inode *inode_alloc(unsigned mode, uint32_t dev,
                          const struct inode_ops *iops,
                          const struct file_ops *fops)
{
	struct inode *i = kzalloc(sizeof *i);
	if (!i)
		return NULL;
	i->ino = __atomic_fetch_add(&next_ino, 1, __ATOMIC_RELAXED);
	i->mode = mode;
	i->refcount = 1;
	i->dev = dev;
	i->iops = iops;
	i->fops = fops;
	i->atime_ns = i->mtime_ns = i->ctime_ns = vfs_now_ns();
	return i;
}

struct inode *inode_get(struct inode *i)
{
	if (i)
		__atomic_fetch_add(&i->refcount, 1, __ATOMIC_RELAXED);
	return i;
}

void inode_put(struct inode *i)
{
	if (!i)
		return;
	int left = __atomic_sub_fetch(&i->refcount, 1, __ATOMIC_ACQ_REL);
	if (left > 0)
		return;
	if (left < 0) {
		kernel_bug("inode %llu: reference count below zero",
		           (unsigned long long)i->ino);
		return;
	}
	if (i->iops && i->iops->evict)
		i->iops->evict(i);
	kfree(i->name);
	kfree(i);
}

unsigned inode_dtype(const struct inode *i)
{
	switch (i->mode & S_IFMT) {
	case S_IFREG: return DT_REG;
	case S_IFDIR: return DT_DIR;
	case S_IFCHR: return DT_CHR;
	case S_IFIFO: return DT_FIFO;
	case S_IFLNK: return DT_LNK;
	default:      return DT_UNKNOWN;
	}
}
