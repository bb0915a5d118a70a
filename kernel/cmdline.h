/*
 * The kernel command line, read by the loader from weft/cmdline.txt on the
 * ESP: space-separated key=value words.
 *
 *   sched=rr          scheduling policy (see kernel/sched/)
 *   quantum_ms=10     time slice in milliseconds (1..1000)
 *   hz=1000           timer ticks per second (10..10000)
 *   test=GROUP        run the in-kernel tests of GROUP and exit QEMU
 *
 * An unknown key or a bad value prints a warning naming it, and the
 * default stays.
 */
#ifndef WEFT_CMDLINE_H
#define WEFT_CMDLINE_H

#include <stdbool.h>

struct boot_options {
	char sched[16];
	unsigned quantum_ms;
	unsigned hz;
	char test[32]; /* empty: no test, boot normally */
};

extern struct boot_options boot_options;

/* Parse line into boot_options; returns the number of warnings. */
int cmdline_parse(const char *line);

#endif
