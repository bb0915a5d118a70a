/*
 * The console tty and its line discipline (see tty.h).
 */
#include <kernel/fs/tty.h>

#include <kernel/arch.h>
#include <kernel/errno.h>
#include <kernel/fs/vfs.h>
#include <kernel/fs/wait.h>
#include <kernel/lib/string.h>
#include <kernel/proc/process.h>
#include <kernel/uaccess.h>

#define SIGINT  2
#define SIGQUIT 3

/*
 * In canonical mode a ^D is kept in the cooked ring as this marker: it
 * ends a read() like a newline but is not returned. (A literal 0x04 can
 * therefore not be typed in canonical mode, even with VEOF moved.)
 */
#define EOF_MARK '\004'

struct tty tty_console;
static bool console_ready;

void tty_init(struct tty *t, void (*out)(const char *s, size_t n))
{
	memset(t, 0, sizeof *t);
	wait_queue_init(&t->wq, "tty");
	mutex_init(&t->write_lock, "tty-write");
	t->out = out;
	t->termios.c_iflag = ICRNL;
	t->termios.c_oflag = OPOST | ONLCR;
	t->termios.c_cflag = 0000017 /* B38400 */ | 0000060 /* CS8 */ |
	                     0000200 /* CREAD */;
	t->termios.c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL |
	                     ECHOKE | IEXTEN;
	static const uint8_t cc[NCCS] = {
		[VINTR] = 3, [VQUIT] = 0x1c, [VERASE] = 0x7f, [VKILL] = 0x15,
		[VEOF] = 4, [VTIME] = 0, [VMIN] = 1,
		[8] = 0x11 /* VSTART */, [9] = 0x13 /* VSTOP */,
		[10] = 0x1a /* VSUSP */, [12] = 0x12 /* VREPRINT */,
		[13] = 0x0f /* VDISCARD */, [14] = 0x17 /* VWERASE */,
		[15] = 0x16 /* VLNEXT */,
	};
	memcpy(t->termios.c_cc, cc, sizeof cc);
	t->winsize.ws_row = 24;
	t->winsize.ws_col = 80;
}

static void echo(struct tty *t, const char *s, size_t n)
{
	if ((t->termios.c_lflag & ECHO) && t->out)
		t->out(s, n);
}

static size_t cooked_room(const struct tty *t)
{
	return TTY_COOKED_MAX - t->count;
}

static void cooked_put(struct tty *t, char c)
{
	t->cooked[(t->head + t->count) % TTY_COOKED_MAX] = c;
	t->count++;
}

static char cooked_take(struct tty *t)
{
	char c = t->cooked[t->head];
	t->head = (t->head + 1) % TTY_COOKED_MAX;
	t->count--;
	return c;
}

/* Move the edited line (and a terminator, if any) to the cooked ring.
 * If it does not fit, nothing moves: the line stays, readers drain the
 * ring, and the next Enter tries again. */
static bool push_line(struct tty *t, int terminator)
{
	size_t need = t->line_len + (terminator >= 0);
	if (need > cooked_room(t))
		return false;
	for (size_t k = 0; k < t->line_len; k++)
		cooked_put(t, t->line[k]);
	if (terminator >= 0)
		cooked_put(t, (char)terminator);
	t->line_len = 0;
	wait_queue_wake_all_locked(&t->wq);
	return true;
}

static void erase_one(struct tty *t)
{
	if (t->line_len == 0)
		return;
	t->line_len--;
	echo(t, "\b \b", 3);
}

