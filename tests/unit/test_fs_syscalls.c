/*
 * The file system calls through the syscall table, as a process would
 * make them: descriptors (lowest free number, dup/dup2/dup3, fcntl,
 * close-on-exec, EMFILE), offsets shared after dup and fork, stat and
 * getdents64 in Linux's layouts, getcwd/chdir, pipe2, -EFAULT for bad
 * pointers, and /proc's texts for a fake process.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <kernel/errno.h>
#include <kernel/fs/files.h>
#include <kernel/fs/vfs.h>
#include <kernel/proc/process.h>
#include <kernel/sched/thread.h>

#include "fake.h"
#include "fs_fake_harness.h"

#define SYS(nr, ...) fake_syscall(nr, __VA_ARGS__)
#define L(x) ((long)(x))

static struct process proc;

static void become_process(void)
{
	memset(&proc, 0, sizeof proc);
	proc.pid = 7;
	proc.pgid = 7;
	proc.sid = 1;
	strcpy(proc.name, "tester");
	proc.files = files_new();
	proc.cwd = inode_get(vfs_root());
	proc.main_thread = thread_current();
	static char cmd[] = "tester\0-v";
	proc.cmdline = cmd;
	proc.cmdline_len = sizeof cmd;
	fake_current = &proc;
	fake_procs_reset();
	fake_procs_add(&proc);
}

static void stop_being_process(void)
{
	files_put(proc.files);
	inode_put(proc.cwd);
	fake_current = NULL;
	fake_procs_reset();
}

static void body_descriptors(void *arg)
{
	(void)arg;
	become_process();
	char buf[64];
	long fd = SYS(2, L("/tmp/f"), O_RDWR | O_CREAT, 0644, 0, 0);
	FS_CHECK_EQ(fd, 0);
	FS_CHECK_EQ(SYS(1, fd, L("abcdef"), 6, 0, 0), 6);
	long d = SYS(32, fd, 0, 0, 0, 0);                   /* dup */
	FS_CHECK_EQ(d, 1);
	/* dup shares the offset. */
	FS_CHECK_EQ(SYS(8, d, 2, SEEK_SET, 0, 0), 2);
	FS_CHECK_EQ(SYS(0, fd, L(buf), 2, 0, 0), 2);
	FS_CHECK(memcmp(buf, "cd", 2) == 0);
	/* pread does not. */
	FS_CHECK_EQ(SYS(17, fd, L(buf), 3, 0, 0), 3);
	FS_CHECK_EQ(SYS(8, fd, 0, SEEK_CUR, 0, 0), 4);
	/* fork: the same struct file in the child's table. */
	struct files *child = files_clone(proc.files);
	struct file *cf = fd_get(child, 0);
	FS_CHECK(cf && cf->pos == 4);
	cf->pos = 1;
	FS_CHECK_EQ(SYS(8, fd, 0, SEEK_CUR, 0, 0), 1);
	file_put(cf);
	files_put(child);

	FS_CHECK_EQ(SYS(33, fd, 9, 0, 0, 0), 9);            /* dup2 */
	FS_CHECK_EQ(SYS(33, 9, 9, 0, 0, 0), 9);
	FS_CHECK_EQ(SYS(33, 50, 9, 0, 0, 0), -EBADF);
	FS_CHECK_EQ(SYS(292, 9, 9, 0, 0, 0), -EINVAL);      /* dup3 */
	FS_CHECK_EQ(SYS(292, fd, 10, O_CLOEXEC, 0, 0), 10);
	FS_CHECK_EQ(SYS(72, 10, 1 /* F_GETFD */, 0, 0, 0), 1);
	FS_CHECK_EQ(SYS(72, 9, 1, 0, 0, 0), 0);
	FS_CHECK_EQ(SYS(72, fd, 0 /* F_DUPFD */, 5, 0, 0), 5);
	FS_CHECK_EQ(SYS(72, fd, 1030, 5, 0, 0), 6);          /* F_DUPFD_CLOEXEC */
	FS_CHECK_EQ(SYS(72, fd, 3 /* F_GETFL */, 0, 0, 0), O_RDWR);
	FS_CHECK_EQ(SYS(72, fd, 4, O_APPEND | O_NONBLOCK, 0, 0), 0);
	FS_CHECK_EQ(SYS(72, d, 3, 0, 0, 0), O_RDWR | O_APPEND | O_NONBLOCK);
	FS_CHECK_EQ(SYS(72, fd, 99, 0, 0, 0), -EINVAL);
	files_close_on_exec(proc.files);
	FS_CHECK_EQ(SYS(72, 10, 1, 0, 0, 0), -EBADF);
	FS_CHECK_EQ(SYS(72, 6, 1, 0, 0, 0), -EBADF);
	FS_CHECK_EQ(SYS(72, 9, 1, 0, 0, 0), 0);

	FS_CHECK_EQ(SYS(3, 9, 0, 0, 0, 0), 0);
	FS_CHECK_EQ(SYS(3, 9, 0, 0, 0, 0), -EBADF);
	FS_CHECK_EQ(SYS(3, -1, 0, 0, 0, 0), -EBADF);
	FS_CHECK_EQ(SYS(0, 300, L(buf), 1, 0, 0), -EBADF);
	FS_CHECK_EQ(SYS(0, fd, L(FAKE_BAD_UPTR), 1, 0, 0), -EFAULT);
	FS_CHECK_EQ(SYS(2, L(FAKE_BAD_UPTR), O_RDONLY, 0, 0, 0), -EFAULT);
	FS_CHECK_EQ(SYS(16, fd, 0x5413, L(buf), 0, 0), -ENOTTY);

	/* The table fills up at FILES_MAX: -EMFILE, nothing lost. */
	long last = 0;
	int opened = files_count(proc.files);
	while ((last = SYS(32, fd, 0, 0, 0, 0)) >= 0)
		opened++;
	FS_CHECK_EQ(last, -EMFILE);
	FS_CHECK_EQ(opened, FILES_MAX);
	FS_CHECK_EQ(SYS(22, L(buf), 0, 0, 0, 0), -EMFILE);
	FS_CHECK_EQ(files_count(proc.files), FILES_MAX);
	stop_being_process();
}

