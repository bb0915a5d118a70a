/*
 * The descriptor table: what the small integers of read(fd, ...) mean to
 * one process.
 *
 *   fd 0 ──┐
 *   fd 1 ──┼──> struct file (offset, flags) ──> inode
 *   fd 2 ──┘      shared after dup() and fork()
 *
 * Each slot holds a reference on a struct file and a close-on-exec bit
 * (FD_CLOEXEC belongs to the descriptor, not to the file: dup() clears
 * it). fork() copies the table (files_clone), so parent and child share
 * the struct files -- and so their offsets -- but each has its own slots.
 * New descriptors take the lowest free number, as POSIX requires (that is
 * how "close(1); open(...)" redirects output).
 */
#ifndef WEFT_FS_FILES_H
#define WEFT_FS_FILES_H

#include <stdbool.h>

#include <kernel/sync/spinlock.h>

struct file;

#define FILES_MAX 256       /* per process; beyond: -EMFILE */
#define FD_CLOEXEC 1

struct files {
	struct spinlock lock;   /* guards the slots and bits below */
	int refcount;           /* atomic: threads sharing the table (clone) */
	struct file *fd[FILES_MAX];
	unsigned char cloexec[FILES_MAX];
};

struct files *files_new(void);
/* A copy for fork(): the same struct files in the same slots. NULL if
 * memory runs out. */
struct files *files_clone(struct files *f);
/* Drop a reference; the last one closes every descriptor. */
void files_put(struct files *f);
/* execve: close the descriptors marked FD_CLOEXEC. */
void files_close_on_exec(struct files *f);
/* Open /dev/console as 0, 1 and 2 (for pid 1). 0 or -errno. */
int files_open_console(struct files *f);

/* Put file in the lowest free slot >= min: the slot number, or -EMFILE.
 * Takes over the caller's reference on success. */
int fd_install(struct files *t, struct file *file, int min, bool cloexec);
/* The file at fd with a reference of the caller's own, or NULL. */
struct file *fd_get(struct files *t, int fd);
/* Empty slot fd and drop its reference: 0 or -EBADF. */
int fd_close(struct files *t, int fd);
/* dup2/dup3: make newfd refer to oldfd's file. newfd or -errno. */
int fd_dup_to(struct files *t, int oldfd, int newfd, bool cloexec);
int fd_get_cloexec(struct files *t, int fd);        /* 0/1 or -EBADF */
int fd_set_cloexec(struct files *t, int fd, bool on);
/* Slots in use (for tests). */
int files_count(struct files *t);

#endif
