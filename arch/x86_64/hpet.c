/*
 * The HPET (high precision event timer): a free-running counter whose
 * period the hardware states exactly (in femtoseconds). That makes it the
 * best ruler for calibrating the LAPIC timer and the TSC; the PIT is the
 * fallback when a machine has no HPET.
 */
#include <kernel/arch.h>
#include "hpet.h"
#include "x86.h"

enum { HPET_CAP = 0x00, HPET_CONFIG = 0x10, HPET_COUNTER = 0xF0 };
#define HPET_ENABLE 1

static uintptr_t hpet;
static uint64_t period_fs; /* femtoseconds per counter tick */

static uint64_t read64(unsigned reg)
{
	/* Two 32-bit reads: the counter may be 32 bits wide, and 64-bit
	 * MMIO reads are not guaranteed on every implementation. */
	uint32_t lo = mmio_read32(hpet + reg), hi = mmio_read32(hpet + reg + 4);
	return ((uint64_t)hi << 32) | lo;
}

bool hpet_init(uint64_t phys)
{
	if (!phys)
		return false;
	hpet = (uintptr_t)arch_phys_to_virt(phys);
	period_fs = read64(HPET_CAP) >> 32;
	if (period_fs == 0 || period_fs > 100000000) /* the spec's 100 ns cap */
		return false;
	mmio_write32(hpet + HPET_CONFIG, mmio_read32(hpet + HPET_CONFIG) | HPET_ENABLE);
	return true;
}

/* The low 32 bits are enough for intervals far below a second, and wrap
 * arithmetic keeps them right across an overflow. */
static uint32_t now(void) { return mmio_read32(hpet + HPET_COUNTER); }

uint64_t hpet_ticks_for_us(unsigned us) { return (uint64_t)us * 1000000000ull / period_fs; }

uint32_t hpet_now(void) { return now(); }

uint64_t hpet_us_since(uint32_t start)
{
	return (uint64_t)(uint32_t)(now() - start) * period_fs / 1000000000ull;
}

void hpet_wait_until(uint32_t start, uint64_t ticks)
{
	while ((uint32_t)(now() - start) < ticks)
		;
}
