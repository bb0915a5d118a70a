/*
 * Descriptor tables (see files.h). A slot is filled and emptied under
 * the table's spinlock; the struct file's reference is dropped only
 * after the lock is released, because closing a file may run its release
 * op (a pipe end waking the other side), which must not run with a
 * spinlock held.
 */
#include <kernel/fs/files.h>

#include <kernel/errno.h>
#include <kernel/fs/vfs.h>
#include <kernel/mm/heap.h>
#include <kernel/panic.h>

struct files *files_new(void)
{
	struct files *t = kzalloc(sizeof *t);
	if (!t)
		return NULL;
	spin_init(&t->lock, "files");
	t->refcount = 1;
	return t;
}

struct files *files_clone(struct files *f)
{
	struct files *t = files_new();
	if (!t || !f)
		return t;
	unsigned long flags = spin_lock_irqsave(&f->lock);
	for (int k = 0; k < FILES_MAX; k++) {
		t->fd[k] = file_get(f->fd[k]);
		t->cloexec[k] = f->cloexec[k];
	}
	spin_unlock_irqrestore(&f->lock, flags);
	return t;
}

void files_put(struct files *t)
{
	if (!t)
		return;
	if (__atomic_sub_fetch(&t->refcount, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	/* Nobody else can see the table any more: no lock needed. */
	for (int k = 0; k < FILES_MAX; k++)
		file_put(t->fd[k]);
	kfree(t);
}

void files_close_on_exec(struct files *t)
{
	for (int k = 0; k < FILES_MAX; k++) {
		struct file *f = NULL;
		unsigned long flags = spin_lock_irqsave(&t->lock);
		if (t->cloexec[k]) {
			f = t->fd[k];
			t->fd[k] = NULL;
			t->cloexec[k] = 0;
		}
		spin_unlock_irqrestore(&t->lock, flags);
		file_put(f);
	}
}

int fd_install(struct files *t, struct file *file, int min, bool cloexec)
{
	if (min < 0 || min >= FILES_MAX)
		return min < 0 ? -EINVAL : -EMFILE;
	int fd = -EMFILE;
	unsigned long flags = spin_lock_irqsave(&t->lock);
	for (int k = min; k < FILES_MAX; k++) {
		if (!t->fd[k]) {
			t->fd[k] = file;
			t->cloexec[k] = cloexec;
			fd = k;
			break;
		}
	}
	spin_unlock_irqrestore(&t->lock, flags);
	return fd;
}

struct file *fd_get(struct files *t, int fd)
{
	if (!t || fd < 0 || fd >= FILES_MAX)
		return NULL;
	unsigned long flags = spin_lock_irqsave(&t->lock);
	struct file *f = file_get(t->fd[fd]);
	spin_unlock_irqrestore(&t->lock, flags);
	return f;
}

int fd_close(struct files *t, int fd)
{
	if (fd < 0 || fd >= FILES_MAX)
		return -EBADF;
	unsigned long flags = spin_lock_irqsave(&t->lock);
	struct file *f = t->fd[fd];
	t->fd[fd] = NULL;
	t->cloexec[fd] = 0;
	spin_unlock_irqrestore(&t->lock, flags);
	if (!f)
		return -EBADF;
	file_put(f);
	return 0;
}

int fd_dup_to(struct files *t, int oldfd, int newfd, bool cloexec)
{
	if (oldfd < 0 || oldfd >= FILES_MAX || newfd < 0 || newfd >= FILES_MAX)
		return -EBADF;
	unsigned long flags = spin_lock_irqsave(&t->lock);
	struct file *f = t->fd[oldfd], *old = NULL;
	if (!f) {
		spin_unlock_irqrestore(&t->lock, flags);
		return -EBADF;
	}
	/* Replacing the old file and installing the new one is one step, so
	 * no other thread can grab newfd in between (dup2's promise). */
	if (oldfd != newfd) {
		old = t->fd[newfd];
		t->fd[newfd] = file_get(f);
	}
	t->cloexec[newfd] = cloexec;
	spin_unlock_irqrestore(&t->lock, flags);
	file_put(old);
	return newfd;
}

int fd_get_cloexec(struct files *t, int fd)
{
	if (fd < 0 || fd >= FILES_MAX)
		return -EBADF;
	unsigned long flags = spin_lock_irqsave(&t->lock);
	int r = t->fd[fd] ? t->cloexec[fd] : -EBADF;
	spin_unlock_irqrestore(&t->lock, flags);
	return r;
}

int fd_set_cloexec(struct files *t, int fd, bool on)
{
	if (fd < 0 || fd >= FILES_MAX)
		return -EBADF;
	unsigned long flags = spin_lock_irqsave(&t->lock);
	int r = -EBADF;
	if (t->fd[fd]) {
		t->cloexec[fd] = on;
		r = 0;
	}
	spin_unlock_irqrestore(&t->lock, flags);
	return r;
}

int files_count(struct files *t)
{
	int n = 0;
	unsigned long flags = spin_lock_irqsave(&t->lock);
	for (int k = 0; k < FILES_MAX; k++)
		n += t->fd[k] != NULL;
	spin_unlock_irqrestore(&t->lock, flags);
	return n;
}

int files_open_console(struct files *t)
{
	for (int k = 0; k < 3; k++) {
		struct file *f;
		int err = vfs_open(NULL, "/dev/console", O_RDWR, 0, &f);
		if (err)
			return err;
		int fd = fd_install(t, f, k, false);
		if (fd != k) {
			file_put(f);
			return fd < 0 ? fd : -EBUSY;
		}
	}
	return 0;
}
