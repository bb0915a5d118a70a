/*
 * What the file system calls share: the caller's descriptor table,
 * copying a path in from user space, and the directory a *at() call
 * starts from.
 */
#ifndef WEFT_FS_SYS_COMMON_H
#define WEFT_FS_SYS_COMMON_H

#include <kernel/fs/files.h>
#include <kernel/fs/vfs.h>

#define AT_FDCWD            (-100)
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_REMOVEDIR        0x200
#define AT_SYMLINK_FOLLOW   0x400
#define AT_EMPTY_PATH       0x1000

struct files *current_files(void);
/* The file at fd, referenced, or NULL (-EBADF for the caller). */
struct file *current_fd(int fd);
/* A kmalloc'd copy of a user path (kfree it): 0, -EFAULT, -ENAMETOOLONG,
 * -ENOMEM; "" is -ENOENT unless empty_ok. */
int user_path(const char *upath, char **kpath, bool empty_ok);
/* The starting directory for a *at() call, referenced (NULL for
 * AT_FDCWD or an absolute path): 0, -EBADF, -ENOTDIR. */
int at_dir(int dirfd, const char *kpath, struct inode **at);
/* user_path + at_dir together; on success free both with path_done. */
int user_at_path(int dirfd, const char *upath, bool empty_ok,
                 char **kpath, struct inode **at);
void path_done(char *kpath, struct inode *at);

#endif
