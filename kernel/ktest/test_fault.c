/*
 * test=fault: a kernel page fault must be reported with its name, error
 * code, the faulting address, registers and a symbolized backtrace, and
 * must end QEMU with the "crashed" status. tests/qemu/expect/fault.*
 * say what the runner looks for; a fault that went unreported, or a hang,
 * fails the group.
 */
#include <stdint.h>
#include <kernel/ktest/ktest.h>

/* volatile: the compiler must not see that this is (nearly) NULL, or it
 * could replace the store with a trap instruction of its own. */
static volatile uintptr_t bad_address = 0x18;

KTEST(fault, null_pointer_write_is_reported)
{
	volatile int *p = (volatile int *)bad_address;
	*p = 42;
	KEXPECT(!"the write to a NULL page did not fault");
}
