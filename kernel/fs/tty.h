/*
 * The console as a terminal (tty): /dev/console on the serial port.
 *
 * Between the wire and read() sits the line discipline, which in
 * canonical mode (ICANON, the default) edits the line being typed and
 * hands read() only whole lines:
 *
 *   typed char ──> [ line being edited ] ──Enter / ^D──> [ cooked ] ──> read()
 *                   backspace/DEL erases, ^U kills        whole lines
 *
 *  - echo (ECHO): what is typed is written back, so the user sees it;
 *  - CR becomes NL (ICRNL): terminals send CR for the Enter key;
 *  - ^C (VINTR) with ISIG: SIGINT to the foreground process group, the
 *    pending input is discarded and "^C" echoed; ^\ (VQUIT) sends SIGQUIT;
 *  - ^D (VEOF): hands over the partial line without a newline; on an
 *    empty line read() returns 0, which programs take as end of file.
 *
 * With ICANON off (raw mode, TCSETS) bytes go to read() as they come.
 * The foreground process group (tcsetpgrp) is what ^C signals.
 *
 * Characters arrive in interrupt context (tty_input): that side never
 * sleeps or allocates, only takes the tty's spinlock and wakes readers.
 */
#ifndef WEFT_FS_TTY_H
#define WEFT_FS_TTY_H

#include <stddef.h>
#include <stdint.h>

#include <kernel/fs/iobuf.h>
#include <kernel/sync/mutex.h>
#include <kernel/sync/waitqueue.h>

/* Linux's kernel struct termios (the one TCGETS copies): 36 bytes. */
#define NCCS 19
struct termios_k {
	uint32_t c_iflag, c_oflag, c_cflag, c_lflag;
	uint8_t c_line;
	uint8_t c_cc[NCCS];
};

/* c_cc indices and flag bits: Linux's values. */
#define VINTR  0
#define VQUIT  1
#define VERASE 2
#define VKILL  3
#define VEOF   4
#define VTIME  5
#define VMIN   6
#define ICRNL  0000400
#define OPOST  0000001
#define ONLCR  0000004
#define ISIG   0000001
#define ICANON 0000002
#define ECHO   0000010
#define ECHOE  0000020
#define ECHOK  0000040
#define ECHOCTL 0001000
#define ECHOKE 0004000
#define IEXTEN 0100000

/* ioctl numbers. */
#define TCGETS     0x5401
#define TCSETS     0x5402
#define TCSETSW    0x5403
#define TCSETSF    0x5404
#define TIOCSCTTY  0x540E
#define TIOCGPGRP  0x540F
#define TIOCSPGRP  0x5410
#define TIOCGWINSZ 0x5413
#define TIOCSWINSZ 0x5414
#define FIONREAD   0x541B
#define TIOCNOTTY  0x5422

#define TTY_LINE_MAX  1024   /* the longest line one can type */
#define TTY_COOKED_MAX 4096  /* typed-ahead input waiting for read() */

struct winsize_k {
	uint16_t ws_row, ws_col, ws_xpixel, ws_ypixel;
};

struct tty {
	struct wait_queue wq;           /* its lock guards all of the below */
	struct termios_k termios;
	struct winsize_k winsize;
	char line[TTY_LINE_MAX];        /* the line being edited */
	size_t line_len;
	char cooked[TTY_COOKED_MAX];    /* a ring of bytes ready for read() */
	size_t head, count;
	int fg_pgid;                    /* foreground process group; 0: none */
	void (*out)(const char *s, size_t n);   /* the wire (echo and write) */
	struct mutex write_lock;        /* one write() is not cut by another */
};

/* A fresh tty in canonical mode with echo, writing to out. */
void tty_init(struct tty *t, void (*out)(const char *s, size_t n));

/* One received byte (interrupt context allowed). */
void tty_input(struct tty *t, char c);

long tty_read(struct tty *t, struct iobuf buf, size_t n, bool nonblock);
long tty_write(struct tty *t, struct iobuf buf, size_t n);
/* arg is a user pointer for the ioctls that take one. */
long tty_ioctl(struct tty *t, unsigned long cmd, unsigned long arg);

/* The console tty, its file_ops for /dev/console, and the arch's entry. */
extern struct tty tty_console;
extern const struct file_ops tty_console_fops;
void tty_console_init(void);
/* Called by the arch for each byte received on the serial port. */
void tty_receive_char(char c);
/* The foreground group of the console (0: none); set by TIOCSPGRP. */
void tty_console_set_fg(int pgid);

#endif
