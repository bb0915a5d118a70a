/*
 * The kernel command line, read by the loader from weft/cmdline.txt on the
 * ESP: space-separated key=value words.
 *
 *   sched=rr          scheduling policy (see kernel/sched/)
 *   quantum_ms=10     time slice in milliseconds (1..1000)
 *   hz=1000           timer ticks per second (10..10000)
 *   cpus=N            start at most N CPUs (1..MAX_CPUS); default: all the
 *                     ACPI MADT lists, up to MAX_CPUS. cpus=1: no other CPU
 *   test=GROUP        run the in-kernel tests of GROUP and exit QEMU
 *   init=/bin/init    the first user program (pid 1)
 *   run=1             run mode: init's exit ends the machine (tools/weft-run)
 *   trace=off         on: record scheduler events, print them when a run
 *                     ends (kernel/sched/trace.c, tools/weft-run --trace)
 *   gil=off           on: every process runs with a GIL (kernel/proc/gil.h)
 *   gil_interval_us=5000  the GIL's switch interval for new programs
 *                     (1..1000000; per process: prctl, /proc/<pid>/gil_interval_us)
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
	unsigned cpus; /* 0: every CPU found (up to MAX_CPUS) */
	char test[32]; /* empty: no test, boot normally */
	char init[128];
	bool run;      /* run mode */
	bool trace;    /* scheduler event trace */
	bool gil;      /* every process starts with the GIL on */
	unsigned gil_interval_us; /* the GIL's default switch interval */
	int init_argc; /* init_argv[0] is init itself */
	char *init_argv[CMDLINE_MAX_ARGS + 1];
};

extern struct boot_options boot_options;

/* Parse line into boot_options; returns the number of warnings. */
int cmdline_parse(const char *line);

#endif
