/*
 * The socket calls Weft has: socketpair(AF_UNIX, SOCK_STREAM) and what
 * works on such a pair -- sendto/recvfrom without addresses (send and
 * recv in libc), shutdown. socket() exists only to say no: Weft has no
 * named sockets and no network, so every family is -EAFNOSUPPORT.
 *
 * The order of the checks is Linux's, so that a wrong call fails with
 * the same errno: flags in the type (-EINVAL), the family (-EAFNOSUPPORT),
 * the type's range (-EINVAL), the protocol (-EPROTONOSUPPORT), then the
 * type for AF_UNIX (-ESOCKTNOSUPPORT).
 */
#include <kernel/errno.h>
#include <kernel/fs/sys_common.h>
#include <kernel/ipc/socketpair.h>
#include <kernel/syscall/syscall.h>
#include <kernel/uaccess.h>

#define SOCK_FLAGS       (O_NONBLOCK | O_CLOEXEC)  /* SOCK_NONBLOCK, SOCK_CLOEXEC */
#define SOCKADDR_MAX     128                       /* sizeof(struct sockaddr_storage) */
#define MAX_RW_COUNT     0x7ffff000L               /* Linux's cap on one transfer */

/* The checks socket() and socketpair() share; 0 if this is a stream pair
 * Weft can make. */
static int check_socket_args(long domain, long type, long protocol)
{
	if ((type & ~SOCK_TYPE_MASK) & ~(long)SOCK_FLAGS)
		return -EINVAL;
	type &= SOCK_TYPE_MASK;
	if (domain < 0 || domain >= NPROTO)
		return -EAFNOSUPPORT;
	if (type >= SOCK_MAX)
		return -EINVAL;
	if (domain != AF_UNIX)
		return -EAFNOSUPPORT;       /* the only family Weft has */
	if (protocol != 0 && protocol != AF_UNIX)
		return -EPROTONOSUPPORT;
	if (type != SOCK_STREAM)
		return -ESOCKTNOSUPPORT;    /* Linux also has DGRAM, SEQPACKET */
	return 0;
}

static long sys_socket(const struct syscall_args *a)
{
	int err = check_socket_args((int)a->arg[0], (int)a->arg[1], (int)a->arg[2]);
	/* A lone socket could only be named or connected: not in Weft. */
	return err ? err : -EAFNOSUPPORT;
}

static long sys_socketpair(const struct syscall_args *a)
{
	int type = (int)a->arg[1];
	int *usv = (int *)a->arg[3];
	struct files *t = current_files();
	int err = check_socket_args((int)a->arg[0], type, (int)a->arg[2]);
	if (err)
		return err;
	if (!t)
		return -EBADF;
	unsigned flags = (unsigned)type & SOCK_FLAGS;
	struct file *fa, *fb;
	err = socketpair_create(&fa, &fb, flags);
	if (err)
		return err;
	int sv[2];
	sv[0] = fd_install(t, fa, 0, flags & O_CLOEXEC);
	if (sv[0] < 0) {
		file_put(fa);
		file_put(fb);
		return sv[0];
	}
	sv[1] = fd_install(t, fb, 0, flags & O_CLOEXEC);
	if (sv[1] < 0) {
		fd_close(t, sv[0]);
		file_put(fb);
		return sv[1];
	}
	if (copy_to_user(usv, sv, sizeof sv)) {
		/* Undo: the caller never learned the numbers. */
		fd_close(t, sv[0]);
		fd_close(t, sv[1]);
		return -EFAULT;
	}
	return 0;
}

/* The socket at fd, referenced: -EBADF, -ENOTSOCK. */
static long socket_fd(int fd, struct file **out)
{
	struct file *f = current_fd(fd);
	if (!f)
		return -EBADF;
	if (!file_is_socket(f)) {
		file_put(f);
		return -ENOTSOCK;
	}
	*out = f;
	return 0;
}

/* sendto(fd, buf, len, flags, dest_addr, addrlen) */
static long sys_sendto(const struct syscall_args *a)
{
	size_t len = (size_t)a->arg[2];
	int flags = (int)a->arg[3];
	const void *addr = (const void *)a->arg[4];
	int addrlen = (int)a->arg[5];
	struct file *f;
	long r = socket_fd((int)a->arg[0], &f);
	if (r)
		return r;
	if (len > MAX_RW_COUNT)
		len = MAX_RW_COUNT;
	if (addr && (addrlen < 0 || addrlen > SOCKADDR_MAX)) {
		r = -EINVAL;
	} else if (addr && addrlen > 0) {
		/* Read, as Linux does, then refused: the pair is connected. */
		char kaddr[SOCKADDR_MAX];
		r = copy_from_user(kaddr, addr, (size_t)addrlen) ? -EFAULT : -EISCONN;
	} else {
		r = socket_send(f, iobuf_user((void *)a->arg[1]), len, flags);
	}
	file_put(f);
	return r;
}

/* recvfrom(fd, buf, len, flags, src_addr, addrlen) */
static long sys_recvfrom(const struct syscall_args *a)
{
	size_t len = (size_t)a->arg[2];
	int flags = (int)a->arg[3];
	void *addr = (void *)a->arg[4];
	int *ulen = (int *)a->arg[5];
	struct file *f;
	long r = socket_fd((int)a->arg[0], &f);
	if (r)
		return r;
	if (len > MAX_RW_COUNT)
		len = MAX_RW_COUNT;
	r = socket_recv(f, iobuf_user((void *)a->arg[1]), len, flags);
	file_put(f);
	if (r >= 0 && addr) {
		/* The peer is unnamed: an address of length 0, as on Linux. */
		int have, zero = 0;
		if (copy_from_user(&have, ulen, sizeof have))
			return -EFAULT;
		if (have < 0)
			return -EINVAL;
		if (copy_to_user(ulen, &zero, sizeof zero))
			return -EFAULT;
	}
	return r;
}

static long sys_shutdown(const struct syscall_args *a)
{
	struct file *f;
	long r = socket_fd((int)a->arg[0], &f);
	if (r)
		return r;
	r = socket_shutdown(f, (int)a->arg[1]);
	file_put(f);
	return r;
}

SYSCALL(41, socket, sys_socket)
SYSCALL(44, sendto, sys_sendto)
SYSCALL(45, recvfrom, sys_recvfrom)
SYSCALL(48, shutdown, sys_shutdown)
SYSCALL(53, socketpair, sys_socketpair)
