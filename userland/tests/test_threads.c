/*
 * test_threads — user threads through musl's pthreads: what a kernel must
 * give for them to work (clone with CLONE_THREAD/SETTLS/CHILD_CLEARTID,
 * futex, exit vs exit_group, tgkill, /proc/<pid>/task), and the
 * synchronisation objects built on futex.
 *
 * Threads: create/join with return values, detach, many at once, gettid
 * distinct while getpid is shared, _Thread_local per thread, names in
 * /proc/self/task/<tid>/comm, the task directory lists every thread.
 * Exits: one thread's exit leaves the others running; the main thread's
 * pthread_exit keeps the process alive until its last thread ends; exit()
 * in any thread ends them all with that status; a fault in one thread
 * kills the whole process (SIGSEGV in the wait status).
 * Signals: tgkill reaches the thread it names.
 * Locks: mutex exactness with 4 threads; error-checking mutex (EDEADLK,
 * EPERM); recursive mutex; a plain mutex locked twice times out; condition
 * variables (signal, broadcast, timeout); semaphores (trywait, timeout);
 * barriers; rwlocks; a process-shared mutex and semaphore in MAP_SHARED
 * memory between forked processes.
 *
 * Nothing here depends on speed: waits are for events, and the only
 * timeouts are ones that must expire (the thing waited for never comes).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "guest.h"

/* An absolute CLOCK_REALTIME deadline ms from now (what timedlock wants). */
static struct timespec in_ms(long ms)
{
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	t.tv_sec += ms / 1000;
	t.tv_nsec += (ms % 1000) * 1000000L;
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	return t;
}

static bool exited_with(int status, int code)
{
	return WIFEXITED(status) && WEXITSTATUS(status) == code;
}

/* ---- creating and joining ---- */

static void *twice(void *arg)
{
	return (void *)((intptr_t)arg * 2);
}

static void create_join(void)
{
	pthread_t t[8];
	for (intptr_t i = 0; i < 8; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, twice, (void *)i), 0);
	for (intptr_t i = 0; i < 8; i++) {
		void *r = NULL;
		CHECK_EQ(pthread_join(t[i], &r), 0);
		CHECK_EQ((intptr_t)r, 2 * i);
	}
}

/* Threads come and go: the kernel must free each one's resources. */
static void create_join_many(void)
{
	for (intptr_t i = 0; i < 200; i++) {
		pthread_t t;
		void *r = NULL;
		REQUIRE(pthread_create(&t, NULL, twice, (void *)i) == 0);
		CHECK_EQ(pthread_join(t, &r), 0);
		CHECK_EQ((intptr_t)r, 2 * i);
	}
}

static pthread_barrier_t many_barrier;
static void *wait_at_barrier(void *arg)
{
	pthread_barrier_wait(&many_barrier);
	return arg;
}

/* 32 threads alive at the same time. */
static void many_at_once(void)
{
	enum { N = 32 };
	pthread_t t[N];
	pthread_barrier_init(&many_barrier, NULL, N + 1);
	int made = 0;
	for (intptr_t i = 0; i < N; i++) {
		int r = pthread_create(&t[i], NULL, wait_at_barrier, (void *)i);
		CHECK_EQ(r, 0);
		if (r)
			break;
		made++;
	}
	if (made == N)
		pthread_barrier_wait(&many_barrier);
	for (intptr_t i = 0; i < made; i++) {
		void *r = NULL;
		CHECK_EQ(pthread_join(t[i], &r), 0);
		CHECK_EQ((intptr_t)r, i);
	}
	pthread_barrier_destroy(&many_barrier);
}

static sem_t detached_done;
static void *detached_thread(void *arg)
{
	(void)arg;
	sem_post(&detached_done);
	return NULL;
}

static void detach(void)
{
	pthread_t t;
	pthread_attr_t a;
	REQUIRE(sem_init(&detached_done, 0, 0) == 0);
	/* created detached, and detached after creation */
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	CHECK_EQ(pthread_create(&t, &a, detached_thread, NULL), 0);
	pthread_attr_destroy(&a);
	CHECK_EQ(pthread_create(&t, NULL, detached_thread, NULL), 0);
	CHECK_EQ(pthread_detach(t), 0);
	CHECK_EQ(sem_wait(&detached_done), 0);
	CHECK_EQ(sem_wait(&detached_done), 0);
	sem_destroy(&detached_done);
}

