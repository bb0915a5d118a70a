/*
 * process_pool.c — a pool whose workers are forked processes.
 *
 * A worker process has its own copy of memory, so a task cannot be
 * handed over as a pointer: it travels as bytes. Each worker has two
 * pipes, one that brings it tasks and one that takes back results:
 *
 *       caller process                          worker process i
 *   feeder thread i --- task pipe ----------->  read task, run it
 *                   <-- result pipe ----------  write result
 *
 * A message is a fixed header, then the bytes it announces:
 *   task:   { function pointer, size }  size bytes of argument
 *   result: { n }                       n bytes of result (n >= 0), or
 *                                       none: the task's -errno (n < 0)
 * The function pointer means the same in the worker as here: the worker
 * is a fork of this very program (the "fork" start method; "spawn" would
 * have to send a name instead).
 *
 * The feeder thread is the worker's stand-in in the caller: it takes a
 * task from the shared queue, sends it, waits for the result, and
 * completes the future (so done-callbacks run in it). With one feeder per
 * worker, a worker never has more than one task in flight and nobody has
 * to wait for "whichever worker answers first".
 *
 * A worker that dies (crash, kill) shows up as end-of-file on its result
 * pipe, or EPIPE on its task pipe: the task it had fails with EOWNERDEAD
 * and its feeder stops. At shutdown each feeder sends its worker a stop
 * message (a header without a function), and reaps it with waitpid.
 * Why a message and not just closing the task pipe, whose end-of-file
 * would say the same? Because every process this program forks later --
 * another pool's workers, a child of its own -- inherits a copy of the
 * pipe's write end, and end-of-file only comes once every copy is
 * closed. (The worker also exits at end-of-file: that is how it notices
 * that this program has died.) The workers are forked before any feeder
 * thread exists, so each worker starts as a copy of a single-threaded
 * process.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pool_internal.h"

struct task_header {
	pool_bytes_fn fn; /* NULL: stop */
	uint64_t size;
};

struct result_header {
	int64_t n; /* result size, or -errno */
};

struct worker {
	pid_t pid; /* 0 once stopped and reaped */
	int tasks;   /* write end: tasks to the worker */
	int results; /* read end: results from it */
};

struct workers {
	int n;
	struct worker w[];
};

/* 0 once all n bytes are through; -1 on end-of-file or an error. */
static int read_full(int fd, void *buf, size_t n)
{
	for (size_t done = 0; done < n;) {
		ssize_t r = read(fd, (char *)buf + done, n - done);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		done += r;
	}
	return 0;
}

static int write_full(int fd, const void *buf, size_t n)
{
	for (size_t done = 0; done < n;) {
		ssize_t r = write(fd, (const char *)buf + done, n - done);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		done += r;
	}
	return 0;
}

/* The worker process: run tasks until a stop message, or end-of-file. */
static _Noreturn void worker_main(int tasks, int results)
{
	void *arg = malloc(POOL_MAX_BYTES), *out = malloc(POOL_MAX_BYTES);
	struct task_header h;
	while (read_full(tasks, &h, sizeof h) == 0) {
		if (!h.fn || h.size > POOL_MAX_BYTES || read_full(tasks, arg, h.size))
			break;
		size_t n = 0;
		int err = arg && out ? pool_run_bytes(h.fn, arg, h.size, out,
						      POOL_MAX_BYTES, &n)
				     : ENOMEM;
		/* what the task printed comes out before its result is in */
		fflush(NULL);
		struct result_header r = { err ? -(int64_t)err : (int64_t)n };
		if (write_full(results, &r, sizeof r) || write_full(results, out, n))
			break;
	}
	/* _exit, not exit: atexit handlers and stdio buffers belong to the
	 * program that forked us, not to this worker */
	_exit(0);
}

/*
 * Stop a worker and reap it. A feeder thread sends the stop message: it
 * has SIGPIPE blocked, so a worker that has died only means EPIPE. Other
 * threads (a pool that failed half-way through being made) only close
 * the pipe: those workers were just forked, and see end-of-file.
 */
static void stop_worker(struct worker *w, bool send_stop)
{
	struct task_header stop = { NULL, 0 };
	if (!w->pid)
		return;
	if (send_stop)
		write_full(w->tasks, &stop, sizeof stop);
	close(w->tasks);
	while (waitpid(w->pid, NULL, 0) < 0 && errno == EINTR)
		;
	close(w->results);
	w->pid = 0;
}

/*
 * Send one task and read its result. Returns -1 if the worker is gone;
 * else 0 with the task's error, or its result in *value (malloc'ed).
 */
