/*
 * The virtual file system: what every file system and every kind of open
 * file has in common.
 *
 *   path ──lookup──> inode ──open──> struct file ──> file_ops (read, write, ...)
 *
 * An inode is the file itself (type, size, links, its data through the
 * file system's inode_ops); a struct file is one opening of it (offset,
 * access mode) and is shared by descriptors after dup() and fork(), which
 * is why they share the offset, as on Linux. A descriptor table
 * (files.h) maps small integers to struct files.
 *
 * File systems here: tmpfs (the root, /tmp, /dev; data in memory),
 * procfs (/proc, generated on open) and, without a name, pipes and the
 * console tty, whose inodes only carry file_ops.
 *
 * Locking: one sleeping lock, fs_lock, guards the whole name space (every
 * directory) and tmpfs file data. One lock is slow under contention but
 * cannot deadlock between directories (rename takes two), and a student
 * can see at a glance what is protected. It is never held while sleeping
 * for an event -- pipes and the tty wait on their own wait queues without
 * it -- only while copying.
 *
 * Reference counts: an inode is freed when its last reference goes. A
 * directory entry holds one (so nlink > 0 keeps the file), as does every
 * struct file and every working directory; so an unlinked file that is
 * still open lives until it is closed, as on Unix.
 *
 * Errors are -errno values (kernel/errno.h).
 */
#ifndef WEFT_FS_VFS_H
#define WEFT_FS_VFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kernel/fs/iobuf.h>
#include <kernel/sync/mutex.h>

struct wait_queue;

/* ---- Linux's values, because they cross the syscall ABI ------------- */

#define S_IFMT   0170000
#define S_IFSOCK 0140000
#define S_IFLNK  0120000
#define S_IFREG  0100000
#define S_IFDIR  0040000
#define S_IFCHR  0020000
#define S_IFIFO  0010000
#define S_ISREG(m)  (((m) & S_IFMT) == S_IFREG)
#define S_ISDIR(m)  (((m) & S_IFMT) == S_IFDIR)
#define S_ISCHR(m)  (((m) & S_IFMT) == S_IFCHR)
#define S_ISFIFO(m) (((m) & S_IFMT) == S_IFIFO)
#define S_ISLNK(m)  (((m) & S_IFMT) == S_IFLNK)

/* d_type in getdents64 records. */
#define DT_UNKNOWN 0
#define DT_FIFO    1
#define DT_CHR     2
#define DT_DIR     4
#define DT_REG     8
#define DT_LNK    10

#define O_ACCMODE   03
#define O_RDONLY    00
#define O_WRONLY    01
#define O_RDWR      02
#define O_CREAT     0100
#define O_EXCL      0200
#define O_NOCTTY    0400
#define O_TRUNC     01000
#define O_APPEND    02000
#define O_NONBLOCK  04000
#define O_DIRECTORY 0200000
#define O_NOFOLLOW  0400000
#define O_CLOEXEC   02000000
/* The flags F_SETFL may change; the rest are fixed at open. */
#define O_SETFL_MASK (O_APPEND | O_NONBLOCK)

#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2

#define NAME_MAX 255
#define PATH_MAX 4096

/* poll() events (the next issue's poll/select; Linux's values). */
#define POLLIN  0x001
#define POLLOUT 0x004
#define POLLERR 0x008
#define POLLHUP 0x010

/* st_dev of each file system. */
#define DEV_TMPFS  1
#define DEV_PROCFS 2
#define DEV_PIPEFS 3

struct inode;
struct file;

/*
 * getdents: the file system calls emit() once per entry, from the file's
 * position on; next_pos is where the entry after this one starts (it
 * becomes d_off and, once emitted, the file's position). emit() returns
 * false when the caller's buffer is full: stop there, the entry was not
 * taken, and the next call starts with it again.
 */
struct dir_ctx {
	bool (*emit)(struct dir_ctx *ctx, const char *name, size_t len,
	             uint64_t ino, unsigned dtype, uint64_t next_pos);
};

