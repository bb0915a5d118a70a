/*
 * In-kernel tests of the other CPUs (boot with test=smp; the runner's
 * default is -smp 2): they all run, all tick, take reschedule IPIs, and
 * answer TLB shoot-downs.
 *
 * Waiting is bounded in timer ticks of the waiting thread, never in
 * wall-clock time; the bounds are generous because under TCG a virtual
 * CPU may lose its host thread for a while.
 */
#include <kernel/ktest/ktest.h>

#include <stdint.h>

#include <kernel/arch.h>
#include <kernel/cmdline.h>
#include <kernel/cpu.h>
#include <kernel/mm/pmm.h>
#include <kernel/printk.h>
#include <kernel/sched/sched.h>
#include <kernel/sched/thread.h>

#define PATIENCE_TICKS 10000  /* 10 s at the default 1000 Hz */

/* How many CPUs arch_smp_start should have started. */
static unsigned expected_cpus(void)
{
	unsigned n = arch_cpu_count();
	if (n > MAX_CPUS)
		n = MAX_CPUS;
	if (boot_options.cpus && boot_options.cpus < n)
		n = boot_options.cpus;
	return n;
}

static unsigned popcount64(uint64_t m)
{
	unsigned n = 0;
	for (; m; m &= m - 1)
		n++;
	return n;
}

/* Sleep a tick at a time until cond(arg) holds or patience runs out. */
static bool wait_until(bool (*cond)(void *), void *arg)
{
	for (unsigned i = 0; i < PATIENCE_TICKS; i++) {
		if (cond(arg))
			return true;
		thread_sleep_ticks(1);
	}
	return cond(arg);
}

static bool all_running(void *arg)
{
	return sched_cpus_running() == *(unsigned *)arg;
}

/* Another online CPU than the one we run on (call with interrupts off). */
static unsigned other_cpu(unsigned me)
{
	uint64_t mask = sched_cpus_online_mask();
	for (unsigned i = 1; i < MAX_CPUS; i++) {
		unsigned c = (me + i) % MAX_CPUS;
		if (mask & (1ull << c))
			return c;
	}
	return me;
}

KTEST(smp, all_cpus_run)
{
	unsigned want = expected_cpus();
	/* The APs join one after another; the last may still be on its way. */
	wait_until(all_running, &want);
	KEXPECT_EQ(sched_cpus_running(), want);
	uint64_t mask = sched_cpus_online_mask();
	KEXPECT_EQ(popcount64(mask), want);
	/* Logical numbers are dense: CPUs 0 .. want-1. */
	KEXPECT_EQ(mask, (want >= 64 ? ~0ull : (1ull << want) - 1));
	for (unsigned i = 0; i < want; i++) {
		KEXPECT(cpus[i].online);
		KEXPECT_EQ(cpus[i].id, i);
	}
	/* Each CPU has its own LAPIC id. */
	for (unsigned i = 0; i < want; i++)
		for (unsigned j = i + 1; j < want; j++)
			KEXPECT(cpus[i].arch.lapic_id != cpus[j].arch.lapic_id);
	/* With more than one CPU in the machine (the runner's -smp 2), SMP
	 * really happens. */
	if (arch_cpu_count() >= 2 && boot_options.cpus != 1)
		KEXPECT(want >= 2);
}

struct tick_snapshot {
	uint64_t ticks[MAX_CPUS];
};

static bool all_ticked(void *arg)
{
	struct tick_snapshot *s = arg;
	for (unsigned i = 0; i < MAX_CPUS; i++)
		if (cpus[i].online &&
		    __atomic_load_n(&cpus[i].ticks, __ATOMIC_RELAXED) < s->ticks[i] + 10)
			return false;
	return true;
}

KTEST(smp, every_cpu_ticks)
{
	struct tick_snapshot s;
	for (unsigned i = 0; i < MAX_CPUS; i++)
		s.ticks[i] = __atomic_load_n(&cpus[i].ticks, __ATOMIC_RELAXED);
	/* Idle CPUs too: their LAPIC timer wakes them from hlt. */
	KEXPECT(wait_until(all_ticked, &s));
	for (unsigned i = 0; i < MAX_CPUS; i++)
		if (cpus[i].online)
			KEXPECT(cpus[i].ticks >= s.ticks[i] + 10);
}

struct ipi_watch {
	unsigned cpu;
	uint64_t before;
};

static bool ipi_arrived(void *arg)
{
	struct ipi_watch *w = arg;
	return arch_resched_ipis(w->cpu) > w->before;
}

