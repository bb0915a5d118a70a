/*
 * Lesson: how many processes? As many workers as CPUs.
 *
 * CPU-bound work goes fastest with one worker per CPU: fewer leaves CPUs
 * idle, more only adds switching. sysconf(_SC_NPROCESSORS_ONLN) tells
 * how many CPUs are online (Python's os.cpu_count()); musl answers it
 * with the sched_getaffinity system call, counting the CPUs this process
 * may run on. The job -- count the primes below 200000 -- is cut into
 * one slice per worker process; each sends its count back through its
 * own pipe, and the parent adds them up.
 *
 * Expected output (the CPU count and the order of worker lines vary;
 * the total does not):
 *   2 CPUs online: starting 2 worker processes
 *   worker 1 counted 8392 primes in [100001, 200000)
 *   worker 0 counted 9592 primes in [2, 100001)
 *   total: 17984 primes below 200000
 *
 * Needs: sched_getaffinity (else musl assumes 1 CPU), fork, pipes, wait4.
 */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#define LIMIT 200000

static int is_prime(int n)
{
	if (n < 2)
		return 0;
	for (int d = 2; d * d <= n; d++)
		if (n % d == 0)
			return 0;
	return 1;
}

int main(void)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int n = cpus > 0 ? (int)cpus : 1;
	int fds[n][2];
	pid_t pids[n];
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("%d CPU%s online: starting %d worker process%s\n", n,
	       n == 1 ? "" : "s", n, n == 1 ? "" : "es");
	for (int i = 0; i < n; i++) {
		int lo = i == 0 ? 2 : i * (LIMIT / n) + 1;
		int hi = i == n - 1 ? LIMIT : (i + 1) * (LIMIT / n) + 1;
		pipe(fds[i]);
		pids[i] = fork();
		if (pids[i] == 0) {
			int count = 0;
			for (int k = lo; k < hi; k++)
				count += is_prime(k);
			printf("worker %d counted %d primes in [%d, %d)\n", i,
			       count, lo, hi);
			write(fds[i][1], &count, sizeof count);
			_exit(0);
		}
		close(fds[i][1]);
	}
	int total = 0;
	for (int i = 0; i < n; i++) {
		int count = 0;
		read(fds[i][0], &count, sizeof count);
		close(fds[i][0]);
		waitpid(pids[i], NULL, 0);
		total += count;
	}
	printf("total: %d primes below %d\n", total, LIMIT);
	return 0;
}
