/*
 * tmpfs: a file system that lives only in memory (the root, /tmp, /dev).
 *
 * A regular file's data is an array of 4 KiB pages indexed by offset /
 * 4096, allocated as they are first written: a file with a hole (lseek
 * past the end, then write) costs nothing for the hole, which reads as
 * zeros. A directory is a list of entries (name -> inode), each holding a
 * reference on its inode. Entries carry a "cookie" that only grows, and
 * getdents resumes from a cookie rather than an index: removing an entry
 * between two getdents calls then never makes the reader skip another.
 *
 * Everything here runs with fs_lock held: the inode_ops because the VFS
 * calls them so, the file_ops because they take it.
 */
#include <kernel/fs/vfs.h>

#include <kernel/errno.h>
#include <kernel/lib/string.h>
#include <kernel/mm/heap.h>
#include <kernel/mm/pmm.h>

/* The largest file: bounds the page array (and catches absurd offsets). */
#define TMPFS_MAX_FILE (1ull << 30)

struct tmpfs_dirent {
	struct list_node node;      /* on tmpfs_dir.entries, in cookie order */
	uint64_t cookie;
	struct inode *inode;        /* a counted reference */
	size_t len;
	char name[];
};

struct tmpfs_dir {
	struct list_node entries;
	uint64_t next_cookie;       /* 0 and 1 are "." and ".." */
};

struct tmpfs_file {
	char **pages;               /* NULL slots are holes */
	size_t nslots;
};

static const struct inode_ops tmpfs_iops;
static const struct file_ops tmpfs_file_ops, tmpfs_dir_ops;

bool tmpfs_is_tmpfs(const struct inode *i)
{
	return i->iops == &tmpfs_iops;
}

/* ---- directories -------------------------------------------------------- */

static struct tmpfs_dirent *dir_find(struct inode *dir, const char *name,
                                     size_t len)
{
	struct tmpfs_dir *d = dir->priv;
	struct list_node *n;
	list_for_each(n, &d->entries) {
		struct tmpfs_dirent *e = list_entry(n, struct tmpfs_dirent, node);
		if (e->len == len && memcmp(e->name, name, len) == 0)
			return e;
	}
	return NULL;
}

static bool dir_is_empty(struct inode *dir)
{
	struct tmpfs_dir *d = dir->priv;
	return list_empty(&d->entries);
}

static struct tmpfs_dirent *dirent_new(const char *name, size_t len)
{
	struct tmpfs_dirent *e = kmalloc(sizeof *e + len + 1);
	if (!e)
		return NULL;
	list_init(&e->node);
	e->len = len;
	memcpy(e->name, name, len);
	e->name[len] = '\0';
	e->inode = NULL;
	return e;
}

static void dir_add(struct inode *dir, struct tmpfs_dirent *e)
{
	struct tmpfs_dir *d = dir->priv;
	e->cookie = d->next_cookie++;
	list_push_back(&d->entries, &e->node);
	dir->size++;
	dir->mtime_ns = dir->ctime_ns = vfs_now_ns();
}

/* Take e off dir's list (the caller deals with e->inode's reference). */
static void dir_del(struct inode *dir, struct tmpfs_dirent *e)
{
	list_remove(&e->node);
	dir->size--;
	dir->mtime_ns = dir->ctime_ns = vfs_now_ns();
}

static char *name_dup(const char *name, size_t len)
{
	char *s = kmalloc(len + 1);
	if (s) {
		memcpy(s, name, len);
		s[len] = '\0';
	}
	return s;
}

/* A new tmpfs inode of the given mode, with its private part. */
static struct inode *tmpfs_inode_new(unsigned mode)
{
	const struct file_ops *fops = NULL;
	void *priv = NULL;

	if (S_ISDIR(mode)) {
		struct tmpfs_dir *d = kzalloc(sizeof *d);
		if (!d)
			return NULL;
		list_init(&d->entries);
		d->next_cookie = 2;
		priv = d;
		fops = &tmpfs_dir_ops;
	} else if (S_ISREG(mode)) {
		priv = kzalloc(sizeof(struct tmpfs_file));
		if (!priv)
			return NULL;
		fops = &tmpfs_file_ops;
	}
	struct inode *i = inode_alloc(mode, DEV_TMPFS, &tmpfs_iops, fops);
	if (!i) {
		kfree(priv);
		return NULL;
	}
	i->priv = priv;
	i->nlink = S_ISDIR(mode) ? 2 : 1;
	return i;
}

