/*
 * Crossing the user/kernel boundary safely. Every pointer that comes from
 * user space goes through these: they check that the range is in the
 * user half and mapped with the needed access (faulting pages in, and
 * breaking copy-on-write for writes, as the CPU would), and return
 * -EFAULT instead of letting the kernel touch a bad address.
 */
#ifndef WEFT_UACCESS_H
#define WEFT_UACCESS_H

#include <stddef.h>
#include <stdint.h>

/* 0, or -EFAULT (nothing or part copied). */
int copy_from_user(void *dst, const void *usrc, size_t n);
int copy_to_user(void *udst, const void *src, size_t n);
/* Fill user memory with zeros. */
int clear_user(void *udst, size_t n);

/*
 * Copy a NUL-terminated string of at most max-1 characters. Returns its
 * length, -EFAULT, or -ENAMETOOLONG when no NUL came within max bytes.
 */
long strncpy_from_user(char *dst, const char *usrc, size_t max);

/* Is [p, p+n) inside the user half at all? (A cheap first check.) */
int user_range_ok(const void *p, size_t n);

#endif