/* ---- identity ---- */

struct ids {
	pid_t pid, tid;
};

static void *report_ids(void *arg)
{
	struct ids *ids = arg;
	ids->pid = getpid();
	ids->tid = gettid();
	return NULL;
}

/* Every thread shares the pid; its own tid is not the pid. (Whether
 * tids differ is checked below, with threads that surely overlap: these
 * may not, and a tid may be reused once its thread is gone.) */
static void gettid_and_getpid(void)
{
	struct ids ids[4];
	pthread_t t[4];
	CHECK_EQ(gettid(), getpid()); /* the main thread's tid is the pid */
	for (int i = 0; i < 4; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, report_ids, &ids[i]), 0);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < 4; i++) {
		CHECK_EQ(ids[i].pid, getpid());
		CHECK(ids[i].tid > 0 && ids[i].tid != getpid());
	}
}

/* Threads that overlap for sure (a barrier) have different tids. */
static pthread_barrier_t tid_barrier;
static void *tid_at_barrier(void *arg)
{
	struct ids *ids = arg;
	ids->tid = gettid();
	ids->pid = getpid();
	pthread_barrier_wait(&tid_barrier);
	return NULL;
}

static void gettid_distinct(void)
{
	struct ids ids[4];
	pthread_t t[4];
	pthread_barrier_init(&tid_barrier, NULL, 5);
	for (int i = 0; i < 4; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, tid_at_barrier, &ids[i]), 0);
	pthread_barrier_wait(&tid_barrier);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&tid_barrier);
	for (int i = 0; i < 4; i++) {
		CHECK_EQ(ids[i].pid, getpid());
		CHECK(ids[i].tid != getpid());
		for (int j = 0; j < i; j++)
			CHECK(ids[j].tid != ids[i].tid);
	}
}

static _Thread_local int tls_value = 42;
static _Thread_local char tls_name[16] = "main";

static void *tls_thread(void *arg)
{
	intptr_t i = (intptr_t)arg;
	/* each thread starts with the initial values, not main's */
	if (tls_value != 42 || strcmp(tls_name, "main") != 0)
		return (void *)-1;
	tls_value = (int)i;
	snprintf(tls_name, sizeof tls_name, "thread %d", (int)i);
	for (int k = 0; k < 1000; k++) {
		sched_yield(); /* let the others write theirs */
		if (tls_value != i)
			return (void *)-2;
	}
	char want[16];
	snprintf(want, sizeof want, "thread %d", (int)i);
	if (strcmp(tls_name, want) != 0)
		return (void *)-3;
	return (void *)&tls_value; /* its address differs in every thread */
}

static void thread_local(void)
{
	tls_value = 7;
	strcpy(tls_name, "changed");
	pthread_t t[4];
	void *addr[4] = { 0 };
	for (intptr_t i = 0; i < 4; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, tls_thread, (void *)(i + 100)), 0);
	for (int i = 0; i < 4; i++) {
		CHECK_EQ(pthread_join(t[i], &addr[i]), 0);
		CHECK((intptr_t)addr[i] > 0);
		CHECK(addr[i] != &tls_value);
		for (int j = 0; j < i; j++)
			CHECK(addr[j] != addr[i]);
	}
	CHECK_EQ(tls_value, 7);
	CHECK(strcmp(tls_name, "changed") == 0);
	tls_value = 42;
	strcpy(tls_name, "main");
}

/* ---- names and /proc/self/task ---- */

static sem_t name_ready, name_done;
static pid_t named_tid;
static void *named_thread(void *arg)
{
	(void)arg;
	named_tid = gettid();
	sem_post(&name_ready);
	sem_wait(&name_done); /* stay alive while main looks at /proc */
	return NULL;
}

static bool read_line(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return false;
	buf[n] = 0;
	return true;
}

