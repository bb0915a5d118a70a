/*
 * Parsing the kernel command line into boot_options. Every problem is a
 * warning, never a failure: a typo on the command line must not stop a
 * machine from booting.
 */
#include <kernel/cmdline.h>
#include <kernel/cpu.h>
#include <kernel/lib/string.h>
#include <kernel/printk.h>
#include <kernel/sched/sched.h>

struct boot_options boot_options = {
	.sched = "rr",
	.quantum_ms = 10,
	.hz = 1000,
	.test = "",
	.init = "/bin/init",
	.gil_interval_us = 5000,
};

/* Room for init's arguments, decoded. */
static char arg_storage[1024];

static bool parse_uint(const char *s, size_t n, unsigned min, unsigned max, unsigned *out)
{
	unsigned long v = 0;
	if (n == 0 || n > 9)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v < min || v > max)
		return false;
	*out = (unsigned)v;
	return true;
}

static bool copy_word(char *dst, size_t size, const char *s, size_t n)
{
	if (n == 0 || n >= size)
		return false;
	memcpy(dst, s, n);
	dst[n] = 0;
	return true;
}

static bool is_key(const char *key, size_t klen, const char *name)
{
	return strlen(name) == klen && strncmp(key, name, klen) == 0;
}

/* One key=value word; returns false (after warning) when it is not used. */
static bool apply(const char *key, size_t klen, const char *val, size_t vlen)
{
	char name[16];
	if (is_key(key, klen, "sched")) {
		if (copy_word(name, sizeof(name), val, vlen) && sched_policy_exists(name)) {
			strlcpy(boot_options.sched, name, sizeof(boot_options.sched));
			return true;
		}
	} else if (is_key(key, klen, "quantum_ms")) {
		if (parse_uint(val, vlen, 1, 1000, &boot_options.quantum_ms))
			return true;
	} else if (is_key(key, klen, "hz")) {
		if (parse_uint(val, vlen, 10, 10000, &boot_options.hz))
			return true;
	} else if (is_key(key, klen, "cpus")) {
		if (parse_uint(val, vlen, 1, MAX_CPUS, &boot_options.cpus))
			return true;
	} else if (is_key(key, klen, "init")) {
		if (vlen && val[0] == '/' && copy_word(boot_options.init, sizeof(boot_options.init), val, vlen))
			return true;
	} else if (is_key(key, klen, "run")) {
		if (vlen == 1 && (val[0] == '0' || val[0] == '1')) {
			boot_options.run = val[0] == '1';
			return true;
		}
	} else if (is_key(key, klen, "trace")) {
		/* The scheduler event trace (kernel/sched/trace.c). */
		if (vlen == 2 && strncmp(val, "on", 2) == 0) {
			boot_options.trace = true;
			return true;
		}
		if (vlen == 3 && strncmp(val, "off", 3) == 0) {
			boot_options.trace = false;
			return true;
		}
	} else if (is_key(key, klen, "gil")) {
		/* The GIL option for every process (kernel/proc/gil.c). */
		if (vlen == 2 && strncmp(val, "on", 2) == 0) {
			boot_options.gil = true;
			return true;
		}
		if (vlen == 3 && strncmp(val, "off", 3) == 0) {
			boot_options.gil = false;
			return true;
		}
	} else if (is_key(key, klen, "gil_interval_us")) {
		if (parse_uint(val, vlen, 1, 1000000, &boot_options.gil_interval_us))
			return true;
	} else if (is_key(key, klen, "test")) {
		if (copy_word(boot_options.test, sizeof(boot_options.test), val, vlen))
			return true;
	} else {
		printk("cmdline: warning: unknown option '%.*s' ignored\n", (int)(klen + (vlen ? vlen + 1 : 0)), key);
		return false;
	}
	printk("cmdline: warning: bad value '%.*s' for %.*s, using the default\n",
	       (int)vlen, val, (int)klen, key);
	return false;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

/* The words after "--": init's arguments, with %XX decoded. */
static int parse_init_args(const char *p)
{
	size_t used = 0;
	boot_options.init_argc = 1;
	while (*p) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		if (boot_options.init_argc >= CMDLINE_MAX_ARGS) {
			printk("cmdline: warning: more than %d arguments for init, rest ignored\n",
			       CMDLINE_MAX_ARGS - 1);
			return 1;
		}
		char *out = arg_storage + used;
		while (*p && *p != ' ' && *p != '\t') {
			char c = *p++;
			if (c == '%' && hexval(p[0]) >= 0 && hexval(p[1]) >= 0) {
				c = (char)(hexval(p[0]) * 16 + hexval(p[1]));
				p += 2;
			}
			if (used + 1 >= sizeof(arg_storage)) {
				printk("cmdline: warning: init's arguments are too long\n");
				return 1;
			}
			arg_storage[used++] = c;
		}
		arg_storage[used++] = 0;
		boot_options.init_argv[boot_options.init_argc++] = out;
	}
	return 0;
}

int cmdline_parse(const char *line)
{
	int warnings = 0;
	const char *p = line;
	boot_options.init_argc = 1;
	while (*p) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		const char *word = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		size_t n = (size_t)(p - word);
		if (n == 2 && word[0] == '-' && word[1] == '-') {
			warnings += parse_init_args(p);
			break;
		}
		const char *eq = word;
		while (eq < p && *eq != '=')
			eq++;
		size_t klen = (size_t)(eq - word);
		size_t vlen = eq < p ? (size_t)(p - eq - 1) : 0;
		if (eq == p) {
			printk("cmdline: warning: '%.*s' is not key=value, ignored\n", (int)n, word);
			warnings++;
		} else if (!apply(word, klen, eq + 1, vlen)) {
			warnings++;
		}
	}
	boot_options.init_argv[0] = boot_options.init;
	boot_options.init_argv[boot_options.init_argc] = NULL;
	return warnings;
}