struct inode *tmpfs_new_root(void)
{
	struct inode *root = tmpfs_inode_new(S_IFDIR | 0755);
	if (root)
		root->name = name_dup("", 0);
	return root;
}

static int tmpfs_lookup(struct inode *dir, const char *name, size_t len,
                        struct inode **out)
{
	struct tmpfs_dirent *e = dir_find(dir, name, len);
	if (!e)
		return -ENOENT;
	*out = inode_get(e->inode);
	return 0;
}

/* Link a new inode into dir under name; the entry takes its reference. */
static int dir_link_new(struct inode *dir, const char *name, size_t len,
                        struct inode *i)
{
	struct tmpfs_dirent *e = dirent_new(name, len);
	if (!e)
		return -ENOMEM;
	if (S_ISDIR(i->mode)) {
		i->name = name_dup(name, len);
		if (!i->name) {
			kfree(e);
			return -ENOMEM;
		}
		i->parent = dir;
		dir->nlink++;           /* the child's ".." */
	}
	e->inode = i;
	dir_add(dir, e);
	return 0;
}

static int tmpfs_create(struct inode *dir, const char *name, size_t len,
                        unsigned mode, struct inode **out)
{
	if (dir_find(dir, name, len))
		return -EEXIST;
	struct inode *i = tmpfs_inode_new(mode);
	if (!i)
		return -ENOMEM;
	int err = dir_link_new(dir, name, len, i);
	if (err) {
		inode_put(i);
		return err;
	}
	*out = inode_get(i);
	return 0;
}

static int tmpfs_symlink(struct inode *dir, const char *name, size_t len,
                         const char *target)
{
	if (dir_find(dir, name, len))
		return -EEXIST;
	size_t tlen = strnlen(target, PATH_MAX);
	if (tlen == 0)
		return -ENOENT;
	if (tlen >= PATH_MAX)
		return -ENAMETOOLONG;
	struct inode *i = tmpfs_inode_new(S_IFLNK | 0777);
	if (!i)
		return -ENOMEM;
	i->priv = name_dup(target, tlen);
	i->size = tlen;
	int err = i->priv ? dir_link_new(dir, name, len, i) : -ENOMEM;
	if (err)
		inode_put(i);
	return err;
}

static int tmpfs_readlink(struct inode *i, char *buf, size_t size)
{
	if (!S_ISLNK(i->mode))
		return -EINVAL;
	size_t n = i->size < size ? i->size : size - 1;
	memcpy(buf, i->priv, n);
	buf[n] = '\0';
	return (int)n;
}

/* May the entry e be removed (as by rmdir, or unlink)? */
static int check_removable(struct tmpfs_dirent *e, bool rmdir)
{
	struct inode *i = e->inode;
	if (!rmdir)
		return S_ISDIR(i->mode) ? -EISDIR : 0;
	if (!S_ISDIR(i->mode))
		return -ENOTDIR;
	if (!tmpfs_is_tmpfs(i))
		return -EBUSY;          /* another file system is linked here */
	return dir_is_empty(i) ? 0 : -ENOTEMPTY;
}

/* Remove e from dir and drop its reference. */
static void remove_entry(struct inode *dir, struct tmpfs_dirent *e)
{
	struct inode *i = e->inode;
	dir_del(dir, e);
	if (S_ISDIR(i->mode)) {
		i->parent = NULL;
		i->nlink = 0;
		dir->nlink--;
	} else {
		i->nlink--;
	}
	i->ctime_ns = vfs_now_ns();
	kfree(e);
	inode_put(i);
}

static int tmpfs_unlink(struct inode *dir, const char *name, size_t len,
                        bool rmdir)
{
	struct tmpfs_dirent *e = dir_find(dir, name, len);
	if (!e)
		return -ENOENT;
	int err = check_removable(e, rmdir);
	if (err)
		return err;
	remove_entry(dir, e);
	return 0;
}

static int tmpfs_rename(struct inode *odir, const char *oname, size_t olen,
                        struct inode *ndir, const char *nname, size_t nlen)
{
	struct tmpfs_dirent *src = dir_find(odir, oname, olen);
	if (!src)
		return -ENOENT;
	struct inode *i = src->inode;
	bool is_dir = S_ISDIR(i->mode);
	if (is_dir && !tmpfs_is_tmpfs(i))
		return -EBUSY;

	struct tmpfs_dirent *dst = dir_find(ndir, nname, nlen);
	if (dst) {
		if (dst->inode == i)
			return 0;           /* same file: nothing to do */
		int err = is_dir ? check_removable(dst, true)
		                 : (S_ISDIR(dst->inode->mode) ? -EISDIR : 0);
		if (err)
			return err;
	}

