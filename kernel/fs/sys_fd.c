/*
 * open, openat, creat, close, dup, dup2, dup3, fcntl, ioctl: making,
 * copying and closing descriptors.
 */
#include <kernel/errno.h>
#include <kernel/fs/sys_common.h>
#include <kernel/syscall/syscall.h>

#define F_DUPFD 0
#define F_GETFD 1
#define F_SETFD 2
#define F_GETFL 3
#define F_SETFL 4
#define F_DUPFD_CLOEXEC 1030

static long do_open(int dirfd, const char *upath, unsigned flags, unsigned mode)
{
	char *path;
	struct inode *at;
	struct file *f;
	struct files *t = current_files();
	if (!t)
		return -EBADF;
	int err = user_at_path(dirfd, upath, false, &path, &at);
	if (err)
		return err;
	err = vfs_open(at, path, flags, mode, &f);
	path_done(path, at);
	if (err)
		return err;
	int fd = fd_install(t, f, 0, flags & O_CLOEXEC);
	if (fd < 0) {
		file_put(f);
		return fd;
	}
	/* LEAD: O_NOCTTY is ignored: the console is everyone's controlling
	 * tty already (see tty_console_init). */
	return fd;
}

static long sys_open(const struct syscall_args *a)
{
	return do_open(AT_FDCWD, (const char *)a->arg[0], (unsigned)a->arg[1],
	               (unsigned)a->arg[2]);
}

static long sys_openat(const struct syscall_args *a)
{
	return do_open((int)a->arg[0], (const char *)a->arg[1],
	               (unsigned)a->arg[2], (unsigned)a->arg[3]);
}

static long sys_creat(const struct syscall_args *a)
{
	return do_open(AT_FDCWD, (const char *)a->arg[0],
	               O_CREAT | O_WRONLY | O_TRUNC, (unsigned)a->arg[1]);
}

static long sys_close(const struct syscall_args *a)
{
	return fd_close(current_files(), (int)a->arg[0]);
}

static long dup_from(int oldfd, int min, bool cloexec)
{
	struct file *f = current_fd(oldfd);
	if (!f)
		return -EBADF;
	int fd = fd_install(current_files(), f, min, cloexec);
	if (fd < 0)
		file_put(f);
	return fd;
}

static long sys_dup(const struct syscall_args *a)
{
	return dup_from((int)a->arg[0], 0, false);
}

static long sys_dup2(const struct syscall_args *a)
{
	int oldfd = (int)a->arg[0], newfd = (int)a->arg[1];
	if (oldfd == newfd) {
		/* Nothing to do, but oldfd must be open. */
		struct file *f = current_fd(oldfd);
		if (!f)
			return -EBADF;
		file_put(f);
		return newfd;
	}
	return fd_dup_to(current_files(), oldfd, newfd, false);
}

static long sys_dup3(const struct syscall_args *a)
{
	int oldfd = (int)a->arg[0], newfd = (int)a->arg[1];
	unsigned flags = (unsigned)a->arg[2];
	if (oldfd == newfd || (flags & ~O_CLOEXEC))
		return -EINVAL;
	return fd_dup_to(current_files(), oldfd, newfd, flags & O_CLOEXEC);
}

static long sys_fcntl(const struct syscall_args *a)
{
	int fd = (int)a->arg[0], cmd = (int)a->arg[1];
	long arg = a->arg[2];
	struct files *t = current_files();

	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if (arg < 0 || arg >= FILES_MAX)
			return -EINVAL;
		return dup_from(fd, (int)arg, cmd == F_DUPFD_CLOEXEC);
	case F_GETFD:
		return fd_get_cloexec(t, fd);
	case F_SETFD:
		return fd_set_cloexec(t, fd, arg & FD_CLOEXEC);
	case F_GETFL:
	case F_SETFL: {
		struct file *f = current_fd(fd);
		if (!f)
			return -EBADF;
		long r = 0;
		if (cmd == F_GETFL)
			r = f->flags;
		else
			__atomic_store_n(&f->flags, (f->flags & ~O_SETFL_MASK) |
			                 ((unsigned)arg & O_SETFL_MASK), __ATOMIC_RELAXED);
		file_put(f);
		return r;
	}
	default:
		return -EINVAL;
	}
}

static long sys_ioctl(const struct syscall_args *a)
{
	struct file *f = current_fd((int)a->arg[0]);
	if (!f)
		return -EBADF;
	long r = file_ioctl(f, (unsigned long)a->arg[1], (unsigned long)a->arg[2]);
	file_put(f);
	return r;
}

SYSCALL(2, open, sys_open)
SYSCALL(3, close, sys_close)
SYSCALL(16, ioctl, sys_ioctl)
SYSCALL(32, dup, sys_dup)
SYSCALL(33, dup2, sys_dup2)
SYSCALL(72, fcntl, sys_fcntl)
SYSCALL(85, creat, sys_creat)
SYSCALL(257, openat, sys_openat)
SYSCALL(292, dup3, sys_dup3)
