/*
 * ls [-a] [-l] [path...] — list directories (sorted; dot-files only with
 * -a) and name the files given. One name a line, or with -l:
 *   drwxr-xr-x     4096 name
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int all, longform;

static void print(const char *dir, const char *name)
{
	if (!longform) {
		printf("%s\n", name);
		return;
	}
	char path[4096];
	struct stat st;
	snprintf(path, sizeof path, "%s%s%s", dir ? dir : "", dir ? "/" : "", name);
	if (lstat(path, &st) < 0) {
		printf("?????????? %8s %s\n", "?", name);
		return;
	}
	char mode[11] = "----------";
	if (S_ISDIR(st.st_mode)) mode[0] = 'd';
	if (S_ISLNK(st.st_mode)) mode[0] = 'l';
	if (S_ISCHR(st.st_mode)) mode[0] = 'c';
	if (S_ISFIFO(st.st_mode)) mode[0] = 'p';
	for (int i = 0; i < 9; i++)
		if (st.st_mode & (0400 >> i))
			mode[1 + i] = "rwxrwxrwx"[i];
	printf("%s %8lld %s\n", mode, (long long)st.st_size, name);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int list_dir(const char *path)
{
	DIR *d = opendir(path);
	if (!d) {
		fprintf(stderr, "ls: %s: %s\n", path, strerror(errno));
		return 1;
	}
	char **names = NULL;
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' && !all)
			continue;
		names = realloc(names, (n + 1) * sizeof *names);
		names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof *names, by_name);
	for (size_t i = 0; i < n; i++) {
		print(path, names[i]);
		free(names[i]);
	}
	free(names);
	return 0;
}

int main(int argc, char **argv)
{
	int i = 1, status = 0;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++)
		for (char *f = argv[i] + 1; *f; f++) {
			if (*f == 'a')
				all = 1;
			else if (*f == 'l')
				longform = 1;
			else {
				fprintf(stderr, "ls: unknown option -%c\n", *f);
				return 1;
			}
		}
	if (i == argc)
		return list_dir(".");
	int several = argc - i > 1;
	for (; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) < 0) {
			fprintf(stderr, "ls: %s: %s\n", argv[i], strerror(errno));
			status = 1;
		} else if (S_ISDIR(st.st_mode)) {
			if (several)
				printf("%s:\n", argv[i]);
			status |= list_dir(argv[i]);
		} else {
			print(NULL, argv[i]);
		}
	}
	return status;
}
