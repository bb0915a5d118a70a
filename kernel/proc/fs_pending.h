/*
 * LEAD (temporary): the file-side functions kernel/proc uses, declared here
 * until kernel/fs/files.h lands; weak stand-ins in fs_pending.c let the
 * kernel link meanwhile. Delete both once kernel/fs provides them.
 */
#ifndef WEFT_PROC_FS_PENDING_H
#define WEFT_PROC_FS_PENDING_H
#include <stddef.h>
struct files;
struct files *files_new(void);
struct files *files_clone(struct files *f);
void files_put(struct files *f);
void files_close_on_exec(struct files *f);
int files_open_console(struct files *f);
void initramfs_unpack(const void *cpio, size_t size);
#endif
