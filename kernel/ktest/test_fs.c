/*
 * In-kernel tests of the file side (boot with test=fs): the VFS from a
 * kernel thread, unpacking a small cpio archive, /proc and /dev as the
 * boot built them, and a pipe between two kernel threads that really
 * block on each other (the reader on an empty pipe, the writer on a full
 * one). The fine-grained cases run on the host (tests/unit/test_fs_*.c).
 */
#include <kernel/ktest/ktest.h>

#include <kernel/errno.h>
#include <kernel/fs/vfs.h>
#include <kernel/ipc/pipe.h>
#include <kernel/lib/string.h>
#include <kernel/mm/heap.h>
#include <kernel/sched/thread.h>

static long read_text(const char *path, char *buf, size_t size)
{
	struct file *f;
	int err = vfs_open(NULL, path, O_RDONLY, 0, &f);
	if (err)
		return err;
	long n = vfs_read(f, buf, size - 1);
	buf[n > 0 ? n : 0] = '\0';
	file_put(f);
	return n;
}

KTEST(fs, tree_after_boot)
{
	unsigned mode;
	KEXPECT_EQ(vfs_stat_mode("/dev/console", &mode), 0);
	KEXPECT(S_ISCHR(mode));
	KEXPECT_EQ(vfs_stat_mode("/dev/null", &mode), 0);
	KEXPECT_EQ(vfs_stat_mode("/tmp", &mode), 0);
	KEXPECT(S_ISDIR(mode));
	KEXPECT_EQ(vfs_stat_mode("/proc", &mode), 0);
	KEXPECT(S_ISDIR(mode));
	char buf[256];
	KEXPECT(read_text("/proc/meminfo", buf, sizeof buf) > 0);
	KEXPECT(strncmp(buf, "MemTotal:", 9) == 0);
	KEXPECT(read_text("/proc/uptime", buf, sizeof buf) > 0);
	/* A kernel thread has no process, so no /proc/self. */
	KEXPECT_EQ(read_text("/proc/self/stat", buf, sizeof buf), -ENOENT);
}

KTEST(fs, files_and_directories)
{
	struct file *f;
	char buf[32];
	KASSERT_T_EQ(vfs_mkdir(NULL, "/tmp/kt", 0755), 0);
	KASSERT_T_EQ(vfs_open(NULL, "/tmp/kt/a", O_RDWR | O_CREAT, 0644, &f), 0);
	KEXPECT_EQ(vfs_write(f, "kernel", 6), 6);
	KEXPECT_EQ(file_lseek(f, 0, SEEK_SET), 0);
	KEXPECT_EQ(vfs_read(f, buf, sizeof buf), 6);
	KEXPECT(memcmp(buf, "kernel", 6) == 0);
	file_put(f);
	KEXPECT_EQ(vfs_rename(NULL, "/tmp/kt/a", NULL, "/tmp/kt/b"), 0);
	KEXPECT_EQ(read_text("/tmp/kt/b", buf, sizeof buf), 6);
	KEXPECT_EQ(read_text("/tmp/kt/a", buf, sizeof buf), -ENOENT);
	KEXPECT_EQ(vfs_unlink(NULL, "/tmp/kt", true), -ENOTEMPTY);
	KEXPECT_EQ(vfs_unlink(NULL, "/tmp/kt/b", false), 0);
	KEXPECT_EQ(vfs_unlink(NULL, "/tmp/kt", true), 0);
	unsigned mode;
	KEXPECT_EQ(vfs_stat_mode("/tmp/kt", &mode), -ENOENT);
}

