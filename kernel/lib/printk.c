/*
 * printk: the kernel's printf. Formatting is done into a buffer first and
 * then written in one piece under a lock, so lines from different threads
 * (and, later, CPUs) never interleave mid-line.
 */
#include <stdbool.h>
#include <stdint.h>
#include <kernel/arch.h>
#include <kernel/printk.h>
#include <kernel/sync/spinlock.h>

struct out {
	char *buf;
	size_t size, len; /* len counts everything, even what did not fit */
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_number(struct out *o, unsigned long long v, unsigned base,
                       bool upper, bool neg, int width, char pad, bool left,
                       const char *prefix)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0;
	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	int plen = 0;
	while (prefix && prefix[plen])
		plen++;
	int total = n + (neg ? 1 : 0) + plen;
	if (!left && pad == ' ')
		for (; total < width; width--)
			put(o, ' ');
	if (neg)
		put(o, '-');
	for (int i = 0; i < plen; i++)
		put(o, prefix[i]);
	if (!left && pad == '0')
		for (; total < width; width--)
			put(o, '0');
	while (n)
		put(o, tmp[--n]);
	if (left)
		for (; total < width; width--)
			put(o, ' ');
}

int vsnprintk(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };

	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		bool left = false, alt = false;
		char pad = ' ';
		int width = 0, lng = 0;
		for (;; fmt++) {
			if (fmt[1] == '-') left = true;
			else if (fmt[1] == '0') pad = '0';
			else if (fmt[1] == '#') alt = true;
			else break;
		}
		fmt++;
		if (*fmt == '*') {
			width = va_arg(ap, int);
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		int prec = -1; /* only %s uses a precision: at most prec bytes */
		if (*fmt == '.') {
			fmt++;
			prec = 0;
			if (*fmt == '*') {
				prec = va_arg(ap, int);
				fmt++;
			}
			while (*fmt >= '0' && *fmt <= '9')
				prec = prec * 10 + (*fmt++ - '0');
		}
		while (*fmt == 'l' || *fmt == 'z' || *fmt == 'h') {
			if (*fmt != 'h')
				lng++;
			fmt++;
		}
		unsigned long long u;
		long long s;
		switch (*fmt) {
		case 'd':
		case 'i':
			s = lng ? va_arg(ap, long long) : va_arg(ap, int);
			if (lng == 1)
				s = (long)s;
			put_number(&o, s < 0 ? -(unsigned long long)s : (unsigned long long)s,
			           10, false, s < 0, width, pad, left, NULL);
			break;
		case 'u':
		case 'x':
		case 'X':
		case 'o':
			u = lng ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned);
			put_number(&o, u, *fmt == 'u' ? 10 : *fmt == 'o' ? 8 : 16,
			           *fmt == 'X', false, width, pad, left,
			           alt && u ? (*fmt == 'o' ? "0" : "0x") : NULL);
			break;
		case 'p':
			put_number(&o, (uintptr_t)va_arg(ap, void *), 16, false, false,
			           width, pad, left, "0x");
			break;
		case 'c':
			put(&o, (char)va_arg(ap, int));
			break;
		case 's': {
			const char *str = va_arg(ap, const char *);
			if (!str)
				str = "(null)";
			int len = 0;
			while ((prec < 0 || len < prec) && str[len])
				len++;
			if (!left)
				for (int i = len; i < width; i++)
					put(&o, ' ');
			for (int i = 0; i < len; i++)
				put(&o, str[i]);
			if (left)
				for (int i = len; i < width; i++)
					put(&o, ' ');
			break;
		}
		case '%':
			put(&o, '%');
			break;
		case 0:
			fmt--;
			break;
		default:
			put(&o, '%');
			put(&o, *fmt);
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = 0;
	return (int)o.len;
}

int snprintk(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintk(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

static struct spinlock console_lock = SPINLOCK_INIT("console");

int vprintk(const char *fmt, va_list ap)
{
	char buf[512];
	int n = vsnprintk(buf, sizeof(buf), fmt, ap);
	size_t len = (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1;

	unsigned long flags = spin_lock_irqsave(&console_lock);
	arch_console_write(buf, len);
	spin_unlock_irqrestore(&console_lock, flags);
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
