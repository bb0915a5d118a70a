#ifndef WEFT_ACPI_H
#define WEFT_ACPI_H
#include <stdint.h>
#define ACPI_MAX_CPUS 64
struct acpi_info {
	unsigned cpus;
	uint64_t lapic_phys;
	uint64_t hpet_phys; /* 0: no HPET */
	uint64_t ioapic_phys; /* the first I/O APIC; 0: none */
	uint32_t ioapic_gsi_base;
	uint32_t isa_gsi[16]; /* ISA IRQ -> global system interrupt (overrides) */
	uint16_t isa_flags[16]; /* polarity/trigger bits of the override */
	uint8_t lapic_ids[ACPI_MAX_CPUS];
};
struct acpi_info acpi_scan(uint64_t rsdp_phys);
#endif
