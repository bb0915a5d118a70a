/*
 * kill [-SIGNAL] pid... — send a signal (default TERM) to processes.
 *   kill 42            SIGTERM to process 42
 *   kill -9 42         SIGKILL, by number
 *   kill -INT -42      SIGINT to every process in process group 42
 *   kill -l            list the signal names
 * A pid of 0 means our own process group; a negative one, a group.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct { const char *name; int sig; } names[] = {
	{ "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT },
	{ "ILL", SIGILL }, { "ABRT", SIGABRT }, { "FPE", SIGFPE },
	{ "KILL", SIGKILL }, { "SEGV", SIGSEGV }, { "PIPE", SIGPIPE },
	{ "ALRM", SIGALRM }, { "TERM", SIGTERM }, { "USR1", SIGUSR1 },
	{ "USR2", SIGUSR2 }, { "CHLD", SIGCHLD }, { "CONT", SIGCONT },
	{ "STOP", SIGSTOP }, { "TSTP", SIGTSTP },
};

/* "9", "KILL" or "SIGKILL" -> 9; -1 if unknown. */
static int parse_signal(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);
	if (*s && !*end)
		return n >= 0 && n < 65 ? (int)n : -1;
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcasecmp(s, names[i].name) == 0)
			return names[i].sig;
	return -1;
}

int main(int argc, char **argv)
{
	int sig = SIGTERM, i = 1, status = 0;
	if (argc == 2 && strcmp(argv[1], "-l") == 0) {
		for (unsigned k = 0; k < sizeof names / sizeof names[0]; k++)
			printf("%2d %s\n", names[k].sig, names[k].name);
		return 0;
	}
	if (i < argc && argv[i][0] == '-' && strcmp(argv[i], "--") != 0) {
		const char *spec = argv[i] + 1;
		if (strcmp(spec, "s") == 0 && i + 1 < argc)
			spec = argv[++i];
		if ((sig = parse_signal(spec)) < 0) {
			fprintf(stderr, "kill: %s: unknown signal\n", spec);
			return 1;
		}
		i++;
	}
	if (i < argc && strcmp(argv[i], "--") == 0)
		i++;
	if (i == argc) {
		fprintf(stderr, "usage: kill [-SIGNAL] pid...\n");
		return 1;
	}
	for (; i < argc; i++) {
		char *end;
		long pid = strtol(argv[i], &end, 10);
		if (!*argv[i] || *end) {
			fprintf(stderr, "kill: %s: not a pid\n", argv[i]);
			status = 1;
		} else if (kill((pid_t)pid, sig) < 0) {
			fprintf(stderr, "kill: %ld: %s\n", pid, strerror(errno));
			status = 1;
		}
	}
	return status;
}
