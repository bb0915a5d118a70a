/*
 * Host fake of printk: formats with the C library into a capture buffer
 * that tests can search (fake_console_contains). Set FAKE_ECHO=1 in the
 * environment to see the console on stderr as well.
 */
#include <kernel/printk.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake.h"

static char console[64 * 1024];
static size_t console_len;

const char *fake_console(void)
{
	return console;
}

bool fake_console_contains(const char *s)
{
	return strstr(console, s) != NULL;
}

void fake_console_clear(void)
{
	console_len = 0;
	console[0] = '\0';
}

int vprintk(const char *fmt, va_list ap)
{
	char buf[1024];
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	size_t len = strlen(buf);

	if (console_len + len < sizeof console) {
		memcpy(console + console_len, buf, len + 1);
		console_len += len;
	}
	if (getenv("FAKE_ECHO"))
		fputs(buf, stderr);
	return n;
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
