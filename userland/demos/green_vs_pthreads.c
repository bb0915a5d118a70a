/*
 * Lesson 31 — green threads against OS threads for I/O-bound work.
 *
 * 400 workers each wait 100 ms for "the network" — a pipe that a timer
 * task (green) or a timer thread (pthreads) writes to after 100 ms — and
 * then count the answer. Waiting overlaps in both cases, so both finish
 * in about 100 ms, not 400 x 100 ms. The difference is the price of a
 * worker: a pthread is a kernel thread with its own large stack; a green
 * thread is a small record and a 64 KiB stack in user space, created
 * without a system call once stacks are reused.
 *
 * Expected output (the numbers vary from run to run and machine to
 * machine; the shape does not):
 *   400 green threads: all 400 answered, wall time ~100 ms, 1 OS thread
 *   400 pthreads:      all 400 answered, wall time ~100 ms, 400 OS threads
 *   creating one worker: green ~N us, pthread ~M us
 * ("~" marks values that depend on the machine; on Weft under QEMU the
 * times are larger, and the green threads' lead in creation grows.)
 */
#include <green.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

enum { WORKERS = 400, LATENCY_MS = 100 }; /* 800 pipe ends: under the usual limit of 1024 descriptors */

static int pipes[WORKERS][2];
static int answered;

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* ---- green: the waits are parked tasks in one poll() ---- */
static void *green_worker(void *arg, void *value)
{
	(void)value;
	char c;
	if (green_read(pipes[(intptr_t)arg][0], &c, 1) == 1)
		answered++; /* no lock: green threads never run at once */
	return NULL;
}
static void *green_network(void *arg, void *value)
{
	(void)arg, (void)value;
	green_sleep_ms(LATENCY_MS);
	for (int i = 0; i < WORKERS; i++)
		green_write(pipes[i][1], "!", 1);
	return NULL;
}

/* ---- pthreads: the waits are blocked kernel threads ---- */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static void *os_worker(void *arg)
{
	char c;
	if (read(pipes[(intptr_t)arg][0], &c, 1) == 1) {
		pthread_mutex_lock(&lock);
		answered++;
		pthread_mutex_unlock(&lock);
	}
	return NULL;
}
static void *os_network(void *arg)
{
	(void)arg;
	struct timespec t = { 0, LATENCY_MS * 1000000L };
	nanosleep(&t, NULL);
	for (int i = 0; i < WORKERS; i++)
		if (write(pipes[i][1], "!", 1) != 1)
			break;
	return NULL;
}

static int open_pipes(int flags)
{
	for (int i = 0; i < WORKERS; i++)
		if (pipe2(pipes[i], flags) != 0)
			return -1;
	return 0;
}
static void close_pipes(void)
{
	for (int i = 0; i < WORKERS; i++)
		close(pipes[i][0]), close(pipes[i][1]);
}

int main(void)
{
	static green_t *g[WORKERS];
	static pthread_t t[WORKERS];

	if (open_pipes(O_NONBLOCK) != 0)
		return perror("pipe2"), 1;
	answered = 0;
	double t0 = now_ms();
	for (intptr_t i = 0; i < WORKERS; i++)
		g[i] = green_spawn(green_worker, (void *)i, 0);
	double green_create = (now_ms() - t0) * 1000 / WORKERS;
	green_t *net = green_spawn(green_network, NULL, 0);
	for (int i = 0; i < WORKERS; i++)
		green_join(g[i], NULL);
	green_join(net, NULL);
	printf("%d green threads: all %d answered, wall time %.0f ms, 1 OS thread\n",
	       WORKERS, answered, now_ms() - t0);
	close_pipes();

	if (open_pipes(0) != 0)
		return perror("pipe2"), 1;
	answered = 0;
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024); /* as small as ours */
	t0 = now_ms();
	int started = 0;
	for (intptr_t i = 0; i < WORKERS; i++, started++)
		if (pthread_create(&t[i], &attr, os_worker, (void *)i) != 0)
			break;
	double os_create = (now_ms() - t0) * 1000 / WORKERS;
	pthread_t nt;
	pthread_create(&nt, &attr, os_network, NULL);
	for (int i = 0; i < started; i++)
		pthread_join(t[i], NULL);
	pthread_join(nt, NULL);
	printf("%d pthreads:      all %d answered, wall time %.0f ms, %d OS threads\n",
	       WORKERS, answered, now_ms() - t0, started);
	close_pipes();
	printf("creating one worker: green %.2f us, pthread %.2f us\n",
	       green_create, os_create);
	return 0;
}
