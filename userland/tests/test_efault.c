/*
 * test_efault — the kernel must never trust a pointer from user space.
 * Every call that takes a pointer is given bad ones: address 1 (in the
 * never-mapped first page), the start of the kernel half, the kernel's
 * own text, and a page that was mapped and then unmapped. Each must fail
 * with EFAULT, and the caller must live on; a kernel that dereferences
 * the pointer instead panics, or leaks kernel memory to the caller.
 *
 * We call the kernel with syscall() rather than the libc wrappers: a
 * wrapper may touch the pointer itself first (and crash in user space).
 */
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "guest.h"

static char helper[512]; /* an executable that surely exists */
static void *bad[4];
static const char *bad_name[4] = { "0x1", "kernel half", "kernel text",
				   "unmapped page" };

/* A pipe holding 16 bytes, so that reading it does not block. */
static int full_pipe(int fds[2])
{
	if (pipe(fds) != 0)
		return -1;
	return write(fds[1], "0123456789abcdef", 16) == 16 ? 0 : -1;
}

/*
 * syscall(nr, fd, p, arg) on one end of a pipe holding 16 bytes (so that
 * a read does not block). errno survives closing the pipe afterwards.
 */
static long on_pipe(long nr, int end, void *p, long arg)
{
	int fds[2];
	full_pipe(fds);
	long r = syscall(nr, fds[end], p, arg);
	int e = errno;
	close(fds[0]);
	close(fds[1]);
	errno = e;
	return r;
}

static long do_read(void *p) { return on_pipe(SYS_read, 0, p, 16); }
static long do_write(void *p) { return on_pipe(SYS_write, 1, p, 16); }
static long do_readv_iov(void *p) { return on_pipe(SYS_readv, 0, p, 1); }
static long do_writev_iov(void *p) { return on_pipe(SYS_writev, 1, p, 1); }
static long do_fstat(void *p) { return on_pipe(SYS_fstat, 0, p, 0); }

static long do_readv_base(void *p)
{
	struct iovec iov = { p, 16 };
	return on_pipe(SYS_readv, 0, &iov, 1);
}

static long do_writev_base(void *p)
{
	struct iovec iov = { p, 16 };
	return on_pipe(SYS_writev, 1, &iov, 1);
}

static long do_pipe(void *p) { return syscall(SYS_pipe, p); }
static long do_pipe2(void *p) { return syscall(SYS_pipe2, p, 0); }

/*
 * wait4 with a bad status pointer. Linux reaps the child and then fails
 * to store the status; a kernel may also refuse before reaping. Either is
 * fine, as long as the answer is EFAULT; we reap whatever is left.
 */
static long do_wait4_status(void *p)
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(0);
	long r = syscall(SYS_wait4, pid, p, 0, NULL);
	int e = errno;
	waitpid(pid, NULL, 0);
	errno = e;
	return r;
}

static long do_wait4_rusage(void *p)
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(0);
	long r = syscall(SYS_wait4, pid, NULL, 0, p);
	int e = errno;
	waitpid(pid, NULL, 0);
	errno = e;
	return r;
}

static long do_clock_gettime(void *p)
{
	return syscall(SYS_clock_gettime, CLOCK_MONOTONIC, p);
}

static long do_nanosleep(void *p) { return syscall(SYS_nanosleep, p, NULL); }
static long do_uname(void *p) { return syscall(SYS_uname, p); }
static long do_getcwd(void *p) { return syscall(SYS_getcwd, p, 4096); }
static long do_open(void *p) { return syscall(SYS_openat, AT_FDCWD, p, O_RDONLY); }
static long do_stat_path(void *p)
{
	struct stat st;
	return syscall(SYS_newfstatat, AT_FDCWD, p, &st, 0);
}
static long do_stat_buf(void *p) { return syscall(SYS_newfstatat, AT_FDCWD, "/", p, 0); }
static long do_chdir(void *p) { return syscall(SYS_chdir, p); }
static long do_mkdir(void *p) { return syscall(SYS_mkdir, p, 0755); }
static long do_unlink(void *p) { return syscall(SYS_unlink, p); }
static long do_rename(void *p) { return syscall(SYS_rename, p, "/tmp/efault-never"); }

