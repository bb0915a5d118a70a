/*
 * Lesson: memory is copied, not shared.
 *
 * After fork the child has its own copy of every variable. Both processes
 * add 1 to the global num, which was 0: each sees 1, and the parent's
 * num is still 1 after the child is gone, not 2.
 *
 * Expected output (the first two lines in either order):
 *   child:  num = 1
 *   parent: num = 1
 *   parent after wait: num = 1
 */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int num = 0;

int main(void)
{
	pid_t pid = fork();
	num += 1;
	printf("%s num = %d\n", pid == 0 ? "child: " : "parent:", num);
	if (pid == 0)
		return 0;
	wait(NULL);
	printf("parent after wait: num = %d\n", num);
	return 0;
}
