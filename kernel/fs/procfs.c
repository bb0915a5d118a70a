/*
 * /proc: files whose contents are generated from the kernel's state when
 * they are opened, in Linux's formats so that ps-like tools can read them.
 *
 *   /proc/self          a symlink to the caller's /proc/<pid>
 *   /proc/meminfo       MemTotal, MemFree, MemAvailable ... in kB
 *   /proc/uptime        seconds since boot, seconds the CPUs idled
 *   /proc/<pid>/stat    one line of 52 fields (proc(5)); Weft fills those it has
 *   /proc/<pid>/status  "Name:\tsh" lines
 *   /proc/<pid>/cmdline argv, NUL-separated
 *
 * Nothing is cached: a lookup makes a fresh inode (freed when its last
 * reference goes), and open() takes a snapshot of the text, like Linux's
 * seq_file does on the first read, so a reader sees one consistent
 * version even if it reads in small pieces.
 *
 * The process is looked at under the process-table lock
 * (process_for_each), which is what keeps it from being reaped while its
 * fields are copied; the text is formatted afterwards, with no lock held.
 */
#include <kernel/fs/vfs.h>

#include <kernel/errno.h>
#include <kernel/lib/string.h>
#include <kernel/mm/heap.h>
#include <kernel/mm/pmm.h>
#include <kernel/printk.h>
#include <kernel/proc/process.h>
#include <kernel/sched/sched.h>
#include <kernel/sched/thread.h>

#define USER_HZ 100                 /* what /proc's "clock ticks" count */
#define TEXT_MAX 4096
/* getdents positions: 0-4 fixed names, then 5 + pid. */
#define POS_PIDS 5

enum proc_kind { P_ROOT, P_SELF, P_MEMINFO, P_UPTIME, P_PIDDIR, P_STAT,
                 P_STATUS, P_CMDLINE };

struct proc_node {
	enum proc_kind kind;
	int pid;
};

struct proc_text {                  /* an open file's snapshot */
	char *buf;
	size_t len;
};

/* What /proc shows of one process, copied under the table lock. */
struct snap {
	bool found;
	int pid, ppid, pgid, sid;
	char name[PROC_NAME_LEN];
	char state;
	uint64_t utime_ticks, stime_ticks;  /* scheduler ticks */
	uint64_t start_ns;
	uint64_t sig_pending, sig_blocked;
	char *cmdline;                      /* kmalloc'd copy */
	unsigned cmdline_len;
};

static const struct inode_ops proc_root_iops, proc_dir_iops, proc_link_iops,
	proc_file_iops;
static const struct file_ops proc_root_fops, proc_dir_fops, proc_file_fops;

static struct inode *proc_inode(enum proc_kind kind, int pid)
{
	unsigned mode;
	const struct inode_ops *iops;
	const struct file_ops *fops;

