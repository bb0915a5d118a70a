/*
 * The CPU side of /proc (procfs_cpu.c), for procfs.c: the texts of
 * /proc/stat and /proc/cpuinfo, and the Cpus_allowed lines of
 * /proc/<pid>/status. Each writes at most size bytes (NUL included) and
 * returns the length of the whole text, like snprintk.
 */
#ifndef WEFT_FS_PROCFS_CPU_H
#define WEFT_FS_PROCFS_CPU_H

#include <stddef.h>
#include <stdint.h>

#include <kernel/cpu.h>

/* /proc/cpuinfo is about 1-2 KiB a CPU (the flags make most of it). */
#define PROCFS_CPUINFO_MAX (MAX_CPUS * 2048)

int procfs_stat_text(char *b, size_t size);
int procfs_cpuinfo_text(char *b, size_t size);
/* "Cpus_allowed:\t3\nCpus_allowed_list:\t0-1\n" for an affinity mask. */
int procfs_cpus_allowed_text(char *b, size_t size, uint64_t mask);

#endif
