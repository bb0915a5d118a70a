/*
 * test_socketpair — socketpair(AF_UNIX, SOCK_STREAM), the duplex pipe:
 * both ends read and write; EOF after the peer closes or shuts down
 * writing while the other direction goes on; EPIPE with SIGPIPE, or
 * without it under MSG_NOSIGNAL; ECONNRESET when the peer closed with
 * bytes unread; O_NONBLOCK / MSG_DONTWAIT; MSG_PEEK and MSG_WAITALL;
 * readv/writev; 1 MiB each way between forked processes; fstat says
 * S_IFSOCK; and the errors of wrong calls.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "guest.h"

static bool exited_ok(pid_t pid)
{
	int status;
	return waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	       WEXITSTATUS(status) == 0;
}

static unsigned char pattern(size_t i, int salt)
{
	return (unsigned char)(i * 31 + (i >> 12) + salt);
}

static void both_directions(void)
{
	int sv[2];
	char buf[16];
	REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	CHECK_EQ(write(sv[0], "ping", 4), 4);
	CHECK_EQ(read(sv[1], buf, sizeof buf), 4);
	CHECK(memcmp(buf, "ping", 4) == 0);
	CHECK_EQ(write(sv[1], "pong!", 5), 5);
	CHECK_EQ(read(sv[0], buf, sizeof buf), 5);
	CHECK(memcmp(buf, "pong!", 5) == 0);
	/* send/recv are write/read with flags */
	CHECK_EQ(send(sv[0], "abc", 3, 0), 3);
	CHECK_EQ(recv(sv[1], buf, 2, 0), 2);  /* a byte stream: no boundaries */
	CHECK(memcmp(buf, "ab", 2) == 0);
	CHECK_EQ(recvfrom(sv[1], buf, sizeof buf, 0, NULL, NULL), 1);
	CHECK_EQ(buf[0], 'c');
	close(sv[0]);
	close(sv[1]);
}

/* The peer closed: what it sent can still be read, then EOF, again EOF. */
static void eof_after_close(void)
{
	int sv[2];
	char buf[16];
	REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	CHECK_EQ(write(sv[1], "last", 4), 4);
	close(sv[1]);
	CHECK_EQ(read(sv[0], buf, sizeof buf), 4);
	CHECK_EQ(read(sv[0], buf, sizeof buf), 0);
	CHECK_EQ(read(sv[0], buf, sizeof buf), 0);
	close(sv[0]);
}

/* A blocked reader is woken by the peer's close, in another process. */
static void blocked_reader_sees_eof(void)
{
	int sv[2];
	char c;
	REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		close(sv[1]);
		_exit(read(sv[0], &c, 1) == 0 ? 0 : 1);
	}
	REQUIRE(pid > 0);
	close(sv[0]);
	usleep(20 * 1000);      /* likely asleep in read by now; either way works */
	close(sv[1]);
	CHECK(exited_ok(pid));
}

/* shutdown(SHUT_WR): the peer gets EOF, the other direction still works. */
static void shutdown_write_half_closes(void)
{
	int sv[2];
	char buf[16];
	void (*old)(int) = signal(SIGPIPE, SIG_IGN);
	REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	CHECK_EQ(write(sv[0], "req", 3), 3);
	CHECK_EQ(shutdown(sv[0], SHUT_WR), 0);
	CHECK_EQ(read(sv[1], buf, sizeof buf), 3);   /* what came before */
	CHECK_EQ(read(sv[1], buf, sizeof buf), 0);   /* then EOF */
	CHECK_EQ(write(sv[1], "reply", 5), 5);       /* the way back is open */
	CHECK_EQ(read(sv[0], buf, sizeof buf), 5);
	CHECK(memcmp(buf, "reply", 5) == 0);
	CHECK_ERR(write(sv[0], "more", 4), EPIPE);   /* we said we were done */
	CHECK_EQ(shutdown(sv[1], SHUT_WR), 0);
	CHECK_EQ(read(sv[0], buf, sizeof buf), 0);
	close(sv[0]);
	close(sv[1]);
	signal(SIGPIPE, old);
}

