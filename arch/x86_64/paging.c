/*
 * The kernel's own page tables, replacing the loader's.
 *
 * Two regions are mapped, both only for ring 0:
 *   - the direct map: all physical memory at WEFT_HHDM_BASE, read/write,
 *     never executable (so no data page can become code);
 *   - the kernel image at WEFT_KERNEL_VBASE, with permissions per section
 *     from linker.ld: text read+execute, rodata read-only, data and bss
 *     read+write+no-execute. No page is both writable and executable (W^X).
 * The loader's identity map is gone afterwards: a NULL pointer faults.
 */
#include <boot/bootinfo.h>
#include <kernel/arch.h>
#include <kernel/cpu.h>
#include <kernel/mm/pmm.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include "paging.h"
#include "tlb.h"
#include "x86.h"

extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __data_start[], __data_end[];

static uint64_t kernel_pml4;
static uint64_t kernel_phys, kernel_vbase;

void *arch_phys_to_virt(uint64_t phys) { return (void *)(phys + WEFT_HHDM_BASE); }

uint64_t arch_virt_to_phys(const void *virt)
{
	uint64_t v = (uint64_t)virt;
	if (v >= WEFT_KERNEL_VBASE)
		return v - kernel_vbase + kernel_phys;
	return v - WEFT_HHDM_BASE;
}

uint64_t paging_kernel_pml4(void) { return kernel_pml4; }

static uint64_t *table_at(uint64_t phys) { return arch_phys_to_virt(phys); }

static uint64_t new_table(void)
{
	uint64_t p = pmm_alloc_page();
	if (!p)
		panic("paging: out of memory for page tables");
	uint64_t *t = table_at(p);
	for (int i = 0; i < 512; i++)
		t[i] = 0;
	return p;
}

/* The entry for va at the given level (3 = PML4 ... 0 = PT), creating the
 * intermediate tables on the way down. */
static uint64_t *walk(uint64_t pml4, uint64_t va, int level)
{
	uint64_t *t = table_at(pml4);
	for (int l = 3; l > level; l--) {
		uint64_t *e = &t[(va >> (12 + 9 * l)) & 511];
		if (!(*e & PTE_P))
			*e = new_table() | PTE_P | PTE_W; /* leaves restrict */
		t = table_at(*e & PTE_ADDR);
	}
	return &t[(va >> (12 + 9 * level)) & 511];
}

static void map_range(uint64_t va, uint64_t pa, uint64_t len, uint64_t flags)
{
	for (uint64_t off = 0; off < len; off += 4096)
		*walk(kernel_pml4, va + off, 0) = (pa + off) | flags | PTE_P;
}

static void map_kernel_section(char *start, char *end, uint64_t flags)
{
	uint64_t va = (uint64_t)start;
	map_range(va, va - kernel_vbase + kernel_phys, (uint64_t)(end - start), flags);
}

static bool has_1g_pages(void)
{
	uint32_t r[4];
	cpuid(0x80000001, 0, r);
	return r[3] & (1u << 26);
}

void arch_mm_init(const struct weft_boot_info *bi)
{
	const struct weft_mem_region *m = arch_phys_to_virt(bi->mmap_phys);
	uint64_t top = 4ull << 30; /* at least 4 GiB: the LAPIC/IOAPIC MMIO */

	kernel_phys = bi->kernel_phys;
	kernel_vbase = bi->kernel_vbase;
	for (unsigned i = 0; i < bi->mmap_count; i++)
		if (m[i].base + m[i].pages * 4096 > top)
			top = m[i].base + m[i].pages * 4096;

	/* EFER.NXE (NX bits allowed) and CR0.WP are on already: every CPU
	 * sets them for itself in cpu_local_init(). */
	kernel_pml4 = new_table();

	/* The direct map with the largest pages the CPU has. */
	uint64_t data = PTE_P | PTE_W | PTE_NX | PTE_G;
	if (has_1g_pages()) {
		for (uint64_t pa = 0; pa < top; pa += 1ull << 30)
			*walk(kernel_pml4, WEFT_HHDM_BASE + pa, 2) = pa | data | PTE_PS;
	} else {
		for (uint64_t pa = 0; pa < top; pa += 2ull << 20)
			*walk(kernel_pml4, WEFT_HHDM_BASE + pa, 1) = pa | data | PTE_PS;
	}

	map_kernel_section(__text_start, __text_end, PTE_G);
	map_kernel_section(__rodata_start, __rodata_end, PTE_G | PTE_NX);
	map_kernel_section(__data_start, __data_end, PTE_G | PTE_W | PTE_NX);

	arch_pt_activate(kernel_pml4);
	printk("paging: direct map of %llu MiB (%s pages), kernel W^X\n",
	       (unsigned long long)(top >> 20), has_1g_pages() ? "1 GiB" : "2 MiB");
}

