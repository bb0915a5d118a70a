/*
 * Time, sleep, and facts about the machine: clock_gettime, nanosleep,
 * uname, getrandom, resource limits.
 */
#include <kernel/arch.h>
#include <kernel/errno.h>
#include <kernel/mm/pmm.h>
#include <kernel/proc/internal.h>
#include <kernel/random.h>
#include <kernel/syscall/syscall.h>
#include <kernel/uaccess.h>

struct timespec_k {
	int64_t sec, nsec;
};

#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID 3
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_MONOTONIC_COARSE 6
#define CLOCK_BOOTTIME 7
#define NS 1000000000ull

/* Weft has no real-time clock driver: "real time" is time since boot
 * from a fixed epoch (2026-01-01), which keeps programs that print dates
 * sane and differences exact. */
#define EPOCH_NS (1767225600ull * NS)

/* CPU time, counted in the ticks that found a thread running: of the
 * calling thread, or of its whole process (the threads that exited, and
 * every live one). */
static uint64_t process_cpu_ticks(struct process *p)
{
	unsigned long f = spin_lock_irqsave(&proc_table.lock);
	uint64_t ticks = p->utime_ticks;
	struct list_node *n;
	list_for_each(n, &p->threads)
		ticks += __atomic_load_n(&list_entry(n, struct thread, proc_node)->ticks_run,
		                         __ATOMIC_RELAXED);
	spin_unlock_irqrestore(&proc_table.lock, f);
	return ticks;
}

static int clock_ns(int clk, uint64_t *ns)
{
	switch (clk) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
		*ns = EPOCH_NS + arch_clock_ns();
		return 0;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
		*ns = arch_clock_ns();
		return 0;
	case CLOCK_PROCESS_CPUTIME_ID:
		*ns = process_cpu_ticks(current_process()) * sched_tick_ns();
		return 0;
	case CLOCK_THREAD_CPUTIME_ID:
		*ns = thread_current()->ticks_run * sched_tick_ns();
		return 0;
	default:
		return -EINVAL;
	}
}

uint64_t clock_now_ns(bool realtime)
{
	return realtime ? EPOCH_NS + arch_clock_ns() : arch_clock_ns();
}

static long sys_clock_gettime(const struct syscall_args *a)
{
	uint64_t ns;
	int r = clock_ns((int)a->arg[0], &ns);
	if (r)
		return r;
	struct timespec_k ts = { (int64_t)(ns / NS), (int64_t)(ns % NS) };
	return copy_to_user((void *)a->arg[1], &ts, sizeof(ts));
}
SYSCALL(228, clock_gettime, sys_clock_gettime)

static long sys_clock_getres(const struct syscall_args *a)
{
	uint64_t ns;
	int r = clock_ns((int)a->arg[0], &ns);
	if (r)
		return r;
	struct timespec_k ts = { 0, 1 };
	return a->arg[1] ? copy_to_user((void *)a->arg[1], &ts, sizeof(ts)) : 0;
}
SYSCALL(229, clock_getres, sys_clock_getres)

static long sys_gettimeofday(const struct syscall_args *a)
{
	uint64_t ns = EPOCH_NS + arch_clock_ns();
	struct { int64_t sec, usec; } tv = { (int64_t)(ns / NS), (int64_t)(ns % NS / 1000) };
	if (a->arg[0] && copy_to_user((void *)a->arg[0], &tv, sizeof(tv)))
		return -EFAULT;
	return 0;
}
SYSCALL(96, gettimeofday, sys_gettimeofday)

static long sys_time(const struct syscall_args *a)
{
	int64_t t = (int64_t)((EPOCH_NS + arch_clock_ns()) / NS);
	if (a->arg[0] && copy_to_user((void *)a->arg[0], &t, sizeof(t)))
		return -EFAULT;
	return t;
}
SYSCALL(201, time, sys_time)

/* Sleep until deadline (arch_clock_ns); -EINTR, with the time left in
 * *rem, when a signal cuts it short. */
static long sleep_until(uint64_t deadline, struct timespec_k *urem)
{
	for (;;) {
		uint64_t now = arch_clock_ns();
		if (now >= deadline)
			return 0;
		if (thread_sleep_ns_interruptible(deadline - now) == -EINTR || signal_pending()) {
			now = arch_clock_ns();
			if (urem) {
				uint64_t left = deadline > now ? deadline - now : 0;
				struct timespec_k r = { (int64_t)(left / NS), (int64_t)(left % NS) };
				copy_to_user(urem, &r, sizeof(r));
			}
			return -EINTR;
		}
	}
}

static int read_timespec(const void *u, uint64_t *ns)
{
	struct timespec_k ts;
	if (copy_from_user(&ts, u, sizeof(ts)))
		return -EFAULT;
	if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= (int64_t)NS)
		return -EINVAL;
	*ns = (uint64_t)ts.sec * NS + (uint64_t)ts.nsec;
	return 0;
}

