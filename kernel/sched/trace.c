/*
 * The scheduler event trace (see trace.h): per-CPU ring buffers of
 * sched_trace() records, and the text dump that tools/weft-trace reads.
 *
 * Recording is safe from any context (interrupts off, run-queue locks
 * held) because each CPU writes only its own buffer, with interrupts off
 * for the few stores of one record: no lock, nothing shared is written.
 * When a ring is full the oldest record is overwritten; the count of
 * records ever written says how many were lost.
 *
 * Thread names: a record holds only tids, so each CPU also keeps a small
 * table tid -> (pid, user tid, name), direct-mapped by tid, written for
 * the running thread(s) of every record (cheap: a few stores): that is
 * what catches a program's name after execve, and the pid of a thread
 * that is on its way out. At dump time the table of live threads
 * refreshes the names once more (prctl renames).
 *
 * Stopping: a writer marks its buffer busy, then checks sched_trace_on;
 * sched_trace_stop clears sched_trace_on, then waits for every busy mark
 * to drop (both with full barriers), so after it returns no record is
 * half written and none will be.
 *
 * The dump (one line each, all numbers decimal):
 *
 *   weft-trace: begin v1 cpus=N tick_ns=T start_ns=S end_ns=E events=K lost=L
 *   C cpu kept lost                   per CPU: records printed, lost
 *   ev cpu dt a b [dst]               an event, in time order across CPUs
 *   T tid pid utid name               a thread (name: the rest of the line)
 *   weft-trace: end
 *
 * Times are arch_clock_ns() nanoseconds: start_ns is the first event's,
 * dt the time since the event line before (the first one's is 0).
 * ev is sched_trace_event_name(): cr sw bl wk sl pr ex mg gil. a and b are
 * kernel tids (-1: none; 0: the CPU's idle thread), as in trace.h, except
 * that for cr b is the creating thread; dst, for mg and wk, is the CPU the
 * thread now belongs to. pid and utid are 0 for kernel threads; pid is 0
 * also for a user thread (utid > 0) never seen inside its process.
 */
#include <kernel/sched/trace.h>

#include <kernel/arch.h>
#include <kernel/cpu.h>
#include <kernel/mm/heap.h>
#include <kernel/printk.h>
#include <kernel/proc/process.h>   /* only for a thread's pid */
#include <kernel/sched/sched.h>
#include <kernel/sched/thread.h>

bool sched_trace_on;

#define NAME_SLOTS 1024     /* per CPU; a power of two */

struct name_slot {
	bool used;
	int32_t tid, pid, utid;
	char name[THREAD_NAME_LEN];
	uint64_t ns;            /* when noted: the newest copy wins at dump */
};

struct trace_cpu {
	struct sched_trace_event *ring;
	uint64_t head;          /* records ever written; the next goes at head & mask */
	uint32_t busy;          /* a record is being written (see the top) */
	struct name_slot names[NAME_SLOTS];
};

static struct trace_cpu *tcpu[MAX_CPUS];
static unsigned nr_cpus;
static uint64_t ring_size, ring_mask;

static const char *const ev_names[SCHED_EV_COUNT] = {
	[SCHED_EV_CREATE] = "cr",
	[SCHED_EV_SWITCH] = "sw",
	[SCHED_EV_BLOCK] = "bl",
	[SCHED_EV_WAKEUP] = "wk",
	[SCHED_EV_SLEEP] = "sl",
	[SCHED_EV_PREEMPT] = "pr",
	[SCHED_EV_EXIT] = "ex",
	[SCHED_EV_MIGRATE] = "mg",
	[SCHED_EV_GIL] = "gil",
};

const char *sched_trace_event_name(enum sched_event ev)
{
	return (unsigned)ev < SCHED_EV_COUNT && ev_names[ev] ? ev_names[ev] : "?";
}

void sched_trace_free(void)
{
	sched_trace_stop();
	for (unsigned i = 0; i < MAX_CPUS; i++) {
		if (tcpu[i]) {
			kfree(tcpu[i]->ring);
			kfree(tcpu[i]);
			tcpu[i] = NULL;
		}
	}
	nr_cpus = 0;
}

bool sched_trace_init(bool on, unsigned ncpus, unsigned events)
{
	sched_trace_free();
	if (!on)
		return false;
	if (ncpus > MAX_CPUS)
		ncpus = MAX_CPUS;
	if (ncpus == 0)
		ncpus = 1;
	ring_size = 1;
	while (ring_size < events)
		ring_size <<= 1;
	ring_mask = ring_size - 1;

	for (unsigned i = 0; i < ncpus; i++) {
		struct trace_cpu *tc = kzalloc(sizeof *tc);
		if (tc)
			tc->ring = kmalloc(ring_size * sizeof(struct sched_trace_event));
		if (!tc || !tc->ring) {
			kfree(tc);
			printk("trace: no memory for %llu events on %u CPUs; tracing stays off\n",
			       (unsigned long long)ring_size, ncpus);
			sched_trace_free();
			return false;
		}
		tcpu[i] = tc;
	}
	nr_cpus = ncpus;
	printk("trace: on, %llu events per CPU (%llu KiB each)\n",
	       (unsigned long long)ring_size,
	       (unsigned long long)(ring_size * sizeof(struct sched_trace_event) / 1024));
	__atomic_store_n(&sched_trace_on, true, __ATOMIC_SEQ_CST);
	return true;
}

