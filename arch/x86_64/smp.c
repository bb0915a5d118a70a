/*
 * Starting the other CPUs (symmetric multiprocessing).
 *
 * At power-on one CPU runs (the bootstrap processor, here cpus[0]); the
 * firmware parks the others. The ACPI MADT lists them by LAPIC id
 * (acpi.c), and the boot CPU wakes each one with inter-processor
 * interrupts through its LAPIC:
 *
 *   INIT        reset the CPU into "wait for start-up";
 *   wait 10 ms
 *   SIPI        "start-up": begin at vector * 4096, in 16-bit real mode;
 *   wait 200 us
 *   SIPI again  if it has not said it is alive (the first may be lost);
 *
 * then waits up to a second for it to reach the kernel. The code a woken
 * CPU starts with (ap_boot.S) must lie below 1 MiB, so it is copied to a
 * free low page; it climbs to long mode on temporary page tables and
 * calls smp_ap_entry() on a fresh kernel stack. There the CPU makes
 * itself like the boot CPU (GDT, TSS and GS base of its own, the shared
 * IDT, the kernel's page tables, the same control registers and MSRs, its
 * LAPIC and timer) and joins the scheduler (sched_start_ap).
 *
 * One CPU at a time: they share the start-up page and its parameters.
 *
 * Also here: the "reschedule" IPI (arch_send_resched), by which one CPU
 * asks another to look at its run queue now rather than at its next tick.
 */
#include <boot/bootinfo.h>
#include <kernel/arch.h>
#include <kernel/cmdline.h>
#include <kernel/cpu.h>
#include <kernel/lib/string.h>
#include <kernel/mm/heap.h>
#include <kernel/mm/pmm.h>
#include <kernel/printk.h>
#include <kernel/sched/sched.h>
#include "acpi.h"
#include "cpu_local.h"
#include "gdt.h"
#include "lapic.h"
#include "paging.h"
#include "smp.h"
#include "tlb.h"
#include "trap.h"
#include "x86.h"

#define AP_STACK_SIZE (16 * 1024)
#define LOW_LIMIT 0x100000ull  /* a SIPI vector reaches only the first MiB */

/* The parameter block at the end of ap_boot.S; the layouts must agree. */
struct ap_boot_params {
	uint16_t gdt_limit;      /* lgdt operand: limit, then a 32-bit base */
	uint32_t gdt_base;
	uint16_t pad0;
	uint32_t jump_offset;    /* far pointer: offset, then selector */
	uint16_t jump_selector;
	uint16_t pad1;
	uint32_t cr3;
	uint32_t alive;          /* the new CPU writes 1, first thing */
	uint32_t go;             /* 1: ready for one CPU to claim */
	uint32_t pad2;
	uint64_t stack_top;
	uint64_t cpu;
} __attribute__((packed));
_Static_assert(sizeof(struct ap_boot_params) == 48, "ap_boot.S parameter block");
_Static_assert(__builtin_offsetof(struct ap_boot_params, cr3) == 16, "ap_boot.S");
_Static_assert(__builtin_offsetof(struct ap_boot_params, stack_top) == 32, "ap_boot.S");

extern const char ap_boot_start[], ap_boot_end[], ap_boot_params[], ap_boot_gdt[],
	ap_boot_long[];

static const struct weft_boot_info *boot_info;
static unsigned madt_cpus;
static uint8_t madt_lapic_ids[ACPI_MAX_CPUS];

void smp_record_boot_info(const struct weft_boot_info *bi) { boot_info = bi; }

void smp_record_cpus(const struct acpi_info *acpi)
{
	madt_cpus = acpi->cpus;
	for (unsigned i = 0; i < acpi->cpus && i < ACPI_MAX_CPUS; i++)
		madt_lapic_ids[i] = acpi->lapic_ids[i];
}

/* ---- reschedule IPI ----------------------------------------------------- */

static void resched_interrupt(struct trap_frame *f)
{
	(void)f;
	arch_this_cpu()->arch.resched_ipis++;
	/* Nothing else: arch_trap calls sched_preempt_irq() after every
	 * interrupt, and that is where the switch happens. */
	lapic_eoi();
}

void arch_send_resched(unsigned cpu_id)
{
	if (cpu_id >= MAX_CPUS || !__atomic_load_n(&cpus[cpu_id].arch.started, __ATOMIC_ACQUIRE))
		return;
	/* Interrupts off: an interrupt handler on this CPU that sent an IPI
	 * between our two ICR writes would change the destination under us. */
	unsigned long f = arch_irq_save();
	lapic_send_ipi(cpus[cpu_id].arch.lapic_id, ICR_FIXED | VEC_RESCHED);
	arch_irq_restore(f);
}

