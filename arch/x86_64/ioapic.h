#ifndef WEFT_IOAPIC_H
#define WEFT_IOAPIC_H
#include <stdbool.h>
struct acpi_info;
void ioapic_init(const struct acpi_info *acpi);
bool ioapic_route_isa(const struct acpi_info *acpi, unsigned irq, unsigned vector, unsigned lapic_id);
#endif
