/*
 * Lesson: an unflushed stdio buffer is copied by fork.
 *
 * printf does not always write at once: when stdout is a pipe or a
 * file, it collects text in a buffer in the process's memory (on a
 * terminal it writes each line; we ask for full buffering so the lesson
 * shows either way). fork copies that memory, buffer and all, so the
 * text comes out twice, once from each process. fflush before fork
 * empties the buffer first.
 *
 * Expected output:
 *   not flushed before fork
 *   not flushed before fork
 *   flushed before fork
 */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static void demo(const char *text, int flush)
{
	printf("%s\n", text);
	if (flush)
		fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		fflush(stdout); /* the child's copy of the buffer, if any */
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	fflush(stdout); /* the parent's copy */
}

int main(void)
{
	setvbuf(stdout, NULL, _IOFBF, BUFSIZ);
	demo("not flushed before fork", 0);
	demo("flushed before fork", 1);
	return 0;
}