static int count_tasks(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int n = 0;
	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static void names_and_tasks(void)
{
	pthread_t t;
	char path[64], buf[64];
	sem_init(&name_ready, 0, 0);
	sem_init(&name_done, 0, 0);
	/* detached threads of earlier cases may still be on their way out */
	int before = count_tasks();
	for (int i = 0; i < 5000 && before > 1; i++) {
		usleep(1000);
		before = count_tasks();
	}
	CHECK_EQ(before, 1);
	REQUIRE(pthread_create(&t, NULL, named_thread, NULL) == 0);
	sem_wait(&name_ready);
	CHECK_EQ(count_tasks(), 2);
	snprintf(path, sizeof path, "/proc/self/task/%d", named_tid);
	CHECK(access(path, F_OK) == 0);
	CHECK_EQ(pthread_setname_np(t, "worker-7"), 0);
	snprintf(path, sizeof path, "/proc/self/task/%d/comm", named_tid);
	CHECK(read_line(path, buf, sizeof buf));
	CHECK(strcmp(buf, "worker-7\n") == 0);
	if (strcmp(buf, "worker-7\n") != 0)
		DIAG("comm: \"%s\"\n", buf);
	CHECK_EQ(pthread_getname_np(t, buf, sizeof buf), 0);
	CHECK(strcmp(buf, "worker-7") == 0);
	/* 15 characters at most, as in Linux's comm */
	CHECK_EQ(pthread_setname_np(t, "a-name-that-is-too-long"), ERANGE);
	sem_post(&name_done);
	CHECK_EQ(pthread_join(t, NULL), 0);
	CHECK_EQ(count_tasks(), 1);
	sem_destroy(&name_ready);
	sem_destroy(&name_done);
}

/* ---- exits ---- */

/* A thread ends with pthread_exit; the process goes on and exits 0. */
static void *exit_early(void *arg)
{
	pthread_exit(arg);
}

static void thread_exit_alone_fn(void *arg)
{
	(void)arg;
	pthread_t t;
	void *r = NULL;
	if (pthread_create(&t, NULL, exit_early, (void *)5) != 0)
		_exit(10);
	if (pthread_join(t, &r) != 0 || (intptr_t)r != 5)
		_exit(11);
	_exit(3);
}

static void thread_exit_alone(void)
{
	int status = run_in_child(thread_exit_alone_fn, NULL);
	CHECK(exited_with(status, 3));
}

/*
 * The main thread calls pthread_exit: the process lives on while another
 * thread does. The parent waits until /proc shows the child's main thread
 * as exited (a zombie, or gone), then asks the other thread for a byte:
 * it only comes if the process still runs.
 *
 * The child execs this program afresh (main() sees --main-pthread-exit)
 * rather than running on after fork: musl 1.2.3's fork does not register
 * the child's main thread with set_tid_address, so when that thread
 * exits, nobody releases musl's thread-list lock and the last thread
 * hangs on its way out. A freshly exec'ed process registers it.
 */
static int up[2], down[2];
static const char *self_path;
static void *outlive_main(void *arg)
{
	char c;
	(void)arg;
	write(up[1], "R", 1);
	if (read(down[0], &c, 1) != 1)
		_exit(12);
	write(up[1], "L", 1);
	return NULL; /* the last thread: the process exits with 0 */
}

static void main_pthread_exit_fn(int up_w, int down_r)
{
	pthread_t t;
	up[1] = up_w;
	down[0] = down_r;
	if (pthread_create(&t, NULL, outlive_main, NULL) != 0)
		_exit(10);
	pthread_exit(NULL);
}

/* The state letter of /proc/PID/task/TID/stat, 0 if it cannot be read. */
static char task_state(pid_t pid, pid_t tid)
{
	char path[64], buf[256];
	snprintf(path, sizeof path, "/proc/%d/task/%d/stat", pid, tid);
	if (!read_line(path, buf, sizeof buf))
		return 0;
	char *paren = strrchr(buf, ')');
	return paren && paren[1] == ' ' ? paren[2] : '?';
}

static void main_pthread_exit(void)
{
	char c = 0;
	REQUIRE(pipe(up) == 0 && pipe(down) == 0);
	fflush(stdout);
	pid_t pid = fork();
	REQUIRE(pid >= 0);
	if (pid == 0) {
		char a[16], b[16];
		snprintf(a, sizeof a, "%d", up[1]);
		snprintf(b, sizeof b, "%d", down[0]);
		close(up[0]);
		close(down[1]);
		execl(self_path, self_path, "--main-pthread-exit", a, b, (char *)NULL);
		_exit(13);
	}
	close(up[1]);
	close(down[0]);
	CHECK_EQ(read(up[0], &c, 1), 1);
	CHECK_EQ(c, 'R');
	/* wait (a bounded while) for the main thread to be gone */
	char st = 0;
	for (int i = 0; i < 10000; i++) {
		st = task_state(pid, pid);
		if (st == 'Z' || st == 'X' || st == 0)
			break;
		usleep(1000);
	}
	if (st != 'Z' && st != 'X' && st != 0)
		DIAG("the main thread still looks alive (state %c)\n", st);
	CHECK_EQ(write(down[1], "g", 1), 1);
	CHECK_EQ(read(up[0], &c, 1), 1);
	CHECK_EQ(c, 'L');
	close(up[0]);
	close(down[1]);
	int status;
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(exited_with(status, 0));
}

/* exit() in a thread is exit_group: the blocked main thread ends too. */
static void *exit_process(void *arg)
{
	(void)arg;
	exit(7);
}

static void exit_group_fn(void *arg)
{
	(void)arg;
	pthread_t t;
	sem_t never;
	sem_init(&never, 0, 0);
	if (pthread_create(&t, NULL, exit_process, NULL) != 0)
		_exit(10);
	sem_wait(&never); /* blocked in futex, until exit_group ends us */
	_exit(11);
}

static void exit_group_from_thread(void)
{
	int status = run_in_child(exit_group_fn, NULL);
	CHECK(exited_with(status, 7));
}

/* A NULL dereference in one thread kills the whole process. */
static void *fault(void *arg)
{
	*(volatile int *)arg = 1;
	return NULL;
}

static void fault_fn(void *arg)
{
	(void)arg;
	pthread_t t;
	if (pthread_create(&t, NULL, fault, NULL) != 0)
		_exit(10);
	pthread_join(t, NULL); /* never returns: the fault ends us all */
	_exit(11);
}

static void fault_kills_process(void)
{
	int status = run_in_child(fault_fn, NULL);
	CHECK(WIFSIGNALED(status));
	CHECK_EQ(WIFSIGNALED(status) ? WTERMSIG(status) : 0, SIGSEGV);
}

/* ---- signals to one thread ---- */

static _Atomic pid_t handled_in;
static sem_t sig_seen;
static void on_usr1(int sig)
{
	(void)sig;
	handled_in = gettid();
	sem_post(&sig_seen); /* async-signal-safe */
}

static sem_t target_ready;
static _Atomic pid_t target_tid;
static void *signal_target(void *arg)
{
	sigset_t usr1;
	(void)arg;
	/* created while main blocks SIGUSR1, so it starts blocked here too */
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	pthread_sigmask(SIG_UNBLOCK, &usr1, NULL);
	target_tid = gettid();
	sem_post(&target_ready);
	while (sem_wait(&sig_seen) != 0) /* EINTR when the handler runs here */
		;
	return NULL;
}

static void tgkill_reaches_thread(void)
{
	struct sigaction sa = { .sa_handler = on_usr1 }, old;
	sigset_t usr1, oldmask;
	pthread_t t;
	sem_init(&sig_seen, 0, 0);
	sem_init(&target_ready, 0, 0);
	sigaction(SIGUSR1, &sa, &old);
	/* the main thread blocks it: only the target can take it */
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &usr1, &oldmask);
	REQUIRE(pthread_create(&t, NULL, signal_target, NULL) == 0);
	sem_wait(&target_ready);
	CHECK_EQ(syscall(SYS_tgkill, getpid(), target_tid, SIGUSR1), 0);
	CHECK_EQ(pthread_join(t, NULL), 0);
	CHECK_EQ(handled_in, target_tid);
	/* a thread id that does not exist in this process */
	CHECK_ERR(syscall(SYS_tgkill, getpid(), 0x3fffffff, SIGUSR1), ESRCH);
	/* pthread_kill (tkill/tgkill underneath) to a live thread */
	handled_in = 0;
	sem_init(&target_ready, 0, 0);
	REQUIRE(pthread_create(&t, NULL, signal_target, NULL) == 0);
	sem_wait(&target_ready);
	CHECK_EQ(pthread_kill(t, SIGUSR1), 0);
	CHECK_EQ(pthread_join(t, NULL), 0);
	CHECK_EQ(handled_in, target_tid);
	pthread_sigmask(SIG_SETMASK, &oldmask, NULL);
	sigaction(SIGUSR1, &old, NULL);
	sem_destroy(&sig_seen);
	sem_destroy(&target_ready);
}

