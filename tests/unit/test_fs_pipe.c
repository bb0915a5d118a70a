/*
 * Pipes on the host: bytes in order across the ring's wrap-around, end
 * of file once the last writer is gone, EPIPE and SIGPIPE once the last
 * reader is gone, O_NONBLOCK's EAGAIN, and blocking reads and writes
 * between two kernel threads (the fake scheduler makes the interleaving
 * deterministic).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <kernel/errno.h>
#include <kernel/fs/vfs.h>
#include <kernel/ipc/pipe.h>
#include <kernel/proc/process.h>
#include <kernel/sched/thread.h>

#include "fake.h"
#include "fs_fake_harness.h"

static void body_basic(void *arg)
{
	(void)arg;
	struct file *rd, *wr;
	char buf[32];
	long heap = fake_heap_live();
	FS_CHECK_EQ(pipe_create_sized(&rd, &wr, 0, 16), 0);
	FS_CHECK(S_ISFIFO(rd->inode->mode));
	FS_CHECK_EQ(vfs_write(rd, "x", 1), -EBADF);
	FS_CHECK_EQ(vfs_read(wr, buf, 1), -EBADF);
	FS_CHECK_EQ(file_lseek(rd, 0, SEEK_SET), -ESPIPE);
	FS_CHECK_EQ(file_ioctl(rd, 0x5401, 0), -ENOTTY);

	/* Round after round through a 16-byte ring: it wraps, order holds. */
	for (int round = 0; round < 10; round++) {
		char msg[12];
		for (int k = 0; k < 11; k++)
			msg[k] = (char)('a' + (round + k) % 26);
		FS_CHECK_EQ(vfs_write(wr, msg, 11), 11);
		FS_CHECK_EQ(vfs_read(rd, buf, 5), 5);
		FS_CHECK_EQ(vfs_read(rd, buf + 5, sizeof buf), 6);
		FS_CHECK(memcmp(buf, msg, 11) == 0);
	}
	/* Full: a non-blocking write takes what fits, then EAGAIN. */
	rd->flags |= O_NONBLOCK;
	wr->flags |= O_NONBLOCK;
	FS_CHECK_EQ(vfs_read(rd, buf, 1), -EAGAIN);
	char many[40];
	memset(many, 'm', sizeof many);
	FS_CHECK_EQ(vfs_write(wr, many, 40), 16);
	FS_CHECK_EQ(vfs_write(wr, many, 1), -EAGAIN);

	/* The writer goes: the reader gets the rest, then end of file. */
	file_put(wr);
	FS_CHECK_EQ(vfs_read(rd, buf, sizeof buf), 16);
	FS_CHECK_EQ(vfs_read(rd, buf, sizeof buf), 0);
	file_put(rd);
	FS_CHECK_EQ(fake_heap_live(), heap);
}

static void test_basic(void **state)
{
	(void)state;
	fs_run(body_basic, NULL);
}

static void body_epipe(void *arg)
{
	(void)arg;
	struct process me;
	memset(&me, 0, sizeof me);
	me.pid = 42;
	fake_current = &me;
	struct file *rd, *wr;
	FS_CHECK_EQ(pipe_create(&rd, &wr, 0), 0);
	file_put(rd);
	FS_CHECK_EQ(vfs_write(wr, "x", 1), -EPIPE);
	FS_CHECK_EQ(fake_last_signal.sig, SIGPIPE);
	FS_CHECK_EQ(fake_last_signal.pid, 42);
	file_put(wr);
	fake_current = NULL;
}

static void test_epipe_and_sigpipe(void **state)
{
	(void)state;
	fs_run(body_epipe, NULL);
}

/* ---- two threads ---- */

struct pair {
	struct file *rd, *wr;
	char got[256];
	long got_len;
	long last_read;
	int order[8], norder;
};

static void reader(void *arg)
{
	struct pair *p = arg;
	long n;
	p->order[p->norder++] = 1;              /* reader starts, will block */
	while ((n = vfs_read(p->rd, p->got + p->got_len,
	                     sizeof p->got - (size_t)p->got_len)) > 0)
		p->got_len += n;
	p->last_read = n;
	p->order[p->norder++] = 3;
}

static void writer(void *arg)
{
	struct pair *p = arg;
	char chunk[100];
	p->order[p->norder++] = 2;
	for (int k = 0; k < 2; k++) {
		memset(chunk, 'A' + k, sizeof chunk);
		/* 100 bytes into a 64-byte pipe: blocks until the reader drains. */
		FS_CHECK_EQ(vfs_write(p->wr, chunk, sizeof chunk), 100);
	}
	file_put(p->wr);                        /* EOF for the reader */
}

static void body_threads(void *arg)
{
	struct pair *p = arg;
	FS_CHECK_EQ(pipe_create_sized(&p->rd, &p->wr, 0, 64), 0);
	struct thread *r = kthread_create("reader", reader, p);
	struct thread *w = kthread_create("writer", writer, p);
	FS_CHECK(r && w);
	FS_CHECK_EQ(kthread_join(r, NULL), 0);
	FS_CHECK_EQ(kthread_join(w, NULL), 0);
	file_put(p->rd);
}

static void test_blocking_between_threads(void **state)
{
	(void)state;
	struct pair p;
	memset(&p, 0, sizeof p);
	fs_run(body_threads, &p);
	assert_int_equal(p.got_len, 200);
	assert_int_equal(p.last_read, 0);
	for (int k = 0; k < 200; k++)
		assert_int_equal(p.got[k], k < 100 ? 'A' : 'B');
	/* The reader ran first and had to wait for the writer. */
	assert_int_equal(p.order[0], 1);
	assert_int_equal(p.order[1], 2);
	assert_int_equal(p.order[2], 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_epipe_and_sigpipe),
		cmocka_unit_test(test_blocking_between_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
