/*
 * Lesson: a race on a shared balance, and the lock that fixes it.
 *
 * Two threads share one bank balance, starting at 0. One deposits 5, a
 * million times, then withdraws 5 as often; the other does the same with
 * 8. Whatever the order, the balance should end at 0. But
 * "balance = balance + n" is three steps: load the balance, compute the
 * new one, store it. If a thread is preempted after its load and before
 * its store (or the other thread runs on another CPU at that moment),
 * the other thread's updates made in between are overwritten by the
 * stale store: they are lost, and the final balance is off -- by a
 * different amount every run. Run 2 takes a mutex around each change:
 * one thread at a time does load-compute-store, and the final balance is
 * always exactly 0.
 *
 * (Python's version adds and subtracts in the same call; then most lost
 * updates cancel out and the race seldom shows. Here all deposits come
 * before all withdrawals, so a lost update is never undone.)
 *
 * The new balance is computed in a function of its own, as a real bank
 * would (fees, limits, ...). It also matters under QEMU, which runs Weft:
 * an emulated CPU takes interrupts only between blocks of straight-line
 * code, so a load, an add and a store in one block could never be
 * preempted half-way on a single CPU. On a real CPU an interrupt can come
 * between any two instructions.
 *
 * Expected output (the first number varies, and can even be 0 now and
 * then: a run with no unlucky moment):
 *   without a lock: balance = -40416 after 2 x 1000000 deposits and withdrawals
 *   with a mutex:   balance = 0 after 2 x 1000000 deposits and withdrawals
 * (`balance_race N` for N of each.)
 *
 * Needs: threads (clone, futex), preemption of user code.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

/* volatile: really load and store it every time, as the three steps say */
static volatile long balance;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t start; /* both threads begin together */
static int use_lock;
static long rounds = 1000000;

static long __attribute__((noinline)) new_balance(long old, long amount)
{
	return old + amount;
}

static void change_it(long n)
{
	if (use_lock)
		pthread_mutex_lock(&lock);
	balance = new_balance(balance, n); /* load, compute, store */
	if (use_lock)
		pthread_mutex_unlock(&lock);
}

static void *run_thread(void *arg)
{
	long n = (long)arg;
	pthread_barrier_wait(&start);
	for (long i = 0; i < rounds; i++)
		change_it(n); /* deposit */
	for (long i = 0; i < rounds; i++)
		change_it(-n); /* withdraw */
	return NULL;
}

static void run(int with_lock)
{
	pthread_t t1, t2;
	balance = 0;
	use_lock = with_lock;
	pthread_barrier_init(&start, NULL, 2);
	pthread_create(&t1, NULL, run_thread, (void *)5L);
	pthread_create(&t2, NULL, run_thread, (void *)8L);
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);
	pthread_barrier_destroy(&start);
	printf("%s balance = %ld after 2 x %ld deposits and withdrawals\n",
	       with_lock ? "with a mutex:  " : "without a lock:", balance, rounds);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		rounds = atol(argv[1]);
	run(0);
	run(1);
	return 0;
}
