/*
 * test_smp_stress — processes and threads hammering the kernel from
 * several CPUs at once, with an invariant checked after every storm. The
 * QEMU runner boots it with -smp 4 (tests/qemu/expect/
 * guest-tests-test_smp_stress.args); it passes on one CPU too, where it
 * is just slower at finding nothing.
 *
 * Sleeping locks and wake-ups (futex):
 *   mutex_counter      8 threads increment one counter under a mutex
 *                      (lock and trylock): exact total, never two inside
 *   recursive_mutex    the same with a recursive mutex taken 3 deep
 *   condvar_queue      a bounded queue (mutex + two condition variables),
 *                      4 producers and 4 consumers: every item taken
 *                      exactly once, each producer's items in order
 *   pshared_mutex      4 processes x 2 threads, a process-shared mutex and
 *                      counter in a MAP_SHARED|MAP_ANONYMOUS page
 * Pipes and queues:
 *   pipe_records       8 writers (4 processes x 2 threads) push numbered
 *                      records of up to PIPE_BUF bytes into one pipe: no
 *                      record is torn or interleaved, all arrive, in order
 *                      per writer
 *   pipe_ring          a token goes round a ring of 4 processes over pipes,
 *                      each adding one: exact count, right turn every time
 *   mqueue_storm       6 senders (3 processes x 2 threads) and 4 receivers
 *                      (2 x 2) on one POSIX message queue: every message
 *                      once, with the priority it was sent with, FIFO per
 *                      sender within a priority
 * Memory (TLB shoot-downs, copy-on-write):
 *   tlb_munmap, tlb_mprotect, tlb_cow
 *                      a thread caches a writable translation, another
 *                      thread of its process unmaps / write-protects /
 *                      forks, and then the first writes: the write must
 *                      fault (munmap, mprotect) or get its own copy (COW),
 *                      never reach the page through a stale TLB entry
 *                      (on Weft each munmap/mprotect round prints the
 *                      expected "segfault at" line on the console)
 *   mm_churn           threads mmap, fill, mprotect, check and munmap
 *                      regions while writers keep changing a private
 *                      region and another thread forks children that
 *                      check their copy never changes under them
 * Lifetimes:
 *   spawn_storm        threads that fork children that start threads,
 *                      and threads that start threads, all at once: every
 *                      exit status and return value arrives
 * And at the end (on Weft): free pages after == before.
 *
 * Nothing depends on speed: every wait is for an event. Sizes are such
 * that the whole runs in a few seconds on a host and well under a minute
 * on Weft under QEMU's emulation with 4 CPUs.
 *
 *   test_smp_stress [-r N] [-m] [CASE...]
 *       all cases, or only those named; each N times over (default once);
 *       -m: each case in its own process, with MemFree before and after
 *       (on Weft: which case lost a page)
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <mqueue.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "guest.h"

#define PAGE 4096

static bool exited_with(int status, int code)
{
	return WIFEXITED(status) && WEXITSTATUS(status) == code;
}

static bool wait_exit(pid_t pid, int code)
{
	int status;
	pid_t r;
	while ((r = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
		;
	if (r != pid)
		return false;
	if (!exited_with(status, code))
		DIAG("pid %d: wait status %#x, wanted exit %d\n", (int)pid, status,
		     code);
	return exited_with(status, code);
}

/* A page (or more) every process forked from here shares. */
static void *shared_pages(size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

/* Busy-wait politely for *flag to become at least want. A few thousand
 * spins first (the other side usually runs on another CPU), then yield,
 * so that on one CPU the other side gets to run. */
static void spin_until(atomic_int *flag, int want)
{
	for (unsigned n = 0; atomic_load(flag) < want; n++) {
		if (n < 20000)
			__builtin_ia32_pause();
		else
			sched_yield();
	}
}

/* Start n threads of fn(i); join them all. Returns how many failed to start. */
static int run_threads(int n, void *(*fn)(void *), void **results)
{
	pthread_t t[64];
	int bad = 0;
	for (int i = 0; i < n; i++)
		if (pthread_create(&t[i], NULL, fn, (void *)(intptr_t)i) != 0) {
			t[i] = 0;
			bad++;
		}
	for (int i = 0; i < n; i++) {
		void *r = NULL;
		if (t[i])
			pthread_join(t[i], &r);
		if (results)
			results[i] = r;
	}
	return bad;
}

/* ---- mutexes ---- */

#define MC_THREADS 8
#define MC_ITERS 6000

static pthread_mutex_t mc_lock = PTHREAD_MUTEX_INITIALIZER;
static long mc_count;
static int mc_inside;
static atomic_int mc_overlap;

static void *mc_thread(void *arg)
{
	(void)arg;
	for (int i = 0; i < MC_ITERS; i++) {
		if (i % 4 == 3) {
			while (pthread_mutex_trylock(&mc_lock) != 0)
				sched_yield();
		} else {
			pthread_mutex_lock(&mc_lock);
		}
		if (++mc_inside != 1)
			atomic_fetch_add(&mc_overlap, 1);
		long c = mc_count;
		mc_count = c + 1;
		mc_inside--;
		pthread_mutex_unlock(&mc_lock);
	}
	return NULL;
}

static void mutex_counter(void)
{
	mc_count = 0;
	atomic_store(&mc_overlap, 0);
	CHECK_EQ(run_threads(MC_THREADS, mc_thread, NULL), 0);
	CHECK_EQ(mc_count, (long)MC_THREADS * MC_ITERS);
	CHECK_EQ(atomic_load(&mc_overlap), 0);
}

#define RM_THREADS 4
#define RM_ITERS 4000

static pthread_mutex_t rm_lock;
static long rm_count;
static int rm_owner_depth;
static atomic_int rm_bad;

static void *rm_thread(void *arg)
{
	(void)arg;
	for (int i = 0; i < RM_ITERS; i++) {
		for (int d = 1; d <= 3; d++) {
			pthread_mutex_lock(&rm_lock);
			/* We hold it d times: nobody else can be in here. */
			if (++rm_owner_depth != d)
				atomic_fetch_add(&rm_bad, 1);
		}
		rm_count++;
		for (int d = 3; d >= 1; d--) {
			if (rm_owner_depth-- != d)
				atomic_fetch_add(&rm_bad, 1);
			pthread_mutex_unlock(&rm_lock);
		}
	}
	return NULL;
}

static void recursive_mutex(void)
{
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
	REQUIRE(pthread_mutex_init(&rm_lock, &a) == 0);
	rm_count = 0;
	rm_owner_depth = 0;
	atomic_store(&rm_bad, 0);
	CHECK_EQ(run_threads(RM_THREADS, rm_thread, NULL), 0);
	CHECK_EQ(rm_count, (long)RM_THREADS * RM_ITERS);
	CHECK_EQ(atomic_load(&rm_bad), 0);
	CHECK_EQ(rm_owner_depth, 0);
	CHECK_EQ(pthread_mutex_trylock(&rm_lock), 0);
	pthread_mutex_unlock(&rm_lock);
	pthread_mutex_destroy(&rm_lock);
}

/* ---- a bounded queue on a condition variable ---- */

#define CQ_PRODUCERS 4
#define CQ_CONSUMERS 4
#define CQ_ITEMS 600 /* per producer */
#define CQ_SLOTS 8

static struct {
	pthread_mutex_t lock;
	pthread_cond_t not_full, not_empty;
	unsigned items[CQ_SLOTS];
	int head, count, producers_left;
} cq = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER,
	 PTHREAD_COND_INITIALIZER, { 0 }, 0, 0, 0 };
