/*
 * /proc: files whose contents are generated from the kernel's state when
 * they are opened, in Linux's formats so that ps-like tools can read them.
 *
 *   /proc/self          a symlink to the caller's /proc/<pid>
 *   /proc/meminfo       MemTotal, MemFree, MemAvailable ... in kB
 *   /proc/uptime        seconds since boot, seconds the CPUs idled
 *   /proc/stat          CPU times (all CPUs, then each), context switches...
 *   /proc/cpuinfo       one block per CPU: vendor, model, MHz, flags
 *                       (these two are made in procfs_cpu.c)
 *   /proc/<pid>/stat    one line of 52 fields (proc(5)); Weft fills those it has
 *   /proc/<pid>/status  "Name:\tsh" lines, ending with Cpus_allowed
 *   /proc/<pid>/cmdline argv, NUL-separated
 *   /proc/<pid>/comm    the name, and a newline
 *   /proc/<pid>/wchan   what the (main) thread waits for; "0" if it doesn't
 *   /proc/<pid>/gil     the GIL option (kernel/proc/gil.h): "enabled 1",
 *                       "interval_us 5000", holder, waiters, and counters
 *   /proc/<pid>/gil_interval_us  the GIL's switch interval; writable
 *   /proc/<pid>/task/   one directory per live thread, named by its tid:
 *   /proc/<pid>/task/<tid>/stat, status, cmdline, comm, wchan
 *                       the same, for that one thread
 *
 * comm is writable by the process itself: it renames the thread (musl's
 * pthread_setname_np writes /proc/self/task/<tid>/comm), and the main
 * thread's comm is the process's name, as on Linux. Like Linux, up to 15
 * bytes are kept, as written (a trailing newline included).
 *
 * wchan is Linux's "waiting channel". Linux prints the kernel function a
 * thread sleeps in; Weft prints what it sleeps on, which teaches more:
 * "mutex fs (held by 12)", the name of a wait queue ("pipe", "futex",
 * "tty", "process-table" for wait4), "sleep" for nanosleep, and "0" for a
 * thread that is running or ready. No newline, as on Linux.
 *
 * Nothing is cached: a lookup makes a fresh inode (freed when its last
 * reference goes), and open() takes a snapshot of the text, like Linux's
 * seq_file does on the first read, so a reader sees one consistent
 * version even if it reads in small pieces.
 *
 * The process is looked at under the process-table lock
 * (process_for_each), which is what keeps it and its threads from being
 * freed while their fields are copied; the text is formatted afterwards,
 * with no lock held.
 */
#include <kernel/fs/vfs.h>

#include <kernel/errno.h>
#include <kernel/fs/procfs_cpu.h>
#include <kernel/lib/string.h>
#include <kernel/mm/heap.h>
#include <kernel/mm/pmm.h>
#include <kernel/printk.h>
#include <kernel/proc/process.h>
#include <kernel/sched/sched.h>
#include <kernel/sched/thread.h>
#include <kernel/sync/deadlock.h>

#define USER_HZ 100                 /* what /proc's "clock ticks" count */
#define TEXT_MAX 4096
#define WCHAN_MAX 64
/* getdents positions: 0-6 fixed names, then 7 + pid. */
#define POS_PIDS 7
/* In a task directory: ".", "..", then 2 + tid. */
#define POS_TIDS 2

enum proc_kind { P_ROOT, P_SELF, P_MEMINFO, P_UPTIME, P_PIDDIR, P_STAT,
                 P_STATUS, P_CMDLINE, P_COMM, P_WCHAN, P_TASKDIR, P_TIDDIR,
                 P_CPUSTAT, P_CPUINFO, P_GIL, P_GIL_INTERVAL };

struct proc_node {
	enum proc_kind kind;
	int pid;
	int tid;                        /* 0: about the process as a whole */
};

struct proc_text {                  /* an open file's snapshot */
	char *buf;
	size_t len;
};

/* What /proc shows of one process (or one of its threads), copied under
 * the table lock. */
struct snap {
	bool found;
	int pid, tid, ppid, pgid, sid;
	char name[PROC_NAME_LEN];           /* the thread's, for a thread */
	char state;
	unsigned nr_threads;
	uint64_t utime_ticks, stime_ticks;  /* scheduler ticks */
	uint64_t start_ns;
	uint64_t sig_pending, sig_blocked;
	unsigned cpu;                       /* where it runs or last ran */
	uint64_t cpus_allowed;              /* its affinity mask */
	char wchan[WCHAN_MAX];
	struct gil gil;                     /* its fields, not its lock or queue */
	char *cmdline;                      /* kmalloc'd copy */
	unsigned cmdline_len;
};