/* ---- mutexes ---- */

#define ADDS 100000
static pthread_mutex_t count_lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *add_locked(void *arg)
{
	(void)arg;
	for (int i = 0; i < ADDS; i++) {
		pthread_mutex_lock(&count_lock);
		counter++;
		pthread_mutex_unlock(&count_lock);
	}
	return NULL;
}

static void mutex_exact(void)
{
	pthread_t t[4];
	counter = 0;
	for (int i = 0; i < 4; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, add_locked, NULL), 0);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	CHECK_EQ(counter, 4L * ADDS);
}

static void *try_lock_from_other(void *m)
{
	return (void *)(intptr_t)pthread_mutex_trylock(m);
}

static void *unlock_from_other(void *m)
{
	return (void *)(intptr_t)pthread_mutex_unlock(m);
}

static int in_other_thread(void *(*fn)(void *), void *arg)
{
	pthread_t t;
	void *r = (void *)-1;
	if (pthread_create(&t, NULL, fn, arg) != 0)
		return -1;
	pthread_join(t, &r);
	return (int)(intptr_t)r;
}

static void errorcheck_mutex(void)
{
	pthread_mutexattr_t a;
	pthread_mutex_t m;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK);
	pthread_mutex_init(&m, &a);
	CHECK_EQ(pthread_mutex_unlock(&m), EPERM); /* not locked */
	CHECK_EQ(pthread_mutex_lock(&m), 0);
	CHECK_EQ(pthread_mutex_lock(&m), EDEADLK); /* would wait for itself */
	CHECK_EQ(in_other_thread(unlock_from_other, &m), EPERM); /* not its owner */
	CHECK_EQ(in_other_thread(try_lock_from_other, &m), EBUSY);
	CHECK_EQ(pthread_mutex_unlock(&m), 0);
	CHECK_EQ(pthread_mutex_lock(&m), 0);
	CHECK_EQ(pthread_mutex_unlock(&m), 0);
	pthread_mutex_destroy(&m);
	pthread_mutexattr_destroy(&a);
}