/* shutdown(SHUT_RD): bytes already here stay readable, then EOF; the
 * peer's writes fail. SHUT_RDWR does both. */
static void shutdown_read(void)
{
	int sv[2];
	char buf[16];
	void (*old)(int) = signal(SIGPIPE, SIG_IGN);
	REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	CHECK_EQ(write(sv[1], "q", 1), 1);
	CHECK_EQ(shutdown(sv[0], SHUT_RD), 0);
	CHECK_EQ(read(sv[0], buf, sizeof buf), 1);
	CHECK_EQ(read(sv[0], buf, sizeof buf), 0);
	CHECK_ERR(write(sv[1], "y", 1), EPIPE);
	CHECK_EQ(write(sv[0], "z", 1), 1);           /* the other way is open */
	CHECK_EQ(read(sv[1], buf, sizeof buf), 1);
	CHECK_EQ(shutdown(sv[0], SHUT_RDWR), 0);
	CHECK_ERR(write(sv[0], "z", 1), EPIPE);
	CHECK_EQ(read(sv[1], buf, sizeof buf), 0);
	close(sv[0]);
	close(sv[1]);
	signal(SIGPIPE, old);
}

static void send_to_closed_peer(void *flags)
{
	int sv[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	close(sv[1]);
	ssize_t r = send(sv[0], "x", 1, (int)(intptr_t)flags);
	/* reached only if no SIGPIPE killed us */
	_exit(r == -1 && errno == EPIPE ? 0 : 1);
}

static void epipe_and_sigpipe(void)
{
	/* Default action for SIGPIPE: the writer dies of it ... */
	int st = run_in_child(send_to_closed_peer, (void *)(intptr_t)0);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE);
	/* ... unless it says MSG_NOSIGNAL: then EPIPE only. */
	st = run_in_child(send_to_closed_peer, (void *)(intptr_t)MSG_NOSIGNAL);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* The peer closed without reading what we sent: our next read says so. */
static void connection_reset(void)
{
	int sv[2];
	char buf[8];
	REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	CHECK_EQ(write(sv[1], "for0", 4), 4);    /* waiting for sv[0] */
	CHECK_EQ(write(sv[0], "lost", 4), 4);    /* never read by sv[1] */
	close(sv[1]);
	CHECK_EQ(read(sv[0], buf, sizeof buf), 4);   /* ours first */
	CHECK_ERR(read(sv[0], buf, sizeof buf), ECONNRESET);
	CHECK_EQ(read(sv[0], buf, sizeof buf), 0);   /* once; then EOF */
	close(sv[0]);
}

static void nonblocking(void)
{
	int sv[2];
	char buf[4096];
	REQUIRE(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0,
	                   sv) == 0);
	CHECK(fcntl(sv[0], F_GETFL) & O_NONBLOCK);
	CHECK_EQ(fcntl(sv[0], F_GETFL) & O_ACCMODE, O_RDWR);
	CHECK_EQ(fcntl(sv[1], F_GETFD), FD_CLOEXEC);
	CHECK_ERR(read(sv[0], buf, sizeof buf), EAGAIN);
	memset(buf, 's', sizeof buf);
	size_t total = 0;
	ssize_t r;
	while ((r = write(sv[0], buf, sizeof buf)) > 0)
		total += r;
	CHECK(r == -1 && errno == EAGAIN);
	CHECK(total >= 4096);
	size_t drained = 0;
	while ((r = read(sv[1], buf, sizeof buf)) > 0)
		drained += r;
	CHECK(r == -1 && errno == EAGAIN);
	CHECK_EQ(drained, total);
	close(sv[0]);
	CHECK_EQ(read(sv[1], buf, sizeof buf), 0);   /* EOF beats EAGAIN */
	close(sv[1]);

	/* MSG_DONTWAIT on a blocking socket, for one call only. */
	REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	CHECK_ERR(recv(sv[0], buf, 1, MSG_DONTWAIT), EAGAIN);
	CHECK_EQ(fcntl(sv[0], F_GETFL) & O_NONBLOCK, 0);
	close(sv[0]);
	close(sv[1]);
}

