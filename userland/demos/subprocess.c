/*
 * Lesson: subprocess -- run a program with pipes for its input and
 * output, feed it input, collect its output and its exit code.
 *
 * This is Python's subprocess.Popen(["sh"], stdin=PIPE, stdout=PIPE)
 * followed by communicate(input), done by hand:
 *   1. two pipes: one to the child's stdin, one from its stdout;
 *   2. fork; in the child, dup2 the pipe ends onto descriptors 0 and 1,
 *      close every other pipe end, and exec the program (here the shell,
 *      which reads commands from stdin);
 *   3. the parent writes the input and closes its end -- end-of-file
 *      tells the program there is no more;
 *   4. it reads the output until end-of-file (the program has exited,
 *      or closed its stdout), then waitpid gives the exit code.
 * Closing the unused ends matters: a pipe reports end-of-file only when
 * every write end is closed, including stray copies in either process.
 * (Writing all the input first is fine for small amounts; for large ones
 * the child could fill its output pipe and stop reading its input while
 * we are still writing -- communicate() avoids that with poll.)
 *
 * Expected output (always this):
 *   running sh with pipes for stdin and stdout
 *   sent: echo one; echo two; exit 3
 *   output: "one\ntwo\n"
 *   exit code: 3
 *
 * Needs: fork, pipes, dup2, execve (a shell found on PATH), wait4.
 */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	static const char input[] = "echo one\necho two\nexit 3\n";
	int to_child[2], from_child[2];
	setvbuf(stdout, NULL, _IOLBF, 0);
	pipe(to_child);
	pipe(from_child);
	printf("running sh with pipes for stdin and stdout\n");
	pid_t pid = fork();
	if (pid == 0) {
		dup2(to_child[0], 0);
		dup2(from_child[1], 1);
		close(to_child[0]), close(to_child[1]);
		close(from_child[0]), close(from_child[1]);
		execlp("sh", "sh", (char *)NULL);
		perror("exec sh");
		_exit(127);
	}
	close(to_child[0]);
	close(from_child[1]);

	write(to_child[1], input, sizeof input - 1);
	close(to_child[1]); /* end of input */
	printf("sent: echo one; echo two; exit 3\n");

	char out[256];
	size_t len = 0;
	ssize_t n;
	while (len < sizeof out - 1 &&
	       (n = read(from_child[0], out + len, sizeof out - 1 - len)) > 0)
		len += n;
	out[len] = 0;
	close(from_child[0]);

	int status;
	waitpid(pid, &status, 0);
	printf("output: \"");
	for (size_t i = 0; i < len; i++) /* show newlines as \n */
		fputs(out[i] == '\n' ? "\\n" : (char[]){ out[i], 0 }, stdout);
	printf("\"\n");
	if (WIFEXITED(status))
		printf("exit code: %d\n", WEXITSTATUS(status));
	else
		printf("killed by signal %d\n", WTERMSIG(status));
	return 0;
}
