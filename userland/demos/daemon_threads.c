/*
 * Lesson: the main thread waits for its threads -- unless they are
 * daemons.
 *
 * In Python the program does not end while a non-daemon thread is still
 * running; daemon threads are simply dropped when the main thread ends.
 * In C the rule is about how main ends:
 *   - return from main (or exit()) ends the whole process at once,
 *     every thread with it: all threads behave as daemons;
 *   - pthread_exit() in main ends only the main thread: the process
 *     lives on until its last thread has ended, as in Python.
 * So "waiting for the non-daemon threads" is done by joining them (or
 * by pthread_exit), and a daemon thread is one nobody joins.
 *
 * Here a worker needs 0.3 s; a daemon ticks every 0.1 s forever. Main
 * joins the worker, so the worker finishes its job; then main returns,
 * and the daemon dies mid-loop, with the process. (Run `daemon_threads
 * noworkerjoin` to see main return at once: the worker is cut off too.)
 *
 * Expected output (the order of the first lines and the number of ticks
 * vary a little; a last tick may slip in before the process ends):
 *   main: started a worker and a daemon
 *   daemon: tick
 *   worker: working...
 *   daemon: tick
 *   daemon: tick
 *   worker: done
 *   main: the worker is done; returning ends the daemon too
 *
 * Needs: threads (clone, futex), exit_group ending every thread,
 * nanosleep.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static void pause_100ms(void)
{
	struct timespec t = { 0, 100 * 1000 * 1000 };
	nanosleep(&t, NULL);
}

static void *worker(void *arg)
{
	(void)arg;
	printf("worker: working...\n");
	for (int i = 0; i < 3; i++)
		pause_100ms();
	printf("worker: done\n");
	return NULL;
}

static void *daemon_thread(void *arg)
{
	(void)arg;
	for (;;) {
		printf("daemon: tick\n");
		pause_100ms();
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t w, d;
	setvbuf(stdout, NULL, _IOLBF, 0);
	pthread_create(&d, NULL, daemon_thread, NULL);
	pthread_detach(d); /* nobody will ever join it */
	pthread_create(&w, NULL, worker, NULL);
	printf("main: started a worker and a daemon\n");
	if (argc > 1 && strcmp(argv[1], "noworkerjoin") == 0) {
		printf("main: returning without joining anyone\n");
		return 0; /* exit_group: the worker is cut off mid-job */
	}
	pthread_join(w, NULL); /* the worker is not a daemon: wait for it */
	printf("main: the worker is done; returning ends the daemon too\n");
	return 0;
}
