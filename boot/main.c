/*
 * BOOTX64.EFI: the Weft loader's main line.
 *
 * Everything that needs the firmware happens first (files, ACPI, GOP,
 * allocations, page tables); then the memory map is taken and boot
 * services are exited; then, with the machine to ourselves, the map is
 * converted and we jump. Each step stops with a clear message on failure
 * (fail.c), never with a silent hang.
 */
#include "loader.h"

/* Rounded up, so a small file never shows as "0 KiB". */
static UINT64 kib(UINT64 bytes)
{
	return (bytes + 1023) / 1024;
}

static void load_initrd(EFI_FILE_HANDLE root, struct weft_boot_info *info)
{
	struct loaded_file f;
	BOOLEAN found = esp_read_file(root, WEFT_PATH_INITRD, &f);
	if (found && f.size == 0)
		loader_free_pages(f.data, 0); /* an empty file: same as none */
	if (!found || f.size == 0) {
		Print(L"weft-loader: no initrd\n");
		return;
	}
	info->initrd_phys = (UINT64)f.data;
	info->initrd_size = f.size;
	Print(L"weft-loader: initrd %lu KiB at 0x%lx\n", kib(f.size),
	      info->initrd_phys);
}

/* Shows at most one console line of it; the kernel gets it all. */
static void show_cmdline(const char *cmdline)
{
	enum { SHOWN = 100 };
	char head[SHOWN + 1];
	UINTN n = 0;
	for (; n < SHOWN && cmdline[n]; n++)
		head[n] = cmdline[n];
	head[n] = '\0';
	Print(L"weft-loader: cmdline \"%a\"%s\n", head,
	      cmdline[n] ? L"..." : L"");
}

/*
 * Not EFIAPI: GNU-EFI's crt0 (_start) is the real PE entry point; it
 * applies our relocations and then calls efi_main with the System V ABI.
 */
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	/* First thing, so that it measures firmware time, not ours. */
	UINT64 tsc_entry = rdtsc();

	InitializeLib(image, systab);

	/* Allocated early: it must exist before the final memory map. */
	struct weft_boot_info *info =
		loader_alloc_pages(sizeof(*info), L"no memory for boot info");
	info->magic = WEFT_BOOT_MAGIC;
	info->version = WEFT_BOOT_VERSION;
	info->size = sizeof(*info);
	info->hhdm_base = WEFT_HHDM_BASE;
	info->loader_tsc_entry = tsc_entry;

	EFI_FILE_HANDLE root = esp_open_root(image);
	struct loaded_file elf;
	if (!esp_read_file(root, WEFT_PATH_KERNEL, &elf))
		loader_fail_file(L"cannot find", WEFT_PATH_KERNEL, EFI_NOT_FOUND);
	elf_load_kernel(&elf, info);
	Print(L"weft-loader: kernel %lu KiB, entry 0x%lx, image %lu KiB at 0x%lx\n",
	      kib(elf.size), info->kernel_entry, kib(info->kernel_size),
	      info->kernel_phys);

	load_initrd(root, info);
	cmdline_load(root, info->cmdline);
	root->Close(root);
	show_cmdline(info->cmdline);

	info->rsdp_phys = acpi_find_rsdp();
	framebuffer_query(&info->fb);

	struct efi_memmap map;
	memmap_prepare(&map, info);
	info->pml4_phys = paging_build(memmap_max_phys(&map), info);
	Print(L"weft-loader: memory %lu MiB usable, rsdp 0x%lx, ",
	      memmap_usable_bytes(&map) >> 20, info->rsdp_phys);
	if (info->fb.base)
		Print(L"fb %ux%u at 0x%lx\n", info->fb.width, info->fb.height,
		      info->fb.base);
	else
		Print(L"no framebuffer\n");
	if (!info->rsdp_phys)
		Print(L"weft-loader: warning: no ACPI RSDP\n");

	/* No firmware calls after this one, not even Print. */
	memmap_exit_boot_services(image, &map);
	memmap_convert(&map, info);

	info->loader_tsc_exit = rdtsc();
	handoff(info->pml4_phys, info->kernel_entry, (UINT64)info);
}
