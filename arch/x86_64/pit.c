/*
 * The legacy 8254 programmable interval timer, used only as a ruler: its
 * input clock is a fixed 1.193182 MHz, so counting it down measures a
 * known interval, against which we calibrate the LAPIC timer and the TSC
 * (whose rates the CPU does not tell us under QEMU).
 *
 * Channel 2 is the one whose output can be read back (bit 5 of port
 * 0x61), so we can poll it without an interrupt handler.
 */
#include <stdint.h>
#include "x86.h"
#include "pit.h"

#define PIT_HZ 1193182u
#define PIT_CH2 0x42
#define PIT_CMD 0x43
#define PORT_B 0x61

void pit_wait_start(unsigned us)
{
	uint32_t count = (uint32_t)((uint64_t)PIT_HZ * us / 1000000u);
	if (count > 0xffff)
		count = 0xffff;
	/* Gate off and speaker off while we program the channel. */
	outb(PORT_B, (inb(PORT_B) & ~0x03));
	outb(PIT_CMD, 0xB0);       /* channel 2, lo/hi byte, mode 0 (one shot) */
	outb(PIT_CH2, count & 0xff);
	outb(PIT_CH2, count >> 8);
	outb(PORT_B, (inb(PORT_B) & ~0x02) | 0x01); /* gate on: count down */
}

void pit_wait_end(void)
{
	while (!(inb(PORT_B) & 0x20)) /* OUT goes high when it reaches 0 */
		;
}

/* Mask the two legacy 8259 PICs: we use the LAPIC. Remap first, so a
 * stray interrupt that was already pending cannot look like an exception. */
void pic_disable(void)
{
	outb(0x20, 0x11); outb(0xA0, 0x11);   /* init, expect ICW4 */
	outb(0x21, 0x20); outb(0xA1, 0x28);   /* vectors 0x20.. and 0x28.. */
	outb(0x21, 0x04); outb(0xA1, 0x02);   /* cascade wiring */
	outb(0x21, 0x01); outb(0xA1, 0x01);   /* 8086 mode */
	outb(0x21, 0xff); outb(0xA1, 0xff);   /* mask everything */
}
