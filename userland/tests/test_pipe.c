/*
 * test_pipe — a pipe between processes: data arrives in order and intact
 * (64 KiB writes, 1 MiB through a 64 KiB-ish buffer, so the writer must
 * block and be woken); EOF once every write end is closed; EPIPE (and
 * SIGPIPE) once every read end is closed; short reads; O_NONBLOCK;
 * writes of up to PIPE_BUF bytes are never interleaved.
 */
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>

#include "guest.h"

static bool exited_ok(pid_t pid)
{
	int status;
	return waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	       WEXITSTATUS(status) == 0;
}

/* Read exactly n bytes unless EOF or an error comes first. */
static size_t read_full(int fd, void *buf, size_t n)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = read(fd, (char *)buf + got, n - got);
		if (r <= 0)
			break;
		got += r;
	}
	return got;
}

static unsigned char pattern(size_t i) { return (unsigned char)(i * 31 + (i >> 12)); }

/*
 * The child writes total bytes in chunk-sized writes; we read and check
 * every byte, in order, then EOF.
 */
static void transfer(size_t total, size_t chunk)
{
	static unsigned char buf[64 * 1024];
	int fds[2];
	REQUIRE(pipe(fds) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		close(fds[0]);
		for (size_t off = 0; off < total; off += chunk) {
			for (size_t i = 0; i < chunk; i++)
				buf[i] = pattern(off + i);
			/* a blocking pipe write of any size writes it all */
			if (write(fds[1], buf, chunk) != (ssize_t)chunk)
				_exit(1);
		}
		_exit(0);
	}
	REQUIRE(pid > 0);
	close(fds[1]);
	size_t off = 0, bad = 0;
	ssize_t r;
	while ((r = read(fds[0], buf, sizeof buf)) > 0) {
		for (ssize_t i = 0; i < r; i++)
			bad += buf[i] != pattern(off + i);
		off += r;
	}
	CHECK_EQ(r, 0);
	CHECK_EQ(off, total);
	CHECK_EQ(bad, 0);
	close(fds[0]);
	CHECK(exited_ok(pid));
}

static void one_64k_write(void) { transfer(64 * 1024, 64 * 1024); }
static void one_mib_in_64k_writes(void) { transfer(1024 * 1024, 64 * 1024); }
static void odd_sized_writes(void) { transfer(1000 * 1000, 1000); }

/* EOF only when the last write end closes, including the child's copy. */
static void eof_after_all_writers_close(void)
{
	int fds[2];
	char buf[8];
	REQUIRE(pipe(fds) == 0);
	int gate[2];
	REQUIRE(pipe(gate) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		close(fds[0]);
		read(gate[0], buf, 1);
		_exit(write(fds[1], "late", 4) == 4 ? 0 : 1);
	}
	REQUIRE(pid > 0);
	close(fds[1]); /* our copy is closed, the child's is not */
	close(gate[0]);
	CHECK_EQ(write(gate[1], "g", 1), 1);
	CHECK_EQ(read_full(fds[0], buf, 4), 4); /* not EOF: blocks for "late" */
	CHECK(memcmp(buf, "late", 4) == 0);
	CHECK_EQ(read(fds[0], buf, sizeof buf), 0); /* the child exited: EOF */
	CHECK_EQ(read(fds[0], buf, sizeof buf), 0); /* and EOF again */
	close(fds[0]);
	close(gate[1]);
	CHECK(exited_ok(pid));
}

/* A read returns what is there; it does not wait to fill the buffer. */
static void short_read(void)
{
	int fds[2];
	char buf[100];
	REQUIRE(pipe(fds) == 0);
	CHECK_EQ(write(fds[1], "hello", 5), 5);
	CHECK_EQ(read(fds[0], buf, sizeof buf), 5);
	CHECK_EQ(write(fds[1], "ab", 2), 2);
	CHECK_EQ(write(fds[1], "cd", 2), 2);
	CHECK_EQ(read(fds[0], buf, 3), 3); /* a byte stream: no boundaries */
	CHECK(memcmp(buf, "abc", 3) == 0);
	CHECK_EQ(read(fds[0], buf, 3), 1);
	close(fds[0]);
	close(fds[1]);
}

static void epipe_when_no_reader(void)
{
	int fds[2];
	REQUIRE(pipe(fds) == 0);
	close(fds[0]);
	void (*old)(int) = signal(SIGPIPE, SIG_IGN);
	CHECK_ERR(write(fds[1], "x", 1), EPIPE);
	signal(SIGPIPE, old);
	close(fds[1]);
}