static const struct inode_ops proc_root_iops, proc_dir_iops, proc_task_iops,
	proc_tid_iops, proc_link_iops, proc_file_iops;
static const struct file_ops proc_root_fops, proc_dir_fops, proc_task_fops,
	proc_tid_fops, proc_file_fops;

static bool is_dir_kind(enum proc_kind kind)
{
	return kind == P_ROOT || kind == P_PIDDIR || kind == P_TASKDIR ||
	       kind == P_TIDDIR;
}

static struct inode *proc_inode(enum proc_kind kind, int pid, int tid)
{
	unsigned mode;
	const struct inode_ops *iops;
	const struct file_ops *fops;

	switch (kind) {
	case P_ROOT:    mode = S_IFDIR | 0555; iops = &proc_root_iops;
	                fops = &proc_root_fops; break;
	case P_PIDDIR:  mode = S_IFDIR | 0555; iops = &proc_dir_iops;
	                fops = &proc_dir_fops; break;
	case P_TASKDIR: mode = S_IFDIR | 0555; iops = &proc_task_iops;
	                fops = &proc_task_fops; break;
	case P_TIDDIR:  mode = S_IFDIR | 0555; iops = &proc_tid_iops;
	                fops = &proc_tid_fops; break;
	case P_SELF:    mode = S_IFLNK | 0777; iops = &proc_link_iops;
	                fops = NULL; break;
	case P_COMM:
	case P_GIL_INTERVAL:
	                mode = S_IFREG | 0644; iops = &proc_file_iops;
	                fops = &proc_file_fops; break;
	default:        mode = S_IFREG | 0444; iops = &proc_file_iops;
	                fops = &proc_file_fops; break;
	}
	struct proc_node *pn = kmalloc(sizeof *pn);
	if (!pn)
		return NULL;
	struct inode *i = inode_alloc(mode, DEV_PROCFS, iops, fops);
	if (!i) {
		kfree(pn);
		return NULL;
	}
	pn->kind = kind;
	pn->pid = pid;
	pn->tid = tid;
	i->priv = pn;
	i->nlink = S_ISDIR(mode) ? 2 : 1;
	return i;
}

static void proc_evict(struct inode *i)
{
	struct proc_node *pn = i->priv;
	/* A directory below the root holds its parent (see dir_child). */
	if (is_dir_kind(pn->kind) && pn->kind != P_ROOT)
		inode_put(i->parent);
	kfree(pn);
}

struct inode *procfs_new_root(struct inode *parent)
{
	struct inode *r = proc_inode(P_ROOT, 0, 0);
	if (r)
		r->parent = parent;
	return r;
}

/* ---- looking at processes and threads ------------------------------------ */

static void copy_str(char *dst, const char *src, size_t size)
{
	size_t k = 0;
	for (; src && src[k] && k + 1 < size; k++)
		dst[k] = src[k];
	dst[k] = '\0';
}

/*
 * A live thread of p by its tid, or NULL. Table locked. (A process that
 * the host tests put together by hand has no thread list: only its main
 * thread, and tid lookups find nothing.)
 */
static struct thread *find_thread(struct process *p, int tid)
{
	struct list_node *n;
	if (!p->threads.next)
		return NULL;
	list_for_each(n, &p->threads) {
		struct thread *t = list_entry(n, struct thread, proc_node);
		if (t->utid == tid)
			return t;
	}
	return NULL;
}

/* Ticks of p's live threads (exited ones are in p->utime_ticks). */
static uint64_t live_ticks(struct process *p)
{
	struct list_node *n;
	uint64_t sum = 0;
	if (!p->threads.next)
		return p->main_thread && p->state != PROC_ZOMBIE
			? p->main_thread->ticks_run : 0;
	list_for_each(n, &p->threads)
		sum += list_entry(n, struct thread, proc_node)->ticks_run;
	return sum;
}

