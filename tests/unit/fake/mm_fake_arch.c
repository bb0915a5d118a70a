/*
 * Host stand-ins for what the memory-management code needs from the rest
 * of the kernel, used only by test_pmm and test_heap (the scheduler tests
 * have their own, fuller fake arch).
 *
 * "Physical memory" is one page-aligned malloc'd buffer: physical address
 * X is byte X of the buffer, which is exactly the kernel's direct map
 * with a different base. kernel_bug() counts and remembers its last
 * message so a test can check that a misuse was reported; panic() can be
 * caught with mm_fake_expect_panic().
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kernel/arch.h>
#include <kernel/panic.h>
#include <kernel/printk.h>

unsigned char *mm_fake_ram;
size_t mm_fake_ram_size;
char mm_fake_last_bug[256];
jmp_buf *mm_fake_panic_jmp; /* set: panic() longjmps here */
unsigned long kernel_bug_count;

void mm_fake_ram_setup(size_t bytes)
{
	if (mm_fake_ram_size != bytes) {
		free(mm_fake_ram);
		mm_fake_ram = aligned_alloc(4096, bytes);
		if (mm_fake_ram == NULL)
			abort();
		mm_fake_ram_size = bytes;
	}
	/* Garbage, not zeros: real RAM is not cleared for us either. */
	memset(mm_fake_ram, 0x3c, bytes);
}

void *arch_phys_to_virt(uint64_t phys)
{
	if (phys >= mm_fake_ram_size) {
		fprintf(stderr, "fake: phys 0x%llx outside fake RAM\n",
		        (unsigned long long)phys);
		abort();
	}
	return mm_fake_ram + phys;
}

/* Pointers outside the buffer map to addresses beyond it, which the page
 * allocator treats as memory it does not manage. */
uint64_t arch_virt_to_phys(const void *virt)
{
	return (uint64_t)((uintptr_t)virt - (uintptr_t)mm_fake_ram);
}

int printk(const char *fmt, ...)
{
	(void)fmt; /* quiet: the tests check state, not log lines */
	return 0;
}

void kernel_bug(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(mm_fake_last_bug, sizeof(mm_fake_last_bug), fmt, ap);
	va_end(ap);
	__atomic_add_fetch(&kernel_bug_count, 1, __ATOMIC_RELAXED);
}

_Noreturn void panic(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(mm_fake_last_bug, sizeof(mm_fake_last_bug), fmt, ap);
	va_end(ap);
	if (mm_fake_panic_jmp)
		longjmp(*mm_fake_panic_jmp, 1);
	fprintf(stderr, "panic: %s\n", mm_fake_last_bug);
	abort();
}