static int exchange(struct worker *w, struct pool_future *f, int *err,
		    void **value, size_t *size)
{
	struct task_header h = { f->bytes_fn, f->size };
	struct result_header r;
	*err = 0;
	*value = NULL;
	*size = 0;
	if (write_full(w->tasks, &h, sizeof h) ||
	    write_full(w->tasks, f->bytes, f->size) ||
	    read_full(w->results, &r, sizeof r) || r.n > POOL_MAX_BYTES)
		return -1;
	if (r.n < 0) {
		*err = (int)-r.n;
		return 0;
	}
	*value = malloc(r.n ? r.n : 1);
	if (!*value) {
		/* still read it: the pipe must stay in step with the worker */
		char sink[4096];
		for (size_t left = r.n, chunk; left > 0; left -= chunk) {
			chunk = left < sizeof sink ? left : sizeof sink;
			if (read_full(w->results, sink, chunk))
				return -1;
		}
		*err = ENOMEM;
		return 0;
	}
	if (read_full(w->results, *value, r.n)) {
		free(*value);
		*value = NULL;
		return -1;
	}
	*size = r.n;
	return 0;
}

/* The feeder thread of worker i (i as claimed): see the opening comment. */
static void *feeder(void *arg)
{
	struct pool *p = arg;
	struct workers *ws = p->impl;
	int i = pool_claim_index(p);
	struct worker *w = &ws->w[i];
	char name[16];
	snprintf(name, sizeof name, "pool-feed-%d", i);
	pthread_setname_np(pthread_self(), name);

	struct pool_future *f;
	while ((f = pool_next_task(p))) {
		if (!future_start(f)) { /* cancelled while queued */
			pool_future_release(f);
			continue;
		}
		int err;
		void *value;
		size_t size;
		if (exchange(w, f, &err, &value, &size) < 0) {
			future_finish(f, EOWNERDEAD, NULL, 0, false);
			pool_future_release(f);
			break; /* this worker is gone; the others go on */
		}
		future_finish(f, err, value, size, true);
		pool_future_release(f);
	}
	stop_worker(w, true);
	pool_worker_exit(p);
	return NULL;
}

/* After the last reference: workers whose feeder never started. */
static void destroy_workers(struct pool *p)
{
	struct workers *ws = p->impl;
	for (int i = 0; ws && i < ws->n; i++)
		stop_worker(&ws->w[i], false);
	free(ws);
}

static const struct pool_ops process_ops = {
	.plain_tasks = false,
	.destroy = destroy_workers,
};

/* Fork worker i; 0 or an errno. */
static int start_worker(struct workers *ws, int i)
{
	int down[2], up[2]; /* tasks go down to the worker, results come up */
	if (pipe2(down, O_CLOEXEC) < 0)
		return errno;
	if (pipe2(up, O_CLOEXEC) < 0) {
		int err = errno;
		close(down[0]), close(down[1]);
		return err;
	}
	pid_t pid = fork();
	if (pid < 0) {
		int err = errno;
		close(down[0]), close(down[1]), close(up[0]), close(up[1]);
		return err;
	}
	if (pid == 0) {
		close(down[1]);
		close(up[0]);
		/* Not the pipes of the workers before us: if we kept their
		 * write ends, they would never see end-of-file. */
		for (int j = 0; j < i; j++)
			close(ws->w[j].tasks), close(ws->w[j].results);
		prctl(PR_SET_NAME, "pool-worker");
		worker_main(down[0], up[1]);
	}
	close(down[0]);
	close(up[1]);
	ws->w[i] = (struct worker){ pid, down[1], up[0] };
	ws->n = i + 1;
	return 0;
}

struct pool *pool_processes(int n)
{
	struct pool *p = pool_create(&process_ops, n, NULL);
	if (!p)
		return NULL;
	struct workers *ws = calloc(1, sizeof *ws + p->n * sizeof ws->w[0]);
	if (!ws) {
		pool_shutdown(p, POOL_WAIT);
		errno = ENOMEM;
		return NULL;
	}
	p->impl = ws;
	/* Each worker gets a copy of our stdio buffers: empty them first, or
	 * text not yet written out would come out once more per worker. */
	fflush(NULL);
	for (int i = 0; i < p->n; i++) {
		int err = start_worker(ws, i);
		if (err) {
			pool_shutdown(p, POOL_WAIT); /* reaps those started */
			errno = err;
			return NULL;
		}
	}
	int err = pool_start_threads(p, feeder);
	if (err) {
		errno = err;
		return NULL;
	}
	return p;
}
