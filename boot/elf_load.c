/*
 * Loading the kernel ELF.
 *
 * The kernel is linked to run at WEFT_KERNEL_VBASE (-2 GiB). We do not
 * need its sections, only its program headers: each PT_LOAD segment says
 * "put filesz bytes from this file offset at this virtual address, then
 * zeros up to memsz". All segments go into ONE physically contiguous
 * block, so that the kernel can translate its own addresses with a single
 * offset (virt - kernel_vbase + kernel_phys) before it has page tables.
 *
 * The checks are strict on purpose: a kernel built for the wrong machine
 * or linked at the wrong address should stop here with a clear message,
 * not crash later in a way that looks like a kernel bug.
 */
#include "loader.h"

/* The few ELF64 definitions we need (see the System V ABI, ELF chapter). */
struct elf64_ehdr {
	UINT8 ident[16];
	UINT16 type;
	UINT16 machine;
	UINT32 version;
	UINT64 entry;
	UINT64 phoff;
	UINT64 shoff;
	UINT32 flags;
	UINT16 ehsize;
	UINT16 phentsize;
	UINT16 phnum;
	UINT16 shentsize;
	UINT16 shnum;
	UINT16 shstrndx;
};

struct elf64_phdr {
	UINT32 type;
	UINT32 flags;
	UINT64 offset;
	UINT64 vaddr;
	UINT64 paddr;
	UINT64 filesz;
	UINT64 memsz;
	UINT64 align;
};

#define EI_CLASS 4
#define EI_DATA 5
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define ET_EXEC 2
#define EM_X86_64 62
#define PT_LOAD 1

#define KERNEL_WINDOW (1ull << 30) /* the kernel must fit in 1 GiB */

__attribute__((noreturn)) static void bad_elf(const CHAR16 *why)
{
	Print(L"weft-loader: error: %s: %s (%r)\n", WEFT_PATH_KERNEL, why,
	      EFI_LOAD_ERROR);
	loader_stop();
}

static void check_header(const struct loaded_file *elf)
{
	const struct elf64_ehdr *eh = elf->data;
	if (elf->size < sizeof(*eh))
		bad_elf(L"too small to be an ELF file");
	if (eh->ident[0] != 0x7f || eh->ident[1] != 'E' ||
	    eh->ident[2] != 'L' || eh->ident[3] != 'F')
		bad_elf(L"not an ELF file");
	if (eh->ident[EI_CLASS] != ELFCLASS64)
		bad_elf(L"not ELF64");
	if (eh->ident[EI_DATA] != ELFDATA2LSB)
		bad_elf(L"not little endian");
	if (eh->machine != EM_X86_64)
		bad_elf(L"not an x86-64 ELF");
	if (eh->type != ET_EXEC)
		bad_elf(L"not an executable (ET_EXEC)");
	if (eh->phentsize < sizeof(struct elf64_phdr) || eh->phnum == 0)
		bad_elf(L"no program headers");
	/* Written as subtractions so a huge phoff cannot wrap around. */
	if (eh->phoff > elf->size ||
	    (UINT64)eh->phnum * eh->phentsize > elf->size - eh->phoff)
		bad_elf(L"program headers beyond end of file");
}

static const struct elf64_phdr *phdr(const struct loaded_file *elf, UINTN i)
{
	const struct elf64_ehdr *eh = elf->data;
	return (const void *)((const UINT8 *)elf->data + eh->phoff +
			      i * eh->phentsize);
}

/* Checks every PT_LOAD and returns the page-rounded span they cover. */
static void load_span(const struct loaded_file *elf, UINT64 *lo, UINT64 *hi)
{
	const struct elf64_ehdr *eh = elf->data;
	*lo = ~0ull;
	*hi = 0;
	for (UINTN i = 0; i < eh->phnum; i++) {
		const struct elf64_phdr *ph = phdr(elf, i);
		if (ph->type != PT_LOAD || ph->memsz == 0)
			continue;
		if (ph->filesz > ph->memsz)
			bad_elf(L"segment filesz larger than memsz");
		if (ph->offset > elf->size ||
		    ph->filesz > elf->size - ph->offset)
			bad_elf(L"segment beyond end of file");
		if (ph->vaddr < WEFT_KERNEL_VBASE ||
		    ph->vaddr - WEFT_KERNEL_VBASE >= KERNEL_WINDOW ||
		    ph->memsz > KERNEL_WINDOW -
					(ph->vaddr - WEFT_KERNEL_VBASE))
			bad_elf(L"segment outside the kernel's 1 GiB at -2 GiB");
		if (ph->vaddr < *lo)
			*lo = ph->vaddr;
		if (ph->vaddr + ph->memsz > *hi)
			*hi = ph->vaddr + ph->memsz;
	}
	if (*hi == 0)
		bad_elf(L"no loadable segments");
	*lo = PAGE_ROUND_DOWN(*lo);
	*hi = PAGE_ROUND_UP(*hi);
}

void elf_load_kernel(const struct loaded_file *elf, struct weft_boot_info *info)
{
	check_header(elf);

	UINT64 lo, hi;
	load_span(elf, &lo, &hi);
	const struct elf64_ehdr *eh = elf->data;
	if (eh->entry < lo || eh->entry >= hi)
		bad_elf(L"entry point outside the loaded segments");

	/* Zeroed by the allocator: that already is the bss, and the gaps. */
	UINT8 *block = loader_alloc_pages(hi - lo, L"no memory for the kernel image");
	for (UINTN i = 0; i < eh->phnum; i++) {
		const struct elf64_phdr *ph = phdr(elf, i);
		if (ph->type != PT_LOAD || ph->memsz == 0)
			continue;
		BS->CopyMem(block + (ph->vaddr - lo),
			    (UINT8 *)elf->data + ph->offset, ph->filesz);
	}

	info->kernel_phys = (UINT64)block;
	info->kernel_vbase = lo;
	info->kernel_size = hi - lo;
	info->kernel_entry = eh->entry;
	info->kernel_elf_phys = (UINT64)elf->data;
	info->kernel_elf_size = elf->size;
}
