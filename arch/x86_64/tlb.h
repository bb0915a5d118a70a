#ifndef WEFT_TLB_H
#define WEFT_TLB_H
#include <stdint.h>
/* Register the shoot-down vector (before any other CPU starts). */
void tlb_init(void);
/*
 * The entry for va in page table root changed: make every CPU forget its
 * old translation (this one too) before returning. The caller has
 * written the entry already and holds no spinlock.
 */
void tlb_shootdown(uint64_t root, uint64_t va);
#endif
