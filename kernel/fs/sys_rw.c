/*
 * read, write, pread64, pwrite64, readv, writev, lseek: moving bytes
 * through a descriptor. The struct file does the work (file.c); here
 * the user's buffers and the rules of each call are checked.
 */
#include <kernel/errno.h>
#include <kernel/fs/sys_common.h>
#include <kernel/mm/heap.h>
#include <kernel/syscall/syscall.h>
#include <kernel/uaccess.h>

#define UIO_MAXIOV 1024
#define SSIZE_MAX  0x7fffffffffffffffL

struct iovec_k {
	void *base;
	uint64_t len;
};

static long do_rw(int fd, void *ubuf, size_t n, uint64_t *pos, bool write)
{
	if ((long)n < 0)
		return -EINVAL;
	struct file *f = current_fd(fd);
	if (!f)
		return -EBADF;
	long r;
	if (pos && (!f->ops || !f->ops->lseek))
		r = -ESPIPE;            /* pread on a pipe or tty */
	else if (write)
		r = file_write(f, iobuf_user(ubuf), n, pos);
	else
		r = file_read(f, iobuf_user(ubuf), n, pos);
	file_put(f);
	return r;
}

static long sys_read(const struct syscall_args *a)
{
	return do_rw((int)a->arg[0], (void *)a->arg[1], (size_t)a->arg[2], NULL,
	             false);
}

static long sys_write(const struct syscall_args *a)
{
	return do_rw((int)a->arg[0], (void *)a->arg[1], (size_t)a->arg[2], NULL,
	             true);
}

static long sys_pread64(const struct syscall_args *a)
{
	if (a->arg[3] < 0)
		return -EINVAL;
	uint64_t pos = (uint64_t)a->arg[3];
	return do_rw((int)a->arg[0], (void *)a->arg[1], (size_t)a->arg[2], &pos,
	             false);
}

static long sys_pwrite64(const struct syscall_args *a)
{
	if (a->arg[3] < 0)
		return -EINVAL;
	uint64_t pos = (uint64_t)a->arg[3];
	return do_rw((int)a->arg[0], (void *)a->arg[1], (size_t)a->arg[2], &pos,
	             true);
}

/*
 * A small writev is one write: the pieces are gathered into one kernel
 * buffer first. Otherwise a pipe or the console could take another
 * writer's bytes between two pieces -- and musl's printf writes a line as
 * a two-piece writev, so two processes printing on two CPUs would mix
 * their lines. (Linux makes writev to a pipe atomic up to PIPE_BUF too.)
 * Returns false when the call is not small (or memory is short): the
 * caller then goes piece by piece.
 */
#define WRITEV_GATHER_MAX 4096

static bool writev_gathered(struct file *f, const struct iovec_k *uiov, long cnt,
                            long *result)
{
	struct iovec_k v[8];
	uint64_t sum = 0;
	if (cnt < 2 || cnt > (long)(sizeof v / sizeof v[0]))
		return false;
	if (copy_from_user(v, uiov, (size_t)cnt * sizeof v[0]))
		return false;   /* piece by piece reports the -EFAULT */
	for (long k = 0; k < cnt; k++) {
		if (v[k].len > WRITEV_GATHER_MAX)
			return false;
		sum += v[k].len;
	}
	if (sum > WRITEV_GATHER_MAX)
		return false;
	char *buf = kmalloc(sum ? sum : 1);
	if (!buf)
		return false;
	size_t have = 0;
	for (long k = 0; k < cnt; k++) {
		/* A bad piece ends the data, as a short copy would on Linux. */
		if (copy_from_user(buf + have, v[k].base, v[k].len))
			break;
		have += v[k].len;
	}
	*result = have || sum == 0 ? file_write(f, iobuf_kernel(buf), have, NULL) : -EFAULT;
	kfree(buf);
	return true;
}

/* One iovec at a time: a short transfer ends the call, as on Linux. */
static long do_rwv(int fd, const struct iovec_k *uiov, long cnt, bool write)
{
	if (cnt < 0 || cnt > UIO_MAXIOV)
		return -EINVAL;
	struct file *f = current_fd(fd);
	if (!f)
		return -EBADF;
	long g;
	if (write && writev_gathered(f, uiov, cnt, &g)) {
		file_put(f);
		return g;
	}
	long total = 0, r = 0;
	uint64_t sum = 0;
	for (long k = 0; k < cnt; k++) {
		struct iovec_k v;
		if (copy_from_user(&v, &uiov[k], sizeof v)) {
			r = -EFAULT;
			break;
		}
		sum += v.len;
		if (v.len > (uint64_t)SSIZE_MAX || sum > (uint64_t)SSIZE_MAX) {
			r = -EINVAL;
			break;
		}
		if (v.len == 0)
			continue;
		r = write ? file_write(f, iobuf_user(v.base), v.len, NULL)
		          : file_read(f, iobuf_user(v.base), v.len, NULL);
		if (r <= 0)
			break;
		total += r;
		if ((uint64_t)r < v.len)
			break;
	}
	file_put(f);
	return total ? total : r;
}

static long sys_readv(const struct syscall_args *a)
{
	return do_rwv((int)a->arg[0], (const void *)a->arg[1], a->arg[2], false);
}

static long sys_writev(const struct syscall_args *a)
{
	return do_rwv((int)a->arg[0], (const void *)a->arg[1], a->arg[2], true);
}

static long sys_lseek(const struct syscall_args *a)
{
	struct file *f = current_fd((int)a->arg[0]);
	if (!f)
		return -EBADF;
	long r = file_lseek(f, a->arg[1], (int)a->arg[2]);
	file_put(f);
	return r;
}

SYSCALL(0, read, sys_read)
SYSCALL(1, write, sys_write)
SYSCALL(8, lseek, sys_lseek)
SYSCALL(17, pread64, sys_pread64)
SYSCALL(18, pwrite64, sys_pwrite64)
SYSCALL(19, readv, sys_readv)
SYSCALL(20, writev, sys_writev)
