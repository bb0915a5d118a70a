/* LEAD (temporary): see fs_pending.h. */
#include <kernel/errno.h>
#include <kernel/proc/fs_pending.h>

static char dummy;
__attribute__((weak)) struct files *files_new(void) { return (struct files *)&dummy; }
__attribute__((weak)) struct files *files_clone(struct files *f) { return f; }
__attribute__((weak)) void files_put(struct files *f) { (void)f; }
__attribute__((weak)) void files_close_on_exec(struct files *f) { (void)f; }
__attribute__((weak)) int files_open_console(struct files *f) { (void)f; return 0; }
__attribute__((weak)) void initramfs_unpack(const void *cpio, size_t size) { (void)cpio; (void)size; }
