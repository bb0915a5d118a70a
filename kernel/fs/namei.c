/*
 * Operations on names: open (with O_CREAT), mkdir, unlink, rmdir,
 * rename, readlink, getcwd. Each takes fs_lock, resolves the path (or its
 * parent directory, for the calls that add or remove a name), applies the
 * rules that do not depend on the file system, and calls the directory's
 * inode_ops for the rest.
 */
#include <kernel/fs/vfs.h>

#include <kernel/errno.h>
#include <kernel/lib/string.h>
#include <kernel/mm/heap.h>

struct mutex fs_lock;

static bool is_dot(const char *name, size_t len)
{
	return len == 1 && name[0] == '.';
}

static bool is_dotdot(const char *name, size_t len)
{
	return len == 2 && name[0] == '.' && name[1] == '.';
}

int vfs_resolve(struct inode *at, const char *path, unsigned flags,
                struct inode **out)
{
	mutex_lock(&fs_lock);
	int err = vfs_lookup_locked(at, path, flags, out);
	mutex_unlock(&fs_lock);
	return err;
}

/* Find or create the file for open(O_CREAT). fs_lock held. */
static int open_create(struct inode *at, const char *path, unsigned flags,
                       unsigned mode, struct inode **out)
{
	struct inode *dir, *i;
	const char *name;
	size_t len;
	int err = vfs_lookup_parent_locked(at, path, &dir, &name, &len);
	if (err)
		return err;
	if (len == 0 || is_dot(name, len) || is_dotdot(name, len)) {
		inode_put(dir);
		return -EISDIR;
	}
	err = dir->iops->lookup(dir, name, len, &i);
	if (err == 0) {
		if (flags & O_EXCL) {
			inode_put(i);
			err = -EEXIST;
		} else if (S_ISLNK(i->mode) && !(flags & O_NOFOLLOW)) {
			inode_put(i);
			err = vfs_lookup_locked(at, path, LOOKUP_FOLLOW, &i);
		}
	} else if (err == -ENOENT) {
		err = dir->iops->create
			? dir->iops->create(dir, name, len, S_IFREG | (mode & 07777), &i)
			: -EACCES;
	}
	inode_put(dir);
	if (err == 0)
		*out = i;
	return err;
}

int vfs_open(struct inode *at, const char *path, unsigned flags,
             unsigned mode, struct file **out)
{
	struct inode *i;
	int err;

	if ((flags & O_ACCMODE) == O_ACCMODE)
		return -EINVAL;
	mutex_lock(&fs_lock);
	if (flags & O_CREAT)
		err = open_create(at, path, flags, mode, &i);
	else
		err = vfs_lookup_locked(at, path,
		                        (flags & O_NOFOLLOW) ? 0 : LOOKUP_FOLLOW, &i);
	if (err)
		goto unlock;

	bool writing = (flags & O_ACCMODE) != O_RDONLY;
	if (S_ISLNK(i->mode))
		err = -ELOOP;
	else if ((flags & O_DIRECTORY) && !S_ISDIR(i->mode))
		err = -ENOTDIR;
	else if (S_ISDIR(i->mode) && (writing || (flags & O_CREAT)))
		err = -EISDIR;
	else if (!i->fops)
		err = -ENXIO;
	else if ((flags & O_TRUNC) && writing && S_ISREG(i->mode) && i->size)
		err = i->iops && i->iops->truncate ? i->iops->truncate(i, 0)
		                                   : -EINVAL;
	mutex_unlock(&fs_lock);
	if (err) {
		inode_put(i);
		return err;
	}

	/* What stays with the open file (F_GETFL reports these). */
	unsigned keep = O_ACCMODE | O_APPEND | O_NONBLOCK | O_DIRECTORY;
	struct file *f = file_alloc(i, i->fops, flags & keep);
	inode_put(i);
	if (!f)
		return -ENOMEM;
	if (f->ops->open) {
		err = f->ops->open(f->inode, f);
		if (err) {
			f->ops = NULL;          /* opened nothing: nothing to release */
			file_put(f);
			return err;
		}
	}
	*out = f;
	return 0;
unlock:
	mutex_unlock(&fs_lock);
	return err;
}

/* Resolve the parent of a name to create; refuses "/", "." and "..". */
static int parent_for_create(struct inode *at, const char *path,
                             struct inode **dir, const char **name, size_t *len)
{
	int err = vfs_lookup_parent_locked(at, path, dir, name, len);
	if (err)
		return err;
	if (*len == 0 || is_dot(*name, *len) || is_dotdot(*name, *len)) {
		inode_put(*dir);
		return -EEXIST;
	}
	if (!(*dir)->iops || !(*dir)->iops->create) {
		inode_put(*dir);
		return -EACCES;
	}
	return 0;
}

int vfs_mknod(struct inode *at, const char *path, unsigned mode,
              const struct file_ops *fops, uint32_t rdev)
{
	struct inode *dir, *i;
	const char *name;
	size_t len;

	mutex_lock(&fs_lock);
	int err = parent_for_create(at, path, &dir, &name, &len);
	if (!err) {
		err = dir->iops->create(dir, name, len, mode, &i);
		inode_put(dir);
	}
	if (!err) {
		if (fops)
			i->fops = fops;
		i->rdev = rdev;
		inode_put(i);
	}
	mutex_unlock(&fs_lock);
	return err;
}

int vfs_mkdir(struct inode *at, const char *path, unsigned mode)
{
	return vfs_mknod(at, path, S_IFDIR | (mode & 07777), NULL, 0);
}

