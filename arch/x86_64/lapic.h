#ifndef WEFT_LAPIC_H
#define WEFT_LAPIC_H
#include <stdint.h>
void lapic_eoi(void);
void clock_start(void);
uint64_t arch_tsc_khz(void);
#endif