static atomic_uchar cq_seen[CQ_PRODUCERS][CQ_ITEMS];
static atomic_int cq_bad;

static void *cq_producer(void *arg)
{
	unsigned id = (unsigned)(intptr_t)arg;
	for (unsigned seq = 0; seq < CQ_ITEMS; seq++) {
		pthread_mutex_lock(&cq.lock);
		while (cq.count == CQ_SLOTS)
			pthread_cond_wait(&cq.not_full, &cq.lock);
		cq.items[(cq.head + cq.count) % CQ_SLOTS] = id << 16 | seq;
		cq.count++;
		pthread_cond_signal(&cq.not_empty);
		pthread_mutex_unlock(&cq.lock);
	}
	pthread_mutex_lock(&cq.lock);
	if (--cq.producers_left == 0)
		pthread_cond_broadcast(&cq.not_empty); /* consumers: time to go */
	pthread_mutex_unlock(&cq.lock);
	return NULL;
}

static void *cq_consumer(void *arg)
{
	long taken = 0;
	int last[CQ_PRODUCERS];
	(void)arg;
	for (int p = 0; p < CQ_PRODUCERS; p++)
		last[p] = -1;
	for (;;) {
		pthread_mutex_lock(&cq.lock);
		while (cq.count == 0 && cq.producers_left > 0)
			pthread_cond_wait(&cq.not_empty, &cq.lock);
		if (cq.count == 0) {
			pthread_mutex_unlock(&cq.lock);
			break;
		}
		unsigned item = cq.items[cq.head];
		cq.head = (cq.head + 1) % CQ_SLOTS;
		cq.count--;
		pthread_cond_signal(&cq.not_full);
		pthread_mutex_unlock(&cq.lock);

		unsigned p = item >> 16, seq = item & 0xffff;
		if (p >= CQ_PRODUCERS || seq >= CQ_ITEMS || (int)seq <= last[p]) {
			atomic_fetch_add(&cq_bad, 1);
			continue;
		}
		last[p] = (int)seq; /* one producer's items leave in order */
		atomic_fetch_add(&cq_seen[p][seq], 1);
		taken++;
	}
	return (void *)taken;
}

static void *cq_thread(void *arg)
{
	int i = (int)(intptr_t)arg;
	return i < CQ_PRODUCERS ? cq_producer(arg)
				: cq_consumer((void *)(intptr_t)(i - CQ_PRODUCERS));
}

