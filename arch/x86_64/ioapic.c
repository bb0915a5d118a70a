/*
 * The I/O APIC routes device interrupts (here: the serial port's) to a
 * CPU's local APIC. Each input pin has a 64-bit redirection entry: the
 * vector to raise, the trigger mode and polarity, the destination CPU.
 */
#include <kernel/arch.h>
#include "acpi.h"
#include "ioapic.h"
#include "x86.h"

static uintptr_t ioapic;
static uint32_t gsi_base;

static void write_reg(uint32_t reg, uint32_t v)
{
	mmio_write32(ioapic, reg);        /* IOREGSEL */
	mmio_write32(ioapic + 0x10, v);   /* IOWIN */
}

void ioapic_init(const struct acpi_info *acpi)
{
	if (!acpi->ioapic_phys)
		return;
	ioapic = (uintptr_t)arch_phys_to_virt(acpi->ioapic_phys);
	gsi_base = acpi->ioapic_gsi_base;
}

bool ioapic_route_isa(const struct acpi_info *acpi, unsigned irq, unsigned vector, unsigned lapic_id)
{
	if (!ioapic || irq >= 16)
		return false;
	uint32_t gsi = acpi->isa_gsi[irq] - gsi_base;
	uint32_t lo = vector;
	/* ISA interrupts are edge-triggered, active high, unless the MADT
	 * overrides it (flags: bits 0-1 polarity, 2-3 trigger; 3 = low/level). */
	uint16_t f = acpi->isa_flags[irq];
	if ((f & 3) == 3)
		lo |= 1u << 13;
	if (((f >> 2) & 3) == 3)
		lo |= 1u << 15;
	write_reg(0x10 + 2 * gsi + 1, lapic_id << 24);
	write_reg(0x10 + 2 * gsi, lo);
	return true;
}
