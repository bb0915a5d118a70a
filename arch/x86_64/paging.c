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
#include <kernel/mm/pmm.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include "paging.h"
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

	/* NX bits are reserved (a fault) until EFER.NXE is on; CR0.WP makes
	 * read-only pages read-only for the kernel too. */
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
	write_cr0(read_cr0() | CR0_WP);

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

	write_cr3(kernel_pml4);
	printk("paging: direct map of %llu MiB (%s pages), kernel W^X\n",
	       (unsigned long long)(top >> 20), has_1g_pages() ? "1 GiB" : "2 MiB");
}
