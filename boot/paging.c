/*
 * The page tables the kernel starts with.
 *
 * UEFI already runs in long mode with paging on, but its tables identity
 * map memory only, and they live in boot-services memory that the kernel
 * will reuse. So the loader builds fresh 4-level tables with three views:
 *
 *   identity  phys 0 .. max_phys at virt 0 (2 MiB pages): the loader keeps
 *             running right after the CR3 switch, and the kernel can reach
 *             the boot info and firmware tables before it sets up more.
 *   HHDM      the same range again at WEFT_HHDM_BASE: the kernel's
 *             permanent window onto all physical memory.
 *   kernel    the kernel block at kernel_vbase (4 KiB pages, since the
 *             block is only 4 KiB aligned physically).
 *
 * The identity and HHDM views share their lower-level tables: two PML4
 * entries point at the same PDPTs. Everything is writable and executable;
 * the kernel builds its own tables with proper W^X permissions. That also
 * makes us independent of how the firmware left two CPU switches: no NX
 * bits are set (they would be reserved-bit faults if EFER.NXE were off),
 * and no page is read-only (so CR0.WP, which makes read-only pages binding
 * on the kernel too, changes nothing). The firmware's own tables, which
 * OVMF may have made read-only, are never written. All table pages are
 * EfiLoaderData, i.e. WEFT_MEM_BOOT in the kernel's map.
 */
#include "loader.h"

#define PTE_PRESENT (1ull << 0)
#define PTE_WRITE (1ull << 1)
#define PTE_HUGE (1ull << 7) /* in a PD entry: maps 2 MiB directly */
#define PTE_ADDR 0x000ffffffffff000ull

#define SIZE_2M (2ull << 20)
#define SIZE_4G (4ull << 30)
#define SIZE_512G (512ull << 30)

#define CR4_LA57 (1ull << 12)

static UINTN index_at(UINT64 virt, int level) /* level 4 = PML4 .. 1 = PT */
{
	return (virt >> (12 + 9 * (level - 1))) & 511;
}

/* Follows entry i of table to the next level, creating it if missing. */
static UINT64 *next_table(UINT64 *table, UINTN i)
{
	if (!(table[i] & PTE_PRESENT)) {
		void *fresh = loader_alloc_pages(PAGE_SIZE,
						 L"no memory for page tables");
		table[i] = (UINT64)fresh | PTE_PRESENT | PTE_WRITE;
	}
	return (UINT64 *)(table[i] & PTE_ADDR);
}

static void map_2m(UINT64 *pml4, UINT64 virt, UINT64 phys)
{
	UINT64 *pdpt = next_table(pml4, index_at(virt, 4));
	UINT64 *pd = next_table(pdpt, index_at(virt, 3));
	pd[index_at(virt, 2)] = phys | PTE_PRESENT | PTE_WRITE | PTE_HUGE;
}

static void map_4k(UINT64 *pml4, UINT64 virt, UINT64 phys)
{
	UINT64 *pdpt = next_table(pml4, index_at(virt, 4));
	UINT64 *pd = next_table(pdpt, index_at(virt, 3));
	UINT64 *pt = next_table(pd, index_at(virt, 2));
	pt[index_at(virt, 1)] = phys | PTE_PRESENT | PTE_WRITE;
}

UINT64 paging_build(UINT64 max_phys, const struct weft_boot_info *info)
{
	/* With 5-level paging on, CR3 would point at a PML5; and LA57 cannot
	 * be switched off while paging is on. OVMF does not enable it. */
	UINT64 cr4;
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	if (cr4 & CR4_LA57)
		loader_fail(L"firmware uses 5-level paging", EFI_UNSUPPORTED);

	/* At least 4 GiB: the LAPIC, IOAPIC and other MMIO sit just below
	 * 4 GiB even on a machine with little RAM. */
	if (max_phys < SIZE_4G)
		max_phys = SIZE_4G;
	max_phys = (max_phys + SIZE_2M - 1) & ~(SIZE_2M - 1);
	/* PML4 slots 256..510 hold the HHDM; 511 is the kernel's. */
	if (max_phys > 255 * SIZE_512G)
		loader_fail(L"physical memory too large for the HHDM", EFI_UNSUPPORTED);

	UINT64 *pml4 = loader_alloc_pages(PAGE_SIZE, L"no memory for page tables");

	for (UINT64 phys = 0; phys < max_phys; phys += SIZE_2M)
		map_2m(pml4, phys, phys);

	/* HHDM: reuse the identity map's PDPTs, one PML4 entry per 512 GiB. */
	UINTN hhdm_slot = index_at(WEFT_HHDM_BASE, 4);
	for (UINTN i = 0; i * SIZE_512G < max_phys; i++)
		pml4[hhdm_slot + i] = pml4[i];

	for (UINT64 off = 0; off < info->kernel_size; off += PAGE_SIZE)
		map_4k(pml4, info->kernel_vbase + off, info->kernel_phys + off);

	return (UINT64)pml4;
}
