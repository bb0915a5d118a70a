/* sleep SECONDS — wait that long (fractions allowed: sleep 0.5). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv)
{
	char *end;
	double s = argc == 2 ? strtod(argv[1], &end) : -1;
	if (argc != 2 || *end || s < 0) {
		fprintf(stderr, "usage: sleep SECONDS\n");
		return 1;
	}
	struct timespec ts = { (time_t)s, (long)((s - (time_t)s) * 1e9) };
	/* nanosleep leaves the time still to go in ts if a signal cuts it short */
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	return 0;
}
