/*
 * Finding the ACPI RSDP, the root from which the kernel finds the MADT
 * (CPUs, LAPIC and IOAPIC addresses) and the other ACPI tables.
 *
 * On a PC BIOS one scans low memory for "RSD PTR "; under UEFI the
 * firmware simply lists it in the system configuration table, tagged with
 * a GUID. ACPI 2.0+ tables (with the 64-bit XSDT) are preferred; the
 * 1.0 entry is kept as a fallback for very old firmware.
 */
#include "loader.h"

static EFI_GUID acpi20_guid = ACPI_20_TABLE_GUID;
static EFI_GUID acpi10_guid = ACPI_TABLE_GUID;

UINT64 acpi_find_rsdp(void)
{
	UINT64 rsdp_v1 = 0;
	for (UINTN i = 0; i < ST->NumberOfTableEntries; i++) {
		EFI_CONFIGURATION_TABLE *t = &ST->ConfigurationTable[i];
		if (CompareGuid(&t->VendorGuid, &acpi20_guid) == 0)
			return (UINT64)t->VendorTable;
		if (CompareGuid(&t->VendorGuid, &acpi10_guid) == 0)
			rsdp_v1 = (UINT64)t->VendorTable;
	}
	return rsdp_v1;
}
