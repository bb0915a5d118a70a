/*
 * Lesson: two threads work at the same time -- sing and dance.
 *
 * One thread sings, the other dances, three times each with a pause of
 * 0.1 s between. Sleeping blocks only the thread that sleeps, so while
 * the singer pauses the dancer runs, and the lines interleave: both
 * finish in about 0.3 s, not the 0.6 s that doing one after the other
 * would take. The main thread waits for both (join) before it reports.
 *
 * Expected output (which of each pair comes first varies):
 *   singing 1
 *   dancing 1
 *   singing 2
 *   dancing 2
 *   singing 3
 *   dancing 3
 *   both done in about 0.3 s (one after the other: 0.6 s)
 *
 * Needs: threads (clone, futex), nanosleep.
 */
#include <pthread.h>
#include <stdio.h>
#include <time.h>

static void pause_100ms(void)
{
	struct timespec t = { 0, 100 * 1000 * 1000 };
	nanosleep(&t, NULL);
}

static void *sing(void *arg)
{
	(void)arg;
	for (int i = 1; i <= 3; i++) {
		printf("singing %d\n", i);
		pause_100ms();
	}
	return NULL;
}

static void *dance(void *arg)
{
	(void)arg;
	for (int i = 1; i <= 3; i++) {
		printf("dancing %d\n", i);
		pause_100ms();
	}
	return NULL;
}

int main(void)
{
	pthread_t singer, dancer;
	struct timespec t0, t1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pthread_create(&singer, NULL, sing, NULL);
	pthread_create(&dancer, NULL, dance, NULL);
	pthread_join(singer, NULL);
	pthread_join(dancer, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double s = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("both done in about %.1f s (one after the other: 0.6 s)\n", s);
	return 0;
}
