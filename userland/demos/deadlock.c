/*
 * Lesson: the two-lock deadlock, and its fix by lock ordering.
 *
 * Two threads each need both lock A and lock B. Thread 1 takes A, then
 * B; thread 2 takes B, then A. If each gets its first lock before the
 * other asks for its second (a barrier makes sure of it here; in real
 * programs it is an unlucky moment), each waits for a lock the other
 * holds and will never release: a deadlock. We ask for the second lock
 * with a 1-second time limit so the demo ends; both give up.
 *
 * The fix: all threads take the locks in one agreed order (A before B).
 * Then whoever gets A first also gets B, and the other simply waits its
 * turn: no cycle of waiting, no deadlock.
 *
 * Expected output (the order of lines within each part varies):
 *   opposite orders:
 *     thread 1 holds lock A, wants lock B
 *     thread 2 holds lock B, wants lock A
 *     thread 1: no lock B after 1 s: deadlock, giving up
 *     thread 2: no lock A after 1 s: deadlock, giving up
 *   one order, A before B:
 *     thread 1 holds A and B: done
 *     thread 2 holds A and B: done
 *
 * Needs: threads (clone, futex with a timeout).
 */
#include <pthread.h>
#include <stdio.h>
#include <time.h>

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t both_hold_one, both_gave_up;

struct worker {
	int id;
	pthread_mutex_t *first, *second;
	const char *first_name, *second_name;
};

static void *opposite(void *arg)
{
	struct worker *w = arg;
	pthread_mutex_lock(w->first);
	printf("  thread %d holds lock %s, wants lock %s\n", w->id,
	       w->first_name, w->second_name);
	pthread_barrier_wait(&both_hold_one);

	struct timespec deadline;
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += 1;
	if (pthread_mutex_timedlock(w->second, &deadline) == 0) {
		printf("  thread %d got lock %s after all\n", w->id, w->second_name);
		pthread_mutex_unlock(w->second);
	} else {
		printf("  thread %d: no lock %s after 1 s: deadlock, giving up\n",
		       w->id, w->second_name);
	}
	/* both have given up before either lets go of its first lock */
	pthread_barrier_wait(&both_gave_up);
	pthread_mutex_unlock(w->first);
	return NULL;
}

static void *ordered(void *arg)
{
	struct worker *w = arg;
	pthread_mutex_lock(&lock_a); /* always A first, then B */
	pthread_mutex_lock(&lock_b);
	printf("  thread %d holds A and B: done\n", w->id);
	pthread_mutex_unlock(&lock_b);
	pthread_mutex_unlock(&lock_a);
	return NULL;
}

int main(void)
{
	pthread_t t1, t2;
	struct worker w1 = { 1, &lock_a, &lock_b, "A", "B" };
	struct worker w2 = { 2, &lock_b, &lock_a, "B", "A" };
	setvbuf(stdout, NULL, _IOLBF, 0);

	printf("opposite orders:\n");
	pthread_barrier_init(&both_hold_one, NULL, 2);
	pthread_barrier_init(&both_gave_up, NULL, 2);
	pthread_create(&t1, NULL, opposite, &w1);
	pthread_create(&t2, NULL, opposite, &w2);
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);

	printf("one order, A before B:\n");
	pthread_create(&t1, NULL, ordered, &w1);
	pthread_create(&t2, NULL, ordered, &w2);
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);
	return 0;
}
