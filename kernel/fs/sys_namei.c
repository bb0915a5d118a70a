/*
 * mkdir, mkdirat, rmdir, unlink, unlinkat, rename, renameat, renameat2,
 * getcwd, chdir, fchdir: changing names, and the working directory.
 */
#include <kernel/errno.h>
#include <kernel/fs/sys_common.h>
#include <kernel/mm/heap.h>
#include <kernel/proc/process.h>
#include <kernel/syscall/syscall.h>
#include <kernel/uaccess.h>

static long do_mkdirat(int dirfd, const char *upath, unsigned mode)
{
	char *path;
	struct inode *at;
	int err = user_at_path(dirfd, upath, false, &path, &at);
	if (err)
		return err;
	err = vfs_mkdir(at, path, mode);
	path_done(path, at);
	return err;
}

static long sys_mkdir(const struct syscall_args *a)
{
	return do_mkdirat(AT_FDCWD, (const char *)a->arg[0], (unsigned)a->arg[1]);
}

static long sys_mkdirat(const struct syscall_args *a)
{
	return do_mkdirat((int)a->arg[0], (const char *)a->arg[1],
	                  (unsigned)a->arg[2]);
}

static long do_unlinkat(int dirfd, const char *upath, int flags)
{
	if (flags & ~AT_REMOVEDIR)
		return -EINVAL;
	char *path;
	struct inode *at;
	int err = user_at_path(dirfd, upath, false, &path, &at);
	if (err)
		return err;
	err = vfs_unlink(at, path, flags & AT_REMOVEDIR);
	path_done(path, at);
	return err;
}

static long sys_unlink(const struct syscall_args *a)
{
	return do_unlinkat(AT_FDCWD, (const char *)a->arg[0], 0);
}

static long sys_rmdir(const struct syscall_args *a)
{
	return do_unlinkat(AT_FDCWD, (const char *)a->arg[0], AT_REMOVEDIR);
}

static long sys_unlinkat(const struct syscall_args *a)
{
	return do_unlinkat((int)a->arg[0], (const char *)a->arg[1],
	                   (int)a->arg[2]);
}

static long do_renameat2(int odirfd, const char *uold, int ndirfd,
                         const char *unew, unsigned flags)
{
	if (flags)
		return -EINVAL;         /* RENAME_NOREPLACE etc. are not supported */
	char *opath, *npath;
	struct inode *oat, *nat;
	int err = user_at_path(odirfd, uold, false, &opath, &oat);
	if (err)
		return err;
	err = user_at_path(ndirfd, unew, false, &npath, &nat);
	if (err) {
		path_done(opath, oat);
		return err;
	}
	err = vfs_rename(oat, opath, nat, npath);
	path_done(opath, oat);
	path_done(npath, nat);
	return err;
}

static long sys_rename(const struct syscall_args *a)
{
	return do_renameat2(AT_FDCWD, (const char *)a->arg[0], AT_FDCWD,
	                    (const char *)a->arg[1], 0);
}

static long sys_renameat(const struct syscall_args *a)
{
	return do_renameat2((int)a->arg[0], (const char *)a->arg[1],
	                    (int)a->arg[2], (const char *)a->arg[3], 0);
}

static long sys_renameat2(const struct syscall_args *a)
{
	return do_renameat2((int)a->arg[0], (const char *)a->arg[1],
	                    (int)a->arg[2], (const char *)a->arg[3],
	                    (unsigned)a->arg[4]);
}

/* Linux's getcwd returns the length including the NUL. */
static long sys_getcwd(const struct syscall_args *a)
{
	size_t size = (size_t)a->arg[1];
	struct process *p = current_process();
	if (!p)
		return -ENOENT;
	char *kbuf = kmalloc(PATH_MAX);
	if (!kbuf)
		return -ENOMEM;
	mutex_lock(&fs_lock);
	struct inode *cwd = inode_get(vfs_cwd_locked());
	mutex_unlock(&fs_lock);
	int n = vfs_getcwd(cwd, kbuf, size < PATH_MAX ? size : PATH_MAX);
	inode_put(cwd);
	long r = n;
	if (n >= 0)
		r = copy_to_user((void *)a->arg[0], kbuf, (size_t)n + 1)
			? -EFAULT : n + 1;
	kfree(kbuf);
	return r;
}

/* Make dir (referenced; consumed) the caller's working directory. */
static long set_cwd(struct inode *dir)
{
	struct process *p = current_process();
	if (!S_ISDIR(dir->mode) || !p) {
		inode_put(dir);
		return -ENOTDIR;
	}
	mutex_lock(&fs_lock);
	struct inode *old = p->cwd;
	p->cwd = dir;
	mutex_unlock(&fs_lock);
	inode_put(old);
	return 0;
}

static long sys_chdir(const struct syscall_args *a)
{
	char *path;
	struct inode *i;
	int err = user_path((const char *)a->arg[0], &path, false);
	if (err)
		return err;
	err = vfs_resolve(NULL, path, LOOKUP_FOLLOW, &i);
	kfree(path);
	return err ? err : set_cwd(i);
}

static long sys_fchdir(const struct syscall_args *a)
{
	struct file *f = current_fd((int)a->arg[0]);
	if (!f)
		return -EBADF;
	struct inode *i = inode_get(f->inode);
	file_put(f);
	return set_cwd(i);
}

SYSCALL(79, getcwd, sys_getcwd)
SYSCALL(80, chdir, sys_chdir)
SYSCALL(81, fchdir, sys_fchdir)
SYSCALL(82, rename, sys_rename)
SYSCALL(83, mkdir, sys_mkdir)
SYSCALL(84, rmdir, sys_rmdir)
SYSCALL(87, unlink, sys_unlink)
SYSCALL(258, mkdirat, sys_mkdirat)
SYSCALL(263, unlinkat, sys_unlinkat)
SYSCALL(264, renameat, sys_renameat)
SYSCALL(316, renameat2, sys_renameat2)
