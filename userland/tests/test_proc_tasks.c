/*
 * test_proc_tasks — a process's threads in /proc: /proc/self/task lists
 * every live thread by tid; a thread's comm can be set (pthread_setname_np
 * writes /proc/self/task/<tid>/comm for another thread) and read back;
 * a thread blocked in a pipe read shows state S in its stat and status,
 * and its wchan says what it waits for ("pipe" on Weft; on Linux a kernel
 * function name, so there it is only checked to be there).
 *
 * Nothing here depends on speed: a check that needs a thread to be
 * asleep first waits until /proc says it is.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "guest.h"

#define NTHREADS 3

static pid_t my_tid(void)
{
	return (pid_t)syscall(SYS_gettid);
}

static void task_path(char *buf, size_t size, pid_t tid, const char *file)
{
	snprintf(buf, size, "/proc/self/task/%d/%s", (int)tid, file);
}

/* The state letter in /proc/self/task/<tid>/stat, or '?'. */
static char task_state(pid_t tid)
{
	char path[64], text[1024];
	task_path(path, sizeof path, tid, "stat");
	if (guest_read_text(path, text, sizeof text) <= 0)
		return '?';
	const char *paren = strrchr(text, ')'); /* the name may hold ") " */
	return paren && paren[1] == ' ' ? paren[2] : '?';
}

/* Wait (1 ms at a time, for up to about a minute) until the thread's
 * state is want. */
static bool wait_for_state(pid_t tid, char want)
{
	struct timespec ms = { 0, 1000000 };
	for (int i = 0; i < 60000; i++) {
		if (task_state(tid) == want)
			return true;
		nanosleep(&ms, NULL);
	}
	return false;
}

/* Is tid listed in /proc/self/task? -1 if the directory can't be read. */
static int task_listed(pid_t tid, int *count)
{
	DIR *d = opendir("/proc/self/task");
	if (!d)
		return -1;
	struct dirent *e;
	int seen = 0, n = 0;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		n++;
		if (atoi(e->d_name) == tid)
			seen = 1;
	}
	closedir(d);
	if (count)
		*count = n;
	return seen;
}

/* ---- threads that wait on a pipe until told to go ---- */

struct waiter {
	pthread_t th;
	int fds[2];                 /* the thread reads fds[0] */
	volatile pid_t tid;
	char got;
};

static void *wait_on_pipe(void *arg)
{
	struct waiter *w = arg;
	__atomic_store_n(&w->tid, my_tid(), __ATOMIC_RELEASE);
	if (read(w->fds[0], &w->got, 1) != 1)
		w->got = '!';
	return NULL;
}

static bool start_waiter(struct waiter *w)
{
	w->tid = 0;
	w->got = 0;
	if (pipe2(w->fds, O_CLOEXEC) != 0)
		return false;
	if (pthread_create(&w->th, NULL, wait_on_pipe, w) != 0) {
		close(w->fds[0]);
		close(w->fds[1]);
		return false;
	}
	struct timespec ms = { 0, 1000000 };
	while (__atomic_load_n(&w->tid, __ATOMIC_ACQUIRE) == 0)
		nanosleep(&ms, NULL);
	return true;
}

/* Let it go, join it; true if it read the byte sent. */
static bool stop_waiter(struct waiter *w)
{
	bool ok = write(w->fds[1], "x", 1) == 1;
	ok = pthread_join(w->th, NULL) == 0 && ok;
	close(w->fds[0]);
	close(w->fds[1]);
	return ok && w->got == 'x';
}

/* ---- the cases ---- */

static void task_lists_every_thread(void)
{
	struct waiter w[NTHREADS];
	int count = 0;

	CHECK_EQ(task_listed(my_tid(), &count), 1);
	CHECK_EQ(count, 1);
	CHECK_EQ(my_tid(), getpid());       /* the main thread's tid is the pid */
	for (int i = 0; i < NTHREADS; i++)
		REQUIRE(start_waiter(&w[i]));
	CHECK_EQ(task_listed(getpid(), &count), 1);
	CHECK_EQ(count, 1 + NTHREADS);
	for (int i = 0; i < NTHREADS; i++) {
		CHECK(w[i].tid != getpid());
		CHECK_EQ(task_listed(w[i].tid, NULL), 1);
	}
	/* Threads count in the process's status too. */
	char text[2048];
	CHECK(guest_read_text("/proc/self/status", text, sizeof text) > 0);
	CHECK(strstr(text, "Threads:\t4\n") != NULL);

	pid_t gone = w[0].tid;
	CHECK(stop_waiter(&w[0]));
	/* A joined thread leaves the list (maybe a moment after the join
	 * returns: its tid word is cleared just before it is gone). */
	struct timespec ms = { 0, 1000000 };
	for (int i = 0; i < 60000 && task_listed(gone, NULL) == 1; i++)
		nanosleep(&ms, NULL);
	CHECK_EQ(task_listed(gone, NULL), 0);
	char path[64];
	task_path(path, sizeof path, gone, "stat");
	CHECK_ERR(open(path, O_RDONLY), ENOENT);
	for (int i = 1; i < NTHREADS; i++)
		CHECK(stop_waiter(&w[i]));
}