	switch (kind) {
	case P_ROOT:   mode = S_IFDIR | 0555; iops = &proc_root_iops;
	               fops = &proc_root_fops; break;
	case P_PIDDIR: mode = S_IFDIR | 0555; iops = &proc_dir_iops;
	               fops = &proc_dir_fops; break;
	case P_SELF:   mode = S_IFLNK | 0777; iops = &proc_link_iops;
	               fops = NULL; break;
	default:       mode = S_IFREG | 0444; iops = &proc_file_iops;
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
	i->priv = pn;
	i->nlink = S_ISDIR(mode) ? 2 : 1;
	return i;
}

static void proc_evict(struct inode *i)
{
	kfree(i->priv);
}

struct inode *procfs_new_root(struct inode *parent)
{
	struct inode *r = proc_inode(P_ROOT, 0);
	if (r)
		r->parent = parent;
	return r;
}

/* ---- looking at processes ------------------------------------------------ */

static char state_of(struct process *p)
{
	if (p->state == PROC_ZOMBIE)
		return 'Z';
	if (!p->main_thread)
		return 'R';
	switch (p->main_thread->state) {
	case THREAD_BLOCKED:
	case THREAD_SLEEPING: return 'S';
	case THREAD_ZOMBIE:   return 'Z';
	default:              return 'R';
	}
}

static void take_snap(struct process *p, void *arg)
{
	struct snap *s = arg;
	if (p->pid != s->pid)
		return;
	s->found = true;
	s->ppid = p->parent ? p->parent->pid : 0;
	s->pgid = p->pgid;
	s->sid = p->sid;
	memcpy(s->name, p->name, PROC_NAME_LEN);
	s->name[PROC_NAME_LEN - 1] = '\0';
	s->state = state_of(p);
	/* Weft does not yet split user and system time: a thread's ticks are
	 * all counted as user time. */
	s->utime_ticks = p->utime_ticks;
	s->stime_ticks = p->stime_ticks;
	if (p->main_thread && p->state != PROC_ZOMBIE)
		s->utime_ticks += p->main_thread->ticks_run;
	s->start_ns = p->start_ns;
	s->sig_pending = p->sig_pending;
	s->sig_blocked = p->sig_blocked;
	if (p->cmdline && p->cmdline_len && p->state != PROC_ZOMBIE) {
		/* kmalloc never sleeps, so it is allowed under the table lock. */
		s->cmdline = kmalloc(p->cmdline_len);
		if (s->cmdline) {
			memcpy(s->cmdline, p->cmdline, p->cmdline_len);
			s->cmdline_len = p->cmdline_len;
		}
	}
}

static bool snap_process(int pid, struct snap *s)
{
	memset(s, 0, sizeof *s);
	s->pid = pid;
	process_for_each(take_snap, s);
	return s->found;
}

static void pid_exists(struct process *p, void *arg)
{
	int *pid = arg;
	if (p->pid == *pid)
		*pid = -1;
}

static bool process_exists(int pid)
{
	process_for_each(pid_exists, &pid);
	return pid == -1;
}

/* The smallest pid >= *cursor, for listing /proc in order. */
static void min_pid_from(struct process *p, void *arg)
{
	int *best = arg;            /* best[0]: cursor, best[1]: smallest found */
	if (p->pid >= best[0] && (best[1] < 0 || p->pid < best[1]))
		best[1] = p->pid;
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
	/* proc(5): fields 1-52. Zeros where Weft has nothing to show. */
	return snprintk(b, TEXT_MAX,
		"%d (%s) %c %d %d %d 0 -1 0 "           /* 1-9: pid..flags */
		"0 0 0 0 %llu %llu 0 0 "                /* 10-17: faults, times */
		"20 0 1 0 %llu 0 0 18446744073709551615 " /* 18-25 */
		"0 0 0 0 0 %llu %llu 0 0 0 0 0 17 0 0 0 " /* 26-41 */
		"0 0 0 0 0 0 0 0 0 0 0\n",              /* 42-52 */
		s->pid, s->name, s->state, s->ppid, s->pgid, s->sid,
		(unsigned long long)to_user_hz(s->utime_ticks),
		(unsigned long long)to_user_hz(s->stime_ticks),
		(unsigned long long)(s->start_ns / (1000000000ull / USER_HZ)),
		(unsigned long long)s->sig_pending,
		(unsigned long long)s->sig_blocked);
}

static int gen_status(char *b, const struct snap *s)
{
	return snprintk(b, TEXT_MAX,
		"Name:\t%s\nUmask:\t0022\nState:\t%c (%s)\nTgid:\t%d\nNgid:\t0\n"
		"Pid:\t%d\nPPid:\t%d\nTracerPid:\t0\nUid:\t0\t0\t0\t0\n"
		"Gid:\t0\t0\t0\t0\nThreads:\t1\nSigPnd:\t%016llx\n"
		"SigBlk:\t%016llx\n",
		s->name, s->state, state_name(s->state), s->pid, s->pid, s->ppid,
		(unsigned long long)s->sig_pending,
		(unsigned long long)s->sig_blocked);
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

static int proc_open(struct inode *i, struct file *f)
{
	struct proc_node *pn = i->priv;
	struct proc_text *t = kzalloc(sizeof *t);
	if (!t)
		return -ENOMEM;
	t->buf = kmalloc(TEXT_MAX);
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
	} else if (!snap_process(pn->pid, &s)) {
		n = -ENOENT;            /* the process is gone */
	} else {
		if (pn->kind == P_STAT) {
			n = gen_stat(t->buf, &s);
		} else if (pn->kind == P_STATUS) {
			n = gen_status(t->buf, &s);
		} else {
			n = s.cmdline_len < TEXT_MAX ? (int)s.cmdline_len : TEXT_MAX;
			if (n)
				memcpy(t->buf, s.cmdline, (size_t)n);
		}
		kfree(s.cmdline);
	}
	if (n < 0) {
		kfree(t->buf);
		kfree(t);
		return n;
	}
	t->len = (size_t)n < TEXT_MAX ? (size_t)n : TEXT_MAX - 1;
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

static int parse_pid(const char *name, size_t len)
{
	int pid = 0;
	if (len == 0 || len > 9)
		return -1;
	for (size_t k = 0; k < len; k++) {
		if (name[k] < '0' || name[k] > '9')
			return -1;
		pid = pid * 10 + (name[k] - '0');
	}
	return pid;
}

static int found(struct inode *i, struct inode **out)
{
	if (!i)
		return -ENOMEM;
	*out = i;
	return 0;
}

static int proc_root_lookup(struct inode *dir, const char *name, size_t len,
                            struct inode **out)
{
	if (name_is(name, len, "self"))
		return found(proc_inode(P_SELF, 0), out);
	if (name_is(name, len, "meminfo"))
		return found(proc_inode(P_MEMINFO, 0), out);
	if (name_is(name, len, "uptime"))
		return found(proc_inode(P_UPTIME, 0), out);
	int pid = parse_pid(name, len);
	if (pid <= 0 || !process_exists(pid))
		return -ENOENT;
	struct inode *i = proc_inode(P_PIDDIR, pid);
	if (i) {
		char buf[12];
		snprintk(buf, sizeof buf, "%d", pid);
		i->parent = dir;
		i->name = kmalloc(strlen(buf) + 1);
		if (!i->name) {
			inode_put(i);
			return -ENOMEM;
		}
		memcpy(i->name, buf, strlen(buf) + 1);
	}
	return found(i, out);
}

static const char *const pid_files[] = { "stat", "status", "cmdline" };
static const enum proc_kind pid_kinds[] = { P_STAT, P_STATUS, P_CMDLINE };

static int proc_dir_lookup(struct inode *dir, const char *name, size_t len,
                           struct inode **out)
{
	struct proc_node *pn = dir->priv;
	for (unsigned k = 0; k < 3; k++)
		if (name_is(name, len, pid_files[k]))
			return found(proc_inode(pid_kinds[k], pn->pid), out);
	return -ENOENT;
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
	static const char *const fixed[] = { ".", "..", "self", "meminfo", "uptime" };
	static const unsigned types[] = { DT_DIR, DT_DIR, DT_LNK, DT_REG, DT_REG };

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

static int proc_dir_getdents(struct file *f, struct dir_ctx *ctx)
{
	static const char *const names[] = { ".", "..", "stat", "status", "cmdline" };
	for (; f->pos < 5; f->pos++)
		if (!emit_s(ctx, names[f->pos], f->inode->ino + f->pos,
		            f->pos < 2 ? DT_DIR : DT_REG, f->pos + 1))
			break;
	return 0;
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
static const struct file_ops proc_file_fops = {
	.open = proc_open, .read = proc_read, .lseek = proc_lseek,
	.release = proc_release,
};