KTEST(smp, resched_ipi_reaches_every_other_cpu)
{
	if (sched_cpus_running() < 2) {
		printk("# one CPU: nothing to interrupt\n");
		return;
	}
	for (unsigned target = 0; target < MAX_CPUS; target++) {
		if (!cpus[target].online)
			continue;
		/* From whichever CPU we are on now, to target (if it is not us:
		 * then the next round, after we may have moved, or no test). */
		unsigned long f = arch_irq_save();
		unsigned me = this_cpu()->id;
		struct ipi_watch w = { target, arch_resched_ipis(target) };
		if (target == me) {
			arch_irq_restore(f);
			continue;
		}
		arch_send_resched(target);
		arch_irq_restore(f);
		/* Others may send it IPIs too; at least ours must arrive. */
		KEXPECT(wait_until(ipi_arrived, &w));
	}
	/* Whoever we are, at least one other CPU was a target. */
	unsigned long f = arch_irq_save();
	unsigned me = this_cpu()->id;
	struct ipi_watch w = { other_cpu(me), 0 };
	w.before = arch_resched_ipis(w.cpu);
	arch_send_resched(w.cpu);
	arch_irq_restore(f);
	KEXPECT(w.cpu != me);
	KEXPECT(wait_until(ipi_arrived, &w));
}

/* ---- TLB shoot-down ----
 *
 * A kernel thread on another CPU loads a page table of our making and
 * keeps reading one user address through it (the kernel may read user
 * pages: SMAP is off). We point that address at another page. Without a
 * shoot-down, that CPU's TLB keeps the old translation and it reads the
 * old value for as long as the entry stays cached; with one, it sees the
 * new value at once, and its shoot-down counter says it answered. */

#define TEST_VA 0x400000ull

struct spinner {
	uint64_t root;
	volatile uint32_t seen;
	volatile bool ready, stop;
	volatile unsigned cpu;
	unsigned want_cpu;    /* where the test pinned it */
	unsigned loads;       /* times it had to load root (a flush in itself) */
};

static void spin_reader(void *arg)
{
	struct spinner *s = arg;
	while (!s->stop) {
		unsigned long f = arch_irq_save();
		/* A switch away and back puts the kernel's tables in; load
		 * ours again (which also empties the TLB: counted). */
		if (arch_pt_active() != s->root) {
			arch_pt_activate(s->root);
			s->loads++;
		}
		s->cpu = this_cpu()->id;
		s->seen = *(volatile uint32_t *)TEST_VA;
		s->ready = true;
		arch_irq_restore(f);  /* the window for IPIs and ticks */
		arch_cpu_relax();
	}
	unsigned long f = arch_irq_save();
	arch_pt_activate(0);      /* off root before the test frees it */
	arch_irq_restore(f);
}

static bool spinner_sees(void *arg)
{
	struct spinner *s = arg;
	return s->ready && s->seen == 2;
}

/* Reading, and on the CPU it was pinned to (it moves at its next switch). */
static bool spinner_ready(void *arg)
{
	struct spinner *s = arg;
	return s->ready && s->cpu == s->want_cpu;
}

KTEST(smp, tlb_shootdown_reaches_other_cpu)
{
	if (sched_cpus_running() < 2) {
		printk("# one CPU: no other TLB to shoot down\n");
		return;
	}
	struct thread *self = thread_current();
	uint64_t my_mask = sched_get_affinity(self);
	unsigned long f = arch_irq_save();
	unsigned me = this_cpu()->id;
	arch_irq_restore(f);
	unsigned there = other_cpu(me);
	/* Stay here, and the reader there, for the whole test. */
	KASSERT_T_EQ(sched_set_affinity(self, 1ull << me), 0);

	uint64_t root = arch_pt_create();
	uint64_t a = pmm_alloc_page(), b = pmm_alloc_page();
	KASSERT_T(root && a && b);
	*(volatile uint32_t *)arch_phys_to_virt(a) = 1;
	*(volatile uint32_t *)arch_phys_to_virt(b) = 2;
	KASSERT_T_EQ(arch_pt_map(root, TEST_VA, a, ARCH_PROT_READ), 0);

	static struct spinner s;
	s = (struct spinner){ .root = root, .want_cpu = there };
	struct thread *t = kthread_create("tlb-reader", spin_reader, &s);
	KASSERT_T(t != NULL);
	KEXPECT_EQ(sched_set_affinity(t, 1ull << there), 0);
	KEXPECT(wait_until(spinner_ready, &s));
	KEXPECT_EQ(s.seen, 1);
	KEXPECT_EQ(s.cpu, there);

	uint64_t answered = arch_tlb_shootdowns(there);
	unsigned loads = s.loads;
	KEXPECT_EQ(arch_pt_map(root, TEST_VA, b, ARCH_PROT_READ), 0);  /* a -> b */
	KEXPECT(wait_until(spinner_sees, &s));
	KEXPECT(arch_tlb_shootdowns(there) > answered);
	if (s.loads != loads)
		printk("# the reader reloaded its tables %u times (it was switched away)\n",
		       s.loads - loads);

	s.stop = true;
	KEXPECT_EQ(kthread_join(t, NULL), 0);
	arch_pt_unmap(root, TEST_VA);
	arch_pt_destroy(root);
	pmm_free_page(a);
	pmm_free_page(b);
	sched_set_affinity(self, my_mask);
}
