/*
 * The local APIC: this CPU's interrupt controller and its timer.
 *
 * The timer counts down from an initial count at a rate nobody tells us,
 * so we measure it against the HPET (hpet.c) or else the PIT (pit.c) and then program it to fire
 * hz times a second in periodic mode; every tick goes to sched_tick().
 * The same measurement gives the TSC's rate, from which arch_clock_ns()
 * makes a monotonic nanosecond clock.
 */
#include <boot/bootinfo.h>
#include <kernel/arch.h>
#include <kernel/cpu.h>
#include <kernel/printk.h>
#include <kernel/sched/sched.h>
#include "acpi.h"
#include "lapic.h"
#include "hpet.h"
#include "ioapic.h"
#include "serial.h"
#include "pit.h"
#include "smp.h"
#include "trap.h"
#include "x86.h"

enum {
	LAPIC_ID = 0x20,
	LAPIC_EOI = 0xB0,
	LAPIC_SVR = 0xF0,
	LAPIC_ICR_LOW = 0x300,  /* writing it sends the IPI */
	LAPIC_ICR_HIGH = 0x310, /* bits 24-31: the destination's LAPIC id */
	LAPIC_LVT_TIMER = 0x320,
	LAPIC_TIMER_INIT = 0x380,
	LAPIC_TIMER_CURRENT = 0x390,
	LAPIC_TIMER_DIVIDE = 0x3E0,
};
#define SVR_ENABLE       0x100
#define LVT_MASKED       (1u << 16)
#define LVT_PERIODIC     (1u << 17)
#define DIVIDE_BY_16     0x3
#define ICR_BUSY         (1u << 12) /* delivery status: still sending */

#define CALIBRATE_US 10000 /* 10 ms a round: precise enough, short for boot */

static uintptr_t lapic;          /* virtual address of the registers */
static unsigned cpu_count = 1;
static uint64_t tsc_at_boot;
static uint64_t tsc_khz;         /* TSC cycles per millisecond */
static uint64_t ns_per_cycle_q32; /* nanoseconds per cycle, times 2^32 */
static uint64_t lapic_ticks_per_ms; /* at divide-by-16 */
static uint32_t timer_count;     /* initial count for one tick: the same on every CPU */

static uint32_t lapic_read(unsigned reg) { return mmio_read32(lapic + reg); }
static void lapic_write(unsigned reg, uint32_t v) { mmio_write32(lapic + reg, v); }

void lapic_eoi(void) { lapic_write(LAPIC_EOI, 0); }

/* Every CPU sees its own LAPIC at the same address; the ID register says
 * which one it is (bits 24-31 in xAPIC mode). */
uint32_t lapic_id(void) { return lapic_read(LAPIC_ID) >> 24; }

void lapic_send_ipi(uint32_t dest_lapic_id, uint32_t icr_low)
{
	/* The ICR holds one IPI at a time: wait until the previous one has
	 * left. The caller has interrupts off, so no interrupt handler on
	 * this CPU can slip its own IPI between the two writes below. */
	while (lapic_read(LAPIC_ICR_LOW) & ICR_BUSY)
		__asm__ volatile("pause");
	lapic_write(LAPIC_ICR_HIGH, dest_lapic_id << 24);
	lapic_write(LAPIC_ICR_LOW, icr_low); /* this write sends it */
}

void clock_start(void) { tsc_at_boot = rdtsc(); }

uint64_t arch_cycles_to_ns(uint64_t cycles)
{
	/* A multiply and a shift: no 128-bit division in the kernel. */
	return (uint64_t)(((unsigned __int128)cycles * ns_per_cycle_q32) >> 32);
}

uint64_t arch_clock_ns(void) { return arch_cycles_to_ns(rdtsc() - tsc_at_boot); }

uint64_t arch_tsc_khz(void) { return tsc_khz; }

unsigned arch_cpu_count(void) { return cpu_count; }

static void timer_interrupt(struct trap_frame *f)
{
	lapic_eoi(); /* first: the next tick may be queued while we work */
	sched_tick(f->cs & 3); /* from user mode? (for /proc/stat) */
}

static void spurious_interrupt(struct trap_frame *f)
{
	(void)f; /* no EOI for spurious interrupts, by the APIC's rules */
}

/*
 * One measurement: run the LAPIC timer and the TSC for about
 * CALIBRATE_US by the ruler (HPET, else PIT) and see how far each got,
 * per millisecond. With the HPET we divide by the time that really
 * passed between the first and the last reading, not the time we asked
 * for: under QEMU the virtual CPU can be paused for milliseconds at any
 * instruction, and a pause between the end of the wait and the readings
 * would otherwise inflate both rates (we saw +18% on a busy host).
 */