/* What an open file does. A NULL op means "not supported" (see file.c). */
struct file_ops {
	/* After the struct file exists (procfs builds its text here). */
	int (*open)(struct inode *i, struct file *f);
	/* Bytes moved, 0 at end of file, or -errno. *pos is the offset to
	 * use and advance (f->pos, or pread's own). */
	long (*read)(struct file *f, struct iobuf buf, size_t n, uint64_t *pos);
	long (*write)(struct file *f, struct iobuf buf, size_t n, uint64_t *pos);
	/* NULL: the file is not seekable (pipes, ttys): -ESPIPE. */
	long (*lseek)(struct file *f, int64_t off, int whence);
	long (*ioctl)(struct file *f, unsigned long cmd, unsigned long arg);
	int (*getdents)(struct file *f, struct dir_ctx *ctx);
	/* The last reference to the struct file is gone. */
	void (*release)(struct file *f);
	/*
	 * For the next issue's poll/select: the POLL* events ready now, and in
	 * *wq the wait queue whose wake-ups mean "look again". NULL: always
	 * ready for reading and writing, as regular files are.
	 */
	unsigned (*poll)(struct file *f, struct wait_queue **wq);
};

/* What a file system does with names and data. Called with fs_lock held. */
struct inode_ops {
	/* The child called name[0..len) with a reference, or -ENOENT. */
	int (*lookup)(struct inode *dir, const char *name, size_t len,
	              struct inode **out);
	/* A new entry of the given mode (S_IFREG, S_IFDIR, S_IFCHR, ...);
	 * -EEXIST if the name is taken. *out gets a reference. */
	int (*create)(struct inode *dir, const char *name, size_t len,
	              unsigned mode, struct inode **out);
	int (*symlink)(struct inode *dir, const char *name, size_t len,
	               const char *target);
	/* Remove an entry: a non-directory (else -EISDIR), or with rmdir an
	 * empty directory (else -ENOTDIR / -ENOTEMPTY). */
	int (*unlink)(struct inode *dir, const char *name, size_t len, bool rmdir);
	/* Move an entry, replacing a compatible target (see rename(2)). */
	int (*rename)(struct inode *odir, const char *oname, size_t olen,
	              struct inode *ndir, const char *nname, size_t nlen);
	/* A symlink's target, NUL-terminated: its length or -errno. */
	int (*readlink)(struct inode *i, char *buf, size_t size);
	int (*truncate)(struct inode *i, uint64_t size);
	/* Free the file system's data: the last reference is gone. */
	void (*evict)(struct inode *i);
};

struct inode {
	uint64_t ino;
	unsigned mode;              /* S_IF* type and permission bits */
	unsigned nlink;
	int refcount;               /* atomic; see the top of this file */
	uint64_t size;
	uint64_t atime_ns, mtime_ns, ctime_ns;  /* since boot (no RTC yet) */
	uint32_t dev, rdev;
	const struct inode_ops *iops;
	const struct file_ops *fops;
	/* Directories: the parent (for ".." and getcwd; NULL once removed)
	 * and their own name in it. Not a counted reference: a directory
	 * cannot be removed while it has entries, so the parent outlives it. */
	struct inode *parent;
	char *name;
	void *priv;                 /* the file system's data */
};

struct file {
	struct inode *inode;
	const struct file_ops *ops;
	unsigned flags;             /* O_ACCMODE | O_APPEND | O_NONBLOCK ... */
	uint64_t pos;
	int refcount;               /* atomic: descriptors + in-flight calls */
	void *priv;
};

extern struct mutex fs_lock;

/* Root tmpfs with /dev (console, null, zero), /proc, /tmp. Once, at boot. */
void vfs_init(void);
/* The character devices in /dev (devices.c). */
void devices_init(void);
struct inode *vfs_root(void);
/*
 * Unpack a cpio archive (the "newc" format Linux's initramfs uses) into
 * /: directories, regular files and symlinks, with their modes. A bad
 * archive is reported with printk; what came before the damage is kept.
 */
void initramfs_unpack(const void *cpio, size_t size);
/* The same, returning the number of entries created or -errno (tests). */
int initramfs_unpack_count(const void *cpio, size_t size);

/* ---- inodes (inode.c) ----------------------------------------------- */