/* ---- user address spaces ---------------------------------------------
 *
 * Every process has its own PML4. Its upper half (entries 256-511) is a
 * copy of the kernel's, so the kernel is mapped the same way in every
 * address space and a syscall needs no CR3 switch. The lower half is the
 * process's own, built on demand; the leaves carry PTE_U.
 */

#define USER_PML4_ENTRIES 256

uint64_t arch_pt_create(void)
{
	uint64_t root = pmm_alloc_page();
	if (!root)
		return 0;
	uint64_t *t = table_at(root), *k = table_at(kernel_pml4);
	for (int i = 0; i < 512; i++)
		t[i] = i < USER_PML4_ENTRIES ? 0 : k[i];
	return root;
}

static void free_table(uint64_t phys, int level)
{
	uint64_t *t = table_at(phys);
	if (level > 0)
		for (int i = 0; i < 512; i++)
			if (t[i] & PTE_P)
				free_table(t[i] & PTE_ADDR, level - 1);
	pmm_free_page(phys);
}

void arch_pt_destroy(uint64_t root)
{
	uint64_t *t = table_at(root);
	for (int i = 0; i < USER_PML4_ENTRIES; i++)
		if (t[i] & PTE_P)
			free_table(t[i] & PTE_ADDR, 2);
	pmm_free_page(root);
}

/* Like walk(), for user addresses, and able to fail: NULL when a table is
 * missing and create is false, or when memory runs out. */
static uint64_t *user_walk(uint64_t root, uint64_t va, bool create)
{
	uint64_t *t = table_at(root);
	for (int l = 3; l > 0; l--) {
		uint64_t *e = &t[(va >> (12 + 9 * l)) & 511];
		if (!(*e & PTE_P)) {
			if (!create)
				return NULL;
			uint64_t p = pmm_alloc_page();
			if (!p)
				return NULL;
			uint64_t *nt = table_at(p);
			for (int i = 0; i < 512; i++)
				nt[i] = 0;
			/* Upper levels allow everything; the leaf decides. */
			*e = p | PTE_P | PTE_W | PTE_U;
		}
		t = table_at(*e & PTE_ADDR);
	}
	return &t[(va >> 12) & 511];
}

static uint64_t prot_bits(unsigned prot)
{
	uint64_t f = PTE_P | PTE_U;
	if (prot & ARCH_PROT_WRITE)
		f |= PTE_W;
	if (!(prot & ARCH_PROT_EXEC))
		f |= PTE_NX;
	return f;
}

/*
 * Does replacing entry old by new need every CPU to forget old? Only when
 * access was taken away: another frame, or a right less (write, execute,
 * user). A CPU that still holds the old, narrower translation of a
 * widened entry just takes a page fault on its next write, and a page
 * fault drops the faulting address's TLB entry on that CPU: the fault
 * handler finds the page mapped as wanted and the retry succeeds. That
 * saves an IPI round for the common copy-on-write case "last holder gets
 * its page back writable".
 */
