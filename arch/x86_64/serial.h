#ifndef WEFT_SERIAL_H
#define WEFT_SERIAL_H
void serial_init(void);
struct acpi_info;
/* Start receiving: COM1 interrupts through the I/O APIC to the tty. */
void serial_enable_input(const struct acpi_info *acpi);
#endif
