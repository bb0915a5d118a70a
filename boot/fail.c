/*
 * Stopping on an error: one line that says what went wrong, then an end
 * that nobody can mistake for a hang.
 *
 * Under QEMU with the isa-debug-exit device, the write to port 0xf4 ends
 * the emulator at once with status (0x7f << 1) | 1, so a test runner sees
 * the failure instead of waiting for its timeout. On real hardware nothing
 * listens on that port and we simply halt with the message on screen.
 */
#include "loader.h"

#define DEBUG_EXIT_PORT 0xf4
#define DEBUG_EXIT_FAIL 0x7f

/* Set by memmap.c once ExitBootServices has been attempted: from then on
 * the firmware console may be gone, so messages go to COM1 directly. */
BOOLEAN loader_boot_services_gone;

#define COM1 0x3f8

static inline UINT8 inb(UINT16 port)
{
	UINT8 v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

/* The firmware already programmed the UART; we only wait for the
 * transmit holding register to be empty (line status bit 5). */
static void serial_putc(char c)
{
	for (int spin = 0; spin < 100000 && !(inb(COM1 + 5) & 0x20); spin++)
		;
	outb(COM1, (UINT8)c);
}

static void serial_puts16(const CHAR16 *s)
{
	for (; *s; s++)
		serial_putc(*s < 0x80 ? (char)*s : '?');
}

static void serial_puthex(UINT64 v)
{
	serial_puts16(L"0x");
	for (int shift = 60; shift >= 0; shift -= 4)
		serial_putc("0123456789abcdef"[(v >> shift) & 0xf]);
}

void loader_stop(void)
{
	if (loader_boot_services_gone) {
		serial_puts16(L"weft-loader: stopped.\r\n");
	} else {
		Print(L"weft-loader: stopped.\n");
		/* The UEFI watchdog would reset the machine after 5 minutes
		 * and hide the message; the user should get to read it. */
		BS->SetWatchdogTimer(0, 0, 0, NULL);
	}
	outb(DEBUG_EXIT_PORT, DEBUG_EXIT_FAIL);
	for (;;)
		__asm__ volatile("cli; hlt");
}

void loader_fail(const CHAR16 *what, EFI_STATUS status)
{
	if (loader_boot_services_gone) {
		serial_puts16(L"weft-loader: error: ");
		serial_puts16(what);
		serial_puts16(L" (");
		serial_puthex(status);
		serial_puts16(L")\r\n");
	} else {
		Print(L"weft-loader: error: %s (%r)\n", what, status);
	}
	loader_stop();
}

/* Only used while boot services are up (files are read early). */
void loader_fail_file(const CHAR16 *what, const CHAR16 *path, EFI_STATUS status)
{
	Print(L"weft-loader: error: %s %s (%r)\n", what, path, status);
	loader_stop();
}
