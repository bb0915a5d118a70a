/*
 * The kernel heap. kmalloc returns memory aligned to 16 bytes (a whole
 * page or more, page aligned, for sizes of a page and up); kfree(NULL)
 * does nothing. Debug builds fill freed memory with 0x6b so a use after
 * free shows up as 0x6b6b6b6b... instead of silently working.
 */
#ifndef WEFT_HEAP_H
#define WEFT_HEAP_H

#include <stddef.h>

void *kmalloc(size_t size);
void *kzalloc(size_t size);
void kfree(void *p);

#endif
