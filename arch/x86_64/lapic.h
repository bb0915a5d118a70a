#ifndef WEFT_LAPIC_H
#define WEFT_LAPIC_H
#include <stdint.h>
void lapic_eoi(void);
uint32_t lapic_id(void);
/* ICR low word: delivery mode (bits 8-10), level assert (bit 14). The
 * destination mode bit (11) stays 0: "physical", the LAPIC id itself. */
#define ICR_FIXED    0x0000u  /* the vector in bits 0-7, as given */
#define ICR_INIT     0x0500u
#define ICR_STARTUP  0x0600u  /* bits 0-7: the start page number */
#define ICR_ASSERT   0x4000u
/* Send an IPI (icr_low: vector and delivery mode) to one LAPIC id;
 * interrupts must be off. */
void lapic_send_ipi(uint32_t dest_lapic_id, uint32_t icr_low);
void lapic_init_ap(void);
void clock_start(void);
uint64_t arch_tsc_khz(void);
#endif
