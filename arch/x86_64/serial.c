/*
 * The kernel console: COM1, a 16550 UART at I/O port 0x3f8. QEMU's
 * -serial stdio connects it to the terminal (and the test runner).
 */
#include <stdbool.h>
#include <kernel/arch.h>
#include "x86.h"
#include "serial.h"
#include "acpi.h"
#include "ioapic.h"
#include "lapic.h"
#include "trap.h"
#include <kernel/fs/tty.h>
#include <kernel/sync/spinlock.h>

#define COM1 0x3f8

enum { DATA = 0, IER = 1, FCR = 2, LCR = 3, MCR = 4, LSR = 5 };
#define LSR_THR_EMPTY 0x20

void serial_init(void)
{
	outb(COM1 + IER, 0x00);  /* no UART interrupts yet: we poll */
	outb(COM1 + LCR, 0x80);  /* DLAB on: the next two bytes set the speed */
	outb(COM1 + DATA, 1);    /* divisor 1 = 115200 baud */
	outb(COM1 + IER, 0);
	outb(COM1 + LCR, 0x03);  /* 8 data bits, no parity, 1 stop bit */
	outb(COM1 + FCR, 0xC7);  /* FIFOs on and cleared */
	outb(COM1 + MCR, 0x03);  /* DTR, RTS */
}

static void serial_putc(char c)
{
	while (!(inb(COM1 + LSR) & LSR_THR_EMPTY))
		;
	outb(COM1 + DATA, (uint8_t)c);
}

/* The receive interrupt: hand every waiting byte to the console tty. */
static void serial_interrupt(struct trap_frame *f)
{
	(void)f;
	while (inb(COM1 + LSR) & 1)
		tty_receive_char((char)inb(COM1 + DATA));
	lapic_eoi();
}

void serial_enable_input(const struct acpi_info *acpi)
{
	irq_set_handler(VEC_SERIAL, serial_interrupt);
	if (!ioapic_route_isa(acpi, 4, VEC_SERIAL, 0))
		return;
	outb(COM1 + IER, 0x01);  /* interrupt when a byte arrives */
	outb(COM1 + MCR, 0x0B);  /* DTR, RTS, OUT2 (gates the IRQ line on PCs) */
}

/*
 * Two writers reach the port: printk (which formats a whole message first
 * and holds its own lock while writing it) and the console tty (user
 * programs' output, in chunks). On several CPUs their bytes would mix
 * mid-line -- a kernel message in the middle of a test's "ok 3" line --
 * so each write goes out whole, under this lock.
 */
static struct spinlock serial_lock = SPINLOCK_INIT("serial");

void arch_console_write(const char *s, size_t n)
{
	unsigned long f = spin_lock_irqsave(&serial_lock);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			serial_putc('\r'); /* terminals want CR LF */
		serial_putc(s[i]);
	}
	spin_unlock_irqrestore(&serial_lock, f);
}
