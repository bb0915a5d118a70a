/*
 * Building the tree at boot:
 *
 *   /          tmpfs (the initramfs is unpacked into it afterwards)
 *   /dev       console, tty, null, zero
 *   /proc      procfs, linked into / as the entry "proc"
 *   /tmp       sticky, world-writable, as usual
 *
 * Linux would mount procfs on a directory; Weft has no mount table, so
 * the root directory's entry "proc" simply names procfs's root inode,
 * whose ".." leads back to /. The effect for lookups is the same.
 */
#include <kernel/fs/vfs.h>

#include <kernel/errno.h>
#include <kernel/fs/tty.h>
#include <kernel/panic.h>
#include <kernel/printk.h>

static struct inode *root;

struct inode *vfs_root(void)
{
	return root;
}

void vfs_init(void)
{
	mutex_init(&fs_lock, "fs");
	tty_console_init();
	root = tmpfs_new_root();
	if (!root)
		panic("vfs: no memory for the root directory");

	if (vfs_mkdir(NULL, "/dev", 0755) || vfs_mkdir(NULL, "/tmp", 01777))
		panic("vfs: cannot create /dev and /tmp");
	devices_init();

	struct inode *proc = procfs_new_root(root);
	mutex_lock(&fs_lock);
	int err = proc ? tmpfs_link_inode(root, "proc", proc) : -ENOMEM;
	mutex_unlock(&fs_lock);
	if (err)
		printk("vfs: no /proc (%d)\n", err);
	inode_put(proc);
}

void vfs_teardown(void)
{
	mutex_lock(&fs_lock);
	tmpfs_clear(root);
	mutex_unlock(&fs_lock);
	inode_put(root);
	root = NULL;
}
