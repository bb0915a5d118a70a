/*
 * test_fault — a process that does something illegal is killed by a
 * signal, and only that process: touching NULL, reading or jumping into
 * kernel memory, writing to its own program text, a non-canonical
 * address, a privileged instruction (SIGSEGV); an undefined instruction
 * (SIGILL); dividing by zero (SIGFPE). The parent lives on and can still
 * fork afterwards.
 */
#include <signal.h>
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>

#include "guest.h"

#define KERNEL_ADDR ((uintptr_t)0xffffffff80000000ull) /* Weft's (and Linux's) kernel text */
#define KERNEL_HALF ((uintptr_t)0xffff800000000000ull) /* start of the kernel half */
#define NONCANONICAL ((uintptr_t)0x0000800000000000ull) /* in the hole between halves */

static void write_null(void *unused)
{
	(void)unused;
	*(volatile int *)0 = 1;
}

static void read_addr(void *addr) { (void)*(volatile long *)addr; }

static void write_addr(void *addr) { *(volatile long *)addr = 1; }

static void jump_to(void *addr) { ((void (*)(void))addr)(); }

static void write_own_text(void *unused)
{
	(void)unused;
	/* A function's first byte: text is mapped read-only and executable. */
	*(volatile unsigned char *)(void *)write_own_text = 0xc3;
}

static void privileged_instruction(void *unused)
{
	(void)unused;
	__asm__ volatile("hlt"); /* ring 3 may not halt the CPU: #GP */
}

static void undefined_instruction(void *unused)
{
	(void)unused;
	__asm__ volatile("ud2");
}

static void divide_by_zero(void *unused)
{
	(void)unused;
	/* Both volatile, or the compiler computes 1/x without a divide. */
	volatile int zero = 0, one = 1;
	volatile int x = one / zero;
	(void)x;
}

static void expect_signal(void (*fn)(void *), void *arg, int sig)
{
	int st = run_in_child(fn, arg);
	CHECK(st != -1);
	CHECK(WIFSIGNALED(st));
	CHECK_EQ(WTERMSIG(st), sig);
	/* The parent is unharmed: it still runs, and can still fork. */
	pid_t pid = fork();
	if (pid == 0)
		_exit(0);
	CHECK(pid > 0);
	CHECK_EQ(waitpid(pid, &st, 0), pid);
}

static void null_write(void) { expect_signal(write_null, NULL, SIGSEGV); }
static void null_read(void) { expect_signal(read_addr, (void *)0, SIGSEGV); }
static void kernel_read(void) { expect_signal(read_addr, (void *)KERNEL_ADDR, SIGSEGV); }
static void kernel_write(void) { expect_signal(write_addr, (void *)KERNEL_ADDR, SIGSEGV); }
static void kernel_half_read(void) { expect_signal(read_addr, (void *)KERNEL_HALF, SIGSEGV); }
static void kernel_jump(void) { expect_signal(jump_to, (void *)KERNEL_ADDR, SIGSEGV); }
static void text_write(void) { expect_signal(write_own_text, NULL, SIGSEGV); }
static void noncanonical_read(void) { expect_signal(read_addr, (void *)NONCANONICAL, SIGSEGV); }
static void hlt_in_user_mode(void) { expect_signal(privileged_instruction, NULL, SIGSEGV); }
static void ud2_is_sigill(void) { expect_signal(undefined_instruction, NULL, SIGILL); }
static void div_zero_is_sigfpe(void) { expect_signal(divide_by_zero, NULL, SIGFPE); }

int main(void)
{
	guest_begin();
	TAP(null_write);
	TAP(null_read);
	TAP(kernel_read);
	TAP(kernel_write);
	TAP(kernel_half_read);
	TAP(kernel_jump);
	TAP(text_write);
	TAP(noncanonical_read);
	TAP(hlt_in_user_mode);
	TAP(ud2_is_sigill);
	TAP(div_zero_is_sigfpe);
	guest_end();
	return tap_done();
}