static char thread_state_letter(const struct thread *t)
{
	switch (__atomic_load_n(&t->state, __ATOMIC_RELAXED)) {
	case THREAD_BLOCKED:
	case THREAD_SLEEPING: return 'S';
	case THREAD_ZOMBIE:   return 'Z';
	default:              return 'R';
	}
}

static char state_of(struct process *p)
{
	if (p->state == PROC_ZOMBIE)
		return 'Z';
	if (!p->main_thread)
		return 'R';
	return thread_state_letter(p->main_thread);
}

/*
 * What t waits for (see the top of this file). The fields are read
 * without t's locks: the answer may be a moment old, which is all a
 * reader of /proc can ask for. wait_reason always points to a wait
 * queue's name, a string that outlives the queue.
 */
static void describe_wait(struct thread *t, char *buf, size_t size)
{
	switch (__atomic_load_n(&t->state, __ATOMIC_RELAXED)) {
	case THREAD_SLEEPING:
		copy_str(buf, "sleep", size);
		return;
	case THREAD_BLOCKED: {
		if (mutex_wait_describe(t, buf, size))
			return;
		const char *why = __atomic_load_n(&t->wait_reason, __ATOMIC_RELAXED);
		copy_str(buf, why ? why : "wait", size);
		return;
	}
	default:
		copy_str(buf, "0", size);
		return;
	}
}

static void take_snap(struct process *p, void *arg)
{
	struct snap *s = arg;
	if (p->pid != s->pid)
		return;
	struct thread *t = NULL;
	if (s->tid) {
		t = find_thread(p, s->tid);
		if (!t)
			return;             /* no such thread (any more) */
	}
	s->found = true;
	s->ppid = p->parent ? p->parent->pid : 0;
	s->pgid = p->pgid;
	s->sid = p->sid;
	s->nr_threads = p->nr_threads;
	s->start_ns = p->start_ns;
	s->sig_pending = p->sig_pending;
	s->sig_blocked = p->sig_blocked;
	/* Unlocked: the numbers may be a moment apart, as /proc's often are. */
	s->gil.enabled = __atomic_load_n(&p->gil.enabled, __ATOMIC_RELAXED);
	s->gil.interval_us = __atomic_load_n(&p->gil.interval_us, __ATOMIC_RELAXED);
	s->gil.holder_tid = __atomic_load_n(&p->gil.holder_tid, __ATOMIC_RELAXED);
	s->gil.nr_waiters = __atomic_load_n(&p->gil.nr_waiters, __ATOMIC_RELAXED);
	s->gil.switches = __atomic_load_n(&p->gil.switches, __ATOMIC_RELAXED);
	s->gil.drop_requests = __atomic_load_n(&p->gil.drop_requests, __ATOMIC_RELAXED);
	s->gil.waits = __atomic_load_n(&p->gil.waits, __ATOMIC_RELAXED);
	/* Weft does not yet split user and system time: a thread's ticks are
	 * all counted as user time. */
	if (t) {
		copy_str(s->name, t->name, sizeof s->name);
		s->state = thread_state_letter(t);
		s->utime_ticks = t->ticks_run;
		describe_wait(t, s->wchan, sizeof s->wchan);
	} else {
		copy_str(s->name, p->name, sizeof s->name);
		s->state = state_of(p);
		s->utime_ticks = p->utime_ticks + live_ticks(p);
		s->stime_ticks = p->stime_ticks;
		if (p->main_thread && p->state != PROC_ZOMBIE)
			describe_wait(p->main_thread, s->wchan, sizeof s->wchan);
		else
			copy_str(s->wchan, "0", sizeof s->wchan);
	}
	/* A process shows its main thread's CPU and affinity, as Linux shows
	 * the thread-group leader's. */
	struct thread *on = t ? t : p->state != PROC_ZOMBIE ? p->main_thread : NULL;
	if (on) {
		s->cpu = sched_thread_cpu(on);
		s->cpus_allowed = sched_get_affinity(on);
	}
	if (p->cmdline && p->cmdline_len && p->state != PROC_ZOMBIE) {
		/* kmalloc never sleeps, so it is allowed under the table lock. */
		s->cmdline = kmalloc(p->cmdline_len);
		if (s->cmdline) {
			memcpy(s->cmdline, p->cmdline, p->cmdline_len);
			s->cmdline_len = p->cmdline_len;
		}
	}
}