static long sys_nanosleep(const struct syscall_args *a)
{
	uint64_t ns;
	int r = read_timespec((const void *)a->arg[0], &ns);
	if (r)
		return r;
	if (a->arg[1] && !user_range_ok((void *)a->arg[1], sizeof(struct timespec_k)))
		return -EFAULT;
	return sleep_until(arch_clock_ns() + ns, (struct timespec_k *)a->arg[1]);
}
SYSCALL(35, nanosleep, sys_nanosleep)

#define TIMER_ABSTIME 1

static long sys_clock_nanosleep(const struct syscall_args *a)
{
	int clk = (int)a->arg[0], flags = (int)a->arg[1];
	uint64_t ns, now;
	int r = clock_ns(clk, &now);
	if (r || clk == CLOCK_THREAD_CPUTIME_ID)
		return r ? -r : -EINVAL; /* Linux returns the error, positive */
	r = read_timespec((const void *)a->arg[2], &ns);
	if (r)
		return -r;
	uint64_t deadline = (flags & TIMER_ABSTIME) ? arch_clock_ns() + (ns > now ? ns - now : 0)
	                                            : arch_clock_ns() + ns;
	long s = sleep_until(deadline, (flags & TIMER_ABSTIME) ? NULL : (struct timespec_k *)a->arg[3]);
	return s;
}
SYSCALL(230, clock_nanosleep, sys_clock_nanosleep)

struct utsname_k {
	char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65];
};

static long sys_uname(const struct syscall_args *a)
{
	struct utsname_k u = {0};
	strlcpy(u.sysname, "Weft", sizeof(u.sysname));
	strlcpy(u.nodename, "weft", sizeof(u.nodename));
	strlcpy(u.release, "0.3", sizeof(u.release));
	strlcpy(u.version, "a teaching kernel", sizeof(u.version));
	strlcpy(u.machine, "x86_64", sizeof(u.machine));
	strlcpy(u.domainname, "(none)", sizeof(u.domainname));
	return copy_to_user((void *)a->arg[0], &u, sizeof(u));
}
SYSCALL(63, uname, sys_uname)

static long sys_getrandom(const struct syscall_args *a)
{
	uint8_t chunk[256];
	size_t n = (size_t)a->arg[1], done = 0;
	if (a->arg[2] & ~7l)
		return -EINVAL;
	while (done < n) {
		size_t k = n - done < sizeof(chunk) ? n - done : sizeof(chunk);
		random_bytes(chunk, k);
		if (copy_to_user((char *)a->arg[0] + done, chunk, k))
			return done ? (long)done : -EFAULT;
		done += k;
	}
	return (long)done;
}
SYSCALL(318, getrandom, sys_getrandom)

struct rlimit_k {
	uint64_t cur, max;
};
#define RLIM_INFINITY (~0ull)
#define RLIMIT_STACK 3
#define RLIMIT_NPROC 6
#define RLIMIT_NOFILE 7
#define RLIMIT_NLIMITS 16

static struct rlimit_k limit_of(int res)
{
	switch (res) {
	case RLIMIT_STACK: return (struct rlimit_k){ (8ull << 20), (8ull << 20) };
	case RLIMIT_NPROC: return (struct rlimit_k){ PROCESS_MAX, PROCESS_MAX };
	case RLIMIT_NOFILE: return (struct rlimit_k){ 256, 256 };
	default: return (struct rlimit_k){ RLIM_INFINITY, RLIM_INFINITY };
	}
}

static long sys_prlimit64(const struct syscall_args *a)
{
	int pid = (int)a->arg[0], res = (int)a->arg[1];
	if (res < 0 || res >= RLIMIT_NLIMITS)
		return -EINVAL;
	if (pid && pid != current_process()->pid)
		return -ESRCH;
	/* Limits are fixed in Weft: reading works, setting is accepted only
	 * when it changes nothing. */
	struct rlimit_k cur = limit_of(res), want;
	if (a->arg[2]) {
		if (copy_from_user(&want, (void *)a->arg[2], sizeof(want)))
			return -EFAULT;
		if (want.cur > want.max)
			return -EINVAL;
	}
	if (a->arg[3] && copy_to_user((void *)a->arg[3], &cur, sizeof(cur)))
		return -EFAULT;
	return 0;
}
SYSCALL(302, prlimit64, sys_prlimit64)

static long sys_getrlimit(const struct syscall_args *a)
{
	if (a->arg[0] < 0 || a->arg[0] >= RLIMIT_NLIMITS)
		return -EINVAL;
	struct rlimit_k cur = limit_of((int)a->arg[0]);
	return copy_to_user((void *)a->arg[1], &cur, sizeof(cur));
}
SYSCALL(97, getrlimit, sys_getrlimit)
