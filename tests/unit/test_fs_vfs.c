/*
 * The VFS and tmpfs on the host: path lookup, files (create, read, write,
 * truncate, append, holes), directories (mkdir, rmdir, unlink, rename,
 * getdents), symlinks, getcwd, and that the heap is back to where it
 * started once the tree is torn down (fs_run_vfs checks that).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <kernel/errno.h>
#include <kernel/fs/vfs.h>

#include "fake.h"
#include "fs_fake_harness.h"

static struct inode *look(const char *path, int *err)
{
	struct inode *i = NULL;
	*err = vfs_resolve(NULL, path, LOOKUP_FOLLOW, &i);
	return *err ? NULL : i;
}

static int lookup_err(const char *path)
{
	int err;
	struct inode *i = look(path, &err);
	inode_put(i);
	return err;
}

static int put_file(const char *path, const char *text, unsigned flags)
{
	struct file *f;
	int err = vfs_open(NULL, path, O_WRONLY | O_CREAT | flags, 0644, &f);
	if (err)
		return err;
	long n = vfs_write(f, text, strlen(text));
	file_put(f);
	return n < 0 ? (int)n : 0;
}

/* The whole file as a string (static buffer), or "" on error. */
static const char *get_file(const char *path)
{
	static char buf[9000];
	struct file *f;
	buf[0] = '\0';
	if (vfs_open(NULL, path, O_RDONLY, 0, &f))
		return buf;
	long n = vfs_read(f, buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = '\0';
	file_put(f);
	return buf;
}

static void body_lookup(void *arg)
{
	(void)arg;
	int err;
	struct inode *null = look("/dev/null", &err);
	FS_CHECK(null != NULL);
	struct inode *same = look("//dev///./null", &err);
	FS_CHECK(same == null);
	inode_put(same);
	same = look("/dev/../dev/null", &err);
	FS_CHECK(same == null);
	inode_put(same);
	FS_CHECK(null && S_ISCHR(null->mode));
	inode_put(null);

	struct inode *root = look("/..", &err);
	FS_CHECK(root == vfs_root());
	inode_put(root);

	/* Relative to a directory other than the working directory. */
	struct inode *dev = look("/dev", &err), *i = NULL;
	FS_CHECK_EQ(vfs_resolve(dev, "zero", 0, &i), 0);
	FS_CHECK(i && S_ISCHR(i->mode));
	inode_put(i);
	inode_put(dev);

	FS_CHECK_EQ(lookup_err("/nope"), -ENOENT);
	FS_CHECK_EQ(lookup_err("/dev/nope/x"), -ENOENT);
	FS_CHECK_EQ(lookup_err("/dev/null/x"), -ENOTDIR);
	FS_CHECK_EQ(lookup_err("/dev/null/"), -ENOTDIR);
	FS_CHECK_EQ(lookup_err(""), -ENOENT);

	char longname[NAME_MAX + 3];
	memset(longname, 'a', sizeof longname);
	longname[0] = '/';
	longname[sizeof longname - 1] = '\0';       /* 256 'a's */
	FS_CHECK_EQ(lookup_err(longname), -ENAMETOOLONG);
	static char longpath[PATH_MAX + 2];
	for (int k = 0; k < PATH_MAX; k += 2)
		memcpy(longpath + k, "/.", 2);
	longpath[PATH_MAX] = '\0';
	FS_CHECK_EQ(lookup_err(longpath), -ENAMETOOLONG);
	longpath[PATH_MAX - 2] = '\0';             /* 4094 bytes: fine */
	FS_CHECK_EQ(lookup_err(longpath), 0);
}

static void test_lookup(void **state)
{
	(void)state;
	fs_run_vfs(body_lookup, NULL);
}

static void body_files(void *arg)
{
	(void)arg;
	struct file *f;
	char buf[64];

	FS_CHECK_EQ(put_file("/tmp/a", "hello", 0), 0);
	FS_CHECK(strcmp(get_file("/tmp/a"), "hello") == 0);
	/* O_TRUNC empties; without it, writing overwrites from offset 0. */
	FS_CHECK_EQ(put_file("/tmp/a", "HE", 0), 0);
	FS_CHECK(strcmp(get_file("/tmp/a"), "HEllo") == 0);
	FS_CHECK_EQ(put_file("/tmp/a", "new", O_TRUNC), 0);
	FS_CHECK(strcmp(get_file("/tmp/a"), "new") == 0);
	FS_CHECK_EQ(put_file("/tmp/a", "+more", O_APPEND), 0);
	FS_CHECK(strcmp(get_file("/tmp/a"), "new+more") == 0);
	FS_CHECK_EQ(vfs_open(NULL, "/tmp/a", O_CREAT | O_EXCL | O_WRONLY, 0644, &f),
	            -EEXIST);
	FS_CHECK_EQ(vfs_open(NULL, "/tmp/a", O_RDONLY | O_DIRECTORY, 0, &f),
	            -ENOTDIR);
	FS_CHECK_EQ(vfs_open(NULL, "/tmp", O_WRONLY, 0, &f), -EISDIR);
	FS_CHECK_EQ(vfs_open(NULL, "/tmp/none/x", O_CREAT | O_WRONLY, 0644, &f),
	            -ENOENT);

	/* Access modes are enforced on the open file. */
	FS_CHECK_EQ(vfs_open(NULL, "/tmp/a", O_RDONLY, 0, &f), 0);
	FS_CHECK_EQ(vfs_write(f, "x", 1), -EBADF);
	FS_CHECK_EQ(file_lseek(f, 4, SEEK_SET), 4);
	FS_CHECK_EQ(vfs_read(f, buf, sizeof buf), 4);
	FS_CHECK(memcmp(buf, "more", 4) == 0);
	FS_CHECK_EQ(vfs_read(f, buf, sizeof buf), 0);           /* EOF */
	FS_CHECK_EQ(file_lseek(f, -1, SEEK_END), 7);
	FS_CHECK_EQ(file_lseek(f, -100, SEEK_CUR), -EINVAL);
	FS_CHECK_EQ(file_lseek(f, 0, 7), -EINVAL);
	file_put(f);

	/* A hole reads as zeros; the size is where the last write ended. */
	FS_CHECK_EQ(vfs_open(NULL, "/tmp/sparse", O_RDWR | O_CREAT, 0600, &f), 0);
	FS_CHECK_EQ(file_lseek(f, 3 * 4096 + 10, SEEK_SET), 3 * 4096 + 10);
	FS_CHECK_EQ(vfs_write(f, "end", 3), 3);
	FS_CHECK_EQ(f->inode->size, 3 * 4096 + 13);
	uint64_t pos = 4096 * 2;
	memset(buf, 'x', sizeof buf);
	FS_CHECK_EQ(file_read(f, iobuf_kernel(buf), 16, &pos), 16);
	FS_CHECK_EQ(buf[0], 0);
	FS_CHECK_EQ(buf[15], 0);
	/* Truncate down then up: the cut bytes come back as zeros. */
	FS_CHECK_EQ(f->inode->iops->truncate(f->inode, 3 * 4096 + 11), 0);
	FS_CHECK_EQ(f->inode->iops->truncate(f->inode, 3 * 4096 + 13), 0);
	pos = 3 * 4096 + 10;
	FS_CHECK_EQ(file_read(f, iobuf_kernel(buf), 10, &pos), 3);
	FS_CHECK(memcmp(buf, "e\0\0", 3) == 0);
	file_put(f);

	/* A file that spans pages, written in odd pieces. */
	static char big[9000];
	for (int k = 0; k < 9000; k++)
		big[k] = (char)('a' + k % 26);
	FS_CHECK_EQ(vfs_open(NULL, "/tmp/big", O_RDWR | O_CREAT, 0600, &f), 0);
	FS_CHECK_EQ(vfs_write(f, big, 4000), 4000);
	FS_CHECK_EQ(vfs_write(f, big + 4000, 5000), 5000);
	static char back[9000];
	pos = 0;
	FS_CHECK_EQ(file_read(f, iobuf_kernel(back), sizeof back, &pos), 9000);
	FS_CHECK(memcmp(big, back, 9000) == 0);
	file_put(f);

	/* A user buffer that faults: -EFAULT, nothing written. */
	FS_CHECK_EQ(vfs_open(NULL, "/tmp/a", O_WRONLY, 0, &f), 0);
	FS_CHECK_EQ(file_write(f, iobuf_user(FAKE_BAD_UPTR), 4, NULL), -EFAULT);
	file_put(f);
	FS_CHECK(strcmp(get_file("/tmp/a"), "new+more") == 0);
}

static void test_files(void **state)
{
	(void)state;
	fs_run_vfs(body_files, NULL);
}

static void body_unlink_open(void *arg)
{
	(void)arg;
	struct file *f;
	char buf[8];
	long before = fake_heap_live();
	FS_CHECK_EQ(put_file("/tmp/gone", "data", 0), 0);
	FS_CHECK_EQ(vfs_open(NULL, "/tmp/gone", O_RDONLY, 0, &f), 0);
	FS_CHECK_EQ(vfs_unlink(NULL, "/tmp/gone", false), 0);
	FS_CHECK_EQ(lookup_err("/tmp/gone"), -ENOENT);
	/* Still readable through the open file... */
	FS_CHECK_EQ(vfs_read(f, buf, sizeof buf), 4);
	FS_CHECK_EQ(f->inode->nlink, 0);
	/* ...and freed with the last reference. */
	file_put(f);
	FS_CHECK_EQ(fake_heap_live(), before);
	FS_CHECK_EQ(vfs_unlink(NULL, "/tmp/gone", false), -ENOENT);
}

static void test_unlink_open_file(void **state)
{
	(void)state;
	fs_run_vfs(body_unlink_open, NULL);
}

static void body_dirs(void *arg)
{
	(void)arg;
	FS_CHECK_EQ(vfs_mkdir(NULL, "/tmp/d", 0755), 0);
	FS_CHECK_EQ(vfs_mkdir(NULL, "/tmp/d", 0755), -EEXIST);
	FS_CHECK_EQ(vfs_mkdir(NULL, "/", 0755), -EEXIST);
	FS_CHECK_EQ(vfs_mkdir(NULL, "/tmp/d/e/", 0755), 0);
	FS_CHECK_EQ(put_file("/tmp/d/f", "x", 0), 0);
	FS_CHECK_EQ(vfs_unlink(NULL, "/tmp/d", true), -ENOTEMPTY);
	FS_CHECK_EQ(vfs_unlink(NULL, "/tmp/d", false), -EISDIR);
	FS_CHECK_EQ(vfs_unlink(NULL, "/tmp/d/f", true), -ENOTDIR);
	FS_CHECK_EQ(vfs_unlink(NULL, "/tmp/d/.", true), -EINVAL);
	FS_CHECK_EQ(vfs_unlink(NULL, "/", true), -EBUSY);
	FS_CHECK_EQ(vfs_unlink(NULL, "/proc", true), -EBUSY);

	struct inode *d, *e;
	FS_CHECK_EQ(vfs_resolve(NULL, "/tmp/d", 0, &d), 0);
	FS_CHECK_EQ(d->nlink, 3);               /* ".", its entry, e's ".." */
	char cwd[64];
	FS_CHECK_EQ(vfs_resolve(NULL, "/tmp/d/e", 0, &e), 0);
	FS_CHECK_EQ(vfs_getcwd(e, cwd, sizeof cwd), 8);
	FS_CHECK(strcmp(cwd, "/tmp/d/e") == 0);
	FS_CHECK_EQ(vfs_getcwd(e, cwd, 5), -ERANGE);
	FS_CHECK_EQ(vfs_getcwd(vfs_root(), cwd, sizeof cwd), 1);
	FS_CHECK(strcmp(cwd, "/") == 0);

	/* Renames: a directory moves with its contents, getcwd follows. */
	FS_CHECK_EQ(vfs_rename(NULL, "/tmp/d", NULL, "/tmp/d/e/x"), -EINVAL);
	FS_CHECK_EQ(vfs_rename(NULL, "/tmp/d", NULL, "/moved"), 0);
	FS_CHECK_EQ(vfs_getcwd(e, cwd, sizeof cwd), 8);
	FS_CHECK(strcmp(cwd, "/moved/e") == 0);
	FS_CHECK(strcmp(get_file("/moved/f"), "x") == 0);
	FS_CHECK_EQ(d->nlink, 3);
	/* File over file replaces it; file over directory and back refuse. */
	FS_CHECK_EQ(put_file("/tmp/g", "g", 0), 0);
	FS_CHECK_EQ(vfs_rename(NULL, "/tmp/g", NULL, "/moved/f"), 0);
	FS_CHECK(strcmp(get_file("/moved/f"), "g") == 0);
	FS_CHECK_EQ(lookup_err("/tmp/g"), -ENOENT);
	FS_CHECK_EQ(vfs_rename(NULL, "/moved/f", NULL, "/moved/e"), -EISDIR);
	FS_CHECK_EQ(vfs_rename(NULL, "/moved/e", NULL, "/moved/f"), -ENOTDIR);
	FS_CHECK_EQ(vfs_rename(NULL, "/moved/f", NULL, "/proc/f"), -EXDEV);
	FS_CHECK_EQ(vfs_rename(NULL, "/moved/f", NULL, "/moved/f"), 0);
	FS_CHECK_EQ(vfs_mkdir(NULL, "/full", 0755), 0);
	FS_CHECK_EQ(put_file("/full/x", "x", 0), 0);
	FS_CHECK_EQ(vfs_rename(NULL, "/moved/e", NULL, "/full"), -ENOTEMPTY);
	FS_CHECK_EQ(vfs_rename(NULL, "/nope", NULL, "/x"), -ENOENT);

	/* A removed directory is unreachable: no "..", no path. */
	FS_CHECK_EQ(vfs_unlink(NULL, "/moved/e", true), 0);
	FS_CHECK_EQ(vfs_getcwd(e, cwd, sizeof cwd), -ENOENT);
	struct inode *up;
	FS_CHECK_EQ(vfs_resolve(e, "..", 0, &up), -ENOENT);
	FS_CHECK_EQ(e->nlink, 0);
	FS_CHECK_EQ(d->nlink, 2);
	inode_put(e);
	inode_put(d);
}

static void test_dirs(void **state)
{
	(void)state;
	fs_run_vfs(body_dirs, NULL);
}

struct listing {
	struct dir_ctx ctx;
	char names[32][32];
	unsigned types[32];
	int n, max;
};

static bool collect(struct dir_ctx *ctx, const char *name, size_t len,
                    uint64_t ino, unsigned dtype, uint64_t next)
{
	struct listing *l = (struct listing *)ctx;
	(void)ino;
	(void)next;
	if (l->n >= l->max)
		return false;
	memcpy(l->names[l->n], name, len);
	l->names[l->n][len] = '\0';
	l->types[l->n] = dtype;
	l->n++;
	return true;
}

static bool listed(struct listing *l, const char *name)
{
	for (int k = 0; k < l->n; k++)
		if (strcmp(l->names[k], name) == 0)
			return true;
	return false;
}

static void body_getdents(void *arg)
{
	(void)arg;
	struct file *f;
	FS_CHECK_EQ(vfs_mkdir(NULL, "/tmp/l", 0755), 0);
	FS_CHECK_EQ(put_file("/tmp/l/a", "", 0), 0);
	FS_CHECK_EQ(put_file("/tmp/l/b", "", 0), 0);
	FS_CHECK_EQ(vfs_mkdir(NULL, "/tmp/l/c", 0755), 0);
	FS_CHECK_EQ(put_file("/tmp/l/d", "", 0), 0);

	/* Three at a time; between the calls "c" goes and "e" comes. */
	FS_CHECK_EQ(vfs_open(NULL, "/tmp/l", O_RDONLY | O_DIRECTORY, 0, &f), 0);
	struct listing l = { { collect }, { { 0 } }, { 0 }, 0, 3 };
	FS_CHECK_EQ(file_getdents(f, &l.ctx), 0);
	FS_CHECK_EQ(l.n, 3);
	FS_CHECK(strcmp(l.names[0], ".") == 0 && strcmp(l.names[1], "..") == 0);
	FS_CHECK(strcmp(l.names[2], "a") == 0);
	FS_CHECK_EQ(vfs_unlink(NULL, "/tmp/l/c", true), 0);
	FS_CHECK_EQ(put_file("/tmp/l/e", "", 0), 0);
	l.max = 32;
	FS_CHECK_EQ(file_getdents(f, &l.ctx), 0);
	FS_CHECK(listed(&l, "b") && listed(&l, "d") && listed(&l, "e"));
	FS_CHECK(!listed(&l, "c"));
	FS_CHECK_EQ(l.n, 6);
	int before = l.n;
	FS_CHECK_EQ(file_getdents(f, &l.ctx), 0);   /* the end: nothing more */
	FS_CHECK_EQ(l.n, before);
	/* Rewinding starts over. */
	FS_CHECK_EQ(file_lseek(f, 0, SEEK_SET), 0);
	l.n = 0;
	FS_CHECK_EQ(file_getdents(f, &l.ctx), 0);
	FS_CHECK_EQ(l.n, 6);
	FS_CHECK_EQ(l.types[0], DT_DIR);
	file_put(f);

	/* Not a directory. */
	FS_CHECK_EQ(vfs_open(NULL, "/tmp/l/a", O_RDONLY, 0, &f), 0);
	FS_CHECK_EQ(file_getdents(f, &l.ctx), -ENOTDIR);
	char c;
	file_put(f);
	FS_CHECK_EQ(vfs_open(NULL, "/tmp/l", O_RDONLY, 0, &f), 0);
	FS_CHECK_EQ(vfs_read(f, &c, 1), -EISDIR);
	file_put(f);
}

static void test_getdents(void **state)
{
	(void)state;
	fs_run_vfs(body_getdents, NULL);
}

static void body_symlinks(void *arg)
{
	(void)arg;
	char buf[64];
	FS_CHECK_EQ(put_file("/tmp/target", "T", 0), 0);
	FS_CHECK_EQ(vfs_symlink("target", NULL, "/tmp/rel"), 0);
	FS_CHECK_EQ(vfs_symlink("/tmp", NULL, "/t"), 0);
	FS_CHECK(strcmp(get_file("/tmp/rel"), "T") == 0);
	FS_CHECK(strcmp(get_file("/t/rel"), "T") == 0);
	FS_CHECK_EQ(vfs_readlink(NULL, "/tmp/rel", buf, sizeof buf), 6);
	FS_CHECK(strcmp(buf, "target") == 0);
	FS_CHECK_EQ(vfs_readlink(NULL, "/tmp/target", buf, sizeof buf), -EINVAL);
	struct inode *i;
	FS_CHECK_EQ(vfs_resolve(NULL, "/tmp/rel", 0, &i), 0);     /* no follow */
	FS_CHECK(S_ISLNK(i->mode));
	inode_put(i);
	FS_CHECK_EQ(vfs_symlink("loop2", NULL, "/tmp/loop1"), 0);
	FS_CHECK_EQ(vfs_symlink("loop1", NULL, "/tmp/loop2"), 0);
	FS_CHECK_EQ(lookup_err("/tmp/loop1"), -ELOOP);
	FS_CHECK_EQ(vfs_symlink("x", NULL, "/tmp/rel"), -EEXIST);
}

static void test_symlinks(void **state)
{
	(void)state;
	fs_run_vfs(body_symlinks, NULL);
}

static void body_devices(void *arg)
{
	(void)arg;
	struct file *f;
	char buf[4] = "abc";
	FS_CHECK_EQ(vfs_open(NULL, "/dev/null", O_RDWR, 0, &f), 0);
	FS_CHECK_EQ(vfs_read(f, buf, 3), 0);
	FS_CHECK_EQ(vfs_write(f, buf, 3), 3);
	FS_CHECK_EQ(file_ioctl(f, 0x5413, 0), -ENOTTY);
	file_put(f);
	FS_CHECK_EQ(vfs_open(NULL, "/dev/zero", O_RDONLY, 0, &f), 0);
	FS_CHECK_EQ(vfs_read(f, buf, 3), 3);
	FS_CHECK(buf[0] == 0 && buf[2] == 0);
	file_put(f);
}

static void test_devices(void **state)
{
	(void)state;
	fs_run_vfs(body_devices, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_unlink_open_file),
		cmocka_unit_test(test_dirs),
		cmocka_unit_test(test_getdents),
		cmocka_unit_test(test_symlinks),
		cmocka_unit_test(test_devices),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