static void peek_waitall_fionread(void)
{
	int sv[2];
	char buf[16];
	REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	CHECK_EQ(write(sv[1], "peek", 4), 4);
	int n = -1;
	CHECK_EQ(ioctl(sv[0], FIONREAD, &n), 0);
	CHECK_EQ(n, 4);
	CHECK_EQ(recv(sv[0], buf, sizeof buf, MSG_PEEK), 4);
	CHECK_EQ(recv(sv[0], buf, 2, 0), 2);         /* still there */
	CHECK(memcmp(buf, "pe", 2) == 0);
	CHECK_EQ(recv(sv[0], buf, sizeof buf, 0), 2);

	/* MSG_WAITALL gathers several writes of a child into one read. */
	pid_t pid = fork();
	if (pid == 0) {
		for (int i = 0; i < 4; i++) {
			usleep(5 * 1000);
			if (write(sv[1], "abcd" + i, 1) != 1)
				_exit(1);
		}
		_exit(0);
	}
	REQUIRE(pid > 0);
	CHECK_EQ(recv(sv[0], buf, 4, MSG_WAITALL), 4);
	CHECK(memcmp(buf, "abcd", 4) == 0);
	CHECK(exited_ok(pid));
	close(sv[0]);
	close(sv[1]);
}

static void readv_writev(void)
{
	int sv[2];
	char a[3], b[5];
	REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	struct iovec out[2] = { { "one", 3 }, { "two22", 5 } };
	CHECK_EQ(writev(sv[1], out, 2), 8);
	struct iovec in[2] = { { a, sizeof a }, { b, sizeof b } };
	CHECK_EQ(readv(sv[0], in, 2), 8);
	CHECK(memcmp(a, "one", 3) == 0 && memcmp(b, "two22", 5) == 0);
	close(sv[0]);
	close(sv[1]);
}

/*
 * 1 MiB from parent to child, checked byte by byte there, then 1 MiB
 * back: the writer fills the 64 KiB-ish buffer, blocks, and is woken.
 * The ends are inherited over fork like any descriptor.
 */
static void one_mib_each_way(void)
{
	enum { TOTAL = 1024 * 1024, CHUNK = 10000 };
	static unsigned char buf[CHUNK];
	int sv[2];
	REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		close(sv[0]);
		size_t off = 0, bad = 0;
		while (off < TOTAL) {
			ssize_t r = read(sv[1], buf, sizeof buf);
			if (r <= 0)
				_exit(2);
			for (ssize_t i = 0; i < r; i++)
				bad += buf[i] != pattern(off + i, 0);
			off += r;
		}
		if (bad || off != TOTAL)
			_exit(3);
		for (off = 0; off < TOTAL; off += CHUNK) {
			size_t n = TOTAL - off < CHUNK ? TOTAL - off : CHUNK;
			for (size_t i = 0; i < n; i++)
				buf[i] = pattern(off + i, 7);
			if (write(sv[1], buf, n) != (ssize_t)n)
				_exit(4);
		}
		_exit(0);
	}
	REQUIRE(pid > 0);
	close(sv[1]);
	for (size_t off = 0; off < TOTAL; off += CHUNK) {
		size_t n = TOTAL - off < CHUNK ? TOTAL - off : CHUNK;
		for (size_t i = 0; i < n; i++)
			buf[i] = pattern(off + i, 0);
		CHECK_EQ(write(sv[0], buf, n), n);
	}
	size_t off = 0, bad = 0;
	ssize_t r;
	while ((r = read(sv[0], buf, sizeof buf)) > 0) {
		for (ssize_t i = 0; i < r; i++)
			bad += buf[i] != pattern(off + i, 7);
		off += r;
	}
	CHECK_EQ(r, 0);             /* the child exited: EOF */
	CHECK_EQ(off, TOTAL);
	CHECK_EQ(bad, 0);
	close(sv[0]);
	CHECK(exited_ok(pid));
}