void sched_trace_stop(void)
{
	__atomic_store_n(&sched_trace_on, false, __ATOMIC_SEQ_CST);
	for (unsigned i = 0; i < nr_cpus; i++)
		while (__atomic_load_n(&tcpu[i]->busy, __ATOMIC_SEQ_CST))
			arch_cpu_relax();
}

/* Remember t's name; keep a pid we knew once the thread has left its
 * process (exit clears t->proc before the last switch away). */
static void note_name(struct trace_cpu *tc, const struct thread *t, uint64_t now)
{
	if (!t || t->is_idle || t->tid <= 0)
		return;
	struct name_slot *s = &tc->names[(unsigned)t->tid & (NAME_SLOTS - 1)];
	bool same = s->used && s->tid == t->tid;
	s->used = true;
	s->tid = t->tid;
	s->ns = now;
	/* One load: a thread on its way out clears its own t->proc. */
	struct process *p = __atomic_load_n(&t->proc, __ATOMIC_RELAXED);
	if (p)
		s->pid = p->pid;
	else if (!same)
		s->pid = 0;
	if (t->utid || !same)
		s->utid = t->utid;
	for (unsigned i = 0; i < THREAD_NAME_LEN; i++)
		s->name[i] = t->name[i];
	s->name[THREAD_NAME_LEN - 1] = '\0';
}

void sched_trace_record(enum sched_event ev, struct thread *a, struct thread *b)
{
	unsigned long flags = arch_irq_save();
	struct cpu *c = this_cpu();
	struct trace_cpu *tc = c->id < nr_cpus ? tcpu[c->id] : NULL;

	if (!tc) {
		arch_irq_restore(flags);
		return;
	}
	__atomic_store_n(&tc->busy, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&sched_trace_on, __ATOMIC_SEQ_CST)) {
		uint64_t now = arch_clock_ns();
		if (ev == SCHED_EV_CREATE && !b)
			b = c->current;     /* who created it (NULL early at boot) */
		struct sched_trace_event *e = &tc->ring[tc->head & ring_mask];
		e->ns = now;
		e->a = a ? a->tid : -1;
		e->b = b ? b->tid : -1;
		e->ev = (uint8_t)ev;
		e->cpu = (uint8_t)c->id;
		e->dst = (ev == SCHED_EV_MIGRATE || ev == SCHED_EV_WAKEUP) && a && a->cpu
		         ? (uint8_t)a->cpu->id : 0xff;
		e->pad = 0;
		__atomic_store_n(&tc->head, tc->head + 1, __ATOMIC_RELEASE);
		/* The running thread (and the one coming in) each time we see
		 * it: its name may have changed (execve), and its pid is known
		 * only while it is in its process -- not yet at its first
		 * switch in, no longer at its exit. */
		if (ev == SCHED_EV_WAKEUP || ev == SCHED_EV_CREATE) {
			note_name(tc, b, now);  /* the waker, the creator: running */
			if (ev == SCHED_EV_CREATE)
				note_name(tc, a, now);
		} else if (ev != SCHED_EV_MIGRATE) {
			note_name(tc, a, now);
			note_name(tc, b, now);
		}
	}
	__atomic_store_n(&tc->busy, 0, __ATOMIC_RELEASE);
	arch_irq_restore(flags);
}

unsigned sched_trace_cpus(void)
{
	return nr_cpus;
}

uint64_t sched_trace_count(unsigned cpu, uint64_t *lost)
{
	uint64_t head = cpu < nr_cpus ? __atomic_load_n(&tcpu[cpu]->head, __ATOMIC_ACQUIRE) : 0;
	uint64_t kept = head < ring_size ? head : ring_size;
	if (lost)
		*lost = head - kept;
	return kept;
}

const struct sched_trace_event *sched_trace_event(unsigned cpu, uint64_t i)
{
	uint64_t lost;
	uint64_t kept = sched_trace_count(cpu, &lost);
	if (i >= kept)
		return NULL;
	return &tcpu[cpu]->ring[(lost + i) & ring_mask];
}

/* ---- the dump --------------------------------------------------------- */

struct refresh {
	struct trace_cpu *tc;
	uint64_t now;
};

/* A live thread's current name (prctl, a rename after its last switch). */
/* Only the name (and the user tid): any thread's t->proc may be on its
 * way to being freed, which only the process table's lock prevents. */
