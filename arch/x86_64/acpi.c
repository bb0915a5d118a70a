/*
 * Just enough ACPI to count the CPUs: RSDP -> XSDT (or RSDT) -> MADT,
 * whose "processor local APIC" entries list one CPU each.
 */
#include <boot/bootinfo.h>
#include <kernel/arch.h>
#include <kernel/lib/string.h>
#include <kernel/printk.h>
#include "acpi.h"

struct rsdp {
	char signature[8];
	uint8_t checksum;
	char oem[6];
	uint8_t revision;
	uint32_t rsdt;
	uint32_t length;
	uint64_t xsdt;
	uint8_t xchecksum;
	uint8_t reserved[3];
} __attribute__((packed));

struct sdt_header {
	char signature[4];
	uint32_t length;
	uint8_t revision, checksum;
	char oem[6], oem_table[8];
	uint32_t oem_revision, creator, creator_revision;
} __attribute__((packed));

struct madt {
	struct sdt_header h;
	uint32_t lapic_addr;
	uint32_t flags;
	uint8_t entries[];
} __attribute__((packed));

#define MADT_LAPIC 0
#define MADT_IOAPIC 1
#define MADT_OVERRIDE 2
#define LAPIC_ENABLED 1
#define LAPIC_ONLINE_CAPABLE 2

static bool checksum_ok(const void *p, size_t n)
{
	uint8_t sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += ((const uint8_t *)p)[i];
	return sum == 0;
}

static const struct sdt_header *find_table(const struct rsdp *r, const char *sig)
{
	bool x = r->revision >= 2 && r->xsdt;
	const struct sdt_header *root = arch_phys_to_virt(x ? r->xsdt : r->rsdt);
	size_t width = x ? 8 : 4;
	size_t n = (root->length - sizeof(*root)) / width;
	const uint8_t *ptrs = (const uint8_t *)(root + 1);

	for (size_t i = 0; i < n; i++) {
		uint64_t phys = 0;
		memcpy(&phys, ptrs + i * width, width);
		const struct sdt_header *t = arch_phys_to_virt(phys);
		if (memcmp(t->signature, sig, 4) == 0 && checksum_ok(t, t->length))
			return t;
	}
	return NULL;
}

/* The HPET table holds the timer block's address in a "generic address
 * structure" right after the header and a 32-bit block id. */
static uint64_t hpet_address(const struct sdt_header *t)
{
	uint64_t a = 0;
	if (t && t->length >= sizeof(*t) + 4 + 12)
		memcpy(&a, (const uint8_t *)t + sizeof(*t) + 4 + 4, 8);
	return a;
}

struct acpi_info acpi_scan(uint64_t rsdp_phys)
{
	struct acpi_info info = { .cpus = 1, .lapic_phys = 0xfee00000 };
	if (!rsdp_phys) {
		printk("acpi: no RSDP from the loader; assuming 1 CPU\n");
		return info;
	}
	const struct rsdp *r = arch_phys_to_virt(rsdp_phys);
	if (memcmp(r->signature, "RSD PTR ", 8) != 0 || !checksum_ok(r, 20)) {
		printk("acpi: bad RSDP; assuming 1 CPU\n");
		return info;
	}
	info.hpet_phys = hpet_address(find_table(r, "HPET"));
	const struct madt *m = (const struct madt *)find_table(r, "APIC");
	if (!m) {
		printk("acpi: no MADT; assuming 1 CPU\n");
		return info;
	}
	info.lapic_phys = m->lapic_addr;
	info.cpus = 0;
	for (int i = 0; i < 16; i++)
		info.isa_gsi[i] = (uint32_t)i; /* identity unless overridden */
	for (const uint8_t *e = m->entries; e < (const uint8_t *)m + m->h.length; e += e[1]) {
		if (e[1] < 2)
			break; /* a zero-length entry would loop forever */
		if (e[0] == MADT_IOAPIC && e[1] >= 12 && !info.ioapic_phys) {
			uint32_t addr, gsi;
			memcpy(&addr, e + 4, 4);
			memcpy(&gsi, e + 8, 4);
			info.ioapic_phys = addr;
			info.ioapic_gsi_base = gsi;
		}
		if (e[0] == MADT_OVERRIDE && e[1] >= 10 && e[3] < 16) {
			uint32_t gsi;
			uint16_t flags;
			memcpy(&gsi, e + 4, 4);
			memcpy(&flags, e + 8, 2);
			info.isa_gsi[e[3]] = gsi;
			info.isa_flags[e[3]] = flags;
		}
		if (e[0] == MADT_LAPIC && e[1] >= 8) {
			uint32_t flags;
			memcpy(&flags, e + 4, 4);
			if ((flags & (LAPIC_ENABLED | LAPIC_ONLINE_CAPABLE)) &&
			    info.cpus < ACPI_MAX_CPUS)
				info.lapic_ids[info.cpus++] = e[3];
		}
	}
	if (info.cpus == 0)
		info.cpus = 1;
	return info;
}
