/*
 * Lesson: selling tickets from a file, across processes, with and
 * without a lock.
 *
 * A file holds the number of tickets left: 10. Ten buyer processes start
 * at the same moment; each reads the number, thinks for 10 ms, and
 * writes back one less. Without a lock they all read 10 before anyone
 * writes, so several buyers (usually all ten) sell ticket #10, and the
 * file ends at 9 although ten tickets went out. With a lock that all the
 * processes share -- a pthread mutex marked PTHREAD_PROCESS_SHARED, in
 * memory mapped MAP_SHARED before the fork so every buyer sees the same
 * one -- read-think-write is done by one buyer at a time: every buyer
 * gets a different ticket and the file ends at 0.
 *
 * Expected output (which buyer gets which ticket varies):
 *   without a lock:
 *     buyer 3 sold ticket #10, 9 left
 *     buyer 0 sold ticket #10, 9 left
 *     ... (ten lines, mostly or all #10)
 *   the file says 9 left after 10 sales
 *   with a process-shared lock:
 *     buyer 5 sold ticket #10, 9 left
 *     buyer 1 sold ticket #9, 8 left
 *     ... (ten lines, #10 down to #1)
 *   the file says 0 left after 10 sales
 *
 * Needs: fork, files in /tmp, MAP_SHARED memory, futex on shared memory
 * (the lock), nanosleep.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BUYERS 10

static char path[64];

static int read_count(void)
{
	char buf[16] = "";
	int fd = open(path, O_RDONLY);
	if (fd < 0 || read(fd, buf, sizeof buf - 1) < 0)
		perror(path);
	close(fd);
	return atoi(buf);
}

static void write_count(int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof buf, "%d\n", n);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, buf, len) != len)
		perror(path);
	close(fd);
}

static void think(void)
{
	struct timespec ms10 = { 0, 10 * 1000 * 1000 };
	nanosleep(&ms10, NULL);
}

static void buy(int me, pthread_mutex_t *lock)
{
	if (lock)
		pthread_mutex_lock(lock);
	int left = read_count();
	think(); /* another buyer may read the same number meanwhile */
	if (left > 0) {
		write_count(left - 1);
		printf("  buyer %d sold ticket #%d, %d left\n", me, left, left - 1);
	} else {
		printf("  buyer %d: sold out\n", me);
	}
	fflush(stdout);
	if (lock)
		pthread_mutex_unlock(lock);
}

static void sell(pthread_mutex_t *lock)
{
	int gun[2]; /* the starting gun: buyers wait until it is closed */
	pid_t pids[BUYERS];
	char c;
	write_count(10);
	pipe(gun);
	for (int i = 0; i < BUYERS; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			close(gun[1]);
			read(gun[0], &c, 1); /* returns (end-of-file) at the gun */
			buy(i, lock);
			_exit(0);
		}
	}
	close(gun[0]);
	close(gun[1]); /* bang: every buyer's read returns at once */
	for (int i = 0; i < BUYERS; i++)
		waitpid(pids[i], NULL, 0);
	printf("the file says %d left after %d sales\n", read_count(), BUYERS);
}

int main(void)
{
	snprintf(path, sizeof path, "/tmp/tickets-%d", (int)getpid());
	setvbuf(stdout, NULL, _IOLBF, 0);

	printf("without a lock:\n");
	sell(NULL);

	/* The lock lives in shared memory, so all buyers use the same one. */
	pthread_mutex_t *lock = mmap(NULL, sizeof *lock, PROT_READ | PROT_WRITE,
				     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pthread_mutexattr_t attr;
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
	pthread_mutex_init(lock, &attr);
	printf("with a process-shared lock:\n");
	sell(lock);

	unlink(path);
	return 0;
}