static void write_to_closed_pipe(void *unused)
{
	(void)unused;
	int fds[2];
	pipe(fds);
	close(fds[0]);
	write(fds[1], "x", 1);
	_exit(0); /* not reached: SIGPIPE kills */
}

static void sigpipe_kills_writer(void)
{
	int st = run_in_child(write_to_closed_pipe, NULL);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE);
}

/* A writer blocked on a full pipe gets EPIPE when the reader goes away. */
static void blocked_writer_gets_epipe(void)
{
	int fds[2];
	REQUIRE(pipe(fds) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		static char buf[1 << 20];
		signal(SIGPIPE, SIG_IGN);
		close(fds[0]);
		/* far more than a pipe holds: this blocks until we close */
		ssize_t r = write(fds[1], buf, sizeof buf);
		_exit((r == -1 && errno == EPIPE) || (r > 0 && r < (ssize_t)sizeof buf) ? 0 : 1);
	}
	REQUIRE(pid > 0);
	close(fds[1]);
	char c;
	CHECK_EQ(read(fds[0], &c, 1), 1); /* the writer has started */
	close(fds[0]);
	CHECK(exited_ok(pid));
}

static void nonblocking(void)
{
	int fds[2];
	char buf[4096];
	REQUIRE(pipe2(fds, O_NONBLOCK) == 0);
	CHECK_ERR(read(fds[0], buf, sizeof buf), EAGAIN);
	memset(buf, 'n', sizeof buf);
	size_t total = 0;
	ssize_t r;
	while ((r = write(fds[1], buf, sizeof buf)) > 0)
		total += r;
	CHECK(r == -1 && errno == EAGAIN);
	CHECK(total >= PIPE_BUF); /* POSIX: a pipe holds at least PIPE_BUF */
	size_t drained = 0;
	while ((r = read(fds[0], buf, sizeof buf)) > 0)
		drained += r;
	CHECK(r == -1 && errno == EAGAIN);
	CHECK_EQ(drained, total);
	close(fds[1]);
	CHECK_EQ(read(fds[0], buf, sizeof buf), 0); /* EOF beats EAGAIN */
	close(fds[0]);
}

/*
 * Eight writers each write 100 records of PIPE_BUF bytes filled with their
 * own letter. POSIX: a write of at most PIPE_BUF bytes is atomic, so the
 * reader sees whole records, never two writers mixed in one.
 */
static void pipe_buf_writes_are_atomic(void)
{
	enum { WRITERS = 8, RECORDS = 100 };
	static char rec[PIPE_BUF];
	int fds[2];
	REQUIRE(pipe(fds) == 0);
	for (int w = 0; w < WRITERS; w++) {
		pid_t pid = fork();
		if (pid == 0) {
			close(fds[0]);
			memset(rec, 'a' + w, sizeof rec);
			for (int i = 0; i < RECORDS; i++)
				if (write(fds[1], rec, sizeof rec) != sizeof rec)
					_exit(1);
			_exit(0);
		}
		CHECK(pid > 0);
	}
	close(fds[1]);
	int count[WRITERS] = { 0 }, mixed = 0, records = 0;
	while (read_full(fds[0], rec, sizeof rec) == sizeof rec) {
		records++;
		size_t i = 1;
		while (i < sizeof rec && rec[i] == rec[0])
			i++;
		mixed += i != sizeof rec;
		if (rec[0] >= 'a' && rec[0] < 'a' + WRITERS)
			count[rec[0] - 'a']++;
	}
	close(fds[0]);
	CHECK_EQ(records, WRITERS * RECORDS);
	CHECK_EQ(mixed, 0);
	for (int w = 0; w < WRITERS; w++)
		CHECK_EQ(count[w], RECORDS);
	int status, ok = 0;
	while (wait(&status) > 0)
		ok += WIFEXITED(status) && WEXITSTATUS(status) == 0;
	CHECK_EQ(ok, WRITERS);
}

int main(void)
{
	guest_begin();
	TAP(one_64k_write);
	TAP(one_mib_in_64k_writes);
	TAP(odd_sized_writes);
	TAP(eof_after_all_writers_close);
	TAP(short_read);
	TAP(epipe_when_no_reader);
	TAP(sigpipe_kills_writer);
	TAP(blocked_writer_gets_epipe);
	TAP(nonblocking);
	TAP(pipe_buf_writes_are_atomic);
	guest_end();
	return tap_done();
}
