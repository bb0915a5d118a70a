/* echo [-n] [word...] — print the words, separated by spaces; -n: no newline. */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	int i = 1;
	int newline = !(argc > 1 && strcmp(argv[1], "-n") == 0);
	if (!newline)
		i++;
	for (int first = i; i < argc; i++)
		printf("%s%s", i > first ? " " : "", argv[i]);
	if (newline)
		putchar('\n');
	return fflush(stdout) == 0 ? 0 : 1;
}
