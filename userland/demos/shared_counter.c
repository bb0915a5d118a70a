/*
 * Lesson: a race on a shared value between processes, and the
 * process-shared lock that fixes it.
 *
 * A counter lives in shared memory (MAP_SHARED, like multiprocessing's
 * Value). 100 processes start at the same moment and each adds 1 to it:
 * read the value, pause a moment (a yield: any real work in between would
 * do), write value + 1. Without a lock many of them read the same value
 * before any has written, and their additions are lost: the total is
 * below 100, and different each run. With a lock that the processes
 * share -- a pthread mutex set PTHREAD_PROCESS_SHARED, itself in the
 * shared memory -- one process at a time does read-pause-write, and the
 * total is exactly 100.
 *
 * Expected output (the first number varies, and is usually well below 100):
 *   without a lock: counter = 23 after 100 processes added 1
 *   with a process-shared lock: counter = 100 after 100 processes added 1
 *
 * Needs: fork, mmap MAP_SHARED, futex on shared memory (the lock), pipes
 * (the start signal), wait4.
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define PROCESSES 100

struct shared {
	pthread_mutex_t lock;
	volatile int counter;
};

static void add_one(struct shared *s, int locked)
{
	if (locked)
		pthread_mutex_lock(&s->lock);
	int value = s->counter;
	sched_yield(); /* the moment in which another process may read too */
	s->counter = value + 1;
	if (locked)
		pthread_mutex_unlock(&s->lock);
}

static void run(struct shared *s, int locked)
{
	pid_t pids[PROCESSES];
	int gun[2];
	char c;
	s->counter = 0;
	pipe(gun);
	for (int i = 0; i < PROCESSES; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			close(gun[1]);
			read(gun[0], &c, 1); /* end-of-file when the gun goes */
			add_one(s, locked);
			_exit(0);
		}
	}
	close(gun[0]);
	close(gun[1]); /* go! */
	for (int i = 0; i < PROCESSES; i++)
		waitpid(pids[i], NULL, 0);
	printf("%s counter = %d after %d processes added 1\n",
	       locked ? "with a process-shared lock:" : "without a lock:",
	       s->counter, PROCESSES);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	struct shared *s = mmap(NULL, sizeof *s, PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (s == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	pthread_mutexattr_t attr;
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
	pthread_mutex_init(&s->lock, &attr);
	run(s, 0);
	run(s, 1);
	munmap(s, sizeof *s);
	return 0;
}
