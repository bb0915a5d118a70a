/*
 * kmain: where the kernel starts, once arch/x86_64/entry.S has a stack.
 *
 * The order matters: the console first (so everything after can speak),
 * then the command line, the memory allocators, the kernel's own page
 * tables, the scheduler and finally the timer that drives it. Then the
 * boot thread becomes the idle thread and the first real thread runs:
 * the demo for `make run`, or the in-kernel tests for test=GROUP.
 */
#include <boot/bootinfo.h>
#include <kernel/arch.h>
#include <kernel/cmdline.h>
#include <kernel/cpu.h>
#include <kernel/demo.h>
#include <kernel/fs/vfs.h>
#include <kernel/proc/process.h>
#include <kernel/syscall/syscall.h>
#include <kernel/ktest/ktest.h>
#include <kernel/mm/pmm.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/sched/sched.h>
#include <kernel/sched/trace.h>
#include <kernel/symbols.h>

void process_init(void);

static uint64_t ms(uint64_t cycles) { return arch_cycles_to_ns(cycles) / 1000000; }

static void banner(const struct weft_boot_info *bi, uint64_t entry_cycles)
{
	uint64_t now = arch_cycles();
	printk("\n");
	printk("Weft: a teaching kernel for processes, threads and schedulers\n");
	printk("  memory   %llu MiB managed, %llu MiB free\n",
	       (unsigned long long)(pmm_total_count() * PAGE_SIZE >> 20),
	       (unsigned long long)(pmm_free_count() * PAGE_SIZE >> 20));
	/* How many of them run, smp.c says once it has started them. */
	if (boot_options.cpus)
		printk("  cpus     %u found in the ACPI MADT, at most %u used (cpus=%u)\n",
		       arch_cpu_count(), boot_options.cpus, boot_options.cpus);
	else
		printk("  cpus     %u found in the ACPI MADT\n", arch_cpu_count());
	printk("  timer    %u Hz, quantum %u ms, policy %s\n",
	       boot_options.hz, boot_options.quantum_ms, boot_options.sched);
	printk("  boot     firmware %llu ms, loader %llu ms, kernel entry to banner %llu ms\n",
	       (unsigned long long)ms(bi->loader_tsc_entry),
	       (unsigned long long)ms(bi->loader_tsc_exit - bi->loader_tsc_entry),
	       (unsigned long long)ms(now - entry_cycles));
	printk("\n");
}

/*
 * The first kernel thread: the file system, then the in-kernel tests
 * (test=GROUP), or the kernel-thread lessons (not in run mode, where only
 * the program's output matters) and init, the first user process.
 */
static void boot_thread(void *arg)
{
	const struct weft_boot_info *bi = arg;

	/* The file system first: its locks are sleeping mutexes, which need
	 * a thread to own them. */
	vfs_init();
	if (bi->initrd_phys)
		initramfs_unpack(arch_phys_to_virt(bi->initrd_phys), bi->initrd_size);

	if (boot_options.test[0])
		ktest_main(boot_options.test);
	if (!boot_options.run)
		demo_main(NULL);
	process_start_init(boot_options.init, boot_options.init_argv, boot_options.run);
}

_Noreturn void kmain(uint64_t bootinfo_phys);

_Noreturn void kmain(uint64_t bootinfo_phys)
{
	uint64_t entry_cycles = arch_cycles();
	/* The loader's page tables map all memory at the direct-map offset
	 * already, so the boot info is reachable before our own tables. */
	const struct weft_boot_info *bi = arch_phys_to_virt(bootinfo_phys);

	cpus[0].id = 0;
	arch_early_init(bi, &cpus[0]);
	printk("weft: kernel entered\n");
	if (bi->magic != WEFT_BOOT_MAGIC || bi->version != WEFT_BOOT_VERSION ||
	    bi->size != sizeof(*bi)) {
		printk("weft: the loader's boot info has version %u, size %u; "
		       "this kernel needs version %u, size %zu. Rebuild both.\n",
		       bi->version, bi->size, WEFT_BOOT_VERSION, sizeof(*bi));
		kernel_stop();
	}
	printk("weft: command line '%s'\n", bi->cmdline);
	cmdline_parse(bi->cmdline);
	symbols_init(arch_phys_to_virt(bi->kernel_elf_phys), bi->kernel_elf_size);

	pmm_init(arch_phys_to_virt(bi->mmap_phys), bi->mmap_count);
	arch_mm_init(bi);

	sched_init(boot_options.sched, boot_options.quantum_ms, boot_options.hz);
	arch_timer_init(bi, boot_options.hz);
	/* Before the first thread, so the trace sees every thread's life. */
	sched_trace_init(boot_options.trace, arch_cpu_count(), SCHED_TRACE_EVENTS_DEFAULT);
	banner(bi, entry_cycles);

	syscall_init();
	process_init();
	if (!kthread_create("boot", boot_thread, (void *)bi))
		panic("cannot create the first kernel thread");
	/* The other CPUs: each starts, becomes its own idle thread and
	 * joins the scheduler; this one follows right after. */
	arch_smp_start();
	sched_start();
}
