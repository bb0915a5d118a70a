/*
 * panic: an unrecoverable kernel error. Prints the message and a
 * backtrace, then stops the machine (in test mode: QEMU exits with a
 * failure status).
 *
 * kernel_bug: a broken rule that the kernel can survive (unlocking a mutex
 * one does not own, ...). Printed with a backtrace as "BUG: ...", counted
 * in kernel_bug_count; a ktest during which one happens fails.
 *
 * kernel_stop: the end after a fatal error: halt, or in test mode end QEMU
 * with the "crashed" status so the runner sees a failure at once.
 */
#ifndef WEFT_PANIC_H
#define WEFT_PANIC_H

__attribute__((format(printf, 1, 2))) _Noreturn void panic(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void kernel_bug(const char *fmt, ...);
extern unsigned long kernel_bug_count;
_Noreturn void kernel_stop(void);

#define KASSERT(cond) \
	do { if (!(cond)) panic("assertion failed: %s (%s:%d)", #cond, __FILE__, __LINE__); } while (0)

#endif