static void condvar_queue(void)
{
	void *res[CQ_PRODUCERS + CQ_CONSUMERS];
	memset(cq_seen, 0, sizeof cq_seen);
	atomic_store(&cq_bad, 0);
	cq.head = cq.count = 0;
	cq.producers_left = CQ_PRODUCERS;
	CHECK_EQ(run_threads(CQ_PRODUCERS + CQ_CONSUMERS, cq_thread, res), 0);
	long taken = 0;
	for (int c = 0; c < CQ_CONSUMERS; c++)
		taken += (long)res[CQ_PRODUCERS + c];
	CHECK_EQ(taken, (long)CQ_PRODUCERS * CQ_ITEMS);
	CHECK_EQ(atomic_load(&cq_bad), 0);
	int once = 0;
	for (int p = 0; p < CQ_PRODUCERS; p++)
		for (int s = 0; s < CQ_ITEMS; s++)
			once += atomic_load(&cq_seen[p][s]) == 1;
	CHECK_EQ(once, CQ_PRODUCERS * CQ_ITEMS);
	CHECK_EQ(cq.count, 0);
}

/* ---- a process-shared mutex ---- */

#define PS_PROCS 4
#define PS_THREADS 2
#define PS_ITERS 2500

struct ps_page {
	pthread_mutex_t lock;
	long count;
	int inside;
	atomic_int overlap;
};
static struct ps_page *ps;

static void *ps_thread(void *arg)
{
	(void)arg;
	for (int i = 0; i < PS_ITERS; i++) {
		pthread_mutex_lock(&ps->lock);
		if (++ps->inside != 1)
			atomic_fetch_add(&ps->overlap, 1);
		ps->count++;
		ps->inside--;
		pthread_mutex_unlock(&ps->lock);
	}
	return NULL;
}

static void pshared_mutex(void)
{
	pthread_mutexattr_t a;
	pid_t pid[PS_PROCS];
	ps = shared_pages(PAGE);
	REQUIRE(ps != NULL);
	pthread_mutexattr_init(&a);
	pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
	REQUIRE(pthread_mutex_init(&ps->lock, &a) == 0);
	for (int i = 0; i < PS_PROCS; i++) {
		pid[i] = fork();
		if (pid[i] == 0)
			_exit(run_threads(PS_THREADS, ps_thread, NULL) ? 1 : 0);
		CHECK(pid[i] > 0);
	}
	for (int i = 0; i < PS_PROCS; i++)
		if (pid[i] > 0)
			CHECK(wait_exit(pid[i], 0));
	CHECK_EQ(ps->count, (long)PS_PROCS * PS_THREADS * PS_ITERS);
	CHECK_EQ(atomic_load(&ps->overlap), 0);
	CHECK_EQ(ps->inside, 0);
	munmap(ps, PAGE);
}

/* ---- pipes ---- */

/*
 * A record: header, then len - sizeof header bytes of a pattern that
 * depends on writer, seq and position. Lengths vary from 16 bytes to
 * PIPE_BUF; a write of at most PIPE_BUF bytes is atomic, so records from
 * different writers may follow each other in any order but never mix.
 */
#define PR_PROCS 4
#define PR_THREADS 2
#define PR_WRITERS (PR_PROCS * PR_THREADS)
#define PR_RECORDS 250 /* per writer */
#define PR_MAGIC 0x57656674u

struct pr_header {
	uint32_t magic;
	uint16_t writer, len;
	uint32_t seq;
	uint32_t sum; /* of the payload bytes */
};

static int pr_fd; /* the write end, in the writer processes */
static int pr_proc;

static size_t pr_len(unsigned writer, unsigned seq)
{
	if (seq % 16 == 7)
		return PIPE_BUF;
	return sizeof(struct pr_header) + (writer * 131 + seq * 977) % 1009;
}

static uint8_t pr_byte(unsigned writer, unsigned seq, size_t i)
{
	return (uint8_t)(writer * 31 + seq * 7 + i);
}

static void *pr_writer(void *arg)
{
	unsigned w = pr_proc * PR_THREADS + (unsigned)(intptr_t)arg;
	static _Thread_local uint8_t buf[PIPE_BUF];
	for (unsigned seq = 0; seq < PR_RECORDS; seq++) {
		size_t len = pr_len(w, seq);
		struct pr_header h = { PR_MAGIC, (uint16_t)w, (uint16_t)len, seq, 0 };
		for (size_t i = sizeof h; i < len; i++) {
			buf[i] = pr_byte(w, seq, i);
			h.sum += buf[i];
		}
		memcpy(buf, &h, sizeof h);
		if (write(pr_fd, buf, len) != (ssize_t)len)
			return (void *)1;
	}
	return NULL;
}