static void recursive_mutex(void)
{
	pthread_mutexattr_t a;
	pthread_mutex_t m;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&m, &a);
	CHECK_EQ(pthread_mutex_lock(&m), 0);
	CHECK_EQ(pthread_mutex_lock(&m), 0);
	CHECK_EQ(pthread_mutex_trylock(&m), 0);
	CHECK_EQ(in_other_thread(try_lock_from_other, &m), EBUSY);
	CHECK_EQ(pthread_mutex_unlock(&m), 0);
	CHECK_EQ(pthread_mutex_unlock(&m), 0);
	CHECK_EQ(in_other_thread(try_lock_from_other, &m), EBUSY); /* once more */
	CHECK_EQ(pthread_mutex_unlock(&m), 0);
	CHECK_EQ(pthread_mutex_unlock(&m), EPERM); /* no more to undo */
	pthread_t t;
	CHECK_EQ(pthread_create(&t, NULL, try_lock_from_other, &m), 0);
	void *r = (void *)-1;
	pthread_join(t, &r);
	CHECK_EQ((intptr_t)r, 0);
	pthread_mutex_destroy(&m);
	pthread_mutexattr_destroy(&a);
}

/* A plain mutex locked twice by one thread: a timed lock gives up. */
static void plain_mutex_twice_times_out(void)
{
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	CHECK_EQ(pthread_mutex_lock(&m), 0);
	CHECK_EQ(pthread_mutex_trylock(&m), EBUSY);
	struct timespec at = in_ms(50);
	CHECK_EQ(pthread_mutex_timedlock(&m, &at), ETIMEDOUT);
	CHECK_EQ(pthread_mutex_unlock(&m), 0);
	at = in_ms(50);
	CHECK_EQ(pthread_mutex_timedlock(&m, &at), 0);
	CHECK_EQ(pthread_mutex_unlock(&m), 0);
}