static void test_descriptors(void **state)
{
	(void)state;
	fs_run_vfs(body_descriptors, NULL);
}

static void body_readv_writev(void *arg)
{
	(void)arg;
	become_process();
	struct { const void *base; uint64_t len; } iov[3] = {
		{ "one ", 4 }, { "", 0 }, { "two", 3 } };
	long fd = SYS(257, -100 /* AT_FDCWD */, L("/tmp/v"), O_RDWR | O_CREAT, 0600, 0);
	FS_CHECK_EQ(SYS(20, fd, L(iov), 3, 0, 0), 7);
	char a[3], b[10];
	struct { void *base; uint64_t len; } riov[2] = { { a, 3 }, { b, 10 } };
	FS_CHECK_EQ(SYS(8, fd, 0, SEEK_SET, 0, 0), 0);
	FS_CHECK_EQ(SYS(19, fd, L(riov), 2, 0, 0), 7);
	FS_CHECK(memcmp(a, "one", 3) == 0 && memcmp(b, " two", 4) == 0);
	FS_CHECK_EQ(SYS(19, fd, L(riov), -1, 0, 0), -EINVAL);
	FS_CHECK_EQ(SYS(19, fd, L(FAKE_BAD_UPTR), 1, 0, 0), -EFAULT);
	stop_being_process();
}

static void test_readv_writev(void **state)
{
	(void)state;
	fs_run_vfs(body_readv_writev, NULL);
}

