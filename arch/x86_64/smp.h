#ifndef WEFT_SMP_H
#define WEFT_SMP_H
/* Private to arch/x86_64: what smp.c needs from the earlier bring-up. */
struct acpi_info;
struct weft_boot_info;
/* arch_early_init: the memory map is where the start-up page comes from. */
void smp_record_boot_info(const struct weft_boot_info *bi);
/* arch_timer_init: the LAPIC ids of the MADT's CPUs. */
void smp_record_cpus(const struct acpi_info *acpi);
#endif
