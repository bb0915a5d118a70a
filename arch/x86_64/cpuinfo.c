/*
 * Describing a CPU for /proc/cpuinfo: what CPUID says about it.
 *
 * CPUID answers for the CPU that executes it. The CPUs of one machine
 * (and every CPU QEMU gives a guest) are alike, so the caller's CPU
 * answers for all of them; only the local APIC id, which tells the CPUs
 * apart, comes from the CPU asked about (recorded when it was started).
 *
 * The feature names are the ones Linux prints, so that programs that grep
 * /proc/cpuinfo for "avx2" or "sse4_2" find them. Each table below is one
 * CPUID register, in the order Linux lists the words of its feature map.
 */
#include <kernel/arch.h>
#include <kernel/cpu.h>
#include <kernel/lib/string.h>

#include "lapic.h"
#include "x86.h"

enum { EAX, EBX, ECX, EDX };

struct feature_bit {
	uint8_t bit;
	const char *name;
};

struct feature_word {
	uint32_t leaf, subleaf;
	uint8_t reg;
	const struct feature_bit *bits;
	unsigned count;
};

#define WORD(leaf, sub, reg, table) \
	{ leaf, sub, reg, table, sizeof table / sizeof table[0] }

static const struct feature_bit leaf1_edx[] = {
	{ 0, "fpu" }, { 1, "vme" }, { 2, "de" }, { 3, "pse" }, { 4, "tsc" },
	{ 5, "msr" }, { 6, "pae" }, { 7, "mce" }, { 8, "cx8" }, { 9, "apic" },
	{ 11, "sep" }, { 12, "mtrr" }, { 13, "pge" }, { 14, "mca" },
	{ 15, "cmov" }, { 16, "pat" }, { 17, "pse36" }, { 18, "pn" },
	{ 19, "clflush" }, { 21, "dts" }, { 22, "acpi" }, { 23, "mmx" },
	{ 24, "fxsr" }, { 25, "sse" }, { 26, "sse2" }, { 27, "ss" },
	{ 28, "ht" }, { 29, "tm" }, { 30, "ia64" }, { 31, "pbe" },
};

static const struct feature_bit ext1_edx[] = {
	{ 11, "syscall" }, { 19, "mp" }, { 20, "nx" }, { 22, "mmxext" },
	{ 25, "fxsr_opt" }, { 26, "pdpe1gb" }, { 27, "rdtscp" }, { 29, "lm" },
	{ 30, "3dnowext" }, { 31, "3dnow" },
};

/* Bit 27 (OSXSAVE) is left out: it says what the OS did, Linux hides it. */
static const struct feature_bit leaf1_ecx[] = {
	{ 0, "pni" }, { 1, "pclmulqdq" }, { 2, "dtes64" }, { 3, "monitor" },
	{ 4, "ds_cpl" }, { 5, "vmx" }, { 6, "smx" }, { 7, "est" }, { 8, "tm2" },
	{ 9, "ssse3" }, { 10, "cid" }, { 11, "sdbg" }, { 12, "fma" },
	{ 13, "cx16" }, { 14, "xtpr" }, { 15, "pdcm" }, { 17, "pcid" },
	{ 18, "dca" }, { 19, "sse4_1" }, { 20, "sse4_2" }, { 21, "x2apic" },
	{ 22, "movbe" }, { 23, "popcnt" }, { 24, "tsc_deadline_timer" },
	{ 25, "aes" }, { 26, "xsave" }, { 28, "avx" }, { 29, "f16c" },
	{ 30, "rdrand" }, { 31, "hypervisor" },
};

static const struct feature_bit ext1_ecx[] = {
	{ 0, "lahf_lm" }, { 1, "cmp_legacy" }, { 2, "svm" }, { 3, "extapic" },
	{ 4, "cr8_legacy" }, { 5, "abm" }, { 6, "sse4a" }, { 7, "misalignsse" },
	{ 8, "3dnowprefetch" }, { 9, "osvw" }, { 10, "ibs" }, { 11, "xop" },
	{ 12, "skinit" }, { 13, "wdt" }, { 15, "lwp" }, { 16, "fma4" },
	{ 17, "tce" }, { 19, "nodeid_msr" }, { 21, "tbm" }, { 22, "topoext" },
	{ 23, "perfctr_core" }, { 24, "perfctr_nb" }, { 26, "bpext" },
	{ 27, "ptsc" }, { 28, "perfctr_llc" }, { 29, "mwaitx" },
};

static const struct feature_bit leaf7_ebx[] = {
	{ 0, "fsgsbase" }, { 1, "tsc_adjust" }, { 2, "sgx" }, { 3, "bmi1" },
	{ 4, "hle" }, { 5, "avx2" }, { 7, "smep" }, { 8, "bmi2" }, { 9, "erms" },
	{ 10, "invpcid" }, { 11, "rtm" }, { 12, "cqm" }, { 14, "mpx" },
	{ 15, "rdt_a" }, { 16, "avx512f" }, { 17, "avx512dq" }, { 18, "rdseed" },
	{ 19, "adx" }, { 20, "smap" }, { 21, "avx512ifma" }, { 23, "clflushopt" },
	{ 24, "clwb" }, { 25, "intel_pt" }, { 26, "avx512pf" },
	{ 27, "avx512er" }, { 28, "avx512cd" }, { 29, "sha_ni" },
	{ 30, "avx512bw" }, { 31, "avx512vl" },
};

static const struct feature_bit xsave_eax[] = {
	{ 0, "xsaveopt" }, { 1, "xsavec" }, { 2, "xgetbv1" }, { 3, "xsaves" },
};

