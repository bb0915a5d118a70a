/*
 * The character devices in /dev: null (reads end at once, writes vanish),
 * zero (reads give zeros) and console (the tty, tty.c).
 */
#include <kernel/fs/vfs.h>

#include <kernel/errno.h>
#include <kernel/fs/tty.h>
#include <kernel/printk.h>

/* Linux's device numbers, as st_rdev shows them: makedev(major, minor). */
#define MKDEV(ma, mi) (((ma) << 8) | (mi))

static long null_read(struct file *f, struct iobuf buf, size_t n, uint64_t *pos)
{
	(void)f; (void)buf; (void)n; (void)pos;
	return 0;
}

static long sink_write(struct file *f, struct iobuf buf, size_t n, uint64_t *pos)
{
	(void)f; (void)buf; (void)pos;
	return (long)n;
}

static long zero_read(struct file *f, struct iobuf buf, size_t n, uint64_t *pos)
{
	(void)f; (void)pos;
	return iobuf_zero(buf, 0, n) ? -EFAULT : (long)n;
}

/* Seeking a device that has no position succeeds and means nothing. */
static long devnull_lseek(struct file *f, int64_t off, int whence)
{
	(void)f; (void)off; (void)whence;
	return 0;
}

static const struct file_ops null_fops = {
	.read = null_read, .write = sink_write, .lseek = devnull_lseek,
};
static const struct file_ops zero_fops = {
	.read = zero_read, .write = sink_write, .lseek = devnull_lseek,
};

void devices_init(void)
{
	static const struct {
		const char *path;
		const struct file_ops *fops;
		uint32_t rdev;
	} devs[] = {
		{ "/dev/null", &null_fops, MKDEV(1, 3) },
		{ "/dev/zero", &zero_fops, MKDEV(1, 5) },
		{ "/dev/console", &tty_console_fops, MKDEV(5, 1) },
		{ "/dev/tty", &tty_console_fops, MKDEV(5, 0) },
	};
	for (unsigned k = 0; k < sizeof devs / sizeof devs[0]; k++) {
		int err = vfs_mknod(NULL, devs[k].path, S_IFCHR | 0666,
		                    devs[k].fops, devs[k].rdev);
		if (err)
			printk("vfs: cannot create %s (%d)\n", devs[k].path, err);
	}
}