	/* Allocate everything first: running out of memory changes nothing. */
	struct tmpfs_dirent *e = dirent_new(nname, nlen);
	char *new_name = is_dir ? name_dup(nname, nlen) : NULL;
	if (!e || (is_dir && !new_name)) {
		kfree(e);
		kfree(new_name);
		return -ENOMEM;
	}
	if (dst)
		remove_entry(ndir, dst);
	dir_del(odir, src);
	e->inode = i;               /* the reference moves with it */
	kfree(src);
	dir_add(ndir, e);
	if (is_dir) {
		kfree(i->name);
		i->name = new_name;
		i->parent = ndir;
		odir->nlink--;
		ndir->nlink++;
	}
	i->ctime_ns = vfs_now_ns();
	return 0;
}

/* ---- file data ------------------------------------------------------------ */

/* Drop the pages at or after byte offset `from`, zero the tail of the
 * page that holds it (so a later extension reads zeros, not old data). */
static void file_cut(struct tmpfs_file *tf, uint64_t from)
{
	size_t first = (size_t)((from + PAGE_SIZE - 1) / PAGE_SIZE);
	for (size_t k = first; k < tf->nslots; k++) {
		kfree(tf->pages[k]);
		tf->pages[k] = NULL;
	}
	size_t off = from % PAGE_SIZE;
	size_t k = from / PAGE_SIZE;
	if (off && k < tf->nslots && tf->pages[k])
		memset(tf->pages[k] + off, 0, PAGE_SIZE - off);
}

/* Make room in the page array for offsets below end. */
static int file_reserve_slots(struct tmpfs_file *tf, uint64_t end)
{
	size_t need = (size_t)((end + PAGE_SIZE - 1) / PAGE_SIZE);
	if (need <= tf->nslots)
		return 0;
	size_t cap = tf->nslots ? tf->nslots : 4;
	while (cap < need)
		cap *= 2;
	char **p = kzalloc(cap * sizeof *p);
	if (!p)
		return -ENOMEM;
	if (tf->nslots)
		memcpy(p, tf->pages, tf->nslots * sizeof *p);
	kfree(tf->pages);
	tf->pages = p;
	tf->nslots = cap;
	return 0;
}

static int tmpfs_truncate(struct inode *i, uint64_t size)
{
	struct tmpfs_file *tf = i->priv;
	if (!S_ISREG(i->mode))
		return -EINVAL;
	if (size > TMPFS_MAX_FILE)
		return -EFBIG;
	if (size < i->size)
		file_cut(tf, size);
	i->size = size;
	i->mtime_ns = i->ctime_ns = vfs_now_ns();
	return 0;
}

static void tmpfs_evict(struct inode *i)
{
	if (S_ISREG(i->mode)) {
		struct tmpfs_file *tf = i->priv;
		for (size_t k = 0; k < tf->nslots; k++)
			kfree(tf->pages[k]);
		kfree(tf->pages);
	} else if (S_ISDIR(i->mode)) {
		/* Only empty directories are ever freed: entries hold references. */
		struct tmpfs_dir *d = i->priv;
		while (!list_empty(&d->entries)) {
			struct tmpfs_dirent *e = list_entry(d->entries.next,
			                                    struct tmpfs_dirent, node);
			list_remove(&e->node);
			inode_put(e->inode);
			kfree(e);
		}
	}
	kfree(i->priv);
}

static long tmpfs_read(struct file *f, struct iobuf buf, size_t n,
                       uint64_t *pos)
{
	struct inode *i = f->inode;
	struct tmpfs_file *tf = i->priv;
	size_t done = 0;
	int err = 0;

	mutex_lock(&fs_lock);
	if (*pos < i->size && n > i->size - *pos)
		n = (size_t)(i->size - *pos);
	else if (*pos >= i->size)
		n = 0;
	while (done < n) {
		uint64_t at = *pos + done;
		size_t k = (size_t)(at / PAGE_SIZE), off = (size_t)(at % PAGE_SIZE);
		size_t chunk = PAGE_SIZE - off;
		if (chunk > n - done)
			chunk = n - done;
		if (k < tf->nslots && tf->pages[k])
			err = iobuf_copy_out(buf, done, tf->pages[k] + off, chunk);
		else
			err = iobuf_zero(buf, done, chunk);
		if (err)
			break;
		done += chunk;
	}
	*pos += done;
	mutex_unlock(&fs_lock);
	return done ? (long)done : err;
}