static void pipe_records(void)
{
	int fds[2];
	pid_t pid[PR_PROCS];
	REQUIRE(pipe(fds) == 0);
	for (int i = 0; i < PR_PROCS; i++) {
		pid[i] = fork();
		if (pid[i] == 0) {
			void *res[PR_THREADS];
			close(fds[0]);
			pr_fd = fds[1];
			pr_proc = i;
			int bad = run_threads(PR_THREADS, pr_writer, res);
			for (int t = 0; t < PR_THREADS; t++)
				bad += res[t] != NULL;
			_exit(bad ? 1 : 0);
		}
		CHECK(pid[i] > 0);
	}
	close(fds[1]);

	/* Read in odd-sized pieces, so records straddle reads. */
	static uint8_t buf[3 * PIPE_BUF];
	unsigned next[PR_WRITERS] = { 0 };
	size_t have = 0;
	long bad = 0, records = 0;
	for (;;) {
		ssize_t n = read(fds[0], buf + have, 1500 + records % 1000);
		if (n <= 0) {
			CHECK_EQ(n, 0);
			break;
		}
		have += (size_t)n;
		while (have >= sizeof(struct pr_header)) {
			struct pr_header h;
			memcpy(&h, buf, sizeof h);
			if (h.magic != PR_MAGIC || h.writer >= PR_WRITERS ||
			    h.len < sizeof h || h.len > PIPE_BUF) {
				DIAG("record %ld: bad header (magic %#x writer %u len %u)\n",
				     records, h.magic, h.writer, h.len);
				bad++;
				goto out; /* the stream is out of step: stop */
			}
			if (have < h.len)
				break;
			uint32_t sum = 0;
			bool pattern = true;
			for (size_t i = sizeof h; i < h.len; i++) {
				sum += buf[i];
				pattern &= buf[i] == pr_byte(h.writer, h.seq, i);
			}
			if (!pattern || sum != h.sum || h.seq != next[h.writer] ||
			    h.len != pr_len(h.writer, h.seq)) {
				if (bad < 5)
					DIAG("record %ld: writer %u seq %u (want %u) len %u: "
					     "torn or out of order\n", records, h.writer,
					     h.seq, next[h.writer], h.len);
				bad++;
			}
			next[h.writer] = h.seq + 1;
			records++;
			memmove(buf, buf + h.len, have - h.len);
			have -= h.len;
		}
	}
out:
	close(fds[0]);
	for (int i = 0; i < PR_PROCS; i++)
		if (pid[i] > 0)
			CHECK(wait_exit(pid[i], 0));
	CHECK_EQ(bad, 0);
	CHECK_EQ(have, 0);
	CHECK_EQ(records, (long)PR_WRITERS * PR_RECORDS);
	for (int w = 0; w < PR_WRITERS; w++)
		CHECK_EQ(next[w], PR_RECORDS);
}

/*
 * A ring of RING processes, pipe i from process i to process i+1 (mod
 * RING): process 0 (the test itself) sends a token 0, and each process
 * checks that the token it gets is its turn, adds one and passes it on.
 */
#define RING 4
#define RING_ROUNDS 500

static int ring_member(int me, int in, int out)
{
	for (int r = 0; r < RING_ROUNDS; r++) {
		long tok;
		if (read(in, &tok, sizeof tok) != sizeof tok)
			return 1;
		if (tok != (long)r * RING + me - 1)
			return 2;
		tok++;
		if (write(out, &tok, sizeof tok) != sizeof tok)
			return 3;
	}
	return 0;
}

static void pipe_ring(void)
{
	int p[RING][2];
	pid_t pid[RING] = { 0 };
	for (int i = 0; i < RING; i++)
		REQUIRE(pipe(p[i]) == 0);
	for (int i = 1; i < RING; i++) {
		pid[i] = fork();
		if (pid[i] == 0) {
			int in = p[i - 1][0], out = p[i][1];
			for (int k = 0; k < RING; k++) {
				if (p[k][0] != in)
					close(p[k][0]);
				if (p[k][1] != out)
					close(p[k][1]);
			}
			_exit(ring_member(i, in, out));
		}
		CHECK(pid[i] > 0);
	}
	int in = p[RING - 1][0], out = p[0][1];
	for (int k = 0; k < RING; k++) {
		if (p[k][0] != in)
			close(p[k][0]);
		if (p[k][1] != out)
			close(p[k][1]);
	}
	long tok = 0;
	int bad = 0;
	for (int r = 0; r < RING_ROUNDS && !bad; r++) {
		if (write(out, &tok, sizeof tok) != sizeof tok ||
		    read(in, &tok, sizeof tok) != sizeof tok)
			bad = 1;
		else if (tok != (long)(r + 1) * RING - 1)
			bad = 2;
		else
			tok++;
	}
	CHECK_EQ(bad, 0);
	CHECK_EQ(tok, (long)RING_ROUNDS * RING);
	close(in);
	close(out);
	for (int i = 1; i < RING; i++)
		if (pid[i] > 0)
			CHECK(wait_exit(pid[i], 0));
}

/* ---- POSIX message queues ---- */

#define MQ_SEND_PROCS 3
#define MQ_SEND_THREADS 2
#define MQ_SENDERS (MQ_SEND_PROCS * MQ_SEND_THREADS)
#define MQ_RECV_PROCS 2
#define MQ_RECV_THREADS 2
#define MQ_MSGS 120 /* per sender */
#define MQ_PRIOS 4  /* data goes at 1..MQ_PRIOS; 0 is "stop" */
#define MQ_STOP 0xffff

struct mq_msg {
	uint16_t sender, prio;
	uint32_t seq;
};

struct mq_shared {
	atomic_uchar seen[MQ_SENDERS][MQ_MSGS];
	atomic_int per_prio[MQ_PRIOS + 1];
	atomic_int bad, stops;
};
static struct mq_shared *mqs;
static mqd_t mq_q;
static int mq_proc;

