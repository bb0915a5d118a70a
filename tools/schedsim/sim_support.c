/*
 * What the kernel core needs besides the arch, for schedsim: printk to
 * stderr, panic, kernel_bug, and kmalloc from the C library.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kernel/mm/heap.h>
#include <kernel/panic.h>
#include <kernel/printk.h>

unsigned long kernel_bug_count;

int vprintk(const char *fmt, va_list ap)
{
	return vfprintf(stderr, fmt, ap);
}

int printk(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}

int vsnprintk(char *buf, size_t size, const char *fmt, va_list ap)
{
	return vsnprintf(buf, size, fmt, ap);
}

int snprintk(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

_Noreturn void panic(const char *fmt, ...)
{
	va_list ap;
	fputs("schedsim: kernel panic: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

void kernel_bug(const char *fmt, ...)
{
	va_list ap;
	kernel_bug_count++;
	fputs("schedsim: kernel BUG: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

_Noreturn void kernel_stop(void)
{
	abort();
}

void *kmalloc(size_t size)
{
	if (size >= 4096)
		return aligned_alloc(4096, (size + 4095) & ~(size_t)4095);
	return malloc(size ? size : 1);
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);
	if (p)
		memset(p, 0, size);
	return p;
}

void kfree(void *p)
{
	free(p);
}
