#ifndef WEFT_ACPI_H
#define WEFT_ACPI_H
#include <stdint.h>
#define ACPI_MAX_CPUS 64
struct acpi_info {
	unsigned cpus;
	uint64_t lapic_phys;
	uint64_t hpet_phys; /* 0: no HPET */
	uint8_t lapic_ids[ACPI_MAX_CPUS];
};
struct acpi_info acpi_scan(uint64_t rsdp_phys);
#endif