static void body_stat_and_dirs(void *arg)
{
	(void)arg;
	become_process();
	uint8_t st[144];
	char buf[256];
	FS_CHECK_EQ(SYS(83, L("/tmp/dir"), 0750, 0, 0, 0), 0);
	FS_CHECK_EQ(SYS(80, L("/tmp/dir"), 0, 0, 0, 0), 0);        /* chdir */
	FS_CHECK_EQ(SYS(79, L(buf), sizeof buf, 0, 0, 0), 9);      /* getcwd */
	FS_CHECK(strcmp(buf, "/tmp/dir") == 0);
	FS_CHECK_EQ(SYS(79, L(buf), 4, 0, 0, 0), -ERANGE);
	long fd = SYS(85, L("rel"), 0640, 0, 0, 0);                 /* creat */
	FS_CHECK_EQ(SYS(1, fd, L("12345"), 5, 0, 0), 5);
	FS_CHECK_EQ(SYS(4, L("/tmp/dir/rel"), L(st), 0, 0, 0), 0);  /* stat */
	uint32_t mode;
	int64_t size, blksize;
	memcpy(&mode, st + 24, 4);
	memcpy(&size, st + 48, 8);
	memcpy(&blksize, st + 56, 8);
	FS_CHECK_EQ(mode, S_IFREG | 0640);
	FS_CHECK_EQ(size, 5);
	FS_CHECK_EQ(blksize, 4096);
	FS_CHECK_EQ(SYS(5, fd, L(st), 0, 0, 0), 0);                /* fstat */
	memcpy(&size, st + 48, 8);
	FS_CHECK_EQ(size, 5);
	FS_CHECK_EQ(SYS(5, fd, L(FAKE_BAD_UPTR), 0, 0, 0), -EFAULT);
	/* newfstatat with AT_EMPTY_PATH: the descriptor itself. */
	FS_CHECK_EQ(SYS(262, fd, L(""), L(st), 0x1000, 0), 0);
	FS_CHECK_EQ(SYS(262, fd, L(""), L(st), 0, 0), -ENOENT);
	FS_CHECK_EQ(SYS(262, fd, L("x"), L(st), 0, 0), -ENOTDIR);
	FS_CHECK_EQ(SYS(21, L("rel"), 1 /* X_OK */, 0, 0, 0), -EACCES);
	FS_CHECK_EQ(SYS(21, L("rel"), 4, 0, 0, 0), 0);

	/* getdents64: 8-byte aligned records with "." and "..". */
	long dfd = SYS(2, L("."), O_RDONLY | O_DIRECTORY, 0, 0, 0);
	long n = SYS(217, dfd, L(buf), sizeof buf, 0, 0);
	FS_CHECK(n > 0);
	int seen = 0;
	for (long off = 0; off < n;) {
		uint16_t reclen;
		memcpy(&reclen, buf + off + 16, 2);
		FS_CHECK_EQ(reclen % 8, 0);
		const char *name = buf + off + 19;
		seen += !strcmp(name, ".") + !strcmp(name, "..") + !strcmp(name, "rel");
		if (!strcmp(name, "rel"))
			FS_CHECK_EQ((uint8_t)buf[off + 18], DT_REG);
		off += reclen;
	}
	FS_CHECK_EQ(seen, 3);
	FS_CHECK_EQ(SYS(217, dfd, L(buf), sizeof buf, 0, 0), 0);
	FS_CHECK_EQ(SYS(8, dfd, 0, SEEK_SET, 0, 0), 0);
	FS_CHECK_EQ(SYS(217, dfd, L(buf), 10, 0, 0), -EINVAL);     /* too small */
	FS_CHECK_EQ(SYS(217, fd, L(buf), sizeof buf, 0, 0), -ENOTDIR);

	FS_CHECK_EQ(SYS(82, L("rel"), L("../renamed"), 0, 0, 0), 0);
	FS_CHECK_EQ(SYS(87, L("/tmp/renamed"), 0, 0, 0, 0), 0);
	FS_CHECK_EQ(SYS(263, -100, L("/tmp/dir"), 0, 0, 0), -EISDIR);
	FS_CHECK_EQ(SYS(316, -100, L("a"), -100, L("b"), 1), -EINVAL);
	FS_CHECK_EQ(SYS(80, L("/tmp/renamed"), 0, 0, 0, 0), -ENOENT);
	FS_CHECK_EQ(SYS(80, L("/dev/null"), 0, 0, 0, 0), -ENOTDIR);
	FS_CHECK_EQ(SYS(81, dfd, 0, 0, 0, 0), 0);                  /* fchdir */
	FS_CHECK_EQ(SYS(80, L("/"), 0, 0, 0, 0), 0);
	FS_CHECK_EQ(SYS(84, L("/tmp/dir"), 0, 0, 0, 0), 0);        /* rmdir */
	FS_CHECK_EQ(SYS(89, L("/proc/self"), L(buf), sizeof buf, 0, 0), 1);
	FS_CHECK_EQ(buf[0], '7');
	stop_being_process();
}

static void test_stat_and_dirs(void **state)
{
	(void)state;
	fs_run_vfs(body_stat_and_dirs, NULL);
}

static void body_pipe2(void *arg)
{
	(void)arg;
	become_process();
	int fds[2];
	char c;
	FS_CHECK_EQ(SYS(293, L(fds), O_NONBLOCK | O_CLOEXEC, 0, 0, 0), 0);
	FS_CHECK(fds[0] == 0 && fds[1] == 1);
	FS_CHECK_EQ(SYS(72, fds[0], 1, 0, 0, 0), 1);
	FS_CHECK_EQ(SYS(0, fds[0], L(&c), 1, 0, 0), -EAGAIN);
	FS_CHECK_EQ(SYS(1, fds[1], L("z"), 1, 0, 0), 1);
	FS_CHECK_EQ(SYS(17, fds[0], L(&c), 1, 0, 0), -ESPIPE);
	FS_CHECK_EQ(SYS(0, fds[0], L(&c), 1, 0, 0), 1);
	FS_CHECK_EQ(c, 'z');
	FS_CHECK_EQ(SYS(293, L(fds), 0x40, 0, 0, 0), -EINVAL);
	/* A bad pointer: -EFAULT and no descriptors left behind. */
	FS_CHECK_EQ(SYS(22, L(FAKE_BAD_UPTR), 0, 0, 0, 0), -EFAULT);
	FS_CHECK_EQ(files_count(proc.files), 2);
	stop_being_process();
}