static void measure(bool use_hpet, uint64_t *lapic_per_ms, uint64_t *tsc_per_ms)
{
	uint64_t tsc0, tsc1, us = CALIBRATE_US;
	uint32_t left;

	lapic_write(LAPIC_TIMER_DIVIDE, DIVIDE_BY_16);
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
	if (use_hpet) {
		uint32_t start = hpet_now();
		tsc0 = rdtsc();
		lapic_write(LAPIC_TIMER_INIT, 0xffffffff);
		hpet_wait_until(start, hpet_ticks_for_us(CALIBRATE_US));
		left = lapic_read(LAPIC_TIMER_CURRENT);
		tsc1 = rdtsc();
		us = hpet_us_since(start);
	} else {
		pit_wait_start(CALIBRATE_US);
		tsc0 = rdtsc();
		lapic_write(LAPIC_TIMER_INIT, 0xffffffff);
		pit_wait_end();
		left = lapic_read(LAPIC_TIMER_CURRENT);
		tsc1 = rdtsc();
	}
	lapic_write(LAPIC_TIMER_INIT, 0);
	if (!us)
		us = 1;
	*lapic_per_ms = (uint64_t)(0xffffffffu - left) * 1000 / us;
	*tsc_per_ms = (tsc1 - tsc0) * 1000 / us;
}

/* The median of several short measurements: one disturbed by a pause of
 * the virtual CPU cannot move it. */
#define CALIBRATE_ROUNDS 5

static uint64_t median(uint64_t *v, int n)
{
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint64_t t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v[n / 2];
}

static const char *calibrate(bool use_hpet)
{
	uint64_t lapic[CALIBRATE_ROUNDS], tsc[CALIBRATE_ROUNDS];
	for (int i = 0; i < CALIBRATE_ROUNDS; i++)
		measure(use_hpet, &lapic[i], &tsc[i]);
	lapic_ticks_per_ms = median(lapic, CALIBRATE_ROUNDS);
	tsc_khz = median(tsc, CALIBRATE_ROUNDS);
	if (!lapic_ticks_per_ms)
		lapic_ticks_per_ms = 1;
	if (!tsc_khz)
		tsc_khz = 1;
	ns_per_cycle_q32 = (1000000ull << 32) / tsc_khz;
	return use_hpet ? "HPET" : "PIT";
}

static void start_periodic_timer(void)
{
	lapic_write(LAPIC_TIMER_DIVIDE, DIVIDE_BY_16);
	lapic_write(LAPIC_LVT_TIMER, VEC_TIMER | LVT_PERIODIC);
	lapic_write(LAPIC_TIMER_INIT, timer_count);
}

/*
 * Another CPU's LAPIC (smp.c), with interrupts still off: accept
 * interrupts, and tick at the rate the boot CPU measured. All LAPIC
 * timers of a machine run from the same clock, so measuring again would
 * only cost 50 ms per CPU and give a slightly different count.
 */
void lapic_init_ap(void)
{
	lapic_write(LAPIC_SVR, SVR_ENABLE | VEC_SPURIOUS);
	start_periodic_timer();
}

void arch_timer_init(const struct weft_boot_info *bi, unsigned hz)
{
	struct acpi_info acpi = acpi_scan(bi->rsdp_phys);
	cpu_count = acpi.cpus;

	pic_disable();
	ioapic_init(&acpi);
	/* The LAPIC base: the MADT's word, else the MSR's. */
	uint64_t base = acpi.lapic_phys ? acpi.lapic_phys : (rdmsr(MSR_APIC_BASE) & ~0xfffull);
	lapic = (uintptr_t)arch_phys_to_virt(base);
	lapic_write(LAPIC_SVR, SVR_ENABLE | VEC_SPURIOUS);

	irq_set_handler(VEC_TIMER, timer_interrupt);
	irq_set_handler(VEC_SPURIOUS, spurious_interrupt);

	const char *ruler = calibrate(hpet_init(acpi.hpet_phys));
	uint64_t count = lapic_ticks_per_ms * 1000 / hz;
	if (count == 0)
		count = 1;
	if (count > 0xffffffffu)
		count = 0xffffffffu;
	timer_count = (uint32_t)count;
	start_periodic_timer();
	serial_enable_input(&acpi);
	/* The boot CPU is cpus[0]; its LAPIC id is whatever the hardware
	 * says (usually 0, but nothing promises it). smp.c starts the rest
	 * from the MADT's list. */
	cpus[0].arch.lapic_id = lapic_id();
	smp_record_cpus(&acpi);
	printk("timer: LAPIC %llu kHz (/16), TSC %llu MHz (measured against the %s), tick %u Hz\n",
	       (unsigned long long)lapic_ticks_per_ms, (unsigned long long)(tsc_khz / 1000), ruler, hz);
}
