/*
 * Symbolizing addresses for backtraces. The linker already wrote every
 * function's name, address and size into the ELF file's .symtab; the
 * loader hands us the file, so all we do is search it. A linear search is
 * fine: it only runs when something went wrong.
 */
#include <stdint.h>
#include <kernel/lib/string.h>
#include <kernel/printk.h>
#include <kernel/symbols.h>

struct elf64_ehdr {
	unsigned char ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf64_shdr {
	uint32_t name, type;
	uint64_t flags, addr, offset, size;
	uint32_t link, info;
	uint64_t addralign, entsize;
};

struct elf64_sym {
	uint32_t name;
	uint8_t info, other;
	uint16_t shndx;
	uint64_t value, size;
};

#define SHT_SYMTAB 2
#define STT_FUNC 2

static const struct elf64_sym *syms;
static size_t nsyms;
static const char *strtab;
static size_t strtab_size;

void symbols_init(const void *elf, size_t size)
{
	const struct elf64_ehdr *eh = elf;
	if (!elf || size < sizeof(*eh) || memcmp(eh->ident, "\177ELF", 4) != 0)
		return;
	if (eh->shoff + (uint64_t)eh->shnum * sizeof(struct elf64_shdr) > size)
		return;
	const struct elf64_shdr *sh = (const void *)((const char *)elf + eh->shoff);
	for (unsigned i = 0; i < eh->shnum; i++) {
		if (sh[i].type != SHT_SYMTAB || sh[i].link >= eh->shnum)
			continue;
		const struct elf64_shdr *st = &sh[sh[i].link];
		if (sh[i].offset + sh[i].size > size || st->offset + st->size > size)
			return;
		syms = (const void *)((const char *)elf + sh[i].offset);
		nsyms = sh[i].size / sizeof(struct elf64_sym);
		strtab = (const char *)elf + st->offset;
		strtab_size = st->size;
		return;
	}
}

const char *symbols_lookup(uint64_t addr, uint64_t *offset)
{
	const struct elf64_sym *best = NULL;
	for (size_t i = 0; i < nsyms; i++) {
		const struct elf64_sym *s = &syms[i];
		if ((s->info & 0xf) != STT_FUNC || s->value > addr)
			continue;
		/* Inside the function, or after it when sizes are missing
		 * (assembly symbols): take the closest one below. */
		if (addr < s->value + s->size) {
			best = s;
			break;
		}
		if (!s->size && (!best || s->value > best->value))
			best = s;
	}
	if (!best || best->name >= strtab_size)
		return NULL;
	if (offset)
		*offset = addr - best->value;
	return strtab + best->name;
}

void symbols_format(uint64_t addr, char *buf, size_t size)
{
	uint64_t off = 0;
	const char *name = symbols_lookup(addr, &off);
	if (name)
		snprintk(buf, size, "<%s+0x%llx>", name, (unsigned long long)off);
	else
		snprintk(buf, size, "<?>");
}
