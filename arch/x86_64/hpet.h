#ifndef WEFT_HPET_H
#define WEFT_HPET_H
#include <stdbool.h>
#include <stdint.h>
bool hpet_init(uint64_t phys);
uint64_t hpet_ticks_for_us(unsigned us);
uint32_t hpet_now(void);
void hpet_wait_until(uint32_t start, uint64_t ticks);
/* Microseconds since the counter read start (intervals below a few s). */
uint64_t hpet_us_since(uint32_t start);
#endif
