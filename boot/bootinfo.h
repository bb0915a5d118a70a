/*
 * The one structure the UEFI loader hands to the kernel.
 *
 * Both sides include this header, so its layout is the contract between
 * them: only fixed-width types, no pointers (the loader runs identity
 * mapped, the kernel in the higher half), every address is physical.
 * Bump WEFT_BOOT_VERSION when the layout changes; the kernel refuses a
 * loader of another version instead of misreading it.
 */
#ifndef WEFT_BOOTINFO_H
#define WEFT_BOOTINFO_H

#include <stdint.h>

#define WEFT_BOOT_MAGIC   0x5746545f424f4f54ull /* "WFT_BOOT" */
#define WEFT_BOOT_VERSION 1

/* Where the loader maps things before jumping to the kernel. */
#define WEFT_KERNEL_VBASE 0xffffffff80000000ull /* kernel image: -2 GiB */
#define WEFT_HHDM_BASE    0xffff800000000000ull /* all physical memory */

/* Files the loader reads from the ESP (the FAT volume it was loaded from). */
#define WEFT_PATH_KERNEL  L"\\weft\\kernel.elf"
#define WEFT_PATH_CMDLINE L"\\weft\\cmdline.txt"
#define WEFT_PATH_INITRD  L"\\weft\\initrd.cpio"

#define WEFT_CMDLINE_MAX 1024

/* Memory region kinds: a simplification of the UEFI memory types. */
enum weft_mem_type {
	WEFT_MEM_USABLE = 1,     /* free for the kernel's page allocator */
	WEFT_MEM_RESERVED = 2,   /* firmware, MMIO, unusable: never touch */
	WEFT_MEM_ACPI = 3,       /* ACPI tables (reclaimable after parsing) */
	WEFT_MEM_ACPI_NVS = 4,   /* ACPI non-volatile storage: never touch */
	WEFT_MEM_BOOT = 5,       /* loader data the kernel still uses: kernel
	                            image, its ELF file, initrd, this struct,
	                            the loader's page tables */
	WEFT_MEM_RUNTIME = 6,    /* UEFI runtime services code/data */
};

struct weft_mem_region {
	uint64_t base;  /* physical, page aligned */
	uint64_t pages; /* 4 KiB pages */
	uint32_t type;  /* enum weft_mem_type */
	uint32_t efi_type; /* the original UEFI type, for the curious */
};

struct weft_framebuffer {
	uint64_t base; /* physical; 0 when there is no GOP */
	uint32_t width, height;
	uint32_t pitch; /* bytes per scan line */
	uint32_t bpp;   /* 32 for the usual BGRX */
};

struct weft_boot_info {
	uint64_t magic;   /* WEFT_BOOT_MAGIC */
	uint32_t version; /* WEFT_BOOT_VERSION */
	uint32_t size;    /* sizeof(struct weft_boot_info) */

	/* The kernel image: one physically contiguous block holding every
	 * PT_LOAD segment, mapped at kernel_vbase. virt - vbase + phys. */
	uint64_t kernel_phys;
	uint64_t kernel_vbase;
	uint64_t kernel_size;  /* bytes, page rounded */
	uint64_t kernel_entry; /* virtual */

	/* The untouched ELF file, kept so the kernel can read its own symbol
	 * table for backtraces. */
	uint64_t kernel_elf_phys;
	uint64_t kernel_elf_size;

	uint64_t initrd_phys; /* 0 when there is no initrd */
	uint64_t initrd_size;

	uint64_t rsdp_phys; /* ACPI 2.0+ RSDP (or 1.0 when that is all) */

	struct weft_framebuffer fb;

	uint64_t mmap_phys; /* array of struct weft_mem_region */
	uint32_t mmap_count;
	uint32_t reserved0;

	uint64_t hhdm_base; /* WEFT_HHDM_BASE: physical memory mapped here */
	uint64_t pml4_phys; /* the loader's page tables (WEFT_MEM_BOOT) */

	/* Time stamps (TSC) for the boot-time split: the TSC counts from the
	 * machine's reset, so loader_tsc_entry is roughly "firmware time". */
	uint64_t loader_tsc_entry;
	uint64_t loader_tsc_exit; /* just before the jump to the kernel */

	char cmdline[WEFT_CMDLINE_MAX]; /* NUL terminated, one line */
};

#endif
