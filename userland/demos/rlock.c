/*
 * Lesson: Lock and RLock -- locking a lock you already hold.
 *
 * A plain mutex does not remember who holds it, so a thread that locks
 * it a second time waits for itself, forever: a deadlock with a single
 * thread. We show it with a timed lock, which gives up after 1 second
 * instead of hanging. An error-checking mutex notices the mistake and
 * says EDEADLK at once. A recursive mutex (Python's RLock) counts: the
 * thread that holds it may lock it again, and must unlock it as many
 * times before anyone else can have it -- which is what a function that
 * calls itself, or calls another one taking the same lock, needs.
 *
 * Expected output:
 *   plain mutex: locked once
 *   plain mutex: locking again... gave up after 1 s: ETIMEDOUT
 *     (without the time limit this thread would wait forever)
 *   error-checking mutex: locking again: EDEADLK
 *   recursive mutex: depth 1
 *   recursive mutex: depth 2
 *   recursive mutex: depth 3
 *   recursive mutex: another thread's trylock: EBUSY
 *   recursive mutex: unlocked 3 times, another thread's trylock: 0 (got it)
 *
 * Needs: futex with a timeout (the timed lock), threads for the last two
 * lines (clone).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static pthread_mutex_t recursive;

/* The pthread_mutex_* calls return an error number (0: success). */
static const char *name(int err)
{
	switch (err) {
	case 0: return "0 (got it)";
	case ETIMEDOUT: return "ETIMEDOUT";
	case EDEADLK: return "EDEADLK";
	case EBUSY: return "EBUSY";
	default: return strerror(err);
	}
}

static void *other_thread_trylock(void *arg)
{
	(void)arg;
	int r = pthread_mutex_trylock(&recursive);
	if (r == 0)
		pthread_mutex_unlock(&recursive);
	return (void *)(long)r;
}

static int trylock_from_another_thread(void)
{
	pthread_t t;
	void *r;
	pthread_create(&t, NULL, other_thread_trylock, NULL);
	pthread_join(t, &r);
	return (int)(long)r;
}

/* Takes the lock, and calls itself while holding it. */
static void nested(int depth)
{
	pthread_mutex_lock(&recursive);
	printf("recursive mutex: depth %d\n", depth);
	if (depth < 3)
		nested(depth + 1);
	else
		printf("recursive mutex: another thread's trylock: %s\n",
		       name(trylock_from_another_thread()));
	pthread_mutex_unlock(&recursive);
}

int main(void)
{
	pthread_mutexattr_t attr;
	setvbuf(stdout, NULL, _IOLBF, 0);

	pthread_mutex_t plain = PTHREAD_MUTEX_INITIALIZER;
	pthread_mutex_lock(&plain);
	printf("plain mutex: locked once\n");
	printf("plain mutex: locking again... ");
	struct timespec deadline;
	clock_gettime(CLOCK_REALTIME, &deadline); /* timedlock's clock */
	deadline.tv_sec += 1;
	int r = pthread_mutex_timedlock(&plain, &deadline);
	printf("gave up after 1 s: %s\n", name(r));
	printf("  (without the time limit this thread would wait forever)\n");
	pthread_mutex_unlock(&plain);

	pthread_mutex_t checked;
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
	pthread_mutex_init(&checked, &attr);
	pthread_mutex_lock(&checked);
	printf("error-checking mutex: locking again: %s\n",
	       name(pthread_mutex_lock(&checked)));
	pthread_mutex_unlock(&checked);

	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&recursive, &attr);
	nested(1);
	printf("recursive mutex: unlocked 3 times, another thread's trylock: %s\n",
	       name(trylock_from_another_thread()));
	return 0;
}
