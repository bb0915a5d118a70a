/* mkdir [-p] dir... — make directories; -p: parents too, no error if present. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* Make every prefix of path that ends at a '/', then path itself. */
static int make_parents(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		int r = mkdir(path, 0777);
		*p = '/';
		if (r < 0 && errno != EEXIST)
			return -1;
	}
	return mkdir(path, 0777) < 0 && errno != EEXIST ? -1 : 0;
}

int main(int argc, char **argv)
{
	int parents = argc > 1 && strcmp(argv[1], "-p") == 0;
	int status = 0;
	if (argc < 2 + parents) {
		fprintf(stderr, "usage: mkdir [-p] dir...\n");
		return 1;
	}
	for (int i = 1 + parents; i < argc; i++) {
		int r = parents ? make_parents(argv[i]) : mkdir(argv[i], 0777);
		if (r < 0) {
			fprintf(stderr, "mkdir: %s: %s\n", argv[i], strerror(errno));
			status = 1;
		}
	}
	return status;
}