uint64_t arch_resched_ipis(unsigned cpu)
{
	return cpu < MAX_CPUS ? __atomic_load_n(&cpus[cpu].arch.resched_ipis, __ATOMIC_RELAXED) : 0;
}

/* ---- the new CPU's side ------------------------------------------------ */

_Noreturn void smp_ap_entry(struct cpu *c);

/* From ap_boot.S, on the temporary page tables, interrupts off. */
_Noreturn void smp_ap_entry(struct cpu *c)
{
	gdt_load(c);             /* its own GDT and TSS; GS -> c */
	idt_load();              /* one IDT serves every CPU */
	arch_pt_activate(0);     /* the kernel's tables: off the temporary ones */
	cpu_local_init_ap();     /* CR0, CR4, EFER, SYSCALL MSRs as on the boot CPU */
	/* Trust the hardware over the MADT's order: IPIs go to this id. */
	c->arch.lapic_id = lapic_id();
	lapic_init_ap();         /* its timer ticks once interrupts are on */
	__atomic_store_n(&c->arch.started, true, __ATOMIC_RELEASE);
	sched_start_ap();        /* becomes this CPU's idle thread */
}

/* ---- the boot CPU's side ----------------------------------------------- */

static void spin_ns(uint64_t ns)
{
	uint64_t end = arch_clock_ns() + ns;
	while (arch_clock_ns() < end)
		arch_cpu_relax();
}

/*
 * Free low pages: usable in the loader's map, below 1 MiB (where the page
 * allocator never looks), not page 0 (the real-mode interrupt table,
 * which some firmware still reads). Returns how many it found (<= n).
 */
static unsigned find_low_pages(uint64_t *pages, unsigned n)
{
	const struct weft_mem_region *m = arch_phys_to_virt(boot_info->mmap_phys);
	unsigned found = 0;
	for (unsigned i = 0; i < boot_info->mmap_count && found < n; i++) {
		if (m[i].type != WEFT_MEM_USABLE)
			continue;
		for (uint64_t p = m[i].base; p < m[i].base + m[i].pages * 4096 && found < n;
		     p += 4096)
			if (p >= 0x1000 && p + 4096 <= LOW_LIMIT)
				pages[found++] = p;
	}
	return found;
}

static uint64_t zeroed_page(void)
{
	uint64_t p = pmm_alloc_page();
	if (p)
		memset(arch_phys_to_virt(p), 0, 4096);
	return p;
}

/*
 * The temporary tables: the kernel's upper half (PML4 entries 256-511,
 * shared, so the kernel's code, data and the direct map are all there),
 * and the first 2 MiB mapped 1:1, executable, for the start-up page (one
 * large page, so two tables below the PML4 suffice). The PML4 itself must
 * lie below 4 GiB: the 16-bit code loads CR3 from a 32-bit register.
 */
static bool build_tables(uint64_t pml4, uint64_t *pdpt, uint64_t *pd)
{
	*pdpt = zeroed_page();
	*pd = zeroed_page();
	if (!*pdpt || !*pd)
		return false;
	uint64_t *t4 = arch_phys_to_virt(pml4), *t3 = arch_phys_to_virt(*pdpt);
	uint64_t *t2 = arch_phys_to_virt(*pd), *k = arch_phys_to_virt(paging_kernel_pml4());
	memset(t4, 0, 4096);
	for (int i = 256; i < 512; i++)
		t4[i] = k[i];
	t4[0] = *pdpt | PTE_P | PTE_W;
	t3[0] = *pd | PTE_P | PTE_W;
	t2[0] = 0 | PTE_P | PTE_W | PTE_PS;
	return true;
}

static bool wait_for(volatile bool *flag, uint64_t ns)
{
	uint64_t end = arch_clock_ns() + ns;
	while (!__atomic_load_n(flag, __ATOMIC_ACQUIRE))
		if (arch_clock_ns() >= end)
			return false;
		else
			arch_cpu_relax();
	return true;
}