static void comm_set_and_read_back(void)
{
	struct waiter w;
	char path[64], text[64], self_comm[64];

	REQUIRE(guest_read_text("/proc/self/comm", self_comm, sizeof self_comm) > 1);
	REQUIRE(start_waiter(&w));
	/* For another thread, musl writes /proc/self/task/<tid>/comm. */
	CHECK_EQ(pthread_setname_np(w.th, "worker-one"), 0);
	task_path(path, sizeof path, w.tid, "comm");
	CHECK(guest_read_text(path, text, sizeof text) > 0);
	CHECK(strcmp(text, "worker-one\n") == 0);
	/* stat and status show the thread's own name. */
	task_path(path, sizeof path, w.tid, "stat");
	CHECK(guest_read_text(path, text, sizeof text) > 0);
	char want[64];
	snprintf(want, sizeof want, "%d (worker-one) ", (int)w.tid);
	CHECK(strncmp(text, want, strlen(want)) == 0);

	/* Written directly: at most 15 bytes are kept. */
	task_path(path, sizeof path, w.tid, "comm");
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	CHECK(fd >= 0);
	CHECK_EQ(write(fd, "a-very-long-thread-name", 23), 23);
	close(fd);
	CHECK(guest_read_text(path, text, sizeof text) > 0);
	CHECK(strcmp(text, "a-very-long-thr\n") == 0);

	/* Renaming another thread leaves the process's name alone. */
	CHECK(guest_read_text("/proc/self/comm", text, sizeof text) > 0);
	CHECK(strcmp(text, self_comm) == 0);
	/* The main thread's comm is the process's. */
	task_path(path, sizeof path, getpid(), "comm");
	CHECK(guest_read_text(path, text, sizeof text) > 0);
	CHECK(strcmp(text, self_comm) == 0);
	CHECK(stop_waiter(&w));
}

/* Renaming a thread of another process is refused. */
static void comm_of_another_process_is_refused(void)
{
	int fds[2];
	REQUIRE(pipe(fds) == 0);
	pid_t pid = fork();
	REQUIRE(pid >= 0);
	if (pid == 0) {
		char c;
		close(fds[1]);
		(void)!read(fds[0], &c, 1);
		_exit(0);
	}
	close(fds[0]);
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/comm", (int)pid);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	CHECK(fd >= 0);
	if (fd >= 0) {
		CHECK_ERR(write(fd, "intruder", 8), EINVAL);
		close(fd);
	}
	char text[64];
	CHECK(guest_read_text(path, text, sizeof text) > 0);
	CHECK(strcmp(text, "intruder\n") != 0);
	close(fds[1]);                      /* the child reads EOF and exits */
	int status;
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void blocked_thread_shows_what_it_waits_for(void)
{
	struct waiter w;
	char path[64], text[2048], want[64];

	REQUIRE(start_waiter(&w));
	CHECK(wait_for_state(w.tid, 'S'));  /* asleep in read() */
	task_path(path, sizeof path, w.tid, "status");
	CHECK(guest_read_text(path, text, sizeof text) > 0);
	CHECK(strstr(text, "State:\tS (sleeping)\n") != NULL);
	snprintf(want, sizeof want, "\nPid:\t%d\n", (int)w.tid);
	CHECK(strstr(text, want) != NULL);
	snprintf(want, sizeof want, "\nTgid:\t%d\n", (int)getpid());
	CHECK(strstr(text, want) != NULL);

	task_path(path, sizeof path, w.tid, "wchan");
	ssize_t n = guest_read_text(path, text, sizeof text);
	CHECK(n > 0);
	if (on_weft())
		CHECK(strcmp(text, "pipe") == 0);
	else
		CHECK(n > 0 && text[0] != '\n');
	/* The thread reading its own files is running. */
	CHECK_EQ(task_state(my_tid()), 'R');
	if (on_weft()) {
		task_path(path, sizeof path, my_tid(), "wchan");
		CHECK(guest_read_text(path, text, sizeof text) > 0);
		CHECK(strcmp(text, "0") == 0);
	}
	CHECK(stop_waiter(&w));
}

/* On Weft, wchan names the kernel object: a pthread mutex sleeps in futex. */
static pthread_mutex_t pm = PTHREAD_MUTEX_INITIALIZER;
static volatile pid_t locker_tid;

static void *lock_it(void *arg)
{
	(void)arg;
	__atomic_store_n(&locker_tid, my_tid(), __ATOMIC_RELEASE);
	pthread_mutex_lock(&pm);
	pthread_mutex_unlock(&pm);
	return NULL;
}

static void wchan_of_a_mutex_waiter(void)
{
	pthread_t th;
	char path[64], text[64];

	locker_tid = 0;
	pthread_mutex_lock(&pm);
	REQUIRE(pthread_create(&th, NULL, lock_it, NULL) == 0);
	struct timespec ms = { 0, 1000000 };
	while (__atomic_load_n(&locker_tid, __ATOMIC_ACQUIRE) == 0)
		nanosleep(&ms, NULL);
	CHECK(wait_for_state(locker_tid, 'S'));
	task_path(path, sizeof path, locker_tid, "wchan");
	CHECK(guest_read_text(path, text, sizeof text) > 0);
	if (on_weft())
		CHECK(strcmp(text, "futex") == 0);
	pthread_mutex_unlock(&pm);
	CHECK_EQ(pthread_join(th, NULL), 0);
}

int main(void)
{
	guest_begin();
	TAP(task_lists_every_thread);
	TAP(comm_set_and_read_back);
	TAP(comm_of_another_process_is_refused);
	TAP(blocked_thread_shows_what_it_waits_for);
	TAP(wchan_of_a_mutex_waiter);
	guest_end();
	return tap_done();
}