static long do_getdents64(void *p)
{
	int fd = open("/", O_RDONLY | O_DIRECTORY);
	long r = syscall(SYS_getdents64, fd, p, 4096);
	int e = errno;
	close(fd);
	errno = e;
	return r;
}

static long do_sigaction(void *p)
{
	return syscall(SYS_rt_sigaction, SIGUSR1, p, NULL, 8);
}

static long do_sigprocmask(void *p)
{
	return syscall(SYS_rt_sigprocmask, SIG_BLOCK, p, NULL, 8);
}

/*
 * execve runs in a child: should a broken kernel let it succeed, it is
 * the child that turns into the helper, not this test.
 */
static long exec_in_child(const char *path, char *const argv[], char *const envp[])
{
	int status;
	pid_t pid = fork();
	if (pid == 0) {
		syscall(SYS_execve, path, argv, envp);
		_exit(errno == EFAULT ? 0 : 1);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		errno = EFAULT;
		return -1;
	}
	errno = 0;
	return 0;
}

static long do_execve_path(void *p)
{
	char *argv[] = { "x", NULL }, *envp[] = { NULL };
	return exec_in_child(p, argv, envp);
}

static long do_execve_argv(void *p)
{
	char *envp[] = { NULL };
	return exec_in_child(helper, p, envp);
}

static long do_execve_argv_string(void *p)
{
	char *argv[] = { "x", p, NULL }, *envp[] = { NULL };
	return exec_in_child(helper, argv, envp);
}

static long do_execve_envp(void *p)
{
	char *argv[] = { "x", NULL };
	return exec_in_child(helper, argv, p);
}

static const struct {
	const char *name;
	long (*call)(void *);
} calls[] = {
	{ "read buffer", do_read },
	{ "write buffer", do_write },
	{ "readv iovec array", do_readv_iov },
	{ "readv iov_base", do_readv_base },
	{ "writev iovec array", do_writev_iov },
	{ "writev iov_base", do_writev_base },
	{ "fstat buffer", do_fstat },
	{ "pipe fds", do_pipe },
	{ "pipe2 fds", do_pipe2 },
	{ "wait4 status", do_wait4_status },
	{ "wait4 rusage", do_wait4_rusage },
	{ "clock_gettime", do_clock_gettime },
	{ "nanosleep", do_nanosleep },
	{ "uname", do_uname },
	{ "getcwd", do_getcwd },
	{ "open path", do_open },
	{ "stat path", do_stat_path },
	{ "stat buffer", do_stat_buf },
	{ "chdir path", do_chdir },
	{ "mkdir path", do_mkdir },
	{ "unlink path", do_unlink },
	{ "rename path", do_rename },
	{ "getdents64 buffer", do_getdents64 },
	{ "rt_sigaction", do_sigaction },
	{ "rt_sigprocmask", do_sigprocmask },
	{ "execve path", do_execve_path },
	{ "execve argv array", do_execve_argv },
	{ "execve argv string", do_execve_argv_string },
	{ "execve envp array", do_execve_envp },
};

int main(int argc, char **argv)
{
	(void)argc;
	guest_begin();
	sibling_path(helper, sizeof helper, argv[0], "exec_helper");
	void *gone = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(gone, 4096);
	bad[0] = (void *)1;
	bad[1] = (void *)0xffff800000000000ull;
	bad[2] = (void *)0xffffffff80000000ull;
	bad[3] = gone;

	for (unsigned i = 0; i < sizeof calls / sizeof calls[0]; i++) {
		tap_start();
		for (int b = 0; b < 4; b++) {
			errno = 0;
			long r = calls[i].call(bad[b]);
			int e = errno;
			if (r != -1 || e != EFAULT) {
				DIAG("%s with %s (%p): got %ld errno %d (%s), want EFAULT\n",
				     calls[i].name, bad_name[b], bad[b], r, e,
				     strerror(e));
				tap_case_failed = true;
			}
		}
		tap_end(calls[i].name);
	}
	guest_end();
	return tap_done();
}