/* A mutex that another thread holds, handed over while we sleep on it. */
static pthread_mutex_t handoff = PTHREAD_MUTEX_INITIALIZER;
static sem_t handoff_locked, handoff_tried;
static void *hold_then_release(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&handoff);
	sem_post(&handoff_locked);
	sem_wait(&handoff_tried);
	for (int i = 0; i < 50; i++)
		sched_yield(); /* main is (likely) asleep on the mutex by now */
	pthread_mutex_unlock(&handoff);
	return NULL;
}

static void mutex_blocks_until_unlocked(void)
{
	pthread_t t;
	sem_init(&handoff_locked, 0, 0);
	sem_init(&handoff_tried, 0, 0);
	REQUIRE(pthread_create(&t, NULL, hold_then_release, NULL) == 0);
	sem_wait(&handoff_locked);
	CHECK_EQ(pthread_mutex_trylock(&handoff), EBUSY);
	sem_post(&handoff_tried);
	CHECK_EQ(pthread_mutex_lock(&handoff), 0);
	CHECK_EQ(pthread_mutex_unlock(&handoff), 0);
	pthread_join(t, NULL);
	sem_destroy(&handoff_locked);
	sem_destroy(&handoff_tried);
}

/* ---- condition variables ---- */

static pthread_mutex_t cv_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int cv_waiting, cv_go, cv_woken;

static void *cv_waiter(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&cv_lock);
	cv_waiting++;
	pthread_cond_broadcast(&cv); /* tell main: one more waiting */
	while (!cv_go)
		pthread_cond_wait(&cv, &cv_lock);
	cv_woken++;
	pthread_mutex_unlock(&cv_lock);
	return NULL;
}

static void condvar_broadcast(void)
{
	pthread_t t[4];
	cv_waiting = cv_go = cv_woken = 0;
	for (int i = 0; i < 4; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, cv_waiter, NULL), 0);
	pthread_mutex_lock(&cv_lock);
	while (cv_waiting < 4)
		pthread_cond_wait(&cv, &cv_lock);
	CHECK_EQ(cv_woken, 0);
	cv_go = 1;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&cv_lock);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	CHECK_EQ(cv_woken, 4);
}

/* Strict turns through a condition variable, 1000 round trips. */
static int turn;
static void *cv_pong(void *arg)
{
	(void)arg;
	for (int i = 0; i < 1000; i++) {
		pthread_mutex_lock(&cv_lock);
		while (turn != 1)
			pthread_cond_wait(&cv, &cv_lock);
		turn = 0;
		pthread_cond_signal(&cv);
		pthread_mutex_unlock(&cv_lock);
	}
	return NULL;
}

static void condvar_pingpong(void)
{
	pthread_t t;
	int rounds = 0;
	turn = 0;
	REQUIRE(pthread_create(&t, NULL, cv_pong, NULL) == 0);
	for (int i = 0; i < 1000; i++) {
		pthread_mutex_lock(&cv_lock);
		while (turn != 0)
			pthread_cond_wait(&cv, &cv_lock);
		turn = 1;
		rounds++;
		pthread_cond_signal(&cv);
		pthread_mutex_unlock(&cv_lock);
	}
	pthread_join(t, NULL);
	CHECK_EQ(rounds, 1000);
	CHECK_EQ(turn, 0);
}

static void condvar_timeout(void)
{
	pthread_cond_t c = PTHREAD_COND_INITIALIZER;
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	pthread_condattr_t a;
	pthread_mutex_lock(&m);
	struct timespec at = in_ms(30);
	CHECK_EQ(pthread_cond_timedwait(&c, &m, &at), ETIMEDOUT);
	/* and with the monotonic clock */
	pthread_condattr_init(&a);
	CHECK_EQ(pthread_condattr_setclock(&a, CLOCK_MONOTONIC), 0);
	pthread_cond_init(&c, &a);
	clock_gettime(CLOCK_MONOTONIC, &at);
	at.tv_nsec += 30 * 1000000L;
	if (at.tv_nsec >= 1000000000L)
		at.tv_sec++, at.tv_nsec -= 1000000000L;
	CHECK_EQ(pthread_cond_timedwait(&c, &m, &at), ETIMEDOUT);
	/* the mutex is held again after the timeout */
	CHECK_EQ(in_other_thread(try_lock_from_other, &m), EBUSY);
	pthread_mutex_unlock(&m);
	pthread_cond_destroy(&c);
	pthread_condattr_destroy(&a);
}