static unsigned mq_prio_of(unsigned sender, unsigned seq)
{
	return 1 + (sender + seq) % MQ_PRIOS;
}

static void *mq_sender(void *arg)
{
	unsigned s = mq_proc * MQ_SEND_THREADS + (unsigned)(intptr_t)arg;
	for (unsigned seq = 0; seq < MQ_MSGS; seq++) {
		struct mq_msg m = { (uint16_t)s, (uint16_t)mq_prio_of(s, seq), seq };
		if (mq_send(mq_q, (const char *)&m, sizeof m, m.prio) != 0)
			return (void *)1;
	}
	return NULL;
}

static void *mq_receiver(void *arg)
{
	/* One thread's receives are ordered in time, and the queue is FIFO
	 * within a priority: a sender's messages of one priority reach any
	 * one receiver in the order they were sent. */
	int last[MQ_SENDERS][MQ_PRIOS + 1];
	(void)arg;
	memset(last, 0xff, sizeof last);
	for (;;) {
		struct mq_msg m;
		unsigned prio;
		char buf[64];
		ssize_t n = mq_receive(mq_q, buf, sizeof buf, &prio);
		if (n != sizeof m) {
			atomic_fetch_add(&mqs->bad, 1);
			return (void *)1;
		}
		memcpy(&m, buf, sizeof m);
		if (m.sender == MQ_STOP) {
			atomic_fetch_add(&mqs->stops, 1);
			return NULL;
		}
		if (m.sender >= MQ_SENDERS || m.seq >= MQ_MSGS ||
		    prio != m.prio || prio != mq_prio_of(m.sender, m.seq) ||
		    (int)m.seq <= last[m.sender][prio]) {
			atomic_fetch_add(&mqs->bad, 1);
			continue;
		}
		last[m.sender][prio] = (int)m.seq;
		atomic_fetch_add(&mqs->seen[m.sender][m.seq], 1);
		atomic_fetch_add(&mqs->per_prio[prio], 1);
	}
}

static void mqueue_storm(void)
{
	char name[64];
	pid_t send[MQ_SEND_PROCS], recv[MQ_RECV_PROCS];
	struct mq_attr a = { .mq_maxmsg = 8, .mq_msgsize = sizeof(struct mq_msg) };
	snprintf(name, sizeof name, "/weft-smp-stress-%d", (int)getpid());
	mqs = shared_pages(sizeof *mqs);
	REQUIRE(mqs != NULL);
	mq_unlink(name);
	mq_q = mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, &a);
	REQUIRE(mq_q != (mqd_t)-1);
	CHECK_EQ(mq_unlink(name), 0); /* the descriptors keep it alive */

	for (int i = 0; i < MQ_RECV_PROCS; i++) {
		recv[i] = fork();
		if (recv[i] == 0)
			_exit(run_threads(MQ_RECV_THREADS, mq_receiver, NULL) ? 1 : 0);
		CHECK(recv[i] > 0);
	}
	for (int i = 0; i < MQ_SEND_PROCS; i++) {
		send[i] = fork();
		if (send[i] == 0) {
			void *res[MQ_SEND_THREADS];
			mq_proc = i;
			int bad = run_threads(MQ_SEND_THREADS, mq_sender, res);
			for (int t = 0; t < MQ_SEND_THREADS; t++)
				bad += res[t] != NULL;
			_exit(bad ? 1 : 0);
		}
		CHECK(send[i] > 0);
	}
	for (int i = 0; i < MQ_SEND_PROCS; i++)
		if (send[i] > 0)
			CHECK(wait_exit(send[i], 0));
	/* Every data message is in the queue or taken; a stop (priority 0)
	 * comes after all of them. */
	for (int i = 0; i < MQ_RECV_PROCS * MQ_RECV_THREADS; i++) {
		struct mq_msg stop = { MQ_STOP, 0, 0 };
		CHECK_EQ(mq_send(mq_q, (const char *)&stop, sizeof stop, 0), 0);
	}
	for (int i = 0; i < MQ_RECV_PROCS; i++)
		if (recv[i] > 0)
			CHECK(wait_exit(recv[i], 0));

	CHECK_EQ(atomic_load(&mqs->bad), 0);
	CHECK_EQ(atomic_load(&mqs->stops), MQ_RECV_PROCS * MQ_RECV_THREADS);
	int once = 0;
	for (int s = 0; s < MQ_SENDERS; s++)
		for (int q = 0; q < MQ_MSGS; q++)
			once += atomic_load(&mqs->seen[s][q]) == 1;
	CHECK_EQ(once, MQ_SENDERS * MQ_MSGS);
	int want[MQ_PRIOS + 1] = { 0 };
	for (int s = 0; s < MQ_SENDERS; s++)
		for (int q = 0; q < MQ_MSGS; q++)
			want[mq_prio_of(s, q)]++;
	for (int p = 1; p <= MQ_PRIOS; p++)
		CHECK_EQ(atomic_load(&mqs->per_prio[p]), want[p]);
	struct mq_attr now;
	CHECK_EQ(mq_getattr(mq_q, &now), 0);
	CHECK_EQ(now.mq_curmsgs, 0);
	mq_close(mq_q);
	munmap(mqs, sizeof *mqs);
}

