/*
 * Every block the loader hands to the kernel comes from here: whole 4 KiB
 * pages of type EfiLoaderData, so the kernel finds them in the memory map
 * as WEFT_MEM_BOOT and knows not to reuse them until it is done with them.
 * (Pool allocations would do for the loader's own scratch, but they share
 * pages with firmware data and cannot be told apart later.)
 */
#include "loader.h"

/* At least one page, so an empty file still gets a valid address. */
static UINTN page_count(UINT64 bytes)
{
	return bytes ? PAGE_ROUND_UP(bytes) / PAGE_SIZE : 1;
}

void *loader_alloc_pages(UINT64 bytes, const CHAR16 *what)
{
	EFI_PHYSICAL_ADDRESS addr = 0;
	UINTN pages = page_count(bytes);

	EFI_STATUS st = BS->AllocatePages(AllocateAnyPages, EfiLoaderData,
					  pages, &addr);
	if (EFI_ERROR(st))
		loader_fail(what, st);

	/* Zeroed, so bss, page tables and padding start out clean. */
	BS->SetMem((void *)addr, pages * PAGE_SIZE, 0);
	return (void *)addr;
}

void loader_free_pages(void *block, UINT64 bytes)
{
	BS->FreePages((EFI_PHYSICAL_ADDRESS)block, page_count(bytes));
}