static void test_pipe2(void **state)
{
	(void)state;
	fs_run_vfs(body_pipe2, NULL);
}

static char proc_text[4096];

static const char *read_proc(const char *path)
{
	proc_text[0] = '\0';
	long fd = SYS(2, L(path), O_RDONLY, 0, 0, 0);
	if (fd < 0)
		return "(open failed)";
	long n = SYS(0, fd, L(proc_text), sizeof proc_text - 1, 0, 0);
	proc_text[n > 0 ? n : 0] = '\0';
	SYS(3, fd, 0, 0, 0, 0);
	return proc_text;
}

static void body_proc(void *arg)
{
	(void)arg;
	become_process();
	proc.start_ns = 2500000000ull;          /* 2.5 s after boot */
	const char *s = read_proc("/proc/7/stat");
	FS_CHECK(strncmp(s, "7 (tester) R 0 7 1 0 -1 ", 24) == 0);
	int fields = 1;
	for (const char *c = s; *c; c++)
		fields += *c == ' ';
	FS_CHECK_EQ(fields, 52);
	/* Field 22, starttime, in 1/100 s. */
	const char *c = s;
	for (int k = 1; k < 22; k++)
		c = strchr(c, ' ') + 1;
	FS_CHECK(strncmp(c, "250 ", 4) == 0);
	s = read_proc("/proc/self/status");
	FS_CHECK(strstr(s, "Name:\ttester\n") != NULL);
	FS_CHECK(strstr(s, "Pid:\t7\n") != NULL);
	FS_CHECK(strstr(s, "State:\tR (running)\n") != NULL);
	s = read_proc("/proc/7/cmdline");
	FS_CHECK(memcmp(s, "tester\0-v\0", 10) == 0);
	s = read_proc("/proc/meminfo");
	FS_CHECK(strstr(s, "MemTotal:           4096 kB\n") != NULL);
	FS_CHECK(strstr(s, "MemFree:            2048 kB\n") != NULL);
	s = read_proc("/proc/uptime");
	FS_CHECK(strchr(s, '.') != NULL && s[strlen(s) - 1] == '\n');
	/* The CPU files, for the fake's one CPU (procfs_cpu.c). */
	s = read_proc("/proc/stat");
	FS_CHECK(strncmp(s, "cpu  ", 5) == 0);
	FS_CHECK(strstr(s, "\ncpu0 ") != NULL && strstr(s, "\ncpu1 ") == NULL);
	FS_CHECK(strstr(s, "\nprocs_running ") != NULL);
	s = read_proc("/proc/cpuinfo");
	FS_CHECK(strncmp(s, "processor\t: 0\nvendor_id\t: FakeVendor\n", 37) == 0);
	FS_CHECK(strstr(s, "\ncpu MHz\t\t: 1000.000\n") != NULL);
	FS_CHECK(strstr(s, "\nflags\t\t: fpu tsc\n") != NULL);
	FS_CHECK(strstr(s, "processor\t: 1") == NULL);
	s = read_proc("/proc/self/status");
	FS_CHECK(strstr(s, "\nCpus_allowed:\t1\nCpus_allowed_list:\t0\n") != NULL);
	FS_CHECK(strcmp(read_proc("/proc/8/stat"), "(open failed)") == 0);
	/* Opening for writing works (as on Linux); writing does not. */
	long wfd = SYS(2, L("/proc/7/stat"), O_WRONLY, 0, 0, 0);
	FS_CHECK(wfd >= 0);
	FS_CHECK_EQ(SYS(1, wfd, L("x"), 1, 0, 0), -EINVAL);
	SYS(3, wfd, 0, 0, 0, 0);

	/* The listing of /proc holds the fixed names and the pid. */
	char buf[512];
	long dfd = SYS(2, L("/proc"), O_RDONLY | O_DIRECTORY, 0, 0, 0);
	long n = SYS(217, dfd, L(buf), sizeof buf, 0, 0);
	int seen = 0;
	for (long off = 0; off < n;) {
		uint16_t reclen;
		memcpy(&reclen, buf + off + 16, 2);
		const char *name = buf + off + 19;
		seen += !strcmp(name, "self") + !strcmp(name, "meminfo") +
		        !strcmp(name, "uptime") + !strcmp(name, "7");
		off += reclen;
	}
	FS_CHECK_EQ(seen, 4);
	SYS(3, dfd, 0, 0, 0, 0);
	stop_being_process();
}

static void test_proc(void **state)
{
	(void)state;
	fs_run_vfs(body_proc, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_descriptors),
		cmocka_unit_test(test_readv_writev),
		cmocka_unit_test(test_stat_and_dirs),
		cmocka_unit_test(test_pipe2),
		cmocka_unit_test(test_proc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