/* Handle one byte; returns the signal to send to the foreground group. */
static int input_locked(struct tty *t, char c)
{
	const struct termios_k *tm = &t->termios;
	uint8_t uc = (uint8_t)c;

	if (c == '\r' && (tm->c_iflag & ICRNL))
		c = '\n';
	if (tm->c_lflag & ISIG) {
		int sig = uc == tm->c_cc[VINTR] ? SIGINT
		        : uc == tm->c_cc[VQUIT] ? SIGQUIT : 0;
		if (sig) {
			/* Discard all pending input, as Linux does without NOFLSH. */
			t->line_len = 0;
			t->head = t->count = 0;
			echo(t, sig == SIGINT ? "^C\n" : "^\\\n", 3);
			return sig;
		}
	}
	if (!(tm->c_lflag & ICANON)) {
		if (cooked_room(t)) {
			cooked_put(t, c);
			wait_queue_wake_all_locked(&t->wq);
			echo(t, &c, 1);
		}
		return 0;
	}
	if (uc == tm->c_cc[VERASE] || c == '\b') {
		erase_one(t);
	} else if (uc == tm->c_cc[VKILL]) {
		while (t->line_len)
			erase_one(t);
	} else if (uc == tm->c_cc[VEOF]) {
		/* The marker ends the read: a partial line goes to the reader
		 * as it is, and alone it makes read() return 0 (end of file). */
		push_line(t, EOF_MARK);
	} else if (c == '\n') {
		if (push_line(t, '\n'))
			echo(t, "\n", 1);
	} else if (c != EOF_MARK && t->line_len < TTY_LINE_MAX - 1) {
		t->line[t->line_len++] = c;
		echo(t, &c, 1);
	}
	return 0;
}

void tty_input(struct tty *t, char c)
{
	unsigned long flags = spin_lock_irqsave(&t->wq.lock);
	int sig = input_locked(t, c);
	int pgid = t->fg_pgid;
	spin_unlock_irqrestore(&t->wq.lock, flags);
	/* Outside the tty lock: signalling takes the process-table lock. */
	if (sig && pgid > 0)
		signal_send_group(pgid, sig);
}

long tty_read(struct tty *t, struct iobuf buf, size_t n, bool nonblock)
{
	char kbuf[512];
	size_t got = 0;

	if (n == 0)
		return 0;
	if (n > sizeof kbuf)
		n = sizeof kbuf;
	unsigned long flags = spin_lock_irqsave(&t->wq.lock);
	while (t->count == 0) {
		int err = nonblock ? -EAGAIN : fs_wait_interruptible(&t->wq);
		if (err && t->count == 0) {
			spin_unlock_irqrestore(&t->wq.lock, flags);
			return err;
		}
	}
	if (t->termios.c_lflag & ICANON) {
		/* One line at most: up to a newline, or a ^D (not returned). */
		while (t->count && got < n) {
			char c = t->cooked[t->head];
			if (c == EOF_MARK) {
				cooked_take(t);
				break;
			}
			kbuf[got++] = cooked_take(t);
			if (c == '\n')
				break;
		}
	} else {
		while (t->count && got < n)
			kbuf[got++] = cooked_take(t);
	}
	spin_unlock_irqrestore(&t->wq.lock, flags);
	/* Copy with no spinlock held: touching user memory may fault. */
	if (got && iobuf_copy_out(buf, 0, kbuf, got))
		return -EFAULT;
	return (long)got;
}

long tty_write(struct tty *t, struct iobuf buf, size_t n)
{
	char kbuf[256];
	size_t done = 0;

	mutex_lock(&t->write_lock);
	while (done < n) {
		size_t chunk = n - done < sizeof kbuf ? n - done : sizeof kbuf;
		if (iobuf_copy_in(kbuf, buf, done, chunk))
			break;
		if (t->out)
			t->out(kbuf, chunk);   /* the serial driver adds CR to LF */
		done += chunk;
	}
	mutex_unlock(&t->write_lock);
	return done ? (long)done : (n ? -EFAULT : 0);
}

static long set_termios(struct tty *t, unsigned long arg, bool flush)
{
	struct termios_k tm;
	if (copy_from_user(&tm, (void *)arg, sizeof tm))
		return -EFAULT;
	unsigned long flags = spin_lock_irqsave(&t->wq.lock);
	if (flush) {
		t->line_len = 0;
		t->head = t->count = 0;
	}
	bool was_canon = t->termios.c_lflag & ICANON;
	t->termios = tm;
	/* Leaving canonical mode: the half-typed line becomes readable. */
	if (was_canon && !(tm.c_lflag & ICANON))
		push_line(t, -1);
	spin_unlock_irqrestore(&t->wq.lock, flags);
	return 0;
}

