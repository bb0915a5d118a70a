/*
 * TLB shoot-downs: when one CPU changes a page-table entry, the others
 * must forget their cached copy of it.
 *
 * Every CPU keeps the translations it used in its TLB, and nothing
 * tells it when the tables change: invlpg only cleans the TLB of the CPU
 * that runs it. So after munmap, mprotect or a copy-on-write fork, a
 * thread of the same process on another CPU could go on reading (or
 * writing!) a page that is no longer its own. The cure is a "shoot-down":
 * the CPU that changed the entry sends an interrupt (IPI) to every CPU
 * that has these page tables loaded, each of them runs invlpg for the
 * address, and the sender waits until all have answered. Only then may
 * the caller free the page.
 *
 * Who has which tables loaded: each CPU writes its root into its own
 * cpus[i].arch.active_root before loading CR3 (paging.c says why the
 * order and the barrier matter). A CPU running a kernel thread or
 * another process needs nothing: loading CR3 emptied its TLB of user
 * entries, and it will walk the new tables when it comes back.
 *
 * One request at a time, machine-wide (tlb_lock), in one mailbox
 * (request) and one "please answer" flag per CPU (arch.tlb_pending). A
 * lock, because two senders would overwrite each other's request; one
 * mailbox because the lock allows only one sender anyway.
 *
 * Deadlocks. The sender waits with interrupts off (it must not move to
 * another CPU halfway). Two CPUs could each want to send at the same
 * time: A holds the lock and waits for B's answer while B, interrupts
 * off, spins for the lock -- B would never take A's IPI. So a CPU
 * waiting for the lock (or for answers) also looks at its own flag and
 * answers by hand. A receiver that has interrupts off for another reason
 * holds a spinlock (or is about to take one), and nobody calls
 * tlb_shootdown holding a spinlock (the callers in kernel/mm/vm.c hold
 * only sleeping mutexes), so that receiver soon answers.
 */
#include <kernel/arch.h>
#include <kernel/cpu.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include "lapic.h"
#include "tlb.h"
#include "trap.h"
#include "x86.h"

static uint32_t tlb_lock;  /* 0 free, 1 taken; see tlb_lock_take */
static struct {
	uint64_t root, va;
} request;

/* Forget request.va if this CPU uses request.root; then answer. */
static void serve(struct cpu *me)
{
	if (!__atomic_load_n(&me->arch.tlb_pending, __ATOMIC_ACQUIRE))
		return;
	/* CR3, not active_root: a CPU between the two (paging.c) has
	 * loaded what CR3 says. Another root means no stale entry of ours. */
	if (read_cr3() == request.root)
		arch_tlb_flush_page(request.va);
	me->arch.tlb_shootdowns_received++;
	/* Release: our invlpg is done before the sender sees the answer. */
	__atomic_store_n(&me->arch.tlb_pending, false, __ATOMIC_RELEASE);
}

static void tlb_interrupt(struct trap_frame *f)
{
	(void)f;
	serve(arch_this_cpu());
	lapic_eoi();
}

void tlb_init(void)
{
	irq_set_handler(VEC_TLB, tlb_interrupt);
}

/* Does any other started CPU have root loaded? */
static bool others_use(struct cpu *me, uint64_t root)
{
	for (unsigned i = 0; i < MAX_CPUS; i++)
		if (&cpus[i] != me && __atomic_load_n(&cpus[i].arch.started, __ATOMIC_ACQUIRE) &&
		    __atomic_load_n(&cpus[i].arch.active_root, __ATOMIC_RELAXED) == root)
			return true;
	return false;
}

/* Not a struct spinlock: this lock must answer requests while it spins. */
static void tlb_lock_take(struct cpu *me)
{
	while (__atomic_exchange_n(&tlb_lock, 1, __ATOMIC_ACQUIRE)) {
		serve(me);
		arch_cpu_relax();
	}
}

void tlb_shootdown(uint64_t root, uint64_t va)
{
	/* The entry is written; make that visible before we read the other
	 * CPUs' active_root (the other half is in arch_pt_activate). */
	__asm__ volatile("mfence" ::: "memory");

	unsigned long flags = arch_irq_save();
	struct cpu *me = arch_this_cpu();
	if (read_cr3() == root)
		arch_tlb_flush_page(va);
	/* The fast path: one CPU, or nobody else in this address space (a
	 * single-threaded process, or its other threads are not running). */
	if (!others_use(me, root)) {
		arch_irq_restore(flags);
		return;
	}
	/* A caller with interrupts off may hold a spinlock that a target
	 * spins on with its interrupts off: neither would ever go on. */
	if (!(flags & RFLAGS_IF))
		kernel_bug("tlb_shootdown with interrupts disabled");

	tlb_lock_take(me);
	request.root = root;
	request.va = va;
	uint64_t targets = 0;
	for (unsigned i = 0; i < MAX_CPUS; i++) {
		struct cpu *c = &cpus[i];
		if (c == me || !__atomic_load_n(&c->arch.started, __ATOMIC_ACQUIRE) ||
		    __atomic_load_n(&c->arch.active_root, __ATOMIC_RELAXED) != root)
			continue;
		/* Release: the request is written before the flag is seen. */
		__atomic_store_n(&c->arch.tlb_pending, true, __ATOMIC_RELEASE);
		lapic_send_ipi(c->arch.lapic_id, ICR_FIXED | VEC_TLB);
		targets |= 1ull << i;
		me->arch.tlb_shootdowns_sent++;
	}

	/* Wait for every answer. A CPU that does not answer for seconds is
	 * a bug (it spins with interrupts off): say so once, keep waiting. */
	uint64_t start = arch_clock_ns();
	bool warned = false;
	for (unsigned i = 0; i < MAX_CPUS; i++) {
		if (!(targets & (1ull << i)))
			continue;
		while (__atomic_load_n(&cpus[i].arch.tlb_pending, __ATOMIC_ACQUIRE)) {
			serve(me);
			arch_cpu_relax();
			if (!warned && arch_clock_ns() - start > 2000000000ull) {
				printk("tlb: CPU %u has not answered a shoot-down for 2 s\n", i);
				warned = true;
			}
		}
	}
	__atomic_store_n(&tlb_lock, 0, __ATOMIC_RELEASE);
	arch_irq_restore(flags);
}

uint64_t arch_tlb_shootdowns(unsigned cpu)
{
	return cpu < MAX_CPUS ? __atomic_load_n(&cpus[cpu].arch.tlb_shootdowns_received,
	                                        __ATOMIC_RELAXED) : 0;
}