static bool snap_process(int pid, int tid, struct snap *s)
{
	memset(s, 0, sizeof *s);
	s->pid = pid;
	s->tid = tid;
	process_for_each(take_snap, s);
	return s->found;
}

struct thread_query {
	int pid, tid;
	bool found;
};

static void thread_exists_in(struct process *p, void *arg)
{
	struct thread_query *q = arg;
	if (p->pid == q->pid && find_thread(p, q->tid))
		q->found = true;
}

/* Is pid a process (tid 0), or tid a live thread of it? */
static bool exists(int pid, int tid)
{
	struct thread_query q = { pid, tid, false };
	if (tid)
		process_for_each(thread_exists_in, &q);
	else
		q.found = process_find(pid) != NULL;
	return q.found;
}

/* The smallest pid >= *cursor, for listing /proc in order. */
static void min_pid_from(struct process *p, void *arg)
{
	int *best = arg;            /* best[0]: cursor, best[1]: smallest found */
	if (p->pid >= best[0] && (best[1] < 0 || p->pid < best[1]))
		best[1] = p->pid;
}

/* The smallest tid >= from among the live threads of process pid. */
struct tid_cursor {
	int pid, from, best;
};

static void min_tid_from(struct process *p, void *arg)
{
	struct tid_cursor *c = arg;
	struct list_node *n;
	if (p->pid != c->pid || !p->threads.next)
		return;
	list_for_each(n, &p->threads) {
		int tid = list_entry(n, struct thread, proc_node)->utid;
		if (tid >= c->from && (c->best < 0 || tid < c->best))
			c->best = tid;
	}
}

static uint64_t to_user_hz(uint64_t sched_ticks)
{
	return sched_ticks * sched_tick_ns() / (1000000000ull / USER_HZ);
}

/* ---- the texts ------------------------------------------------------------ */

static const char *state_name(char c)
{
	return c == 'S' ? "sleeping" : c == 'Z' ? "zombie" : "running";
}

static int gen_stat(char *b, const struct snap *s)
{
	/* proc(5): fields 1-52. Zeros where Weft has nothing to show. A
	 * thread's line starts with its tid and name, as on Linux. */
	return snprintk(b, TEXT_MAX,
		"%d (%s) %c %d %d %d 0 -1 0 "           /* 1-9: pid..flags */
		"0 0 0 0 %llu %llu 0 0 "                /* 10-17: faults, times */
		"20 0 %u 0 %llu 0 0 18446744073709551615 " /* 18-25 */
		"0 0 0 0 0 %llu %llu 0 0 0 0 0 17 %u 0 0 " /* 26-41; 39: CPU */
		"0 0 0 0 0 0 0 0 0 0 0\n",              /* 42-52 */
		s->tid ? s->tid : s->pid, s->name, s->state, s->ppid, s->pgid,
		s->sid,
		(unsigned long long)to_user_hz(s->utime_ticks),
		(unsigned long long)to_user_hz(s->stime_ticks),
		s->nr_threads,
		(unsigned long long)(s->start_ns / (1000000000ull / USER_HZ)),
		(unsigned long long)s->sig_pending,
		(unsigned long long)s->sig_blocked, s->cpu);
}

static int gen_status(char *b, const struct snap *s)
{
	int n = snprintk(b, TEXT_MAX,
		"Name:\t%s\nUmask:\t0022\nState:\t%c (%s)\nTgid:\t%d\nNgid:\t0\n"
		"Pid:\t%d\nPPid:\t%d\nTracerPid:\t0\nUid:\t0\t0\t0\t0\n"
		"Gid:\t0\t0\t0\t0\nThreads:\t%u\nSigPnd:\t%016llx\n"
		"SigBlk:\t%016llx\n",
		s->name, s->state, state_name(s->state), s->pid,
		s->tid ? s->tid : s->pid, s->ppid, s->nr_threads,
		(unsigned long long)s->sig_pending,
		(unsigned long long)s->sig_blocked);
	/* Linux has more lines between these; Cpus_allowed comes near the end. */
	if (n < TEXT_MAX)
		n += procfs_cpus_allowed_text(b + n, TEXT_MAX - (size_t)n, s->cpus_allowed);
	return n;
}