int vfs_symlink(const char *target, struct inode *at, const char *path)
{
	struct inode *dir;
	const char *name;
	size_t len;

	mutex_lock(&fs_lock);
	int err = parent_for_create(at, path, &dir, &name, &len);
	if (!err) {
		err = dir->iops->symlink ? dir->iops->symlink(dir, name, len, target)
		                         : -EPERM;
		inode_put(dir);
	}
	mutex_unlock(&fs_lock);
	return err;
}

int vfs_unlink(struct inode *at, const char *path, bool rmdir)
{
	struct inode *dir;
	const char *name;
	size_t len;

	mutex_lock(&fs_lock);
	int err = vfs_lookup_parent_locked(at, path, &dir, &name, &len);
	if (err)
		goto out;
	/* Linux's answers for the names that are not entries of their own. */
	if (len == 0)
		err = rmdir ? -EBUSY : -EISDIR;
	else if (is_dot(name, len))
		err = rmdir ? -EINVAL : -EISDIR;
	else if (is_dotdot(name, len))
		err = rmdir ? -ENOTEMPTY : -EISDIR;
	else if (!dir->iops || !dir->iops->unlink)
		err = -EACCES;
	else
		err = dir->iops->unlink(dir, name, len, rmdir);
	inode_put(dir);
out:
	mutex_unlock(&fs_lock);
	return err;
}

int vfs_rename(struct inode *oat, const char *opath,
               struct inode *nat, const char *npath)
{
	struct inode *odir = NULL, *ndir = NULL, *src = NULL;
	const char *oname, *nname;
	size_t olen, nlen;

	mutex_lock(&fs_lock);
	int err = vfs_lookup_parent_locked(oat, opath, &odir, &oname, &olen);
	if (!err)
		err = vfs_lookup_parent_locked(nat, npath, &ndir, &nname, &nlen);
	if (err)
		goto out;
	if (olen == 0 || nlen == 0 || is_dot(oname, olen) || is_dot(nname, nlen) ||
	    is_dotdot(oname, olen) || is_dotdot(nname, nlen)) {
		err = -EBUSY;
		goto out;
	}
	if (odir->iops != ndir->iops || !odir->iops->rename) {
		err = -EXDEV;           /* no moving between file systems */
		goto out;
	}
	err = odir->iops->lookup(odir, oname, olen, &src);
	if (err)
		goto out;
	/* A directory cannot move into itself or below itself. */
	if (S_ISDIR(src->mode)) {
		for (struct inode *d = ndir; d; d = d->parent) {
			if (d == src) {
				err = -EINVAL;
				goto out;
			}
			if (d == vfs_root())
				break;
		}
	}
	err = odir->iops->rename(odir, oname, olen, ndir, nname, nlen);
out:
	inode_put(src);
	inode_put(odir);
	inode_put(ndir);
	mutex_unlock(&fs_lock);
	return err;
}

int vfs_readlink(struct inode *at, const char *path, char *buf, size_t size)
{
	struct inode *i;

	mutex_lock(&fs_lock);
	int err = vfs_lookup_locked(at, path, 0, &i);
	if (!err) {
		err = S_ISLNK(i->mode) && i->iops && i->iops->readlink
			? i->iops->readlink(i, buf, size) : -EINVAL;
		inode_put(i);
	}
	mutex_unlock(&fs_lock);
	return err;
}

int vfs_getcwd(struct inode *d, char *buf, size_t size)
{
	size_t end = size;      /* the path is built backwards from here */
	int err = 0;

	if (size < 2)
		return -ERANGE;
	mutex_lock(&fs_lock);
	buf[--end] = '\0';
	for (; d != vfs_root(); d = d->parent) {
		if (!d->parent || !d->name) {
			err = -ENOENT;          /* removed: unreachable from / */
			break;
		}
		size_t len = strlen(d->name);
		if (end < len + 1) {
			err = -ERANGE;
			break;
		}
		end -= len;
		memcpy(buf + end, d->name, len);
		buf[--end] = '/';
	}
	mutex_unlock(&fs_lock);
	if (err)
		return err;
	if (end == size - 1)
		buf[--end] = '/';       /* the root itself */
	size_t len = size - 1 - end;
	memmove(buf, buf + end, len + 1);
	return (int)len;
}

int vfs_stat_mode(const char *kpath, unsigned *mode)
{
	struct inode *i;
	int err = vfs_resolve(NULL, kpath, LOOKUP_FOLLOW, &i);
	if (err)
		return err;
	*mode = i->mode;
	inode_put(i);
	return 0;
}

int vfs_read_all(const char *kpath, void **data, size_t *size)
{
	struct file *f;
	int err = vfs_open(NULL, kpath, O_RDONLY, 0, &f);
	if (err)
		return err;
	if (!S_ISREG(f->inode->mode)) {
		err = S_ISDIR(f->inode->mode) ? -EISDIR : -EACCES;
		file_put(f);
		return err;
	}
	size_t n = (size_t)f->inode->size;
	char *buf = kmalloc(n ? n : 1);
	if (!buf) {
		file_put(f);
		return -ENOMEM;
	}
	size_t got = 0;
	while (got < n) {
		long r = vfs_read(f, buf + got, n - got);
		if (r <= 0)
			break;          /* the file shrank meanwhile: take what is there */
		got += (size_t)r;
	}
	file_put(f);
	*data = buf;
	*size = got;
	return 0;
}
