/*
 * Lesson: an Event -- threads wait on a flag until another thread sets it.
 *
 * Python's threading.Event is a flag with four operations: set, clear,
 * is_set, and wait (optionally with a timeout), which returns at once if
 * the flag is set and otherwise sleeps until someone sets it. It is built
 * here, as in Python, from a mutex, a condition variable and a bool:
 *   set    lock; flag = true; broadcast (wake every waiter); unlock
 *   clear  lock; flag = false; unlock
 *   wait   lock; while (!flag) wait on the condition; unlock
 * The "while" matters: a waiter re-checks the flag each time it wakes,
 * since wake-ups can be spurious and the flag may have been cleared again.
 *
 * Three threads wait; the main thread sets the event once all three are
 * waiting, and all three wake. A wait with a timeout on a cleared event
 * returns false.
 *
 * Expected output (lines within a group may come in any order; the
 * groups always come in this order):
 *   is_set: no
 *   wait(0.1 s): false (timed out)
 *   waiter 1: waiting
 *   waiter 2: waiting
 *   waiter 3: waiting
 *   main: set
 *   waiter 1: woke up, is_set: yes
 *   waiter 2: woke up, is_set: yes
 *   waiter 3: woke up, is_set: yes
 *   main: clear, is_set: no
 *   wait(0.1 s): false (timed out)
 *
 * Needs: threads (clone, futex with a timeout).
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdbool.h>
#include <stdio.h>
#include <time.h>

struct event {
	pthread_mutex_t lock;
	pthread_cond_t changed;
	bool flag;
};

static void event_init(struct event *e)
{
	pthread_condattr_t a;
	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC); /* for the timeout */
	pthread_cond_init(&e->changed, &a);
	pthread_mutex_init(&e->lock, NULL);
	e->flag = false;
}

static void event_set(struct event *e)
{
	pthread_mutex_lock(&e->lock);
	e->flag = true;
	pthread_cond_broadcast(&e->changed);
	pthread_mutex_unlock(&e->lock);
}

static void event_clear(struct event *e)
{
	pthread_mutex_lock(&e->lock);
	e->flag = false;
	pthread_mutex_unlock(&e->lock);
}

static bool event_is_set(struct event *e)
{
	pthread_mutex_lock(&e->lock);
	bool flag = e->flag;
	pthread_mutex_unlock(&e->lock);
	return flag;
}

/* Wait until set; timeout_ms < 0 waits forever. Returns the flag. */
static bool event_wait(struct event *e, long timeout_ms)
{
	struct timespec deadline;
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += timeout_ms / 1000;
	deadline.tv_nsec += timeout_ms % 1000 * 1000000;
	if (deadline.tv_nsec >= 1000000000) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&e->lock);
	while (!e->flag) {
		if (timeout_ms < 0)
			pthread_cond_wait(&e->changed, &e->lock);
		else if (pthread_cond_timedwait(&e->changed, &e->lock, &deadline))
			break; /* timed out */
	}
	bool flag = e->flag;
	pthread_mutex_unlock(&e->lock);
	return flag;
}

static struct event ev;
static sem_t waiting; /* lets main know when all waiters are about to wait */

static void *waiter(void *arg)
{
	int me = (int)(long)arg;
	printf("waiter %d: waiting\n", me);
	sem_post(&waiting);
	event_wait(&ev, -1);
	printf("waiter %d: woke up, is_set: %s\n", me, event_is_set(&ev) ? "yes" : "no");
	return NULL;
}

int main(void)
{
	pthread_t t[3];
	setvbuf(stdout, NULL, _IOLBF, 0);
	event_init(&ev);
	sem_init(&waiting, 0, 0);
	printf("is_set: %s\n", event_is_set(&ev) ? "yes" : "no");
	printf("wait(0.1 s): %s\n", event_wait(&ev, 100) ? "true" : "false (timed out)");
	for (long i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, waiter, (void *)(i + 1));
	for (int i = 0; i < 3; i++)
		sem_wait(&waiting);
	/* (a waiter that has not quite reached its wait yet finds the flag
	 * set and does not wait at all: an Event is a state, not a signal) */
	printf("main: set\n");
	event_set(&ev);
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	event_clear(&ev);
	printf("main: clear, is_set: %s\n", event_is_set(&ev) ? "yes" : "no");
	printf("wait(0.1 s): %s\n", event_wait(&ev, 100) ? "true" : "false (timed out)");
	return 0;
}
