/* Helpers of the file system calls (see sys_common.h). */
#include <kernel/fs/sys_common.h>

#include <kernel/errno.h>
#include <kernel/mm/heap.h>
#include <kernel/proc/process.h>
#include <kernel/uaccess.h>

struct files *current_files(void)
{
	struct process *p = current_process();
	return p ? p->files : NULL;
}

struct file *current_fd(int fd)
{
	return fd_get(current_files(), fd);
}

int user_path(const char *upath, char **kpath, bool empty_ok)
{
	char *k = kmalloc(PATH_MAX);
	if (!k)
		return -ENOMEM;
	long n = strncpy_from_user(k, upath, PATH_MAX);
	if (n < 0 || (n == 0 && !empty_ok)) {
		kfree(k);
		return n < 0 ? (int)n : -ENOENT;
	}
	*kpath = k;
	return 0;
}

int at_dir(int dirfd, const char *kpath, struct inode **at)
{
	*at = NULL;
	if ((kpath[0] == '/') || dirfd == AT_FDCWD)
		return 0;
	struct file *f = current_fd(dirfd);
	if (!f)
		return -EBADF;
	/* An empty path (AT_EMPTY_PATH) names the file itself, any type. */
	if (kpath[0] && !S_ISDIR(f->inode->mode)) {
		file_put(f);
		return -ENOTDIR;
	}
	*at = inode_get(f->inode);
	file_put(f);
	return 0;
}

int user_at_path(int dirfd, const char *upath, bool empty_ok,
                 char **kpath, struct inode **at)
{
	int err = user_path(upath, kpath, empty_ok);
	if (err)
		return err;
	err = at_dir(dirfd, *kpath, at);
	if (err)
		kfree(*kpath);
	return err;
}

void path_done(char *kpath, struct inode *at)
{
	kfree(kpath);
	inode_put(at);
}