/* ---- semaphores, barriers, rwlocks ---- */

static sem_t sem;
static void *post_three(void *arg)
{
	(void)arg;
	for (int i = 0; i < 3; i++)
		sem_post(&sem);
	return NULL;
}

static void semaphores(void)
{
	int v = -1;
	REQUIRE(sem_init(&sem, 0, 1) == 0);
	CHECK_EQ(sem_trywait(&sem), 0);
	CHECK_ERR(sem_trywait(&sem), EAGAIN);
	struct timespec at = in_ms(30);
	CHECK_ERR(sem_timedwait(&sem, &at), ETIMEDOUT);
	pthread_t t[2];
	for (int i = 0; i < 2; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, post_three, NULL), 0);
	for (int i = 0; i < 6; i++)
		CHECK_EQ(sem_wait(&sem), 0); /* blocks until posted */
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	CHECK_EQ(sem_getvalue(&sem, &v), 0);
	CHECK_EQ(v, 0);
	sem_post(&sem);
	sem_getvalue(&sem, &v);
	CHECK_EQ(v, 1);
	sem_destroy(&sem);
}

#define BARRIER_THREADS 4
#define PHASES 50
static pthread_barrier_t barrier;
static int slots[BARRIER_THREADS];
static atomic_int serial_count, barrier_bad;

static void *barrier_thread(void *arg)
{
	intptr_t me = (intptr_t)arg;
	for (int phase = 1; phase <= PHASES; phase++) {
		slots[me] = phase;
		int r = pthread_barrier_wait(&barrier);
		if (r == PTHREAD_BARRIER_SERIAL_THREAD)
			atomic_fetch_add(&serial_count, 1);
		else if (r != 0)
			atomic_fetch_add(&barrier_bad, 1);
		/* everyone has written this phase before anyone passes */
		for (int i = 0; i < BARRIER_THREADS; i++)
			if (slots[i] < phase)
				atomic_fetch_add(&barrier_bad, 1);
		pthread_barrier_wait(&barrier); /* nobody races ahead */
	}
	return NULL;
}

static void barriers(void)
{
	pthread_t t[BARRIER_THREADS];
	pthread_barrier_init(&barrier, NULL, BARRIER_THREADS);
	for (intptr_t i = 0; i < BARRIER_THREADS; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, barrier_thread, (void *)i), 0);
	for (int i = 0; i < BARRIER_THREADS; i++)
		pthread_join(t[i], NULL);
	CHECK_EQ(barrier_bad, 0);
	CHECK_EQ(serial_count, PHASES); /* exactly one per phase */
	pthread_barrier_destroy(&barrier);
}

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static void *try_read(void *arg)
{
	(void)arg;
	int r = pthread_rwlock_tryrdlock(&rw);
	if (r == 0)
		pthread_rwlock_unlock(&rw);
	return (void *)(intptr_t)r;
}
static void *try_write(void *arg)
{
	(void)arg;
	int r = pthread_rwlock_trywrlock(&rw);
	if (r == 0)
		pthread_rwlock_unlock(&rw);
	return (void *)(intptr_t)r;
}

static void rwlocks(void)
{
	CHECK_EQ(pthread_rwlock_rdlock(&rw), 0);
	CHECK_EQ(in_other_thread(try_read, NULL), 0);      /* readers share */
	CHECK_EQ(in_other_thread(try_write, NULL), EBUSY); /* a writer waits */
	CHECK_EQ(pthread_rwlock_unlock(&rw), 0);
	CHECK_EQ(pthread_rwlock_wrlock(&rw), 0);
	CHECK_EQ(in_other_thread(try_read, NULL), EBUSY);  /* writers exclude */
	CHECK_EQ(in_other_thread(try_write, NULL), EBUSY);
	/* reading while we write ourselves: never granted (musl waits and
	 * times out; POSIX also allows EDEADLK) */
	struct timespec at = in_ms(30);
	int r = pthread_rwlock_timedrdlock(&rw, &at);
	CHECK(r == ETIMEDOUT || r == EDEADLK);
	CHECK_EQ(pthread_rwlock_unlock(&rw), 0);
	CHECK_EQ(in_other_thread(try_write, NULL), 0);
}