static void fstat_says_socket(void)
{
	int sv[2];
	struct stat st;
	REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	CHECK_EQ(fstat(sv[0], &st), 0);
	CHECK(S_ISSOCK(st.st_mode));
	CHECK_ERR(lseek(sv[0], 0, SEEK_SET), ESPIPE);
	close(sv[0]);
	close(sv[1]);
}

static void wrong_calls(void)
{
	int sv[2], p[2];
	char c = 0;
	struct sockaddr sa = { .sa_family = AF_UNIX };
	/* Linux has AF_INET but no socketpair for it; Weft has no AF_INET. */
	errno = 0;
	CHECK_EQ(socketpair(AF_INET, SOCK_STREAM, 0, sv), -1);
	CHECK(errno == EOPNOTSUPP || errno == EAFNOSUPPORT);
	CHECK_ERR(socketpair(99, SOCK_STREAM, 0, sv), EAFNOSUPPORT);
	CHECK_ERR(socketpair(AF_UNIX, SOCK_STREAM, 2, sv), EPROTONOSUPPORT);
	CHECK_ERR(socketpair(AF_UNIX, SOCK_STREAM | 0x100, 0, sv), EINVAL);
	CHECK_ERR(socketpair(AF_UNIX, 11, 0, sv), EINVAL);
	CHECK_ERR(socketpair(AF_UNIX, 4 /* SOCK_RDM */, 0, sv), ESOCKTNOSUPPORT);
	int *volatile bad = (int *)8;   /* volatile: the compiler would see it */
	CHECK_ERR(socketpair(AF_UNIX, SOCK_STREAM, 0, bad), EFAULT);
	if (on_weft())      /* no named sockets in Weft */
		CHECK_ERR(socket(AF_UNIX, SOCK_STREAM, 0), EAFNOSUPPORT);

	REQUIRE(pipe(p) == 0);
	REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	CHECK_ERR(shutdown(p[0], SHUT_RD), ENOTSOCK);
	CHECK_ERR(shutdown(-1, SHUT_RD), EBADF);
	CHECK_ERR(shutdown(sv[0], 7), EINVAL);
	CHECK_ERR(recv(p[0], &c, 1, MSG_DONTWAIT), ENOTSOCK);
	CHECK_ERR(send(p[1], &c, 1, 0), ENOTSOCK);
	CHECK_ERR(sendto(sv[0], &c, 1, 0, &sa, sizeof sa), EISCONN);
	CHECK_ERR(recv(sv[0], (void *)8, 1, MSG_DONTWAIT), EAGAIN);
	CHECK_EQ(write(sv[1], "x", 1), 1);
	CHECK_ERR(recv(sv[0], (void *)8, 1, 0), EFAULT);
	CHECK_EQ(recv(sv[0], &c, 1, 0), 1);      /* the byte stayed */
	CHECK_EQ(c, 'x');
	close(p[0]);
	close(p[1]);
	close(sv[0]);
	close(sv[1]);
}

int main(void)
{
	guest_begin();
	TAP(both_directions);
	TAP(eof_after_close);
	TAP(blocked_reader_sees_eof);
	TAP(shutdown_write_half_closes);
	TAP(shutdown_read);
	TAP(epipe_and_sigpipe);
	TAP(connection_reset);
	TAP(nonblocking);
	TAP(peek_waitall_fionread);
	TAP(readv_writev);
	TAP(one_mib_each_way);
	TAP(fstat_says_socket);
	TAP(wrong_calls);
	guest_end();
	return tap_done();
}
