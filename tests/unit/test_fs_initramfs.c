/*
 * The cpio (newc) unpacker: an archive built here with directories,
 * files (an executable among them), a symlink and the trailer; then
 * damaged ones -- truncated, bad magic, a name without its NUL -- which
 * must be reported, keep what came before, and never read past the end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <kernel/errno.h>
#include <kernel/fs/vfs.h>
#include <kernel/mm/heap.h>

#include "fake.h"
#include "fs_fake_harness.h"

struct archive {
	char *buf;
	size_t len;
};

static void pad4(struct archive *a)
{
	while (a->len % 4)
		a->buf[a->len++] = '\0';
}

static void member(struct archive *a, const char *name, unsigned mode,
                   const char *data)
{
	size_t dlen = data ? strlen(data) : 0, nlen = strlen(name) + 1;
	a->buf = realloc(a->buf, a->len + 110 + nlen + dlen + 8);
	a->len += (size_t)sprintf(a->buf + a->len,
		"070701%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X",
		1u, mode, 0u, 0u, 1u, 0u, dlen, 0u, 0u, 0u, 0u, nlen, 0u);
	memcpy(a->buf + a->len, name, nlen);
	a->len += nlen;
	pad4(a);
	if (dlen)
		memcpy(a->buf + a->len, data, dlen);
	a->len += dlen;
	pad4(a);
}

static struct archive good_archive(void)
{
	struct archive a = { NULL, 0 };
	member(&a, ".", 040755, NULL);
	member(&a, "bin", 040755, NULL);
	member(&a, "bin/hello", 0100755, "#!hello\n");
	member(&a, "./etc", 040755, NULL);
	member(&a, "etc/motd", 0100644, "welcome\n");
	member(&a, "etc/link", 0120777, "motd");
	member(&a, "empty", 0100600, NULL);
	member(&a, "TRAILER!!!", 0, NULL);
	return a;
}

static const char *contents(const char *path)
{
	static char buf[64];
	struct file *f;
	buf[0] = '\0';
	if (vfs_open(NULL, path, O_RDONLY, 0, &f))
		return "(missing)";
	long n = vfs_read(f, buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = '\0';
	file_put(f);
	return buf;
}

static unsigned mode_of(const char *path)
{
	unsigned m = 0;
	return vfs_stat_mode(path, &m) ? 0 : m;
}

static void body_good(void *arg)
{
	struct archive *a = arg;
	FS_CHECK_EQ(initramfs_unpack_count(a->buf, a->len), 6);
	FS_CHECK(strcmp(contents("/bin/hello"), "#!hello\n") == 0);
	FS_CHECK_EQ(mode_of("/bin/hello"), 0100755);
	FS_CHECK_EQ(mode_of("/etc/motd"), 0100644);
	FS_CHECK_EQ(mode_of("/etc"), 040755);
	FS_CHECK(strcmp(contents("/etc/link"), "welcome\n") == 0);
	FS_CHECK(strcmp(contents("/empty"), "") == 0);
	void *data;
	size_t size;
	FS_CHECK_EQ(vfs_read_all("/bin/hello", &data, &size), 0);
	FS_CHECK_EQ(size, 8);
	FS_CHECK(memcmp(data, "#!hello\n", 8) == 0);
	kfree(data);
	FS_CHECK_EQ(vfs_read_all("/bin", &data, &size), -EISDIR);
	FS_CHECK_EQ(vfs_read_all("/dev/null", &data, &size), -EACCES);
	FS_CHECK_EQ(vfs_read_all("/nope", &data, &size), -ENOENT);
}

static void test_good_archive(void **state)
{
	(void)state;
	struct archive a = good_archive();
	fs_run_vfs(body_good, &a);
	free(a.buf);
}

struct damaged {
	struct archive a;
	size_t cut;                 /* unpack only this many bytes */
	bool motd_kept;
};

static void body_damaged(void *arg)
{
	struct damaged *d = arg;
	fake_console_clear();
	FS_CHECK_EQ(initramfs_unpack_count(d->a.buf, d->cut), -EINVAL);
	FS_CHECK(fake_console_contains("initramfs: warning"));
	/* What came before the damage stays. */
	FS_CHECK(strcmp(contents("/bin/hello"), "#!hello\n") == 0);
	FS_CHECK_EQ(strcmp(contents("/etc/motd"), "welcome\n") == 0, d->motd_kept);
}

static size_t offset_of(struct archive *a, const char *name)
{
	for (size_t k = 0; k + strlen(name) <= a->len; k++)
		if (memcmp(a->buf + k, name, strlen(name)) == 0)
			return k - 110;
	return 0;
}

static void test_truncated_archives(void **state)
{
	(void)state;
	struct damaged d = { good_archive(), 0, false };
	size_t motd = offset_of(&d.a, "etc/motd");
	/* Cut inside motd's header, name and data; and with no trailer. */
	size_t cuts[] = { motd + 50, motd + 112, motd + 110 + 12 + 3 };
	for (unsigned k = 0; k < 3; k++) {
		d.cut = cuts[k];
		d.motd_kept = false;
		fs_run_vfs(body_damaged, &d);
	}
	d.cut = offset_of(&d.a, "TRAILER!!!");
	d.motd_kept = true;
	fs_run_vfs(body_damaged, &d);
	free(d.a.buf);
}

static void test_bad_magic_and_name(void **state)
{
	(void)state;
	struct damaged d = { good_archive(), 0, false };
	size_t motd = offset_of(&d.a, "etc/motd");
	d.cut = d.a.len;
	d.a.buf[motd + 3] = '9';                 /* "070901" */
	fs_run_vfs(body_damaged, &d);
	d.a.buf[motd + 3] = '7';
	d.a.buf[motd + 10] = 'z';                /* not hex */
	fs_run_vfs(body_damaged, &d);
	free(d.a.buf);

	struct damaged n = { good_archive(), 0, false };
	motd = offset_of(&n.a, "etc/motd");
	n.a.buf[motd + 110 + 8] = 'X';           /* the name's NUL */
	n.cut = n.a.len;
	fs_run_vfs(body_damaged, &n);
	free(n.a.buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_archive),
		cmocka_unit_test(test_truncated_archives),
		cmocka_unit_test(test_bad_magic_and_name),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
