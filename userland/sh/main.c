/*
 * main.c — the Weft shell: read a line, run it, repeat.
 *
 *   sh            read commands from stdin (prompt "weft$ " on a terminal)
 *   sh -i         the same, but always interactive (init uses this: the
 *                 console may not answer the ioctl isatty() relies on)
 *   sh -c LINE    run one line and exit with its status
 *
 * The shell ignores ^C (SIGINT) and the job-control signals itself;
 * exec.c gives them back to the programs it starts.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sh.h"

int last_status;
bool interactive;
pid_t shell_pgid;

/*
 * Read one line from fd 0, a byte at a time. Not stdio: its buffer would
 * swallow input past the newline, and that input belongs to the commands
 * we start (think "sh < script" where the script runs cat).
 */
static int read_line(char *buf, size_t size)
{
	size_t n = 0;
	char c;
	ssize_t r;
	while ((r = read(0, &c, 1)) == 1 && c != '\n')
		if (n < size - 1)
			buf[n++] = c;
	buf[n] = '\0';
	return r <= 0 && n == 0 ? -1 : 0;
}

/* A job's name for messages: its words, as typed (well, as expanded). */
static void describe(struct pipeline *pl, char *buf, size_t size)
{
	size_t len = 0;
	buf[0] = '\0';
	for (int i = 0; i < pl->ncmds; i++)
		for (int k = 0; k < pl->cmds[i].argc && len < size; k++)
			len += snprintf(buf + len, size - len, "%s%s",
					i && !k ? " | " : k ? " " : "",
					pl->cmds[i].argv[k]);
}

static void run_line(const char *line)
{
	static struct token toks[MAX_TOKENS];
	static struct pipeline pls[MAX_PIPELINES];
	int ntok = lex(line, toks, MAX_TOKENS);
	if (ntok <= 0) {
		if (ntok < 0)
			last_status = 2;
		return;
	}
	int npl = parse(toks, ntok, pls, MAX_PIPELINES);
	if (npl < 0)
		last_status = 2;
	for (int i = 0; i < npl; i++) {
		char text[80];
		describe(&pls[i], text, sizeof text);
		last_status = run_pipeline(&pls[i], text);
	}
	free_tokens(toks, ntok);
}

int main(int argc, char **argv)
{
	bool force = argc > 1 && strcmp(argv[1], "-i") == 0;
	interactive = force || (isatty(0) && isatty(2));
	static const int sigs[] = { SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU };
	for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		signal(sigs[i], SIG_IGN);
	if (!getenv("PATH"))
		setenv("PATH", "/bin", 1);
	if (argc > 2 && strcmp(argv[1], "-c") == 0) {
		run_line(argv[2]);
		return last_status;
	}
	if (interactive) {
		/* Lead our own group and own the terminal; fails harmlessly
		 * when we already lead a session (init's setsid). */
		setpgid(0, 0);
		shell_pgid = getpgrp();
		tcsetpgrp(0, shell_pgid);
	}
	char line[4096];
	for (;;) {
		jobs_poll();
		if (interactive)
			fputs("weft$ ", stderr);
		if (read_line(line, sizeof line) < 0)
			break;
		run_line(line);
	}
	if (interactive)
		fputc('\n', stderr);
	return last_status;
}
