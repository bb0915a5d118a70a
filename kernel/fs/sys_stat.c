/*
 * stat, fstat, lstat, newfstatat, getdents64, readlink(at), access,
 * faccessat: what a program can learn about files without opening them
 * for data.
 */
#include <kernel/errno.h>
#include <kernel/fs/sys_common.h>
#include <kernel/lib/string.h>
#include <kernel/mm/heap.h>
#include <kernel/mm/pmm.h>
#include <kernel/proc/process.h>
#include <kernel/syscall/syscall.h>
#include <kernel/uaccess.h>

/* struct stat as the Linux x86-64 ABI lays it out. */
struct linux_stat {
	uint64_t st_dev;
	uint64_t st_ino;
	uint64_t st_nlink;
	uint32_t st_mode;
	uint32_t st_uid;
	uint32_t st_gid;
	uint32_t pad0;
	uint64_t st_rdev;
	int64_t st_size;
	int64_t st_blksize;
	int64_t st_blocks;          /* 512-byte units */
	uint64_t st_atime_sec, st_atime_nsec;
	uint64_t st_mtime_sec, st_mtime_nsec;
	uint64_t st_ctime_sec, st_ctime_nsec;
	int64_t unused[3];
};
_Static_assert(sizeof(struct linux_stat) == 144, "Linux's struct stat");

/* One getdents64 record; d_name follows, NUL-terminated, and the record
 * is padded to a multiple of 8 bytes. */
struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	uint16_t d_reclen;
	uint8_t d_type;
	char d_name[];
} __attribute__((packed));

static int stat_to_user(struct inode *i, void *ubuf)
{
	struct linux_stat st;
	memset(&st, 0, sizeof st);
	st.st_dev = i->dev;
	st.st_ino = i->ino;
	st.st_nlink = i->nlink;
	st.st_mode = i->mode;
	st.st_rdev = i->rdev;
	st.st_size = (int64_t)i->size;
	st.st_blksize = PAGE_SIZE;
	st.st_blocks = S_ISREG(i->mode)
		? (int64_t)((i->size + PAGE_SIZE - 1) / PAGE_SIZE * (PAGE_SIZE / 512))
		: 0;
	/* Times count from boot: Weft has no real-time clock yet. */
	st.st_atime_sec = i->atime_ns / 1000000000ull;
	st.st_atime_nsec = i->atime_ns % 1000000000ull;
	st.st_mtime_sec = i->mtime_ns / 1000000000ull;
	st.st_mtime_nsec = i->mtime_ns % 1000000000ull;
	st.st_ctime_sec = i->ctime_ns / 1000000000ull;
	st.st_ctime_nsec = i->ctime_ns % 1000000000ull;
	return copy_to_user(ubuf, &st, sizeof st) ? -EFAULT : 0;
}