/* ---- TLB shoot-downs ---- */

/*
 * One round, in a child process C of the test (T):
 *   - thread W of C writes 1 into word 0 of page X (caching a writable
 *     translation on its CPU), says so, and spins on a flag;
 *   - C's main thread changes the mapping (munmap, mprotect PROT_READ, or
 *     a fork that makes X copy-on-write), and only then raises the flag;
 *   - W writes 2 into X.
 * munmap and mprotect: the write must fault (C dies of SIGSEGV) and X,
 * which T shares with C (MAP_SHARED), must still hold 1.
 * copy-on-write: X is private; the write must go to W's own new copy, and
 * the grandchild G, forked before the flag went up, must still see 1.
 * A kernel that changes the page tables without flushing the other CPUs'
 * TLBs lets W write through its stale entry.
 */
enum tlb_mode { TLB_MUNMAP, TLB_MPROTECT, TLB_COW };
#define TLB_ROUNDS 12

struct tlb_flags {
	atomic_int w_ready, go, w_wrote, g_done;
	int g_saw;
	int w_cpu, c_cpu; /* where W and C's main ran at the critical moment */
};
static struct tlb_flags *tf;
static volatile long *tlb_x;

/*
 * Keep W and C's main thread on different CPUs where there are several
 * (best effort: the test is still right where it fails). The count comes
 * from main(): musl's sysconf counts the CPUs the *calling thread* may
 * use, which after the first pin_to is one.
 */
static long ncpus;
static void pin_to(pthread_t t, int cpu)
{
	cpu_set_t set;
	if (ncpus < 2)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu % ncpus, &set);
	pthread_setaffinity_np(t, sizeof set, &set);
}

static void *tlb_writer(void *arg)
{
	(void)arg;
	pin_to(pthread_self(), 1);
	tlb_x[0] = 1;
	tf->w_cpu = sched_getcpu();
	atomic_store(&tf->w_ready, 1);
	spin_until(&tf->go, 1);
	tlb_x[0] = 2; /* faults, or (COW) copies */
	atomic_store(&tf->w_wrote, 1);
	return NULL;
}

static int tlb_child(enum tlb_mode mode)
{
	pthread_t w;
	pin_to(pthread_self(), 0);
	if (pthread_create(&w, NULL, tlb_writer, NULL) != 0)
		return 10;
	spin_until(&tf->w_ready, 1);
	tf->c_cpu = sched_getcpu();
	pid_t g = 0;
	switch (mode) {
	case TLB_MUNMAP:
		if (munmap((void *)tlb_x, PAGE) != 0)
			return 11;
		break;
	case TLB_MPROTECT:
		if (mprotect((void *)tlb_x, PAGE, PROT_READ) != 0)
			return 12;
		break;
	case TLB_COW:
		g = fork();
		if (g < 0)
			return 13;
		if (g == 0) {
			spin_until(&tf->w_wrote, 1);
			tf->g_saw = (int)tlb_x[0];
			atomic_store(&tf->g_done, 1);
			_exit(0);
		}
		break;
	}
	atomic_store(&tf->go, 1);
	pthread_join(w, NULL); /* munmap, mprotect: never returns (SIGSEGV) */
	if (mode != TLB_COW)
		return 14;
	if (tlb_x[0] != 2)
		return 15; /* W's write went to its own copy, which C sees */
	int status;
	if (waitpid(g, &status, 0) != g || !exited_with(status, 0))
		return 16;
	return 0;
}

static void tlb_rounds(enum tlb_mode mode)
{
	tf = shared_pages(PAGE);
	REQUIRE(tf != NULL);
	int bad = 0, apart = 0, r;
	for (r = 0; r < TLB_ROUNDS && bad < 3; r++) {
		memset(tf, 0, sizeof *tf);
		tlb_x = mode == TLB_COW ? mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
					       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
					: shared_pages(PAGE);
		REQUIRE(tlb_x != NULL && tlb_x != MAP_FAILED);
		tlb_x[0] = 0;
		pid_t c = fork();
		if (c == 0)
			_exit(tlb_child(mode));
		REQUIRE(c > 0);
		int status;
		CHECK_EQ(waitpid(c, &status, 0), c);
		if (mode == TLB_COW) {
			if (!exited_with(status, 0) || tf->g_saw != 1) {
				DIAG("round %d: child status %#x, grandchild saw %d "
				     "(want exit 0, 1)\n", r, status, tf->g_saw);
				bad++;
			}
		} else if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGSEGV ||
			   tlb_x[0] != 1) {
			DIAG("round %d: child status %#x, X holds %ld (want SIGSEGV, 1)\n",
			     r, status, tlb_x[0]);
			bad++;
		}
		munmap((void *)tlb_x, PAGE);
		apart += tf->w_cpu >= 0 && tf->c_cpu >= 0 && tf->w_cpu != tf->c_cpu;
	}
	/* How often the test really had two CPUs at work (with one CPU it
	 * checks less, but still checks). */
	DIAG("W and C on different CPUs in %d of %d rounds\n", apart, r);
	CHECK_EQ(bad, 0);
	munmap(tf, PAGE);
}