static int gen_meminfo(char *b)
{
	unsigned long long kb = PAGE_SIZE / 1024;
	unsigned long long total = pmm_total_count() * kb;
	unsigned long long free = pmm_free_count() * kb;
	return snprintk(b, TEXT_MAX,
		"MemTotal:       %8llu kB\nMemFree:        %8llu kB\n"
		"MemAvailable:   %8llu kB\nBuffers:        %8llu kB\n"
		"Cached:         %8llu kB\nSwapTotal:      %8llu kB\n"
		"SwapFree:       %8llu kB\n",
		total, free, free, 0ull, 0ull, 0ull, 0ull);
}

static void add_idle(struct thread *t, void *arg)
{
	if (t->is_idle)
		*(uint64_t *)arg += t->ticks_run;
}

static int gen_uptime(char *b)
{
	uint64_t idle_ticks = 0;
	sched_for_each_thread(add_idle, &idle_ticks);
	uint64_t up = arch_clock_ns() / 10000000ull;             /* 1/100 s */
	uint64_t idle = idle_ticks * sched_tick_ns() / 10000000ull;
	return snprintk(b, TEXT_MAX, "%llu.%02llu %llu.%02llu\n",
		(unsigned long long)(up / 100), (unsigned long long)(up % 100),
		(unsigned long long)(idle / 100), (unsigned long long)(idle % 100));
}

static int gen_from_snap(char *b, enum proc_kind kind, const struct snap *s)
{
	int n;
	switch (kind) {
	case P_STAT:   return gen_stat(b, s);
	case P_STATUS: return gen_status(b, s);
	case P_COMM:   return snprintk(b, TEXT_MAX, "%s\n", s->name);
	case P_WCHAN:  return snprintk(b, TEXT_MAX, "%s", s->wchan);
	case P_GIL:
		return snprintk(b, TEXT_MAX,
			"enabled %d\ninterval_us %u\nholder %d\nwaiters %u\n"
			"switches %llu\ndrop_requests %llu\nwaits %llu\n",
			s->gil.enabled ? 1 : 0, s->gil.interval_us, s->gil.holder_tid,
			s->gil.nr_waiters, (unsigned long long)s->gil.switches,
			(unsigned long long)s->gil.drop_requests,
			(unsigned long long)s->gil.waits);
	case P_GIL_INTERVAL:
		return snprintk(b, TEXT_MAX, "%u\n", s->gil.interval_us);
	default:       /* P_CMDLINE */
		n = s->cmdline_len < TEXT_MAX ? (int)s->cmdline_len : TEXT_MAX;
		if (n)
			memcpy(b, s->cmdline, (size_t)n);
		return n;
	}
}

static int proc_open(struct inode *i, struct file *f)
{
	struct proc_node *pn = i->priv;
	struct proc_text *t = kzalloc(sizeof *t);
	if (!t)
		return -ENOMEM;
	size_t max = pn->kind == P_CPUINFO ? PROCFS_CPUINFO_MAX : TEXT_MAX;
	t->buf = kmalloc(max);
	if (!t->buf) {
		kfree(t);
		return -ENOMEM;
	}

	int n = 0;
	struct snap s;
	if (pn->kind == P_MEMINFO) {
		n = gen_meminfo(t->buf);
	} else if (pn->kind == P_UPTIME) {
		n = gen_uptime(t->buf);
	} else if (pn->kind == P_CPUSTAT) {
		n = procfs_stat_text(t->buf, max);
	} else if (pn->kind == P_CPUINFO) {
		n = procfs_cpuinfo_text(t->buf, max);
	} else if (!snap_process(pn->pid, pn->tid, &s)) {
		n = -ENOENT;            /* the process or thread is gone */
	} else {
		n = gen_from_snap(t->buf, pn->kind, &s);
		kfree(s.cmdline);
	}
	if (n < 0) {
		kfree(t->buf);
		kfree(t);
		return n;
	}
	t->len = (size_t)n < max ? (size_t)n : max - 1;
	f->priv = t;
	return 0;
}

static long proc_read(struct file *f, struct iobuf buf, size_t n, uint64_t *pos)
{
	struct proc_text *t = f->priv;
	if (*pos >= t->len)
		return 0;
	if (n > t->len - *pos)
		n = t->len - (size_t)*pos;
	if (iobuf_copy_out(buf, 0, t->buf + *pos, n))
		return -EFAULT;
	*pos += n;
	return (long)n;
}

/* Renaming a thread through its comm file. */
struct comm_write {
	int pid, tid;
	struct process *caller;
	char name[THREAD_NAME_LEN];
	int err;
};

