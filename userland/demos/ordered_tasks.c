/*
 * Lesson: three locks make three threads take turns, 1 -> 2 -> 3 -> 1 ...
 *
 * Each task has its own lock and waits for it before printing. Task 1's
 * lock starts open, the other two closed. When task 1 has printed it
 * opens task 2's lock (not its own), task 2 opens task 3's, and task 3
 * opens task 1's again: a baton passed round a ring. Whatever the
 * scheduler does, only the thread holding the baton can print, so the
 * order is always the same.
 *
 * Python's Lock can be released by any thread, which is what passing the
 * baton needs. A pthread mutex may only be unlocked by the thread that
 * locked it, so in C the "lock" is a semaphore that counts to 1 at most
 * (a binary semaphore): sem_wait takes it, sem_post by anyone opens it.
 *
 * Expected output (always exactly this; `ordered_tasks N` for N rounds):
 *   task 1
 *   task 2
 *   task 3
 *   task 1
 *   task 2
 *   task 3
 *   ... (5 rounds in all)
 *
 * Needs: threads (clone, futex).
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>

static sem_t lock[3];
static int rounds = 5;

static void *task(void *arg)
{
	int me = (int)(long)arg;
	for (int i = 0; i < rounds; i++) {
		sem_wait(&lock[me]);          /* wait for the baton */
		printf("task %d\n", me + 1);
		sem_post(&lock[(me + 1) % 3]); /* hand it to the next task */
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t[3];
	if (argc > 1)
		rounds = atoi(argv[1]);
	setvbuf(stdout, NULL, _IOLBF, 0);
	sem_init(&lock[0], 0, 1); /* task 1 starts with the baton */
	sem_init(&lock[1], 0, 0);
	sem_init(&lock[2], 0, 0);
	/* started in reverse order, to show that starting first wins nothing */
	for (int i = 2; i >= 0; i--)
		pthread_create(&t[i], NULL, task, (void *)(long)i);
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	return 0;
}