/* A new inode with one reference, or NULL when memory runs out. */
struct inode *inode_alloc(unsigned mode, uint32_t dev,
                          const struct inode_ops *iops,
                          const struct file_ops *fops);
struct inode *inode_get(struct inode *i);
void inode_put(struct inode *i);
unsigned inode_dtype(const struct inode *i);
uint64_t vfs_now_ns(void);

/* ---- names (path.c); fs_lock held ----------------------------------- */

#define LOOKUP_FOLLOW 1u   /* follow a symlink in the last component */

/*
 * Resolve path from `at` (a directory; NULL = the caller's working
 * directory; ignored for absolute paths). *out gets a reference.
 * -ENOENT, -ENOTDIR, -ENAMETOOLONG, -ELOOP.
 */
int vfs_lookup_locked(struct inode *at, const char *path, unsigned flags,
                      struct inode **out);
/*
 * Resolve all but the last component: *dir (referenced) and the last
 * name, pointing into path. The last name may be "." or ".." or empty
 * ("/" or "a/"); callers that create or remove refuse those.
 */
int vfs_lookup_parent_locked(struct inode *at, const char *path,
                             struct inode **dir, const char **name,
                             size_t *len);
/* The caller's working directory (not referenced; fs_lock held). */
struct inode *vfs_cwd_locked(void);

/* ---- operations on paths (namei.c): take fs_lock themselves --------- */

int vfs_resolve(struct inode *at, const char *path, unsigned flags,
                struct inode **out);
int vfs_open(struct inode *at, const char *path, unsigned flags,
             unsigned mode, struct file **out);
int vfs_mkdir(struct inode *at, const char *path, unsigned mode);
int vfs_mknod(struct inode *at, const char *path, unsigned mode,
              const struct file_ops *fops, uint32_t rdev);
int vfs_symlink(const char *target, struct inode *at, const char *path);
int vfs_unlink(struct inode *at, const char *path, bool rmdir);
int vfs_rename(struct inode *oat, const char *opath,
               struct inode *nat, const char *npath);
int vfs_readlink(struct inode *at, const char *path, char *buf, size_t size);
/* The absolute path of directory d into buf: length or -errno. */
int vfs_getcwd(struct inode *d, char *buf, size_t size);

/* The whole of a regular file, kmalloc'd (for execve). -ENOENT,
 * -EISDIR, -EACCES (not a regular file), -ENOMEM. */
int vfs_read_all(const char *kpath, void **data, size_t *size);
int vfs_stat_mode(const char *kpath, unsigned *mode);

/* ---- open files (file.c) --------------------------------------------- */

/* A struct file on i (takes a reference on i), refcount 1; NULL if no memory. */
struct file *file_alloc(struct inode *i, const struct file_ops *ops,
                        unsigned flags);
struct file *file_get(struct file *f);
void file_put(struct file *f);

/* Read/write at *pos (NULL: the file's own offset, honouring O_APPEND). */
long file_read(struct file *f, struct iobuf buf, size_t n, uint64_t *pos);
long file_write(struct file *f, struct iobuf buf, size_t n, uint64_t *pos);
long file_lseek(struct file *f, int64_t off, int whence);
long file_ioctl(struct file *f, unsigned long cmd, unsigned long arg);
int file_getdents(struct file *f, struct dir_ctx *ctx);

/* Kernel-buffer conveniences. */
long vfs_read(struct file *f, void *kbuf, size_t n);
long vfs_write(struct file *f, const void *kbuf, size_t n);

/* lseek for files whose end is inode->size (tmpfs files, directories). */
long vfs_generic_lseek(struct file *f, int64_t off, int whence, uint64_t end);

/* ---- file systems ------------------------------------------------------ */

struct inode *tmpfs_new_root(void);
bool tmpfs_is_tmpfs(const struct inode *i);
/* Name an existing inode in a tmpfs directory (fs_lock held). */
int tmpfs_link_inode(struct inode *dir, const char *name, struct inode *i);
/* Empty a tmpfs directory recursively (fs_lock held). */
void tmpfs_clear(struct inode *dir);
/* Undo vfs_init: free the whole tree (host tests check for leaks). */
void vfs_teardown(void);
struct inode *procfs_new_root(struct inode *parent);

#endif