static void set_comm(struct process *p, void *arg)
{
	struct comm_write *w = arg;
	if (p->pid != w->pid)
		return;
	/* Linux lets only the threads of the same process rename. */
	if (p != w->caller || p->state == PROC_ZOMBIE) {
		w->err = -EINVAL;
		return;
	}
	struct thread *t = w->tid ? find_thread(p, w->tid) : p->main_thread;
	if (!t) {
		w->err = -ESRCH;
		return;
	}
	copy_str(t->name, w->name, sizeof t->name);
	if (t == p->main_thread)
		copy_str(p->name, w->name, sizeof p->name);
	w->err = 0;
}

/* Setting a process's GIL switch interval through gil_interval_us. */
struct interval_write {
	int pid;
	long long us;
	int err;
};

static void set_gil_interval(struct process *p, void *arg)
{
	struct interval_write *w = arg;
	if (p->pid == w->pid && p->state != PROC_ZOMBIE)
		w->err = gil_set_interval_us(&p->gil, w->us);
}

/* gil_interval_us: a decimal number of microseconds, maybe with a
 * newline (echo 1000 > /proc/12/gil_interval_us); any process may set it,
 * Weft having one user. */
static long write_gil_interval(struct proc_node *pn, struct iobuf buf, size_t n)
{
	char text[16];
	size_t len = n < sizeof text - 1 ? n : sizeof text - 1, k = 0;
	if (iobuf_copy_in(text, buf, 0, len))
		return -EFAULT;
	struct interval_write w = { .pid = pn->pid, .us = 0, .err = -ESRCH };
	for (; k < len && text[k] >= '0' && text[k] <= '9'; k++)
		w.us = w.us * 10 + (text[k] - '0');
	if (k == 0 || (k < len && text[k] != '\n') || n >= sizeof text)
		return -EINVAL;
	process_for_each(set_gil_interval, &w);
	return w.err ? w.err : (long)n;
}

/*
 * comm and gil_interval_us are writable. comm like Linux: the first 15
 * bytes of each write become the name, as they are (a newline too),
 * whatever the offset, and the whole count is reported written.
 */
static long proc_write(struct file *f, struct iobuf buf, size_t n, uint64_t *pos)
{
	(void)pos;
	struct proc_node *pn = f->inode->priv;
	if (pn->kind == P_GIL_INTERVAL)
		return write_gil_interval(pn, buf, n);
	if (pn->kind != P_COMM)
		return -EINVAL;
	struct comm_write w = { .pid = pn->pid, .tid = pn->tid,
	                        .caller = current_process(), .err = -ESRCH };
	size_t len = n < THREAD_NAME_LEN - 1 ? n : THREAD_NAME_LEN - 1;
	memset(w.name, 0, sizeof w.name);
	if (iobuf_copy_in(w.name, buf, 0, len))
		return -EFAULT;
	if (!w.caller)
		return -EINVAL;         /* a kernel thread is no thread of it */
	process_for_each(set_comm, &w);
	return w.err ? w.err : (long)n;
}

static long proc_lseek(struct file *f, int64_t off, int whence)
{
	struct proc_text *t = f->priv;
	return vfs_generic_lseek(f, off, whence, t ? t->len : 0);
}

static void proc_release(struct file *f)
{
	struct proc_text *t = f->priv;
	if (t) {
		kfree(t->buf);
		kfree(t);
	}
}

/* ---- directories ----------------------------------------------------------- */

static bool name_is(const char *name, size_t len, const char *s)
{
	return strlen(s) == len && memcmp(name, s, len) == 0;
}

static int parse_id(const char *name, size_t len)
{
	int id = 0;
	if (len == 0 || len > 9)
		return -1;
	for (size_t k = 0; k < len; k++) {
		if (name[k] < '0' || name[k] > '9')
			return -1;
		id = id * 10 + (name[k] - '0');
	}
	return id;
}

static int found(struct inode *i, struct inode **out)
{
	if (!i)
		return -ENOMEM;
	*out = i;
	return 0;
}

/*
 * A directory below /proc: it has a name (for getcwd) and holds a
 * reference to its parent, which keeps ".." valid for as long as it
 * lives -- these directories are made afresh by every lookup, so nothing
 * else keeps the parent.
 */
