/*
 * Function names for addresses, read from the kernel's own ELF symbol
 * table (the loader keeps the file in memory for this).
 */
#ifndef WEFT_SYMBOLS_H
#define WEFT_SYMBOLS_H
#include <stddef.h>
#include <stdint.h>
void symbols_init(const void *elf, size_t size);
/* The function containing addr, and addr's offset in it; NULL if none. */
const char *symbols_lookup(uint64_t addr, uint64_t *offset);
/* "<name+0x1f>" or "<?>" into buf. */
void symbols_format(uint64_t addr, char *buf, size_t size);
#endif
