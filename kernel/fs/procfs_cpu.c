/*
 * /proc/stat, /proc/cpuinfo and the Cpus_allowed lines of
 * /proc/<pid>/status, in Linux's formats (proc(5)) so that top, vmstat
 * and the tools students already know can read them.
 *
 * /proc/stat's CPU times come from the per-CPU tick counts that
 * sched_tick() keeps (struct cpu: user code, kernel code, idle), turned
 * into USER_HZ units (1/100 s) as Linux does. The "cpu" line is the sum
 * of the "cpuN" lines. Weft has no nice, iowait, irq, steal or guest
 * time apart from these, so those columns are 0.
 *
 * /proc/cpuinfo asks the arch what each CPU is (arch_cpu_describe: CPUID
 * on x86). Every CPU counts as one core of one package, as QEMU presents
 * them by default.
 */
#include <kernel/fs/procfs_cpu.h>

#include <stdarg.h>

#include <kernel/arch.h>
#include <kernel/cpu.h>
#include <kernel/errno.h>
#include <kernel/mm/heap.h>
#include <kernel/printk.h>
#include <kernel/proc/process.h>
#include <kernel/sched/sched.h>
#include <kernel/sched/thread.h>

#define USER_HZ 100

/* kernel/proc/sys_time.c: CLOCK_REALTIME (realtime) or CLOCK_MONOTONIC. */
uint64_t clock_now_ns(bool realtime);

/* A text being written: appending past the end keeps counting, like
 * snprintk, so the result is the length the whole text needs. */
struct out {
	char *buf;
	size_t size, len;
};

__attribute__((format(printf, 2, 3)))
static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	size_t room = o->len < o->size ? o->size - o->len : 0;
	int n = vsnprintk(room ? o->buf + o->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len += (size_t)n;
}

static uint64_t to_user_hz(uint64_t sched_ticks)
{
	return sched_ticks * sched_tick_ns() / (1000000000ull / USER_HZ);
}