/* ---- process-shared objects in MAP_SHARED memory ---- */

struct shared {
	pthread_mutex_t lock;
	sem_t ping, pong;
	long counter;
};

static struct shared *map_shared(void)
{
	struct shared *s = mmap(NULL, sizeof *s, PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	return s == MAP_FAILED ? NULL : s;
}

static void pshared_mutex(void)
{
	struct shared *s = map_shared();
	REQUIRE(s);
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	CHECK_EQ(pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED), 0);
	pthread_mutex_init(&s->lock, &a);
	pthread_mutexattr_destroy(&a);
	s->counter = 0;
	/* while we hold it, a child cannot take it */
	pthread_mutex_lock(&s->lock);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0)
		_exit(pthread_mutex_trylock(&s->lock) == EBUSY ? 0 : 1);
	int status;
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(exited_with(status, 0));
	pthread_mutex_unlock(&s->lock);
	/* four processes add under the lock: the sum is exact */
	pid_t pids[4];
	for (int i = 0; i < 4; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			for (int k = 0; k < 20000; k++) {
				pthread_mutex_lock(&s->lock);
				s->counter++;
				pthread_mutex_unlock(&s->lock);
			}
			_exit(0);
		}
	}
	for (int i = 0; i < 4; i++) {
		CHECK_EQ(waitpid(pids[i], &status, 0), pids[i]);
		CHECK(exited_with(status, 0));
	}
	CHECK_EQ(s->counter, 4 * 20000);
	munmap(s, sizeof *s);
}

/* Two processes take strict turns through two shared semaphores. */
static void pshared_semaphore(void)
{
	struct shared *s = map_shared();
	REQUIRE(s);
	CHECK_EQ(sem_init(&s->ping, 1, 0), 0);
	CHECK_EQ(sem_init(&s->pong, 1, 0), 0);
	s->counter = 0;
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		for (int i = 0; i < 200; i++) {
			sem_wait(&s->ping);
			if (s->counter != 2 * i + 1)
				_exit(1);
			s->counter++;
			sem_post(&s->pong);
		}
		_exit(0);
	}
	REQUIRE(pid > 0);
	for (int i = 0; i < 200; i++) {
		s->counter++;
		sem_post(&s->ping);
		sem_wait(&s->pong);
	}
	int status;
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(exited_with(status, 0));
	CHECK_EQ(s->counter, 400);
	munmap(s, sizeof *s);
}

static char **only;

/* With case names on the command line, only those run. */
static bool selected(const char *name)
{
	if (!only || !*only)
		return true;
	for (char **n = only; *n; n++)
		if (strcmp(*n, name) == 0)
			return true;
	return false;
}

#define RUN(fn)                                                                \
	do {                                                                   \
		if (selected(#fn))                                             \
			TAP(fn);                                               \
	} while (0)

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "--main-pthread-exit") == 0)
		main_pthread_exit_fn(atoi(argv[2]), atoi(argv[3]));
	self_path = argv[0];
	only = argv + 1; /* `test_threads NAME...` runs just those cases */
	alarm(120); /* a hang becomes a failure, where alarm exists */
	guest_begin();
	RUN(create_join);
	RUN(create_join_many);
	RUN(many_at_once);
	RUN(detach);
	RUN(gettid_and_getpid);
	RUN(gettid_distinct);
	RUN(thread_local);
	RUN(names_and_tasks);
	RUN(thread_exit_alone);
	RUN(main_pthread_exit);
	RUN(exit_group_from_thread);
	RUN(fault_kills_process);
	RUN(tgkill_reaches_thread);
	RUN(mutex_exact);
	RUN(errorcheck_mutex);
	RUN(recursive_mutex);
	RUN(plain_mutex_twice_times_out);
	RUN(mutex_blocks_until_unlocked);
	RUN(condvar_broadcast);
	RUN(condvar_pingpong);
	RUN(condvar_timeout);
	RUN(semaphores);
	RUN(barriers);
	RUN(rwlocks);
	RUN(pshared_mutex);
	RUN(pshared_semaphore);
	guest_end();
	return tap_done();
}
