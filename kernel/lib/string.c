/*
 * Byte-at-a-time string functions: simple and obviously right. GCC may
 * also call memcpy/memset itself (for struct copies), so these names are
 * required, not optional.
 */
#include <stdint.h>
#include <kernel/lib/string.h>

void *memset(void *d, int c, size_t n)
{
	unsigned char *p = d;
	/* Eight bytes at a time once aligned: page clears dominate fork and
	 * exec, and under QEMU each loop iteration costs the same whatever
	 * it moves. */
	while (n && ((uintptr_t)p & 7)) {
		*p++ = (unsigned char)c;
		n--;
	}
	uint64_t w = 0x0101010101010101ull * (unsigned char)c;
	for (; n >= 8; n -= 8, p += 8)
		*(uint64_t *)(void *)p = w;
	while (n--)
		*p++ = (unsigned char)c;
	return d;
}

void *memcpy(void *restrict d, const void *restrict s, size_t n)
{
	unsigned char *dp = d;
	const unsigned char *sp = s;
	/* Words when both sides can be aligned together (page copies for
	 * copy-on-write, pipe and user copies); bytes otherwise. */
	if ((((uintptr_t)dp ^ (uintptr_t)sp) & 7) == 0) {
		while (n && ((uintptr_t)dp & 7)) {
			*dp++ = *sp++;
			n--;
		}
		for (; n >= 8; n -= 8, dp += 8, sp += 8)
			*(uint64_t *)(void *)dp = *(const uint64_t *)(const void *)sp;
	}
	while (n--)
		*dp++ = *sp++;
	return d;
}

void *memmove(void *d, const void *s, size_t n)
{
	unsigned char *dp = d;
	const unsigned char *sp = s;
	if (dp < sp) {
		while (n--)
			*dp++ = *sp++;
	} else {
		while (n--)
			dp[n] = sp[n];
	}
	return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;
	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return x[i] - y[i];
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;
	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			break;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

size_t strlcpy(char *d, const char *s, size_t size)
{
	size_t n = strlen(s);
	if (size) {
		size_t k = n < size - 1 ? n : size - 1;
		memcpy(d, s, k);
		d[k] = 0;
	}
	return n;
}