static uint64_t load(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

/* CPUs that run threads, as a count and as one past the highest. */
static unsigned online_count(uint64_t mask)
{
	unsigned n = 0;
	for (; mask; mask &= mask - 1)      /* (no libgcc for popcount) */
		n++;
	return n;
}

static unsigned online_span(uint64_t mask)
{
	return mask ? 64u - (unsigned)__builtin_clzll(mask) : 1u;
}

/* ---- /proc/stat ------------------------------------------------------------ */

struct cpu_times {
	uint64_t user, system, idle;
};

static void put_cpu_line(struct out *o, const char *label, const struct cpu_times *t)
{
	/* user nice system idle iowait irq softirq steal guest guest_nice */
	put(o, "%s %llu 0 %llu %llu 0 0 0 0 0 0\n", label,
	    (unsigned long long)t->user, (unsigned long long)t->system,
	    (unsigned long long)t->idle);
}

struct thread_counts {
	uint64_t switches;
	unsigned runnable;
};

static void count_thread(struct thread *t, void *arg)
{
	struct thread_counts *c = arg;
	c->switches += t->switches_voluntary + t->switches_involuntary;
	enum thread_state s = __atomic_load_n(&t->state, __ATOMIC_RELAXED);
	if (!t->is_idle && (s == THREAD_RUNNING || s == THREAD_READY))
		c->runnable++;
}

static void count_process(struct process *p, void *arg)
{
	(void)p;
	(*(unsigned *)arg)++;
}

int procfs_stat_text(char *b, size_t size)
{
	struct out o = { b, size, 0 };
	uint64_t online = sched_cpus_online_mask();
	struct cpu_times per[MAX_CPUS], total = { 0, 0, 0 };

	for (unsigned i = 0; i < MAX_CPUS; i++) {
		if (!(online & (1ull << i)))
			continue;
		per[i].user = to_user_hz(load(&cpus[i].ticks_user));
		per[i].system = to_user_hz(load(&cpus[i].ticks_system));
		per[i].idle = to_user_hz(load(&cpus[i].ticks_idle));
		total.user += per[i].user;
		total.system += per[i].system;
		total.idle += per[i].idle;
	}
	put_cpu_line(&o, "cpu ", &total);   /* "cpu  1 2 ...": two spaces */
	for (unsigned i = 0; i < MAX_CPUS; i++) {
		if (!(online & (1ull << i)))
			continue;
		char label[8];
		snprintk(label, sizeof label, "cpu%u", i);
		put_cpu_line(&o, label, &per[i]);
	}

	/* Context switches of the threads that exist now (an exited thread's
	 * count goes with it), and processes that exist now: Weft keeps no
	 * running totals since boot. */
	struct thread_counts tc = { 0, 0 };
	sched_for_each_thread(count_thread, &tc);
	unsigned processes = 0;
	process_for_each(count_process, &processes);
	uint64_t up = clock_now_ns(false);      /* first: real - up >= boot time */
	uint64_t btime = (clock_now_ns(true) - up) / 1000000000ull;

	put(&o, "intr 0\nctxt %llu\nbtime %llu\nprocesses %u\n"
	    "procs_running %u\nprocs_blocked 0\nsoftirq 0 0 0 0 0 0 0 0 0 0 0\n",
	    (unsigned long long)tc.switches, (unsigned long long)btime,
	    processes, tc.runnable);
	return (int)o.len;
}

/* ---- /proc/cpuinfo --------------------------------------------------------- */

static void put_cpuinfo(struct out *o, unsigned id, unsigned ncpus,
                        const struct arch_cpu_description *d)
{
	unsigned long long khz = d->khz, bogo = khz * 2 / 10;  /* 1/100 MHz */

	put(o, "processor\t: %u\nvendor_id\t: %s\ncpu family\t: %u\n"
	    "model\t\t: %u\nmodel name\t: %s\nstepping\t: %u\n",
	    id, d->vendor, d->family, d->model, d->model_name, d->stepping);
	put(o, "cpu MHz\t\t: %llu.%03llu\n", khz / 1000, khz % 1000);
	if (d->cache_kb)
		put(o, "cache size\t: %u KB\n", d->cache_kb);
	put(o, "physical id\t: 0\nsiblings\t: %u\ncore id\t\t: %u\n"
	    "cpu cores\t: %u\napicid\t\t: %u\ninitial apicid\t: %u\n",
	    ncpus, id, ncpus, d->apic_id, d->apic_id);
	put(o, "fpu\t\t: yes\nfpu_exception\t: yes\ncpuid level\t: %u\n"
	    "wp\t\t: yes\nflags\t\t: %s\n", d->cpuid_level, d->flags);
	put(o, "bogomips\t: %llu.%02llu\n", bogo / 100, bogo % 100);
	if (d->clflush_bytes)
		put(o, "clflush size\t: %u\ncache_alignment\t: %u\n",
		    d->clflush_bytes, d->clflush_bytes);
	if (d->phys_bits)
		put(o, "address sizes\t: %u bits physical, %u bits virtual\n",
		    d->phys_bits, d->virt_bits);
	put(o, "power management:\n\n");
}

int procfs_cpuinfo_text(char *b, size_t size)
{
	struct out o = { b, size, 0 };
	struct arch_cpu_description *d = kmalloc(sizeof *d);
	if (!d)
		return -ENOMEM;
	uint64_t online = sched_cpus_online_mask();
	unsigned n = online_count(online);
	for (unsigned i = 0; i < MAX_CPUS; i++) {
		if (!(online & (1ull << i)))
			continue;
		arch_cpu_describe(i, d);
		put_cpuinfo(&o, i, n, d);
	}
	kfree(d);
	return (int)o.len;
}

/* ---- Cpus_allowed ------------------------------------------------------------ */

/*
 * Linux prints the mask in hex with one digit per 4 CPUs the machine can
 * have (so "3" on 2 CPUs, "0f" on 8 with 4 allowed), a comma between
 * groups of 32 CPUs; and the list as ranges, "0-2,5".
 */
int procfs_cpus_allowed_text(char *b, size_t size, uint64_t mask)
{
	struct out o = { b, size, 0 };
	unsigned span = online_span(sched_cpus_online_mask());
	if (span < 64)
		mask &= (1ull << span) - 1;

	put(&o, "Cpus_allowed:\t");
	for (int digit = (int)(span + 3) / 4 - 1; digit >= 0; digit--) {
		put(&o, "%x", (unsigned)(mask >> (4 * digit)) & 0xf);
		if (digit && digit % 8 == 0)
			put(&o, ",");
	}
	put(&o, "\nCpus_allowed_list:\t");
	bool first = true;
	for (unsigned i = 0; i < span; i++) {
		if (!(mask & (1ull << i)))
			continue;
		unsigned j = i;
		while (j + 1 < span && (mask & (1ull << (j + 1))))
			j++;
		put(&o, first ? "%u" : ",%u", i);
		if (j > i)
			put(&o, "-%u", j);
		first = false;
		i = j;
	}
	put(&o, "\n");
	return (int)o.len;
}
