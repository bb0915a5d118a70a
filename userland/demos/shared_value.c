/*
 * Lesson: Value and Array -- memory that parent and child share.
 *
 * After fork, memory is copied, not shared: the child's changes to an
 * ordinary global stay in the child. Memory mapped with
 * MAP_SHARED | MAP_ANONYMOUS before the fork is different: parent and
 * child map the very same physical pages, so what the child writes there
 * the parent reads after joining it. That is all Python's
 * multiprocessing.Value and Array are: a number and an array placed in
 * such shared memory (this is the example from Python's documentation).
 *
 * Expected output (always this):
 *   before: num = 0, arr = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], plain = 0
 *   child: num = 3.1415927, arr negated, plain = 1
 *   after:  num = 3.1415927, arr = [0, -1, -2, -3, -4, -5, -6, -7, -8, -9], plain = 0
 *
 * Needs: fork, mmap MAP_SHARED | MAP_ANONYMOUS (pages shared across fork,
 * not copied on write), wait4.
 */
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

struct shared {
	double num;   /* Value('d', 0.0) */
	int arr[10];  /* Array('i', range(10)) */
};

static int plain; /* an ordinary global: copied at fork */

static void show(const char *label, struct shared *s)
{
	printf("%s num = %.8g, arr = [", label, s->num);
	for (int i = 0; i < 10; i++)
		printf("%s%d", i ? ", " : "", s->arr[i]);
	printf("], plain = %d\n", plain);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	struct shared *s = mmap(NULL, sizeof *s, PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (s == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	s->num = 0.0;
	for (int i = 0; i < 10; i++)
		s->arr[i] = i;
	show("before:", s);

	pid_t pid = fork();
	if (pid == 0) {
		s->num = 3.1415927;
		for (int i = 0; i < 10; i++)
			s->arr[i] = -s->arr[i];
		plain = 1;
		printf("child: num = %.7f, arr negated, plain = %d\n", s->num, plain);
		_exit(0);
	}
	waitpid(pid, NULL, 0); /* join */
	show("after: ", s);
	munmap(s, sizeof *s);
	return 0;
}