static void tlb_munmap(void) { tlb_rounds(TLB_MUNMAP); }
static void tlb_mprotect(void) { tlb_rounds(TLB_MPROTECT); }
static void tlb_cow(void) { tlb_rounds(TLB_COW); }

/* ---- mmap churn with forks ---- */

/*
 * MM_MAPPERS threads each map a region, fill it, make it read-only,
 * check it, make it writable, change and check it, unmap it, over and
 * over. MM_WRITERS threads each rewrite their own stripe of a private
 * region R with a new value and check it. One thread forks children that
 * look at their copy of R twice, some time apart: nobody in the child
 * writes R, so it must not change (a parent's write through a stale
 * writable TLB entry after fork would land in the shared page), and then
 * write their own pattern to it and check that.
 */
#define MM_MAPPERS 3
#define MM_WRITERS 2
#define MM_ITERS 60
#define MM_PAGES 8
#define MM_FORKS 15
#define R_PAGES 4
#define R_WORDS (R_PAGES * PAGE / sizeof(long))

static long *mm_r;
static atomic_int mm_bad, mm_forker_done;

static void *mm_mapper(void *arg)
{
	long id = (intptr_t)arg;
	size_t words = MM_PAGES * PAGE / sizeof(long);
	for (int it = 0; it < MM_ITERS; it++) {
		int flags = (it % 3 == 2 ? MAP_SHARED : MAP_PRIVATE) | MAP_ANONYMOUS;
		long *p = mmap(NULL, MM_PAGES * PAGE, PROT_READ | PROT_WRITE, flags,
			       -1, 0);
		if (p == MAP_FAILED) {
			atomic_fetch_add(&mm_bad, 1);
			continue;
		}
		for (size_t i = 0; i < words; i += 64)
			p[i] = id << 40 | (long)it << 20 | (long)i;
		if (mprotect(p, MM_PAGES * PAGE, PROT_READ) != 0)
			atomic_fetch_add(&mm_bad, 1);
		for (size_t i = 0; i < words; i += 64)
			if (p[i] != (id << 40 | (long)it << 20 | (long)i))
				atomic_fetch_add(&mm_bad, 1);
		if (mprotect(p, MM_PAGES * PAGE, PROT_READ | PROT_WRITE) != 0)
			atomic_fetch_add(&mm_bad, 1);
		for (size_t i = 0; i < words; i += 64)
			p[i] = ~p[i];
		for (size_t i = 0; i < words; i += 64)
			if (p[i] != ~(id << 40 | (long)it << 20 | (long)i))
				atomic_fetch_add(&mm_bad, 1);
		/* Give back half first: munmap of part of a region. */
		if (munmap(p, MM_PAGES / 2 * PAGE) != 0 ||
		    munmap(p + words / 2, MM_PAGES / 2 * PAGE) != 0)
			atomic_fetch_add(&mm_bad, 1);
	}
	return NULL;
}

static void *mm_writer(void *arg)
{
	size_t id = (size_t)(intptr_t)arg;
	size_t stripe = R_WORDS / MM_WRITERS;
	long *s = mm_r + id * stripe;
	for (long v = 1; !atomic_load(&mm_forker_done); v++) {
		for (size_t i = 0; i < stripe; i += 16)
			s[i] = v;
		for (size_t i = 0; i < stripe; i += 16)
			if (s[i] != v) {
				atomic_fetch_add(&mm_bad, 1);
				break;
			}
	}
	return NULL;
}

/* In a child: R must hold still, then take our own writes. */
static int mm_fork_child(void)
{
	static long snap[R_WORDS];
	memcpy(snap, mm_r, sizeof snap);
	for (int k = 0; k < 200; k++) {
		if (k % 50 == 0)
			sched_yield(); /* let the parent's writers run */
		for (size_t i = 0; i < R_WORDS; i += 16)
			if (mm_r[i] != snap[i])
				return 1;
	}
	for (size_t i = 0; i < R_WORDS; i += 16)
		mm_r[i] = -(long)i;
	for (size_t i = 0; i < R_WORDS; i += 16)
		if (mm_r[i] != -(long)i)
			return 2;
	return 0;
}

static void *mm_forker(void *arg)
{
	(void)arg;
	for (int k = 0; k < MM_FORKS; k++) {
		pid_t pid = fork();
		if (pid == 0)
			_exit(mm_fork_child());
		if (pid < 0 || !wait_exit(pid, 0))
			atomic_fetch_add(&mm_bad, 1);
	}
	atomic_store(&mm_forker_done, 1);
	return NULL;
}

static void *mm_thread(void *arg)
{
	int i = (int)(intptr_t)arg;
	if (i < MM_MAPPERS)
		return mm_mapper(arg);
	if (i < MM_MAPPERS + MM_WRITERS)
		return mm_writer((void *)(intptr_t)(i - MM_MAPPERS));
	return mm_forker(NULL);
}