static long tmpfs_write(struct file *f, struct iobuf buf, size_t n,
                        uint64_t *pos)
{
	struct inode *i = f->inode;
	struct tmpfs_file *tf = i->priv;
	size_t done = 0;
	int err = 0;

	mutex_lock(&fs_lock);
	if (f->flags & O_APPEND)
		*pos = i->size;         /* under the lock: appends never interleave */
	if (*pos >= TMPFS_MAX_FILE) {
		mutex_unlock(&fs_lock);
		return n ? -EFBIG : 0;
	}
	if (n > TMPFS_MAX_FILE - *pos)
		n = (size_t)(TMPFS_MAX_FILE - *pos);
	err = file_reserve_slots(tf, *pos + n);
	while (!err && done < n) {
		uint64_t at = *pos + done;
		size_t k = (size_t)(at / PAGE_SIZE), off = (size_t)(at % PAGE_SIZE);
		size_t chunk = PAGE_SIZE - off;
		if (chunk > n - done)
			chunk = n - done;
		if (!tf->pages[k]) {
			tf->pages[k] = kzalloc(PAGE_SIZE);
			if (!tf->pages[k]) {
				err = -ENOMEM;
				break;
			}
		}
		err = iobuf_copy_in(tf->pages[k] + off, buf, done, chunk);
		if (err)
			break;
		done += chunk;
	}
	*pos += done;
	if (*pos > i->size)
		i->size = *pos;
	if (done)
		i->mtime_ns = i->ctime_ns = vfs_now_ns();
	mutex_unlock(&fs_lock);
	return done ? (long)done : err;
}

static long tmpfs_lseek(struct file *f, int64_t off, int whence)
{
	mutex_lock(&fs_lock);
	long r = vfs_generic_lseek(f, off, whence, f->inode->size);
	mutex_unlock(&fs_lock);
	return r;
}

static int tmpfs_getdents(struct file *f, struct dir_ctx *ctx)
{
	struct inode *dir = f->inode;
	struct tmpfs_dir *d = dir->priv;

	mutex_lock(&fs_lock);
	if (f->pos == 0) {
		if (!ctx->emit(ctx, ".", 1, dir->ino, DT_DIR, 1))
			goto out;
		f->pos = 1;
	}
	if (f->pos == 1) {
		struct inode *up = dir->parent ? dir->parent : dir;
		if (!ctx->emit(ctx, "..", 2, up->ino, DT_DIR, 2))
			goto out;
		f->pos = 2;
	}
	struct list_node *n;
	list_for_each(n, &d->entries) {
		struct tmpfs_dirent *e = list_entry(n, struct tmpfs_dirent, node);
		if (e->cookie < f->pos)
			continue;
		if (!ctx->emit(ctx, e->name, e->len, e->inode->ino,
		               inode_dtype(e->inode), e->cookie + 1))
			break;
		f->pos = e->cookie + 1;
	}
out:
	mutex_unlock(&fs_lock);
	return 0;
}

static const struct inode_ops tmpfs_iops = {
	.lookup = tmpfs_lookup,
	.create = tmpfs_create,
	.symlink = tmpfs_symlink,
	.unlink = tmpfs_unlink,
	.rename = tmpfs_rename,
	.readlink = tmpfs_readlink,
	.truncate = tmpfs_truncate,
	.evict = tmpfs_evict,
};

static const struct file_ops tmpfs_file_ops = {
	.read = tmpfs_read,
	.write = tmpfs_write,
	.lseek = tmpfs_lseek,
};

static const struct file_ops tmpfs_dir_ops = {
	.lseek = tmpfs_lseek,
	.getdents = tmpfs_getdents,
};

/* Give an existing inode (another file system's root) a name in dir. */
int tmpfs_link_inode(struct inode *dir, const char *name, struct inode *i)
{
	size_t len = strlen(name);
	if (dir_find(dir, name, len))
		return -EEXIST;
	inode_get(i);
	int err = dir_link_new(dir, name, len, i);
	if (err)
		inode_put(i);
	return err;
}

/* Remove everything below dir (host tests end with this, to check that
 * nothing leaks). fs_lock held. */
void tmpfs_clear(struct inode *dir)
{
	struct tmpfs_dir *d = dir->priv;
	while (!list_empty(&d->entries)) {
		struct tmpfs_dirent *e = list_entry(d->entries.next,
		                                    struct tmpfs_dirent, node);
		if (S_ISDIR(e->inode->mode) && tmpfs_is_tmpfs(e->inode))
			tmpfs_clear(e->inode);
		remove_entry(dir, e);
	}
}