/* Start one CPU with INIT-SIPI-SIPI; true once it reached the kernel. */
static bool start_one(struct cpu *c, uint64_t page, struct ap_boot_params *p)
{
	uint32_t id = c->arch.lapic_id;
	void *stack = kmalloc(AP_STACK_SIZE);
	if (!stack)
		return false;
	p->stack_top = (uint64_t)stack + AP_STACK_SIZE;
	p->cpu = (uint64_t)c;
	p->alive = 0;
	/* Release: the parameters are in memory before "go", and before the
	 * IPI (a write to the LAPIC) can wake anyone. */
	__atomic_store_n(&p->go, 1, __ATOMIC_RELEASE);

	unsigned long f = arch_irq_save();
	/* INIT puts the CPU into "wait for SIPI", wherever the firmware left
	 * it. (The old "INIT de-assert" IPI is ignored by every CPU since the
	 * Pentium 4, so we skip it.) */
	lapic_send_ipi(id, ICR_INIT | ICR_ASSERT);
	spin_ns(10 * 1000 * 1000);
	lapic_send_ipi(id, ICR_STARTUP | (uint32_t)(page >> 12));
	spin_ns(200 * 1000);
	if (!__atomic_load_n(&p->alive, __ATOMIC_ACQUIRE))
		lapic_send_ipi(id, ICR_STARTUP | (uint32_t)(page >> 12));
	arch_irq_restore(f);

	if (wait_for(&c->arch.started, 1000ull * 1000 * 1000))
		return true;

	/* Given up. Put it back to sleep with another INIT so it cannot wake
	 * up later on tables we are about to free. If it never claimed its
	 * parameters, its stack is unused and can go; if it did, it may be
	 * on that stack right now: better to lose 16 KiB. */
	f = arch_irq_save();
	lapic_send_ipi(id, ICR_INIT | ICR_ASSERT);
	arch_irq_restore(f);
	if (__atomic_exchange_n(&p->go, 0, __ATOMIC_ACQ_REL))
		kfree(stack);
	return false;
}

void arch_smp_start(void)
{
	irq_set_handler(VEC_RESCHED, resched_interrupt);
	tlb_init();

	unsigned limit = madt_cpus < MAX_CPUS ? madt_cpus : MAX_CPUS;
	if (boot_options.cpus && boot_options.cpus < limit)
		limit = boot_options.cpus;
	if (madt_cpus > MAX_CPUS)
		printk("smp: the MADT lists %u CPUs; this kernel runs at most %u\n",
		       madt_cpus, MAX_CPUS);

	unsigned running = 1;
	uint64_t low[2], pdpt = 0, pd = 0;
	if (limit > 1 && find_low_pages(low, 2) < 2) {
		printk("smp: no free page below 1 MiB for the start-up code\n");
		limit = 1;
	}
	if (limit > 1 && !build_tables(low[1], &pdpt, &pd)) {
		printk("smp: out of memory for the start-up page tables\n");
		limit = 1;
	}

	if (limit > 1) {
		/* Copy the start-up code to its low page and patch in what
		 * depends on where it landed. */
		uint64_t page = low[0];
		char *code = arch_phys_to_virt(page);
		size_t size = (size_t)(ap_boot_end - ap_boot_start);
		memcpy(code, ap_boot_start, size);
		struct ap_boot_params *p =
			(struct ap_boot_params *)(code + (ap_boot_params - ap_boot_start));
		p->gdt_base = (uint32_t)(page + (uint64_t)(ap_boot_gdt - ap_boot_start));
		p->jump_offset = (uint32_t)(page + (uint64_t)(ap_boot_long - ap_boot_start));
		p->cr3 = (uint32_t)low[1];

		unsigned next = 1;  /* the logical number of the next CPU */
		uint32_t me = cpus[0].arch.lapic_id;
		for (unsigned i = 0; i < madt_cpus && next < limit; i++) {
			if (madt_lapic_ids[i] == me)
				continue;
			struct cpu *c = &cpus[next];
			c->id = next;
			c->arch.lapic_id = madt_lapic_ids[i];
			if (start_one(c, page, p)) {
				next++;
				running++;
			} else {
				printk("smp: CPU %u (LAPIC id %u) did not start\n", next,
				       (unsigned)madt_lapic_ids[i]);
			}
		}
		/* Nobody runs on the temporary tables any more. The two low
		 * pages were never the page allocator's: nothing to give back. */
		pmm_free_page(pdpt);
		pmm_free_page(pd);
	} else {
		if (pdpt)
			pmm_free_page(pdpt);
		if (pd)
			pmm_free_page(pd);
	}
	printk("smp: %u CPU%s running\n", running, running == 1 ? "" : "s");
}