static void mm_churn(void)
{
	mm_r = mmap(NULL, R_PAGES * PAGE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	REQUIRE(mm_r != MAP_FAILED);
	atomic_store(&mm_bad, 0);
	atomic_store(&mm_forker_done, 0);
	CHECK_EQ(run_threads(MM_MAPPERS + MM_WRITERS + 1, mm_thread, NULL), 0);
	CHECK_EQ(atomic_load(&mm_bad), 0);
	munmap(mm_r, R_PAGES * PAGE);
}

/* ---- many short lives ---- */

/*
 * SS_THREADS threads run at once; each, SS_ITERS times, forks a child
 * that starts SS_CHILD_THREADS threads, joins them and exits with a
 * status made of their return values, and starts and joins a thread of
 * its own. Every status and every return value must be the right one.
 */
#define SS_THREADS 4
#define SS_ITERS 20
#define SS_CHILD_THREADS 3

static atomic_int ss_bad;

static void *ss_leaf(void *arg)
{
	return (void *)((intptr_t)arg * 3 + 1);
}

static int ss_child(int code)
{
	void *res[SS_CHILD_THREADS];
	if (run_threads(SS_CHILD_THREADS, ss_leaf, res) != 0)
		return 255;
	for (int i = 0; i < SS_CHILD_THREADS; i++)
		if ((intptr_t)res[i] != i * 3 + 1)
			return 254;
	return code;
}

static void *ss_thread(void *arg)
{
	int id = (int)(intptr_t)arg;
	for (int it = 0; it < SS_ITERS; it++) {
		int code = (id * SS_ITERS + it) % 200;
		pid_t pid = fork();
		if (pid == 0)
			_exit(ss_child(code));
		pthread_t t;
		void *r = NULL;
		if (pthread_create(&t, NULL, ss_leaf, (void *)(intptr_t)it) != 0 ||
		    pthread_join(t, &r) != 0 || (intptr_t)r != it * 3 + 1)
			atomic_fetch_add(&ss_bad, 1);
		if (pid < 0 || !wait_exit(pid, code))
			atomic_fetch_add(&ss_bad, 1);
	}
	return NULL;
}

static void spawn_storm(void)
{
	atomic_store(&ss_bad, 0);
	CHECK_EQ(run_threads(SS_THREADS, ss_thread, NULL), 0);
	CHECK_EQ(atomic_load(&ss_bad), 0);
}

/* ---- main ---- */

static char **only;

static bool selected(const char *name)
{
	if (!only || !*only)
		return true;
	for (char **n = only; *n; n++)
		if (strcmp(*n, name) == 0)
			return true;
	return false;
}

static int repeat = 1;
static bool per_case_memory;

static void nothing(void *arg)
{
	(void)arg;
}

/*
 * A case runs `repeat` times (-r N: a longer soak), and stops at its
 * first failed round. With -m (a diagnostic for Weft) each case runs in
 * a child of its own, and a case after which MemFree is not what it was
 * before says so: the overall check at the end only says that a page
 * went missing, this says in which case.
 */
static void run_case(const char *name, void (*fn)(void))
{
	if (!selected(name))
		return;
	tap_start();
	if (per_case_memory) {
		static bool warm;
		if (!warm) {
			/* The first fork and read of /proc/meminfo grow this
			 * process (copy-on-write copies, the stdio buffer);
			 * let that happen before anything is measured. */
			run_in_child(nothing, NULL);
			memfree_kb();
			warm = true;
		}
		long before = memfree_kb();
		pid_t pid = fork();
		if (pid == 0) {
			for (int r = 0; r < repeat && !tap_case_failed; r++)
				fn();
			_exit(tap_case_failed ? 1 : 0);
		}
		CHECK(pid > 0 && wait_exit(pid, 0));
		long after = memfree_kb();
		if (after != before && on_weft()) /* Linux's moves anyway */
			DIAG("%s: MemFree before %ld kB, after %ld kB\n", name, before,
			     after);
	} else {
		for (int r = 0; r < repeat && !tap_case_failed; r++)
			fn();
	}
	tap_end(name);
}

#define RUN(fn) run_case(#fn, fn)

int main(int argc, char **argv)
{
	(void)argc;
	for (;;) {
		if (argv[1] && strcmp(argv[1], "-r") == 0 && argv[2]) {
			repeat = atoi(argv[2]);
			argv += 2;
		} else if (argv[1] && strcmp(argv[1], "-m") == 0) {
			per_case_memory = true;
			argv++;
		} else {
			break;
		}
	}
	only = argv + 1;
	guest_begin();
	alarm(200 * (repeat > 0 ? repeat : 1)); /* a hang fails (SIGALRM) before QEMU's 240 s */
	ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	DIAG("%ld CPUs online\n", ncpus);
	RUN(mutex_counter);
	RUN(recursive_mutex);
	RUN(condvar_queue);
	RUN(pshared_mutex);
	RUN(pipe_records);
	RUN(pipe_ring);
	RUN(mqueue_storm);
	RUN(tlb_munmap);
	RUN(tlb_mprotect);
	RUN(tlb_cow);
	RUN(mm_churn);
	RUN(spawn_storm);
	guest_end();
	return tap_done();
}
