/* pipe and pipe2: a new pipe as two descriptors, fds[0] to read, fds[1]
 * to write. */
#include <kernel/errno.h>
#include <kernel/fs/sys_common.h>
#include <kernel/ipc/pipe.h>
#include <kernel/syscall/syscall.h>
#include <kernel/uaccess.h>

static long do_pipe2(int *ufds, unsigned flags)
{
	struct files *t = current_files();
	struct file *rd, *wr;
	if (flags & ~(O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	if (!t)
		return -EBADF;
	int err = pipe_create(&rd, &wr, flags);
	if (err)
		return err;
	int fds[2];
	fds[0] = fd_install(t, rd, 0, flags & O_CLOEXEC);
	if (fds[0] < 0) {
		file_put(rd);
		file_put(wr);
		return fds[0];
	}
	fds[1] = fd_install(t, wr, 0, flags & O_CLOEXEC);
	if (fds[1] < 0) {
		fd_close(t, fds[0]);
		file_put(wr);
		return fds[1];
	}
	if (copy_to_user(ufds, fds, sizeof fds)) {
		/* Undo: the caller never learned the numbers. */
		fd_close(t, fds[0]);
		fd_close(t, fds[1]);
		return -EFAULT;
	}
	return 0;
}

static long sys_pipe(const struct syscall_args *a)
{
	return do_pipe2((int *)a->arg[0], 0);
}

static long sys_pipe2(const struct syscall_args *a)
{
	return do_pipe2((int *)a->arg[0], (unsigned)a->arg[1]);
}

SYSCALL(22, pipe, sys_pipe)
SYSCALL(293, pipe2, sys_pipe2)