long tty_ioctl(struct tty *t, unsigned long cmd, unsigned long arg)
{
	void *uarg = (void *)arg;
	unsigned long flags;
	int v;

	switch (cmd) {
	case TCGETS: {
		flags = spin_lock_irqsave(&t->wq.lock);
		struct termios_k tm = t->termios;
		spin_unlock_irqrestore(&t->wq.lock, flags);
		return copy_to_user(uarg, &tm, sizeof tm) ? -EFAULT : 0;
	}
	case TCSETS:
	case TCSETSW:           /* output is never queued: nothing to drain */
		return set_termios(t, arg, false);
	case TCSETSF:
		return set_termios(t, arg, true);
	case TIOCGWINSZ:
		return copy_to_user(uarg, &t->winsize, sizeof t->winsize) ? -EFAULT : 0;
	case TIOCSWINSZ:
		return copy_from_user(&t->winsize, uarg, sizeof t->winsize) ? -EFAULT : 0;
	case TIOCGPGRP:
		v = t->fg_pgid;
		return copy_to_user(uarg, &v, sizeof v) ? -EFAULT : 0;
	case TIOCSPGRP:
		if (copy_from_user(&v, uarg, sizeof v))
			return -EFAULT;
		if (v <= 0)
			return -EINVAL;
		/* Linux also demands a group of the caller's session; Weft
		 * has one session in practice and does not check. */
		t->fg_pgid = v;
		return 0;
	case TIOCSCTTY: {
		/* Becoming the controlling tty makes the caller's group the
		 * foreground one. */
		struct process *p = current_process();
		if (p)
			t->fg_pgid = p->pgid;
		return 0;
	}
	case TIOCNOTTY:
		return 0;
	case FIONREAD:
		flags = spin_lock_irqsave(&t->wq.lock);
		v = (int)t->count;
		spin_unlock_irqrestore(&t->wq.lock, flags);
		return copy_to_user(uarg, &v, sizeof v) ? -EFAULT : 0;
	default:
		return -ENOTTY;
	}
}

/* ---- the console ---------------------------------------------------- */

void tty_console_init(void)
{
	tty_init(&tty_console, arch_console_write);
	/* The console belongs to init's session; init (pid 1) leads group 1. */
	tty_console.fg_pgid = 1;
	console_ready = true;
}

void tty_receive_char(char c)
{
	if (console_ready)
		tty_input(&tty_console, c);
}

void tty_console_set_fg(int pgid)
{
	tty_console.fg_pgid = pgid;
}

static long console_read(struct file *f, struct iobuf buf, size_t n,
                         uint64_t *pos)
{
	(void)pos;
	return tty_read(&tty_console, buf, n, f->flags & O_NONBLOCK);
}

static long console_write(struct file *f, struct iobuf buf, size_t n,
                          uint64_t *pos)
{
	(void)f;
	(void)pos;
	return tty_write(&tty_console, buf, n);
}

static long console_ioctl(struct file *f, unsigned long cmd, unsigned long arg)
{
	(void)f;
	return tty_ioctl(&tty_console, cmd, arg);
}

/* Writable always (output goes straight to the wire); readable when
 * read() would not wait: a whole line (or ^D) in canonical mode, a byte
 * in raw mode. */
static unsigned console_poll(struct file *f, struct wait_queue **wq)
{
	(void)f;
	unsigned long flags = spin_lock_irqsave(&tty_console.wq.lock);
	bool ready = tty_console.count != 0;
	spin_unlock_irqrestore(&tty_console.wq.lock, flags);
	*wq = &tty_console.wq;
	return POLLOUT | (ready ? POLLIN : 0);
}

const struct file_ops tty_console_fops = {
	.read = console_read,
	.write = console_write,
	.ioctl = console_ioctl,
	.poll = console_poll,
};