static long do_fstatat(int dirfd, const char *upath, void *ubuf, int flags)
{
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	char *path;
	struct inode *at, *i;
	int err = user_at_path(dirfd, upath, flags & AT_EMPTY_PATH, &path, &at);
	if (err)
		return err;
	if (!path[0]) {
		/* AT_EMPTY_PATH: the file dirfd refers to. */
		if (at) {
			i = inode_get(at);
		} else {
			mutex_lock(&fs_lock);
			i = inode_get(vfs_cwd_locked());
			mutex_unlock(&fs_lock);
		}
	} else {
		err = vfs_resolve(at, path,
		                  (flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW, &i);
	}
	path_done(path, at);
	if (err)
		return err;
	err = stat_to_user(i, ubuf);
	inode_put(i);
	return err;
}

static long sys_stat(const struct syscall_args *a)
{
	return do_fstatat(AT_FDCWD, (const char *)a->arg[0], (void *)a->arg[1], 0);
}

static long sys_lstat(const struct syscall_args *a)
{
	return do_fstatat(AT_FDCWD, (const char *)a->arg[0], (void *)a->arg[1],
	                  AT_SYMLINK_NOFOLLOW);
}

static long sys_newfstatat(const struct syscall_args *a)
{
	return do_fstatat((int)a->arg[0], (const char *)a->arg[1],
	                  (void *)a->arg[2], (int)a->arg[3]);
}

static long sys_fstat(const struct syscall_args *a)
{
	struct file *f = current_fd((int)a->arg[0]);
	if (!f)
		return -EBADF;
	int err = stat_to_user(f->inode, (void *)a->arg[1]);
	file_put(f);
	return err;
}

/* ---- getdents64 ---------------------------------------------------------- */

struct dirent_fill {
	struct dir_ctx ctx;
	char *buf;
	size_t used, size;
	bool full;                  /* an entry did not fit */
};

static bool fill_one(struct dir_ctx *ctx, const char *name, size_t len,
                     uint64_t ino, unsigned dtype, uint64_t next_pos)
{
	struct dirent_fill *df = (struct dirent_fill *)ctx;
	size_t reclen = (sizeof(struct linux_dirent64) + len + 1 + 7) & ~(size_t)7;
	if (df->used + reclen > df->size) {
		df->full = true;
		return false;
	}
	struct linux_dirent64 *d = (void *)(df->buf + df->used);
	memset(d, 0, reclen);
	d->d_ino = ino;
	d->d_off = (int64_t)next_pos;
	d->d_reclen = (uint16_t)reclen;
	d->d_type = (uint8_t)dtype;
	memcpy(d->d_name, name, len);
	df->used += reclen;
	return true;
}

static long sys_getdents64(const struct syscall_args *a)
{
	size_t count = (size_t)a->arg[2];
	struct file *f = current_fd((int)a->arg[0]);
	if (!f)
		return -EBADF;
	struct dirent_fill df = { { fill_one }, NULL, 0,
	                          count < 32768 ? count : 32768, false };
	long r = -ENOMEM;
	df.buf = kmalloc(df.size ? df.size : 1);
	if (df.buf) {
		r = file_getdents(f, &df.ctx);
		if (r == 0 && df.used == 0 && df.full)
			r = -EINVAL;        /* the buffer cannot hold one entry */
		if (r == 0)
			r = copy_to_user((void *)a->arg[1], df.buf, df.used)
				? -EFAULT : (long)df.used;
		kfree(df.buf);
	}
	file_put(f);
	return r;
}

/* ---- readlink, access ---------------------------------------------------------- */

static long do_readlinkat(int dirfd, const char *upath, char *ubuf, long size)
{
	if (size <= 0)
		return -EINVAL;
	char *path, *kbuf;
	struct inode *at;
	int err = user_at_path(dirfd, upath, false, &path, &at);
	if (err)
		return err;
	kbuf = kmalloc(PATH_MAX);
	if (!kbuf) {
		path_done(path, at);
		return -ENOMEM;
	}
	err = vfs_readlink(at, path, kbuf, PATH_MAX);
	path_done(path, at);
	if (err >= 0) {
		/* readlink does not NUL-terminate, and truncates silently. */
		size_t n = (size_t)err < (size_t)size ? (size_t)err : (size_t)size;
		err = copy_to_user(ubuf, kbuf, n) ? -EFAULT : (int)n;
	}
	kfree(kbuf);
	return err;
}

static long sys_readlink(const struct syscall_args *a)
{
	return do_readlinkat(AT_FDCWD, (const char *)a->arg[0], (char *)a->arg[1],
	                     a->arg[2]);
}

static long sys_readlinkat(const struct syscall_args *a)
{
	return do_readlinkat((int)a->arg[0], (const char *)a->arg[1],
	                     (char *)a->arg[2], a->arg[3]);
}

#define X_OK 1

/* Weft's only user is root: existence is enough, except that executing
 * needs an x bit somewhere (as for root on Linux). */
static long do_faccessat(int dirfd, const char *upath, int mode)
{
	if (mode & ~7)
		return -EINVAL;
	char *path;
	struct inode *at, *i;
	int err = user_at_path(dirfd, upath, false, &path, &at);
	if (err)
		return err;
	err = vfs_resolve(at, path, LOOKUP_FOLLOW, &i);
	path_done(path, at);
	if (err)
		return err;
	if ((mode & X_OK) && !S_ISDIR(i->mode) && !(i->mode & 0111))
		err = -EACCES;
	inode_put(i);
	return err;
}

static long sys_access(const struct syscall_args *a)
{
	return do_faccessat(AT_FDCWD, (const char *)a->arg[0], (int)a->arg[1]);
}

static long sys_faccessat(const struct syscall_args *a)
{
	return do_faccessat((int)a->arg[0], (const char *)a->arg[1],
	                    (int)a->arg[2]);
}

SYSCALL(4, stat, sys_stat)
SYSCALL(5, fstat, sys_fstat)
SYSCALL(6, lstat, sys_lstat)
SYSCALL(21, access, sys_access)
SYSCALL(89, readlink, sys_readlink)
SYSCALL(217, getdents64, sys_getdents64)
SYSCALL(262, newfstatat, sys_newfstatat)
SYSCALL(267, readlinkat, sys_readlinkat)
SYSCALL(269, faccessat, sys_faccessat)
