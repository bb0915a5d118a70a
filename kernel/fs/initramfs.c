/*
 * The initramfs: a cpio archive in the "newc" format (as Linux's
 * initramfs), which the loader reads from the ESP and the kernel unpacks
 * into the root tmpfs at boot. The Makefile builds it from the userland
 * programs with `cpio -o -H newc`.
 *
 * Each member is a 110-byte ASCII header, the name, the data:
 *
 *   "070701" then 13 fields of 8 hex digits:
 *     ino mode uid gid nlink mtime filesize devmajor devminor
 *     rdevmajor rdevminor namesize check
 *   name (namesize bytes, NUL included), padded to a multiple of 4
 *   data (filesize bytes), padded to a multiple of 4
 *
 * and the member named "TRAILER!!!" ends the archive. The data of a
 * symlink is its target. (Hard links and device nodes are skipped.)
 *
 * An archive comes from outside the kernel, so every length is checked
 * against what is left before it is used; on damage the unpacker says
 * where, stops, and keeps what it already created.
 */
#include <kernel/fs/vfs.h>

#include <kernel/errno.h>
#include <kernel/lib/string.h>
#include <kernel/mm/heap.h>
#include <kernel/printk.h>

#define CPIO_HDR 110

enum { F_INO, F_MODE, F_UID, F_GID, F_NLINK, F_MTIME, F_FILESIZE, F_DEVMAJ,
       F_DEVMIN, F_RDEVMAJ, F_RDEVMIN, F_NAMESIZE, F_CHECK, F_COUNT };

static size_t align4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

static bool parse_hex8(const char *s, uint32_t *out)
{
	uint32_t v = 0;
	for (int k = 0; k < 8; k++) {
		char c = s[k];
		unsigned d;
		if (c >= '0' && c <= '9') d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f') d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F') d = (unsigned)(c - 'A' + 10);
		else return false;
		v = v << 4 | d;
	}
	*out = v;
	return true;
}

static int write_file(const char *path, unsigned mode, const char *data,
                      size_t size)
{
	struct file *f;
	int err = vfs_open(NULL, path, O_WRONLY | O_CREAT | O_TRUNC, mode, &f);
	if (err)
		return err;
	long n = size ? vfs_write(f, data, size) : 0;
	file_put(f);
	if (n < 0)
		return (int)n;
	return (size_t)n == size ? 0 : -ENOSPC;
}

/* Create one member; path is absolute. */
static int create(const char *path, uint32_t mode, const char *data,
                  size_t size)
{
	int err;
	switch (mode & S_IFMT) {
	case S_IFDIR:
		err = vfs_mkdir(NULL, path, mode & 07777);
		return err == -EEXIST ? 0 : err;    /* e.g. "." or /dev again */
	case S_IFREG:
		return write_file(path, mode & 07777, data, size);
	case S_IFLNK: {
		if (size == 0 || size >= PATH_MAX)
			return -EINVAL;
		char *target = kmalloc(size + 1);
		if (!target)
			return -ENOMEM;
		memcpy(target, data, size);
		target[size] = '\0';
		err = vfs_symlink(target, NULL, path);
		kfree(target);
		return err;
	}
	default:
		return -EOPNOTSUPP;
	}
}

int initramfs_unpack_count(const void *cpio, size_t size)
{
	const char *base = cpio;
	size_t off = 0;
	int created = 0;
	char *path = kmalloc(PATH_MAX);
	if (!path)
		return -ENOMEM;

	int err = 0;
	const char *why = NULL;
	for (;;) {
		uint32_t h[F_COUNT];
		if (size - off < CPIO_HDR) {
			why = "truncated header (no TRAILER!!!)";
			break;
		}
		const char *hdr = base + off;
		if (memcmp(hdr, "070701", 6) != 0 && memcmp(hdr, "070702", 6) != 0) {
			why = "bad magic (not a newc cpio archive)";
			break;
		}
		bool ok = true;
		for (int k = 0; k < F_COUNT && ok; k++)
			ok = parse_hex8(hdr + 6 + 8 * k, &h[k]);
		if (!ok) {
			why = "bad hex digits in header";
			break;
		}
		size_t namesize = h[F_NAMESIZE], filesize = h[F_FILESIZE];
		size_t name_off = off + CPIO_HDR;
		if (namesize == 0 || namesize > size - name_off ||
		    base[name_off + namesize - 1] != '\0') {
			why = "bad name";
			break;
		}
		const char *name = base + name_off;
		size_t data_off = align4(name_off + namesize);
		if (data_off > size || filesize > size - data_off) {
			why = "truncated data";
			break;
		}
		if (strcmp(name, "TRAILER!!!") == 0)
			break;

		/* "./bin/sh", "/bin/sh" and "bin/sh" all mean /bin/sh. */
		while (name[0] == '.' && name[1] == '/')
			name += 2;
		while (name[0] == '/')
			name++;
		if (name[0] && strcmp(name, ".") != 0) {
			size_t len = strlen(name);
			if (len + 2 > PATH_MAX) {
				printk("initramfs: %s: name too long, skipped\n", name);
			} else {
				path[0] = '/';
				memcpy(path + 1, name, len + 1);
				int e = create(path, h[F_MODE], base + data_off, filesize);
				if (e == 0)
					created++;
				else
					printk("initramfs: %s: error %d, skipped\n", path, e);
				if (e == -ENOMEM) {
					why = "out of memory";
					break;
				}
			}
		}
		off = align4(data_off + filesize);
		if (off > size) {
			why = "truncated padding";
			break;
		}
	}
	if (why) {
		printk("initramfs: warning: %s at offset %zu; kept %d entries\n",
		       why, off, created);
		err = -EINVAL;
	}
	kfree(path);
	return err ? err : created;
}

void initramfs_unpack(const void *cpio, size_t size)
{
	int n = initramfs_unpack_count(cpio, size);
	if (n >= 0)
		printk("initramfs: %d entries unpacked\n", n);
}
