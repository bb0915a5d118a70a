/*
 * Lesson: ThreadLocal -- one global name, a different value in every
 * thread.
 *
 * A variable declared _Thread_local (C11; `__thread` in GNU C) exists
 * once per thread: each thread that starts gets its own copy, set to the
 * initial value, and sees only that copy. That is Python's
 * threading.local(). It lets code deep down (greet() below) find "its"
 * student without passing it through every call, and without the threads
 * trampling on each other -- which is what happens to an ordinary global:
 * both threads write it, and both then read whatever was written last.
 *
 * Under the hood each thread's copies live in its thread-local storage
 * block, which the kernel points the FS segment register at (clone with
 * CLONE_SETTLS, arch_prctl for the first thread): same code, same
 * "address" in the source, different memory per thread.
 *
 * Expected output (the two thread lines in either order; the name in
 * "plain global" is whichever thread wrote it last, the same in both):
 *   Hello, Alice (in thread A); the plain global says Bob
 *   Hello, Bob (in thread B); the plain global says Bob
 *   main thread: student = (none), its own copy, untouched
 *
 * Needs: threads (clone with CLONE_SETTLS, futex), TLS.
 */
#include <pthread.h>
#include <stdio.h>

static _Thread_local const char *student = "(none)"; /* one per thread */
static const char *plain_student;                    /* one for all */
static pthread_barrier_t both_wrote;

static void greet(const char *thread_name)
{
	printf("Hello, %s (in thread %s); the plain global says %s\n", student,
	       thread_name, plain_student);
}

static void *process_student(void *arg)
{
	const char **names = arg; /* { student, thread name } */
	student = names[0];
	plain_student = names[0];
	pthread_barrier_wait(&both_wrote); /* both have written both */
	greet(names[1]);
	return NULL;
}

int main(void)
{
	static const char *alice[] = { "Alice", "A" }, *bob[] = { "Bob", "B" };
	pthread_t a, b;
	setvbuf(stdout, NULL, _IOLBF, 0);
	pthread_barrier_init(&both_wrote, NULL, 2);
	pthread_create(&a, NULL, process_student, alice);
	pthread_create(&b, NULL, process_student, bob);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	printf("main thread: student = %s, its own copy, untouched\n", student);
	return 0;
}