static int dir_child(struct inode *dir, enum proc_kind kind, int pid, int tid,
                     const char *name, struct inode **out)
{
	struct inode *i = proc_inode(kind, pid, tid);
	if (!i)
		return -ENOMEM;
	size_t len = strlen(name);
	i->name = kmalloc(len + 1);
	if (!i->name) {
		inode_put(i);
		return -ENOMEM;
	}
	memcpy(i->name, name, len + 1);
	i->parent = inode_get(dir);
	*out = i;
	return 0;
}

static int proc_root_lookup(struct inode *dir, const char *name, size_t len,
                            struct inode **out)
{
	if (name_is(name, len, "self"))
		return found(proc_inode(P_SELF, 0, 0), out);
	if (name_is(name, len, "meminfo"))
		return found(proc_inode(P_MEMINFO, 0, 0), out);
	if (name_is(name, len, "uptime"))
		return found(proc_inode(P_UPTIME, 0, 0), out);
	if (name_is(name, len, "stat"))
		return found(proc_inode(P_CPUSTAT, 0, 0), out);
	if (name_is(name, len, "cpuinfo"))
		return found(proc_inode(P_CPUINFO, 0, 0), out);
	int pid = parse_id(name, len);
	if (pid <= 0 || !exists(pid, 0))
		return -ENOENT;
	char buf[12];
	snprintk(buf, sizeof buf, "%d", pid);
	return dir_child(dir, P_PIDDIR, pid, 0, buf, out);
}

/* The entries of /proc/<pid> and of /proc/<pid>/task/<tid>. */
struct entry {
	const char *name;
	enum proc_kind kind;
};

static const struct entry pid_entries[] = {
	{ "stat", P_STAT }, { "status", P_STATUS }, { "cmdline", P_CMDLINE },
	{ "comm", P_COMM }, { "wchan", P_WCHAN },
	/* The ones from here on are the process's only. */
	{ "task", P_TASKDIR }, { "gil", P_GIL }, { "gil_interval_us", P_GIL_INTERVAL },
};
#define N_PID_ENTRIES (sizeof pid_entries / sizeof pid_entries[0])
/* A thread's directory: the same up to task/. */
#define N_TID_ENTRIES 5

static int lookup_entry(struct inode *dir, unsigned count, const char *name,
                        size_t len, struct inode **out)
{
	struct proc_node *pn = dir->priv;
	for (unsigned k = 0; k < count; k++) {
		if (!name_is(name, len, pid_entries[k].name))
			continue;
		if (pid_entries[k].kind == P_TASKDIR)
			return dir_child(dir, P_TASKDIR, pn->pid, 0, "task", out);
		return found(proc_inode(pid_entries[k].kind, pn->pid, pn->tid), out);
	}
	return -ENOENT;
}

static int proc_dir_lookup(struct inode *dir, const char *name, size_t len,
                           struct inode **out)
{
	return lookup_entry(dir, N_PID_ENTRIES, name, len, out);
}

static int proc_tid_lookup(struct inode *dir, const char *name, size_t len,
                           struct inode **out)
{
	return lookup_entry(dir, N_TID_ENTRIES, name, len, out);
}

static int proc_task_lookup(struct inode *dir, const char *name, size_t len,
                            struct inode **out)
{
	struct proc_node *pn = dir->priv;
	int tid = parse_id(name, len);
	if (tid <= 0 || !exists(pn->pid, tid))
		return -ENOENT;
	char buf[12];
	snprintk(buf, sizeof buf, "%d", tid);
	return dir_child(dir, P_TIDDIR, pn->pid, tid, buf, out);
}

static int proc_readlink(struct inode *i, char *buf, size_t size)
{
	(void)i;
	struct process *p = current_process();
	if (!p)
		return -ENOENT;         /* a kernel thread has no /proc/self */
	int n = snprintk(buf, size, "%d", p->pid);
	return n < (int)size ? n : (int)size - 1;
}

static bool emit_s(struct dir_ctx *ctx, const char *s, uint64_t ino,
                   unsigned dtype, uint64_t next)
{
	return ctx->emit(ctx, s, strlen(s), ino, dtype, next);
}

