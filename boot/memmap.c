/*
 * The memory map, and leaving boot services.
 *
 * The UEFI memory map says which physical memory is RAM and who uses it.
 * It changes with every allocation, and ExitBootServices only succeeds
 * when handed the key of the newest map: proof that the caller knows the
 * final state of memory. Hence the order here:
 *
 *   1. memmap_prepare: allocate everything the map itself will need (the
 *      UEFI buffer with some slack, and the array the kernel will get),
 *      because allocating *after* the last GetMemoryMap would change the
 *      map again.
 *   2. memmap_exit_boot_services: GetMemoryMap + ExitBootServices, retried
 *      when the key went stale (a firmware timer may allocate behind our
 *      back in between).
 *   3. memmap_convert: with the firmware gone, translate the map into the
 *      kernel's simpler struct weft_mem_region entries.
 */
#include "loader.h"

/* Room for entries the map grows by between prepare and the final call
 * (our own page tables and boot info add a few). */
#define MAP_SLACK_DESCRIPTORS 64

static struct weft_mem_region *regions;
static UINTN regions_capacity;

static EFI_STATUS get_map(struct efi_memmap *map)
{
	map->size = map->capacity;
	return BS->GetMemoryMap(&map->size, map->buf, &map->key,
				&map->desc_size, &map->desc_version);
}

static EFI_MEMORY_DESCRIPTOR *desc(const struct efi_memmap *map, UINTN i)
{
	/* desc_size, not sizeof: newer firmware may append fields. */
	return (EFI_MEMORY_DESCRIPTOR *)((UINT8 *)map->buf + i * map->desc_size);
}

static UINTN desc_count(const struct efi_memmap *map)
{
	return map->size / map->desc_size;
}

void memmap_prepare(struct efi_memmap *map, struct weft_boot_info *info)
{
	/* A call with no buffer reports the size the map needs now. */
	map->buf = NULL;
	map->capacity = 0;
	EFI_STATUS st = get_map(map);
	if (st != EFI_BUFFER_TOO_SMALL)
		loader_fail(L"cannot size the memory map", st);

	map->capacity = map->size + MAP_SLACK_DESCRIPTORS * map->desc_size;
	map->buf = loader_alloc_pages(map->capacity, L"no memory for the memory map");

	/* Converted entries never outnumber UEFI descriptors, and the UEFI
	 * map can never hold more than capacity / desc_size of them: so this
	 * array is always big enough, which matters because after
	 * ExitBootServices there is no way to allocate more. */
	regions_capacity = map->capacity / map->desc_size;
	regions = loader_alloc_pages(regions_capacity * sizeof(*regions),
				     L"no memory for the region array");
	info->mmap_phys = (UINT64)regions;

	st = get_map(map);
	if (EFI_ERROR(st))
		loader_fail(L"cannot read the memory map", st);
}

UINT64 memmap_max_phys(const struct efi_memmap *map)
{
	UINT64 max = 0;
	for (UINTN i = 0; i < desc_count(map); i++) {
		const EFI_MEMORY_DESCRIPTOR *d = desc(map, i);
		UINT64 end = d->PhysicalStart + d->NumberOfPages * PAGE_SIZE;
		if (end > max)
			max = end;
	}
	return max;
}

static UINT32 weft_type(UINT32 efi_type)
{
	switch (efi_type) {
	/* Boot services memory is free once the firmware has exited. */
	case EfiConventionalMemory:
	case EfiBootServicesCode:
	case EfiBootServicesData:
		return WEFT_MEM_USABLE;
	case EfiLoaderCode:
	case EfiLoaderData:
		return WEFT_MEM_BOOT;
	case EfiACPIReclaimMemory:
		return WEFT_MEM_ACPI;
	case EfiACPIMemoryNVS:
		return WEFT_MEM_ACPI_NVS;
	case EfiRuntimeServicesCode:
	case EfiRuntimeServicesData:
		return WEFT_MEM_RUNTIME;
	default:
		return WEFT_MEM_RESERVED;
	}
}

UINT64 memmap_usable_bytes(const struct efi_memmap *map)
{
	UINT64 sum = 0;
	for (UINTN i = 0; i < desc_count(map); i++) {
		const EFI_MEMORY_DESCRIPTOR *d = desc(map, i);
		if (weft_type(d->Type) == WEFT_MEM_USABLE)
			sum += d->NumberOfPages * PAGE_SIZE;
	}
	return sum;
}

#define EXIT_TRIES 4

void memmap_exit_boot_services(EFI_HANDLE image, struct efi_memmap *map)
{
	EFI_STATUS st = EFI_SUCCESS;
	for (int attempt = 0; attempt < EXIT_TRIES; attempt++) {
		st = get_map(map);
		if (EFI_ERROR(st))
			loader_fail(L"cannot read the final memory map", st);

		/* From here on the firmware may be half shut down even if
		 * the call fails: only GetMemoryMap and ExitBootServices are
		 * still allowed, so errors must bypass the firmware console. */
		loader_boot_services_gone = TRUE;
		st = BS->ExitBootServices(image, map->key);
		if (st == EFI_SUCCESS)
			return;
		if (st != EFI_INVALID_PARAMETER)
			break;
		/* EFI_INVALID_PARAMETER: the map changed under us (stale
		 * key). Fetch it again and retry. */
	}
	loader_fail(L"ExitBootServices failed", st);
}

/* Sorted by base so the kernel can merge, search and print it simply. */
static void sort_by_base(struct weft_mem_region *r, UINTN n)
{
	for (UINTN i = 1; i < n; i++) {
		struct weft_mem_region cur = r[i];
		UINTN j = i;
		for (; j > 0 && r[j - 1].base > cur.base; j--)
			r[j] = r[j - 1];
		r[j] = cur;
	}
}

void memmap_convert(const struct efi_memmap *map, struct weft_boot_info *info)
{
	UINTN n = 0;
	for (UINTN i = 0; i < desc_count(map) && n < regions_capacity; i++) {
		const EFI_MEMORY_DESCRIPTOR *d = desc(map, i);
		if (d->NumberOfPages == 0)
			continue;
		regions[n].base = d->PhysicalStart;
		regions[n].pages = d->NumberOfPages;
		regions[n].type = weft_type(d->Type);
		regions[n].efi_type = d->Type;
		n++;
	}
	sort_by_base(regions, n);

	/* Merge neighbours of the same kind: the kernel does not care that
	 * firmware split free RAM into code/data/conventional pieces. A
	 * merged entry keeps the efi_type of its first piece. */
	UINTN out = 0;
	for (UINTN i = 0; i < n; i++) {
		struct weft_mem_region *last = out ? &regions[out - 1] : NULL;
		if (last && last->type == regions[i].type &&
		    last->base + last->pages * PAGE_SIZE == regions[i].base) {
			last->pages += regions[i].pages;
			continue;
		}
		regions[out++] = regions[i];
	}
	info->mmap_count = (UINT32)out;
}
