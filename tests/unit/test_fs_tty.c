/*
 * The tty line discipline, fed one character at a time as the serial
 * interrupt would: line editing (backspace, DEL, ^U), echo, CR -> NL,
 * ^D as end of file or as "hand over this partial line", ^C signalling
 * the foreground group and discarding input, the ioctls musl and a
 * shell use, and raw mode.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <kernel/errno.h>
#include <kernel/fs/tty.h>
#include <kernel/proc/process.h>

#include "fake.h"
#include "fs_fake_harness.h"

static char echoed[1024];
static size_t echoed_len;

static void capture(const char *s, size_t n)
{
	memcpy(echoed + echoed_len, s, n);
	echoed_len += n;
	echoed[echoed_len] = '\0';
}

static struct tty t;

static void type(const char *s)
{
	while (*s)
		tty_input(&t, *s++);
}

/* A non-blocking read of what is ready, as a string. */
static long readline(char *buf, size_t n)
{
	long r = tty_read(&t, iobuf_kernel(buf), n - 1, true);
	buf[r > 0 ? r : 0] = '\0';
	return r;
}

static int setup(void **state)
{
	(void)state;
	fake_reset("rr", 10, 1000);
	memset(&fake_last_signal, 0, sizeof fake_last_signal);
	echoed_len = 0;
	echoed[0] = '\0';
	tty_init(&t, capture);
	return 0;
}

static void test_line_editing_and_echo(void **state)
{
	(void)state;
	char buf[64];
	type("ab");
	assert_int_equal(readline(buf, sizeof buf), -EAGAIN);  /* no line yet */
	type("\x7f" "c\b" "d\r");
	assert_int_equal(readline(buf, sizeof buf), 3);
	assert_string_equal(buf, "ad\n");
	assert_string_equal(echoed, "ab\b \bc\b \bd\n");
	/* Backspace on an empty line does nothing. */
	echoed_len = 0;
	type("\x7f" "x\n");
	assert_int_equal(readline(buf, sizeof buf), 2);
	assert_string_equal(buf, "x\n");
	assert_string_equal(echoed, "x\n");
}

static void test_kill_line(void **state)
{
	(void)state;
	char buf[64];
	type("wrong\x15" "right\n");
	assert_int_equal(readline(buf, sizeof buf), 6);
	assert_string_equal(buf, "right\n");
	assert_non_null(strstr(echoed, "\b \b\b \b\b \b\b \b\b \bright"));
}

static void test_lines_come_one_per_read(void **state)
{
	(void)state;
	char buf[64];
	type("one\ntwo\n");
	assert_int_equal(readline(buf, sizeof buf), 4);
	assert_string_equal(buf, "one\n");
	/* A short read leaves the rest of the line for the next one. */
	assert_int_equal(readline(buf, 3), 2);
	assert_string_equal(buf, "tw");
	assert_int_equal(readline(buf, sizeof buf), 2);
	assert_string_equal(buf, "o\n");
}

static void test_eof(void **state)
{
	(void)state;
	char buf[64];
	type("\x04");
	assert_int_equal(readline(buf, sizeof buf), 0);         /* end of file */
	assert_int_equal(readline(buf, sizeof buf), -EAGAIN);   /* only once */
	type("part\x04" "next\n");
	assert_int_equal(readline(buf, sizeof buf), 4);
	assert_string_equal(buf, "part");
	assert_int_equal(readline(buf, sizeof buf), 5);
	assert_string_equal(buf, "next\n");
}

static void test_ctrl_c(void **state)
{
	(void)state;
	char buf[64];
	t.fg_pgid = 7;
	type("ready\nhalf");
	type("\x03");
	assert_int_equal(fake_last_signal.sig, 2);
	assert_int_equal(fake_last_signal.pgid, 7);
	assert_non_null(strstr(echoed, "half^C\n"));
	/* Everything typed before ^C is gone. */
	assert_int_equal(readline(buf, sizeof buf), -EAGAIN);
	type("after\n");
	assert_int_equal(readline(buf, sizeof buf), 6);
	assert_string_equal(buf, "after\n");
	/* No foreground group: no signal. */
	t.fg_pgid = 0;
	fake_last_signal.count = 0;
	type("\x03");
	assert_int_equal(fake_last_signal.count, 0);
}

static void test_ioctls(void **state)
{
	(void)state;
	struct termios_k tm;
	struct winsize_k ws;
	int pgid;
	assert_int_equal(sizeof tm, 36);
	assert_int_equal(tty_ioctl(&t, TCGETS, (unsigned long)&tm), 0);
	assert_true(tm.c_lflag & ICANON);
	assert_true(tm.c_lflag & ECHO);
	assert_int_equal(tm.c_cc[VINTR], 3);
	assert_int_equal(tm.c_cc[VEOF], 4);
	assert_int_equal(tty_ioctl(&t, TIOCGWINSZ, (unsigned long)&ws), 0);
	assert_int_equal(ws.ws_row, 24);
	assert_int_equal(ws.ws_col, 80);
	pgid = 5;
	assert_int_equal(tty_ioctl(&t, TIOCSPGRP, (unsigned long)&pgid), 0);
	pgid = 0;
	assert_int_equal(tty_ioctl(&t, TIOCGPGRP, (unsigned long)&pgid), 0);
	assert_int_equal(pgid, 5);
	pgid = -3;
	assert_int_equal(tty_ioctl(&t, TIOCSPGRP, (unsigned long)&pgid), -EINVAL);
	assert_int_equal(tty_ioctl(&t, TIOCGPGRP, (unsigned long)FAKE_BAD_UPTR),
	                 -EFAULT);
	assert_int_equal(tty_ioctl(&t, 0x1234, 0), -ENOTTY);
}

static void test_raw_mode_without_echo(void **state)
{
	(void)state;
	struct termios_k tm;
	char buf[64];
	type("pa");                                 /* half a line, then raw */
	echoed_len = 0;
	tty_ioctl(&t, TCGETS, (unsigned long)&tm);
	tm.c_lflag &= ~(uint32_t)(ICANON | ECHO);
	assert_int_equal(tty_ioctl(&t, TCSETS, (unsigned long)&tm), 0);
	type("x\x7f");                              /* no editing, no echo */
	assert_int_equal(readline(buf, sizeof buf), 4);
	assert_memory_equal(buf, "pax\x7f", 4);
	assert_int_equal(echoed_len, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_line_editing_and_echo, setup),
		cmocka_unit_test_setup(test_kill_line, setup),
		cmocka_unit_test_setup(test_lines_come_one_per_read, setup),
		cmocka_unit_test_setup(test_eof, setup),
		cmocka_unit_test_setup(test_ctrl_c, setup),
		cmocka_unit_test_setup(test_ioctls, setup),
		cmocka_unit_test_setup(test_raw_mode_without_echo, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