static void refresh_name(struct thread *t, void *arg)
{
	struct refresh *r = arg;
	if (t->is_idle || t->tid <= 0)
		return;
	struct name_slot *s = &r->tc->names[(unsigned)t->tid & (NAME_SLOTS - 1)];
	if (s->used && s->tid != t->tid)
		return;     /* never evict an exited thread's name */
	if (!s->used) {
		s->used = true;
		s->tid = t->tid;
		s->pid = 0;
	}
	s->utid = t->utid;
	s->ns = r->now;
	for (unsigned i = 0; i < THREAD_NAME_LEN; i++)
		s->name[i] = t->name[i];
	s->name[THREAD_NAME_LEN - 1] = '\0';
}

/* dt: nanoseconds since the event before (short lines: the serial port
 * is slow, a few hundred KB a second under QEMU). */
static void print_event(const struct sched_trace_event *e, uint64_t dt)
{
	if (e->ev == SCHED_EV_MIGRATE || e->ev == SCHED_EV_WAKEUP)
		printk("%s %u %llu %d %d %u\n", sched_trace_event_name(e->ev), e->cpu,
		       (unsigned long long)dt, (int)e->a, (int)e->b, e->dst);
	else
		printk("%s %u %llu %d %d\n", sched_trace_event_name(e->ev), e->cpu,
		       (unsigned long long)dt, (int)e->a, (int)e->b);
}

/* s: the newest copy (its name); pid: the one any copy knew. */
static void print_thread(const struct name_slot *s, int32_t pid)
{
	char name[THREAD_NAME_LEN];
	unsigned i = 0;
	/* One line each, whatever a program named itself. */
	for (; i < THREAD_NAME_LEN - 1 && s->name[i]; i++)
		name[i] = s->name[i] >= 0x20 && s->name[i] < 0x7f ? s->name[i] : '?';
	name[i] = '\0';
	printk("T %d %d %d %s\n", (int)s->tid, (int)pid, (int)s->utid,
	       i ? name : "?");
}

void sched_trace_dump(void)
{
	if (nr_cpus == 0)
		return;
	sched_trace_stop();

	uint64_t end = arch_clock_ns();
	struct refresh r = { .tc = tcpu[0], .now = end };
	sched_for_each_thread(refresh_name, &r);

	uint64_t total = 0, lost_total = 0, start = end;
	uint64_t next[MAX_CPUS], kept[MAX_CPUS], lost[MAX_CPUS];
	/* The CPUs that ran (buffers were made for all the MADT lists). */
	unsigned shown = sched_cpus_running();
	for (unsigned c = 0; c < nr_cpus; c++) {
		next[c] = 0;
		kept[c] = sched_trace_count(c, &lost[c]);
		total += kept[c];
		lost_total += lost[c];
		if (kept[c] && sched_trace_event(c, 0)->ns < start)
			start = sched_trace_event(c, 0)->ns;
		if (kept[c] && c >= shown)
			shown = c + 1;
	}
	if (shown > nr_cpus || shown == 0)
		shown = nr_cpus;
	printk("weft-trace: begin v1 cpus=%u tick_ns=%llu start_ns=%llu end_ns=%llu events=%llu lost=%llu\n",
	       shown, (unsigned long long)sched_tick_ns(), (unsigned long long)start,
	       (unsigned long long)end, (unsigned long long)total,
	       (unsigned long long)lost_total);
	for (unsigned c = 0; c < shown; c++)
		printk("C %u %llu %llu\n", c, (unsigned long long)kept[c],
		       (unsigned long long)lost[c]);

	/* Each ring is in time order (one writer, interrupts off): merge
	 * them, the lower CPU first on a tie. */
	for (;;) {
		const struct sched_trace_event *best = NULL;
		unsigned from = 0;
		for (unsigned c = 0; c < nr_cpus; c++) {
			if (next[c] == kept[c])
				continue;
			const struct sched_trace_event *e = sched_trace_event(c, next[c]);
			if (!best || e->ns < best->ns) {
				best = e;
				from = c;
			}
		}
		if (!best)
			break;
		print_event(best, best->ns - start);
		start = best->ns;
		next[from]++;
	}

	/* A tid lands in the same slot on every CPU: for each slot, each tid
	 * found there once, with its newest copy. */
	printk("T 0 0 0 idle\n");
	for (unsigned i = 0; i < NAME_SLOTS; i++) {
		for (unsigned c = 0; c < nr_cpus; c++) {
			const struct name_slot *s = &tcpu[c]->names[i];
			if (!s->used)
				continue;
			bool seen = false;      /* by a lower CPU: printed then */
			const struct name_slot *newest = s;
			int32_t pid = s->pid;
			for (unsigned d = 0; d < nr_cpus; d++) {
				const struct name_slot *o = &tcpu[d]->names[i];
				if (d == c || !o->used || o->tid != s->tid)
					continue;
				if (d < c)
					seen = true;
				if (o->ns > newest->ns)
					newest = o;
				if (o->pid)
					pid = o->pid;
			}
			if (!seen)
				print_thread(newest, pid);
		}
	}
	printk("weft-trace: end\n");
}
