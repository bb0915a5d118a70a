/*
 * Host fake of panic and kernel_bug. A panic ends the test program (with
 * the console dumped so the reason is visible); a kernel_bug is counted
 * and remembered so a test can assert that a broken rule was reported.
 */
#include <kernel/panic.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <kernel/printk.h>

#include "fake.h"

unsigned long kernel_bug_count;
static char last_bug[512];

_Noreturn void panic(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "---- console ----\n%s\n---- PANIC: ", fake_console());
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

void kernel_bug(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(last_bug, sizeof last_bug, fmt, ap);
	va_end(ap);
	kernel_bug_count++;
	printk("BUG: %s\n", last_bug);
}

unsigned fake_bug_count(void)
{
	return (unsigned)kernel_bug_count;
}

const char *fake_last_bug(void)
{
	return last_bug;
}