static bool access_reduced(uint64_t old, uint64_t new)
{
	if ((old & PTE_ADDR) != (new & PTE_ADDR))
		return true;
	if ((old & PTE_W) && !(new & PTE_W))
		return true;
	if ((old & PTE_U) && !(new & PTE_U))
		return true;
	return !(old & PTE_NX) && (new & PTE_NX);
}

int arch_pt_map(uint64_t root, uint64_t va, uint64_t pa, unsigned prot)
{
	uint64_t *e = user_walk(root, va, true);
	if (!e)
		return -12; /* ENOMEM */
	uint64_t old = *e, new = pa | prot_bits(prot);
	*e = new;
	if (old & PTE_P) {
		if (access_reduced(old, new))
			tlb_shootdown(root, va);  /* every CPU, this one too */
		else if (root == arch_pt_active())
			arch_tlb_flush_page(va);  /* this CPU: no fault needed */
	}
	return 0;
}

uint64_t arch_pt_unmap(uint64_t root, uint64_t va)
{
	uint64_t *e = user_walk(root, va, false);
	if (!e || !(*e & PTE_P))
		return 0;
	uint64_t pa = *e & PTE_ADDR;
	*e = 0;
	/* Before the caller frees pa, no CPU may reach it through a stale
	 * translation: tlb_shootdown returns when all have forgotten it. */
	tlb_shootdown(root, va);
	return pa;
}

bool arch_pt_lookup(uint64_t root, uint64_t va, uint64_t *pa, unsigned *prot)
{
	uint64_t *e = user_walk(root, va, false);
	if (!e || !(*e & PTE_P))
		return false;
	if (pa)
		*pa = *e & PTE_ADDR;
	if (prot)
		*prot = ARCH_PROT_READ | (*e & PTE_W ? ARCH_PROT_WRITE : 0) |
		        (*e & PTE_NX ? 0 : ARCH_PROT_EXEC);
	return true;
}

/*
 * Load root on this CPU, and say so in this CPU's active_root first: a
 * CPU that changes an entry of root writes the entry, then reads the
 * other CPUs' active_root (tlb.c). With a full barrier on both sides,
 * either it sees our root (and sends us a shoot-down), or our store came
 * later and our page walks after the CR3 load see its new entry. Without
 * the barrier, x86 may let our store wait in the store buffer while the
 * CPU already walks root's tables -- both sides would miss each other.
 */
void arch_pt_activate(uint64_t root)
{
	if (!root)
		root = kernel_pml4;
	unsigned long f = arch_irq_save(); /* stay on this CPU for both steps */
	struct cpu *c = arch_this_cpu();
	if (c->arch.active_root != root || read_cr3() != root) {
		__atomic_store_n(&c->arch.active_root, root, __ATOMIC_RELAXED);
		__asm__ volatile("mfence" ::: "memory");
		write_cr3(root);
	}
	arch_irq_restore(f);
}

uint64_t arch_pt_active(void) { return read_cr3(); }

void arch_tlb_flush_page(uint64_t va)
{
	__asm__ volatile("invlpg (%0)" ::"r"(va) : "memory");
}

/*
 * The first mapped user page in [va, end), or end. Whole missing tables
 * are skipped at once (a 512 GiB, 1 GiB or 2 MiB step), so walking a
 * large, sparse area -- an 8 MiB stack with three pages in it -- costs a
 * few steps instead of one page-table walk per page.
 */
uint64_t arch_pt_next_mapped(uint64_t root, uint64_t va, uint64_t end)
{
	while (va < end) {
		uint64_t *t = table_at(root);
		int level = 3;
		for (;;) {
			uint64_t e = t[(va >> (12 + 9 * level)) & 511];
			if (!(e & PTE_P)) {
				/* Nothing below this entry: on to the next one. */
				uint64_t step = 1ull << (12 + 9 * level);
				va = (va & ~(step - 1)) + step;
				break;
			}
			if (level == 0)
				return va;
			t = table_at(e & PTE_ADDR);
			level--;
		}
	}
	return end;
}