static int proc_root_getdents(struct file *f, struct dir_ctx *ctx)
{
	static const char *const fixed[] = { ".", "..", "self", "meminfo", "uptime",
	                                     "stat", "cpuinfo" };
	static const unsigned types[] = { DT_DIR, DT_DIR, DT_LNK, DT_REG, DT_REG,
	                                  DT_REG, DT_REG };

	for (; f->pos < POS_PIDS; f->pos++)
		if (!emit_s(ctx, fixed[f->pos], f->inode->ino + f->pos, types[f->pos],
		            f->pos + 1))
			return 0;
	for (;;) {
		int best[2] = { (int)(f->pos - POS_PIDS), -1 };
		process_for_each(min_pid_from, best);
		if (best[1] < 0)
			return 0;
		char name[12];
		snprintk(name, sizeof name, "%d", best[1]);
		uint64_t next = POS_PIDS + (uint64_t)best[1] + 1;
		if (!emit_s(ctx, name, 1000000 + (uint64_t)best[1], DT_DIR, next))
			return 0;
		f->pos = next;
	}
}

/* ".", "..", then the first count entries of pid_entries. */
static int list_entries(struct file *f, struct dir_ctx *ctx, unsigned count)
{
	for (; f->pos < 2 + count; f->pos++) {
		const char *name = f->pos == 0 ? "." : f->pos == 1 ? ".." :
		                   pid_entries[f->pos - 2].name;
		bool dir = f->pos < 2 || pid_entries[f->pos - 2].kind == P_TASKDIR;
		if (!emit_s(ctx, name, f->inode->ino + f->pos, dir ? DT_DIR : DT_REG,
		            f->pos + 1))
			break;
	}
	return 0;
}

static int proc_dir_getdents(struct file *f, struct dir_ctx *ctx)
{
	return list_entries(f, ctx, N_PID_ENTRIES);
}

static int proc_tid_getdents(struct file *f, struct dir_ctx *ctx)
{
	return list_entries(f, ctx, N_TID_ENTRIES);
}

/* /proc/<pid>/task: ".", "..", then the live threads' tids in order. */
static int proc_task_getdents(struct file *f, struct dir_ctx *ctx)
{
	struct proc_node *pn = f->inode->priv;
	static const char *const fixed[] = { ".", ".." };

	for (; f->pos < POS_TIDS; f->pos++)
		if (!emit_s(ctx, fixed[f->pos], f->inode->ino + f->pos, DT_DIR,
		            f->pos + 1))
			return 0;
	for (;;) {
		struct tid_cursor c = { pn->pid, (int)(f->pos - POS_TIDS), -1 };
		process_for_each(min_tid_from, &c);
		if (c.best < 0)
			return 0;
		char name[12];
		snprintk(name, sizeof name, "%d", c.best);
		uint64_t next = POS_TIDS + (uint64_t)c.best + 1;
		if (!emit_s(ctx, name, 2000000 + (uint64_t)c.best, DT_DIR, next))
			return 0;
		f->pos = next;
	}
}

static long proc_dir_lseek(struct file *f, int64_t off, int whence)
{
	return vfs_generic_lseek(f, off, whence, 0);
}

static const struct inode_ops proc_root_iops = {
	.lookup = proc_root_lookup, .evict = proc_evict,
};
static const struct inode_ops proc_dir_iops = {
	.lookup = proc_dir_lookup, .evict = proc_evict,
};
static const struct inode_ops proc_task_iops = {
	.lookup = proc_task_lookup, .evict = proc_evict,
};
static const struct inode_ops proc_tid_iops = {
	.lookup = proc_tid_lookup, .evict = proc_evict,
};
static const struct inode_ops proc_link_iops = {
	.readlink = proc_readlink, .evict = proc_evict,
};
static const struct inode_ops proc_file_iops = {
	.evict = proc_evict,
};
static const struct file_ops proc_root_fops = {
	.getdents = proc_root_getdents, .lseek = proc_dir_lseek,
};
static const struct file_ops proc_dir_fops = {
	.getdents = proc_dir_getdents, .lseek = proc_dir_lseek,
};
static const struct file_ops proc_task_fops = {
	.getdents = proc_task_getdents, .lseek = proc_dir_lseek,
};
static const struct file_ops proc_tid_fops = {
	.getdents = proc_tid_getdents, .lseek = proc_dir_lseek,
};
static const struct file_ops proc_file_fops = {
	.open = proc_open, .read = proc_read, .write = proc_write,
	.lseek = proc_lseek, .release = proc_release,
};
