/*
 * test_files — the file system calls the shell and the commands rely on,
 * in a fresh directory under /tmp: create/exclusive/truncate/append,
 * lseek, dup/dup2/dup3/fcntl, fstat, directory listing (getdents64),
 * mkdir/rmdir/unlink/rename, getcwd/chdir, and one open file shared by a
 * parent and its child after fork (one offset for both).
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "guest.h"

static char dir[64];

/* path inside the temp dir (rotating buffers, for two at a time) */
static const char *in(const char *name)
{
	static char buf[2][PATH_MAX];
	static int k;
	k ^= 1;
	snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
	return buf[k];
}

static void write_file(const char *path, const char *text, int flags)
{
	int fd = open(path, O_WRONLY | O_CREAT | flags, 0644);
	CHECK(fd >= 0);
	CHECK_EQ(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

/* Whole file as a string ("" if it cannot be read). */
static const char *read_file(const char *path)
{
	static char buf[4096];
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? 0 : read(fd, buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = '\0';
	if (fd >= 0)
		close(fd);
	return buf;
}

static void create_exclusive_truncate_append(void)
{
	int fd = open(in("a"), O_RDWR | O_CREAT | O_EXCL, 0644);
	CHECK(fd >= 0);
	CHECK_ERR(open(in("a"), O_RDWR | O_CREAT | O_EXCL, 0644), EEXIST);
	CHECK_EQ(write(fd, "hello world", 11), 11);
	close(fd);
	CHECK(strcmp(read_file(in("a")), "hello world") == 0);
	write_file(in("a"), "bye", O_TRUNC);
	CHECK(strcmp(read_file(in("a")), "bye") == 0);
	/* O_APPEND writes at the end even after seeking to the start. */
	fd = open(in("a"), O_WRONLY | O_APPEND);
	CHECK(fd >= 0);
	CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
	CHECK_EQ(write(fd, "!", 1), 1);
	close(fd);
	CHECK(strcmp(read_file(in("a")), "bye!") == 0);
	CHECK_ERR(open(in("missing"), O_RDONLY), ENOENT);
	CHECK_ERR(open(in("a/b"), O_RDONLY), ENOTDIR);
	CHECK_ERR(open(dir, O_WRONLY), EISDIR);
	CHECK_EQ(unlink(in("a")), 0);
}

static void seek_and_read(void)
{
	write_file(in("s"), "0123456789", O_TRUNC);
	int fd = open(in("s"), O_RDONLY);
	REQUIRE(fd >= 0);
	char buf[8];
	CHECK_EQ(lseek(fd, 4, SEEK_SET), 4);
	CHECK_EQ(read(fd, buf, 2), 2);
	CHECK(memcmp(buf, "45", 2) == 0);
	CHECK_EQ(lseek(fd, 1, SEEK_CUR), 7);
	CHECK_EQ(lseek(fd, -2, SEEK_END), 8);
	CHECK_EQ(read(fd, buf, 8), 2);
	CHECK_EQ(read(fd, buf, 8), 0); /* end of file */
	CHECK_ERR(lseek(fd, -100, SEEK_SET), EINVAL);
	struct stat st;
	CHECK_EQ(fstat(fd, &st), 0);
	CHECK(S_ISREG(st.st_mode));
	CHECK_EQ(st.st_size, 10);
	CHECK_EQ(stat(dir, &st), 0);
	CHECK(S_ISDIR(st.st_mode));
	close(fd);
	CHECK_ERR(read(fd, buf, 1), EBADF);
	CHECK_ERR(close(fd), EBADF);
	CHECK_EQ(unlink(in("s")), 0);
}

/* dup'ed descriptors share one open file, so one offset. */
static void dup_family(void)
{
	write_file(in("d"), "abcdef", O_TRUNC);
	int fd = open(in("d"), O_RDONLY);
	REQUIRE(fd >= 0);
	int fd2 = dup(fd);
	CHECK(fd2 >= 0 && fd2 != fd);
	char c;
	CHECK_EQ(read(fd, &c, 1), 1);
	CHECK_EQ(read(fd2, &c, 1), 1);
	CHECK_EQ(c, 'b'); /* fd2 continues where fd stopped */
	CHECK_EQ(dup2(fd, 20), 20);
	CHECK_EQ(read(20, &c, 1), 1);
	CHECK_EQ(c, 'c');
	CHECK_EQ(dup2(fd, fd), fd);
	CHECK_ERR(dup2(fd, -1), EBADF);
	CHECK_ERR(dup(1000), EBADF);
	CHECK_EQ(dup3(fd, 21, O_CLOEXEC), 21);
	CHECK_EQ(fcntl(21, F_GETFD), FD_CLOEXEC);
	CHECK_EQ(fcntl(20, F_GETFD), 0); /* dup2 never copies the flag */
	CHECK_EQ(fcntl(fd, F_DUPFD, 30), 30); /* lowest free >= 30 */
	CHECK_EQ(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDONLY);
	close(fd), close(fd2), close(20), close(21), close(30);
	CHECK_EQ(unlink(in("d")), 0);
}

/* One open file, two processes: the child's write moves our offset too. */
static void offset_shared_after_fork(void)
{
	int fd = open(in("f"), O_RDWR | O_CREAT | O_TRUNC, 0644);
	REQUIRE(fd >= 0);
	pid_t pid = fork();
	if (pid == 0)
		_exit(write(fd, "child ", 6) == 6 ? 0 : 1);
	REQUIRE(pid > 0);
	int status;
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 6);
	CHECK_EQ(write(fd, "parent", 6), 6);
	close(fd);
	CHECK(strcmp(read_file(in("f")), "child parent") == 0);
	CHECK_EQ(unlink(in("f")), 0);
}

static int count_entries(const char *path, const char *want, int *found)
{
	DIR *d = opendir(path);
	int n = 0;
	*found = 0;
	if (!d)
		return -1;
	struct dirent *e;
	while ((e = readdir(d))) {
		n++;
		if (strcmp(e->d_name, want) == 0)
			(*found)++;
	}
	closedir(d);
	return n;
}

static void directories(void)
{
	int found;
	CHECK_EQ(mkdir(in("sub"), 0755), 0);
	CHECK_ERR(mkdir(in("sub"), 0755), EEXIST);
	write_file(in("sub/x"), "x", O_TRUNC);
	write_file(in("y"), "y", O_TRUNC);
	/* . .. sub y */
	CHECK_EQ(count_entries(dir, "sub", &found), 4);
	CHECK_EQ(found, 1);
	CHECK_EQ(count_entries(in("sub"), "x", &found), 3);
	CHECK_EQ(found, 1);
	CHECK_ERR(rmdir(in("sub")), ENOTEMPTY);
	CHECK_ERR(unlink(in("sub")), EISDIR);
	CHECK_ERR(rmdir(in("y")), ENOTDIR);
	CHECK_EQ(unlink(in("sub/x")), 0);
	CHECK_EQ(rmdir(in("sub")), 0);
	CHECK_EQ(count_entries(dir, "sub", &found), 3);
	CHECK_EQ(found, 0);
	CHECK_EQ(unlink(in("y")), 0);
	CHECK_ERR(unlink(in("y")), ENOENT);
}

static void rename_file(void)
{
	write_file(in("old"), "content", O_TRUNC);
	write_file(in("target"), "replaced", O_TRUNC);
	CHECK_EQ(rename(in("old"), in("new")), 0);
	CHECK_ERR(open(in("old"), O_RDONLY), ENOENT);
	CHECK(strcmp(read_file(in("new")), "content") == 0);
	CHECK_EQ(rename(in("new"), in("target")), 0); /* replaces target */
	CHECK(strcmp(read_file(in("target")), "content") == 0);
	CHECK_EQ(unlink(in("target")), 0);
}

/* An unlinked file lives on while it is open. */
static void unlink_open_file(void)
{
	int fd = open(in("u"), O_RDWR | O_CREAT | O_TRUNC, 0644);
	REQUIRE(fd >= 0);
	CHECK_EQ(write(fd, "still here", 10), 10);
	CHECK_EQ(unlink(in("u")), 0);
	CHECK_ERR(open(in("u"), O_RDONLY), ENOENT);
	char buf[16];
	CHECK_EQ(pread(fd, buf, sizeof buf, 0), 10);
	CHECK(memcmp(buf, "still here", 10) == 0);
	close(fd);
}

static void cwd(void)
{
	char before[PATH_MAX], here[PATH_MAX];
	REQUIRE(getcwd(before, sizeof before) != NULL);
	CHECK_EQ(chdir(dir), 0);
	CHECK(getcwd(here, sizeof here) != NULL);
	/* mkdtemp's name, whatever /tmp resolves to */
	const char *base = strrchr(dir, '/');
	size_t hl = strlen(here), bl = strlen(base);
	CHECK(hl >= bl && strcmp(here + hl - bl, base) == 0);
	write_file("rel", "relative", O_TRUNC); /* relative to the new cwd */
	CHECK(strcmp(read_file(in("rel")), "relative") == 0);
	CHECK_EQ(unlink("rel"), 0);
	CHECK_ERR(chdir("no-such-dir"), ENOENT);
	errno = 0;
	CHECK(getcwd(here, 1) == NULL && errno == ERANGE);
	CHECK_EQ(chdir(".."), 0);
	CHECK(getcwd(here, sizeof here) && strcmp(here + strlen(here) - 4, "/tmp") == 0);
	CHECK_EQ(chdir(before), 0);
}

int main(void)
{
	guest_begin();
	mkdir("/tmp", 01777); /* Weft's root may not have it yet */
	strcpy(dir, "/tmp/weft-files-XXXXXX");
	if (!mkdtemp(dir)) {
		printf("Bail out! mkdtemp /tmp: %s\n", strerror(errno));
		return 1;
	}
	TAP(create_exclusive_truncate_append);
	TAP(seek_and_read);
	TAP(dup_family);
	TAP(offset_shared_after_fork);
	TAP(directories);
	TAP(rename_file);
	TAP(unlink_open_file);
	TAP(cwd);
	tap_start();
	CHECK_EQ(rmdir(dir), 0); /* every case cleaned up after itself */
	tap_end("temp dir empty at the end");
	guest_end();
	return tap_done();
}
