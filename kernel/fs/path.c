/*
 * Path lookup: turn "/bin/../tmp//x" into an inode, one component at a
 * time, starting at the root for an absolute path and at a directory
 * (normally the working directory) otherwise.
 *
 *  - repeated slashes are one slash; a trailing slash requires a directory;
 *  - "." is the directory itself, ".." its parent (the root's is itself);
 *  - a symbolic link met in the middle of a path is always followed, the
 *    last component only with LOOKUP_FOLLOW; its target is resolved from
 *    the directory holding the link. At most SYMLOOP_MAX links per lookup
 *    (-ELOOP), as a cycle would otherwise never end;
 *  - a component longer than NAME_MAX or a path of PATH_MAX or more bytes
 *    is -ENAMETOOLONG.
 *
 * Called with fs_lock held, so directories cannot change underneath.
 */
#include <kernel/fs/vfs.h>

#include <kernel/errno.h>
#include <kernel/lib/string.h>
#include <kernel/mm/heap.h>
#include <kernel/proc/process.h>

#define SYMLOOP_MAX 8

struct inode *vfs_cwd_locked(void)
{
	struct process *p = current_process();
	if (p && p->cwd)
		return p->cwd;
	return vfs_root();
}

/* One step from dir (referenced) to the child named name[0..len).
 * Consumes the reference on dir; *out gets one on the child. */
static int step(struct inode *dir, const char *name, size_t len,
                struct inode **out)
{
	int err = 0;

	if (!S_ISDIR(dir->mode)) {
		err = -ENOTDIR;
	} else if (len == 1 && name[0] == '.') {
		*out = inode_get(dir);
	} else if (len == 2 && name[0] == '.' && name[1] == '.') {
		if (dir == vfs_root())
			*out = inode_get(dir);
		else if (dir->parent)
			*out = inode_get(dir->parent);
		else
			err = -ENOENT;      /* a removed directory has no ".." */
	} else if (len > NAME_MAX) {
		err = -ENAMETOOLONG;
	} else if (!dir->iops || !dir->iops->lookup) {
		err = -ENOTDIR;
	} else {
		err = dir->iops->lookup(dir, name, len, out);
	}
	inode_put(dir);
	return err;
}

static int walk(struct inode *at, const char *path, unsigned flags,
                bool stop_before_last, struct inode **out,
                const char **last, size_t *last_len, int *links);

/* Replace the symlink *node (found in dir) by what it points to. */
static int follow(struct inode *dir, struct inode **node, int *links)
{
	struct inode *link = *node;
	char *target;
	int err;

	if (++*links > SYMLOOP_MAX)
		return -ELOOP;
	if (!link->iops || !link->iops->readlink)
		return -EINVAL;
	target = kmalloc(PATH_MAX);
	if (!target)
		return -ENOMEM;
	err = link->iops->readlink(link, target, PATH_MAX);
	if (err >= 0) {
		struct inode *res;
		err = walk(dir, target, LOOKUP_FOLLOW, false, &res, NULL, NULL,
		           links);
		if (err == 0) {
			inode_put(link);
			*node = res;
		}
	}
	kfree(target);
	return err;
}

static int walk(struct inode *at, const char *path, unsigned flags,
                bool stop_before_last, struct inode **out,
                const char **last, size_t *last_len, int *links)
{
	if (strnlen(path, PATH_MAX) >= PATH_MAX)
		return -ENAMETOOLONG;

	struct inode *cur;
	if (path[0] == '/')
		cur = inode_get(vfs_root());
	else
		cur = inode_get(at ? at : vfs_cwd_locked());
	if (!path[0] && !stop_before_last) {
		inode_put(cur);
		return -ENOENT;         /* "" names nothing (see AT_EMPTY_PATH) */
	}

	const char *p = path;
	for (;;) {
		while (*p == '/')
			p++;
		const char *name = p;
		while (*p && *p != '/')
			p++;
		size_t len = (size_t)(p - name);
		const char *rest = p;
		while (*rest == '/')
			rest++;
		bool is_last = *rest == '\0';

		if (len == 0) {         /* "/" alone, or the path ended in '/' */
			if (stop_before_last) {
				*last = name;
				*last_len = 0;
			}
			break;
		}
		if (is_last && stop_before_last) {
			if (len > NAME_MAX) {
				inode_put(cur);
				return -ENAMETOOLONG;
			}
			if (!S_ISDIR(cur->mode)) {
				inode_put(cur);
				return -ENOTDIR;
			}
			*last = name;
			*last_len = len;
			break;
		}

		struct inode *dir = inode_get(cur);
		struct inode *next;
		int err = step(cur, name, len, &next);
		if (err) {
			inode_put(dir);
			return err;
		}
		/* A trailing slash ("dir/") also asks to follow a link. */
		bool trailing_slash = is_last && *p == '/';
		if (S_ISLNK(next->mode) &&
		    (!is_last || (flags & LOOKUP_FOLLOW) || trailing_slash)) {
			err = follow(dir, &next, links);
			if (err) {
				inode_put(next);
				inode_put(dir);
				return err;
			}
		}
		inode_put(dir);
		cur = next;
		if (trailing_slash && !S_ISDIR(cur->mode)) {
			inode_put(cur);
			return -ENOTDIR;
		}
		if (is_last)
			break;
	}
	*out = cur;
	return 0;
}

int vfs_lookup_locked(struct inode *at, const char *path, unsigned flags,
                      struct inode **out)
{
	int links = 0;
	return walk(at, path, flags, false, out, NULL, NULL, &links);
}

int vfs_lookup_parent_locked(struct inode *at, const char *path,
                             struct inode **dir, const char **name,
                             size_t *len)
{
	int links = 0;
	return walk(at, path, 0, true, dir, name, len, &links);
}