/* newc members: "tmp/kc" (a directory) and "tmp/kc/run" (0755, "hi\n"). */
static const char small_cpio[] =
	"070701" "00000001" "000041ED" "00000000" "00000000" "00000002"
	"00000000" "00000000" "00000000" "00000000" "00000000" "00000000"
	"00000007" "00000000" "tmp/kc\0" "\0\0\0"
	"070701" "00000002" "000081ED" "00000000" "00000000" "00000001"
	"00000000" "00000003" "00000000" "00000000" "00000000" "00000000"
	"0000000B" "00000000" "tmp/kc/run\0" "\0\0\0" "hi\n" "\0"
	"070701" "00000000" "00000000" "00000000" "00000000" "00000001"
	"00000000" "00000000" "00000000" "00000000" "00000000" "00000000"
	"0000000B" "00000000" "TRAILER!!!\0" "\0\0\0";

KTEST(fs, initramfs_small_archive)
{
	KEXPECT_EQ(initramfs_unpack_count(small_cpio, sizeof small_cpio - 1), 2);
	unsigned mode = 0;
	KEXPECT_EQ(vfs_stat_mode("/tmp/kc/run", &mode), 0);
	KEXPECT_EQ(mode, S_IFREG | 0755);
	void *data;
	size_t size;
	KASSERT_T_EQ(vfs_read_all("/tmp/kc/run", &data, &size), 0);
	KEXPECT_EQ(size, 3);
	KEXPECT(memcmp(data, "hi\n", 3) == 0);
	kfree(data);
	/* Cut short: reported, and what was complete stays. */
	KEXPECT_EQ(initramfs_unpack_count(small_cpio, 150), -EINVAL);
	KEXPECT_EQ(vfs_unlink(NULL, "/tmp/kc/run", false), 0);
	KEXPECT_EQ(vfs_unlink(NULL, "/tmp/kc", true), 0);
}

/* ---- a pipe between two threads ---- */

enum { TOTAL = 3 * PIPE_CAPACITY + 123 };

static struct file *prd, *pwr;
static long received, bad_bytes, final_read;

static void pipe_reader(void *arg)
{
	(void)arg;
	static char buf[1000];
	long n;
	while ((n = vfs_read(prd, buf, sizeof buf)) > 0) {
		for (long k = 0; k < n; k++)
			if (buf[k] != (char)((received + k) % 251))
				bad_bytes++;
		received += n;
	}
	final_read = n;
}

static void pipe_writer(void *arg)
{
	(void)arg;
	static char buf[5000];
	for (long sent = 0; sent < TOTAL;) {
		long chunk = TOTAL - sent < 5000 ? TOTAL - sent : 5000;
		for (long k = 0; k < chunk; k++)
			buf[k] = (char)((sent + k) % 251);
		long n = vfs_write(pwr, buf, (size_t)chunk);
		if (n <= 0)
			break;
		sent += n;
	}
	file_put(pwr);              /* the reader then sees end of file */
}

KTEST(fs, pipe_between_threads)
{
	received = bad_bytes = 0;
	final_read = -1;
	KASSERT_T_EQ(pipe_create(&prd, &pwr, 0), 0);
	/* The reader starts first and blocks on the empty pipe; the writer
	 * sends three times the capacity, so it blocks on a full one. */
	struct thread *r = kthread_create("pipe-rd", pipe_reader, NULL);
	KASSERT_T(r != NULL);
	thread_yield();
	struct thread *w = kthread_create("pipe-wr", pipe_writer, NULL);
	KASSERT_T(w != NULL);
	KEXPECT_EQ(kthread_join(w, NULL), 0);
	KEXPECT_EQ(kthread_join(r, NULL), 0);
	KEXPECT_EQ(received, TOTAL);
	KEXPECT_EQ(bad_bytes, 0);
	KEXPECT_EQ(final_read, 0);
	/* No reader left: -EPIPE (a kernel thread gets no SIGPIPE). */
	struct file *rd2, *wr2;
	KASSERT_T_EQ(pipe_create(&rd2, &wr2, 0), 0);
	file_put(rd2);
	KEXPECT_EQ(vfs_write(wr2, "x", 1), -EPIPE);
	file_put(wr2);
	file_put(prd);
}
