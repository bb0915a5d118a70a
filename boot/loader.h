/*
 * Shared declarations of the Weft UEFI loader (the .c files in boot/).
 *
 * The loader runs in two phases. While boot services are up it may call
 * the firmware for anything: files, memory, console. After
 * ExitBootServices it owns the machine and may call nothing at all, so
 * everything the kernel needs is gathered first (see main.c for the order).
 */
#ifndef WEFT_LOADER_H
#define WEFT_LOADER_H

#include <efi.h>
#include <efilib.h>

#include "bootinfo.h"

#define PAGE_SIZE 4096ull
#define PAGE_ROUND_UP(x) (((x) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1))
#define PAGE_ROUND_DOWN(x) ((x) & ~(PAGE_SIZE - 1))

/* fail.c: report one error line, then stop the machine visibly. */
__attribute__((noreturn)) void loader_fail(const CHAR16 *what, EFI_STATUS status);
__attribute__((noreturn)) void loader_fail_file(const CHAR16 *what,
					      const CHAR16 *path,
					      EFI_STATUS status);
__attribute__((noreturn)) void loader_stop(void);
/* TRUE once ExitBootServices was tried: no more firmware calls then. */
extern BOOLEAN loader_boot_services_gone;

/* alloc.c: zeroed, page-aligned EfiLoaderData pages; never returns on
 * failure. The kernel sees all of them as WEFT_MEM_BOOT. */
void *loader_alloc_pages(UINT64 bytes, const CHAR16 *what);
void loader_free_pages(void *block, UINT64 bytes);

/* files.c: the ESP, i.e. the FAT volume BOOTX64.EFI itself came from. */
struct loaded_file {
	void *data;  /* page aligned, EfiLoaderData; NULL when absent */
	UINT64 size; /* bytes */
};
EFI_FILE_HANDLE esp_open_root(EFI_HANDLE image);
/* Returns FALSE when the file does not exist; any other error is fatal. */
BOOLEAN esp_read_file(EFI_FILE_HANDLE root, const CHAR16 *path,
		      struct loaded_file *out);

/* cmdline.c */
void cmdline_load(EFI_FILE_HANDLE root, char out[WEFT_CMDLINE_MAX]);

/* elf_load.c: validates the kernel ELF and copies its PT_LOAD segments
 * into one contiguous block; fills the kernel_* fields of info. */
void elf_load_kernel(const struct loaded_file *elf, struct weft_boot_info *info);

/* acpi.c / framebuffer.c */
UINT64 acpi_find_rsdp(void);
void framebuffer_query(struct weft_framebuffer *fb);

/* memmap.c */
struct efi_memmap {
	EFI_MEMORY_DESCRIPTOR *buf;
	UINTN capacity;  /* bytes allocated for buf */
	UINTN size;      /* bytes filled by GetMemoryMap */
	UINTN desc_size; /* stride: may be larger than the C struct */
	UINTN key;
	UINT32 desc_version;
};
void memmap_prepare(struct efi_memmap *map, struct weft_boot_info *info);
UINT64 memmap_max_phys(const struct efi_memmap *map);
UINT64 memmap_usable_bytes(const struct efi_memmap *map);
void memmap_exit_boot_services(EFI_HANDLE image, struct efi_memmap *map);
void memmap_convert(const struct efi_memmap *map, struct weft_boot_info *info);

/* paging.c */
UINT64 paging_build(UINT64 max_phys, const struct weft_boot_info *info);

/* handoff.S: load CR3 and jump; never returns. */
__attribute__((noreturn)) void handoff(UINT64 pml4_phys, UINT64 entry,
				       UINT64 boot_info_phys);

/* The only two CPU instructions the C code needs (fail.c has inb too). */
static inline UINT64 rdtsc(void)
{
	UINT32 lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((UINT64)hi << 32) | lo;
}

static inline void outb(UINT16 port, UINT8 value)
{
	__asm__ volatile("outb %0, %1" : : "a"(value), "Nd"(port));
}

#endif
