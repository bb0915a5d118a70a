/*
 * The kernel command line, read by the loader from weft/cmdline.txt on the
 * ESP: space-separated key=value words.
 *
 *   sched=rr          scheduling policy (see kernel/sched/)
 *   quantum_ms=10     time slice in milliseconds (1..1000)
 *   hz=1000           timer ticks per second (10..10000)
 *   test=GROUP        run the in-kernel tests of GROUP and exit QEMU
 *   init=/bin/init    the first user program (pid 1)
 *   run=1             run mode: init's exit ends the machine (tools/weft-run)
 *   -- ARGS...        the rest of the line is init's argv[1..]; in a word,
 *                     %XX is the byte with hex code XX (%20 is a space)
 *
 * An unknown key or a bad value prints a warning naming it, and the
 * default stays.
 */
#ifndef WEFT_CMDLINE_H
#define WEFT_CMDLINE_H

#include <stdbool.h>

#define CMDLINE_MAX_ARGS 32

struct boot_options {
	char sched[16];
	unsigned quantum_ms;
	unsigned hz;
	char test[32]; /* empty: no test, boot normally */
	char init[128];
	bool run;      /* run mode */
	int init_argc; /* init_argv[0] is init itself */
	char *init_argv[CMDLINE_MAX_ARGS + 1];
};

extern struct boot_options boot_options;

/* Parse line into boot_options; returns the number of warnings. */
int cmdline_parse(const char *line);

#endif
