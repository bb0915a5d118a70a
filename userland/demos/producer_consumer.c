/*
 * Lesson: producers and consumers over a bounded queue.
 *
 * Two producer threads put numbered items into a queue that holds at
 * most 4; two consumer threads take them out. Neither side waits for the
 * other directly: a producer only waits when the queue is full, a
 * consumer only when it is empty. The queue is a ring buffer with one
 * mutex and two condition variables, "not full" and "not empty": put
 * waits on the first and signals the second, get the other way round.
 * At the end, one "stop" item per consumer tells them to finish.
 *
 * Expected output (the interleaving varies from run to run; the last
 * line does not):
 *   producer 1 put 1 (1 in queue)
 *   producer 2 put 11 (2 in queue)
 *   consumer 1 got 1
 *   ...
 *   producer 2 waits: queue full
 *   ...
 *   consumed 20 items, sum 210
 *
 * Needs: threads (clone, futex).
 */
#include <pthread.h>
#include <stdio.h>

#define CAPACITY 4
#define PER_PRODUCER 10
#define STOP 0

struct queue {
	pthread_mutex_t lock;
	pthread_cond_t not_full, not_empty;
	int items[CAPACITY];
	int head, count;
};

static struct queue q = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.not_full = PTHREAD_COND_INITIALIZER,
	.not_empty = PTHREAD_COND_INITIALIZER,
};

static void put(int item, int who)
{
	pthread_mutex_lock(&q.lock);
	if (q.count == CAPACITY && item != STOP)
		printf("producer %d waits: queue full\n", who);
	while (q.count == CAPACITY) /* "while", not "if": re-check on waking */
		pthread_cond_wait(&q.not_full, &q.lock);
	q.items[(q.head + q.count) % CAPACITY] = item;
	q.count++;
	if (item != STOP)
		printf("producer %d put %d (%d in queue)\n", who, item, q.count);
	pthread_cond_signal(&q.not_empty);
	pthread_mutex_unlock(&q.lock);
}

static int get(void)
{
	pthread_mutex_lock(&q.lock);
	while (q.count == 0)
		pthread_cond_wait(&q.not_empty, &q.lock);
	int item = q.items[q.head];
	q.head = (q.head + 1) % CAPACITY;
	q.count--;
	pthread_cond_signal(&q.not_full);
	pthread_mutex_unlock(&q.lock);
	return item;
}

static void *producer(void *arg)
{
	int me = (int)(long)arg;
	for (int i = 1; i <= PER_PRODUCER; i++)
		put((me - 1) * PER_PRODUCER + i, me); /* 1..10 and 11..20 */
	return NULL;
}

struct tally {
	int count, sum;
};

static void *consumer(void *arg)
{
	int me = (int)(long)arg;
	static struct tally tallies[3];
	struct tally *t = &tallies[me];
	for (int item; (item = get()) != STOP;) {
		printf("consumer %d got %d\n", me, item);
		t->count++;
		t->sum += item;
	}
	return t;
}

int main(void)
{
	pthread_t p[2], c[2];
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (long i = 0; i < 2; i++) {
		pthread_create(&c[i], NULL, consumer, (void *)(i + 1));
		pthread_create(&p[i], NULL, producer, (void *)(i + 1));
	}
	for (int i = 0; i < 2; i++)
		pthread_join(p[i], NULL);
	put(STOP, 0); /* one stop item for each consumer */
	put(STOP, 0);
	int count = 0, sum = 0;
	for (int i = 0; i < 2; i++) {
		struct tally *t;
		pthread_join(c[i], (void **)&t);
		count += t->count;
		sum += t->sum;
	}
	printf("consumed %d items, sum %d\n", count, sum);
	return 0;
}