static const struct feature_bit leaf7_ecx[] = {
	{ 1, "avx512vbmi" }, { 2, "umip" }, { 3, "pku" }, { 4, "ospke" },
	{ 5, "waitpkg" }, { 6, "avx512_vbmi2" }, { 8, "gfni" }, { 9, "vaes" },
	{ 10, "vpclmulqdq" }, { 11, "avx512_vnni" }, { 12, "avx512_bitalg" },
	{ 14, "avx512_vpopcntdq" }, { 16, "la57" }, { 22, "rdpid" },
	{ 25, "cldemote" }, { 27, "movdiri" }, { 28, "movdir64b" },
};

static const struct feature_bit leaf7_edx[] = {
	{ 2, "avx512_4vnniw" }, { 3, "avx512_4fmaps" }, { 4, "fsrm" },
	{ 8, "avx512_vp2intersect" }, { 10, "md_clear" }, { 14, "serialize" },
	{ 16, "tsxldtrk" }, { 18, "pconfig" }, { 19, "arch_lbr" },
	{ 22, "amx_bf16" }, { 23, "avx512_fp16" }, { 24, "amx_tile" },
	{ 25, "amx_int8" }, { 28, "flush_l1d" }, { 29, "arch_capabilities" },
};

static const struct feature_word words[] = {
	WORD(0x00000001, 0, EDX, leaf1_edx),
	WORD(0x80000001, 0, EDX, ext1_edx),
	WORD(0x00000001, 0, ECX, leaf1_ecx),
	WORD(0x80000001, 0, ECX, ext1_ecx),
	WORD(0x00000007, 0, EBX, leaf7_ebx),
	WORD(0x0000000d, 1, EAX, xsave_eax),
	WORD(0x00000007, 0, ECX, leaf7_ecx),
	WORD(0x00000007, 0, EDX, leaf7_edx),
};

/* Append " name" (or "name" first) if it fits whole. */
static void add_flag(char *flags, size_t size, const char *name)
{
	size_t len = strlen(flags), n = strlen(name);
	size_t sep = len ? 1 : 0;
	if (len + sep + n + 1 > size)
		return;
	if (sep)
		flags[len++] = ' ';
	memcpy(flags + len, name, n + 1);
}

/* CPUID registers as characters, in order (vendor and brand strings). */
static void regs_to_chars(char *dst, const uint32_t *regs, unsigned count)
{
	for (unsigned k = 0; k < count; k++)
		for (unsigned b = 0; b < 4; b++)
			dst[k * 4 + b] = (char)(regs[k] >> (8 * b));
}

static void describe_model(struct arch_cpu_description *d, uint32_t max_ext)
{
	uint32_t r[4];

	cpuid(1, 0, r);
	unsigned base_family = (r[EAX] >> 8) & 0xf;
	d->stepping = r[EAX] & 0xf;
	d->family = base_family;
	if (base_family == 0xf)
		d->family += (r[EAX] >> 20) & 0xff;
	d->model = (r[EAX] >> 4) & 0xf;
	if (d->family >= 6)
		d->model |= ((r[EAX] >> 16) & 0xf) << 4;
	d->clflush_bytes = ((r[EBX] >> 8) & 0xff) * 8;

	if (max_ext >= 0x80000004) {
		char brand[49];
		for (unsigned k = 0; k < 3; k++) {
			cpuid(0x80000002 + k, 0, r);
			regs_to_chars(brand + 16 * k, r, 4);
		}
		brand[48] = '\0';
		const char *s = brand;
		while (*s == ' ')
			s++;                /* Intel pads the brand on the left */
		size_t n = strlen(s);
		if (n >= sizeof d->model_name)
			n = sizeof d->model_name - 1;
		memcpy(d->model_name, s, n);
		d->model_name[n] = '\0';
	}
	if (max_ext >= 0x80000006) {
		cpuid(0x80000006, 0, r);
		unsigned l2_kb = r[ECX] >> 16;
		unsigned l3_kb = (r[EDX] >> 18) * 512;
		d->cache_kb = l3_kb > l2_kb ? l3_kb : l2_kb;
	}
	if (max_ext >= 0x80000008) {
		cpuid(0x80000008, 0, r);
		d->phys_bits = r[EAX] & 0xff;
		d->virt_bits = (r[EAX] >> 8) & 0xff;
	}
}

void arch_cpu_describe(unsigned cpu_id, struct arch_cpu_description *d)
{
	uint32_t r[4];

	memset(d, 0, sizeof *d);
	cpuid(0, 0, r);
	d->cpuid_level = r[EAX];
	uint32_t vendor[3] = { r[EBX], r[EDX], r[ECX] };
	regs_to_chars(d->vendor, vendor, 3);
	d->vendor[12] = '\0';
	cpuid(0x80000000, 0, r);
	uint32_t max_ext = r[EAX] >= 0x80000000 && r[EAX] < 0x8000ffff ? r[EAX] : 0;

	describe_model(d, max_ext);
	d->khz = arch_tsc_khz();
	d->apic_id = cpu_id < MAX_CPUS ? cpus[cpu_id].arch.lapic_id : 0;

	for (unsigned w = 0; w < sizeof words / sizeof words[0]; w++) {
		const struct feature_word *fw = &words[w];
		uint32_t top = fw->leaf >= 0x80000000 ? max_ext : d->cpuid_level;
		if (fw->leaf > top)
			continue;
		cpuid(fw->leaf, fw->subleaf, r);
		for (unsigned k = 0; k < fw->count; k++)
			if (r[fw->reg] & (1u << fw->bits[k].bit))
				add_flag(d->flags, sizeof d->flags, fw->bits[k].name);
	}
}
