#ifndef WEFT_PAGING_H
#define WEFT_PAGING_H
#include <stdint.h>

#define PTE_P   (1ull << 0)   /* present */
#define PTE_W   (1ull << 1)   /* writable */
#define PTE_U   (1ull << 2)   /* user accessible */
#define PTE_PCD (1ull << 4)   /* cache disable (MMIO) */
#define PTE_PS  (1ull << 7)   /* a large page (2 MiB / 1 GiB) */
#define PTE_G   (1ull << 8)   /* global: kept in the TLB across CR3 loads */
#define PTE_NX  (1ull << 63)  /* no execute */
#define PTE_ADDR 0x000ffffffffff000ull

uint64_t paging_kernel_pml4(void);
#endif
