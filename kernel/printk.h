/*
 * printk: formatted output to the kernel console.
 * Formats: %d %i %u %x %X %o %c %s %p %% with the flags - 0 and width,
 * and the length modifiers l, ll, z (size_t) and h.
 */
#ifndef WEFT_PRINTK_H
#define WEFT_PRINTK_H

#include <stdarg.h>
#include <stddef.h>

__attribute__((format(printf, 1, 2))) int printk(const char *fmt, ...);
int vprintk(const char *fmt, va_list ap);
__attribute__((format(printf, 3, 4)))
int snprintk(char *buf, size_t size, const char *fmt, ...);
int vsnprintk(char *buf, size_t size, const char *fmt, va_list ap);

#endif
