/*
 * In-kernel tests of the kernel locks (boot with test=sync): a mutex
 * under contention, a semaphore bounded buffer, a condition variable.
 * (Misuse such as unlocking another thread's mutex is tested on the host:
 * here a kernel_bug fails the test run.)
 */
#include <kernel/ktest/ktest.h>

#include <stdint.h>

#include <kernel/sched/thread.h>
#include <kernel/sync/condvar.h>
#include <kernel/sync/mutex.h>
#include <kernel/sync/semaphore.h>

/* ---- mutex ---- */

enum { MX_THREADS = 8, MX_ROUNDS = 200 };

static struct mutex mx;
static long counter;
static int max_inside, inside;

static void add_under_mutex(void *arg)
{
	(void)arg;
	for (int i = 0; i < MX_ROUNDS; i++) {
		mutex_lock(&mx);
		if (++inside > max_inside)
			max_inside = inside;
		long v = counter;
		thread_yield();         /* invite the others in: they must wait */
		counter = v + 1;
		inside--;
		mutex_unlock(&mx);
	}
}

KTEST(sync, mutex_counter_8_threads)
{
	struct thread *t[MX_THREADS];

	mutex_init(&mx, "ktest-mx");
	counter = 0;
	inside = max_inside = 0;
	for (int i = 0; i < MX_THREADS; i++) {
		t[i] = kthread_create("adder", add_under_mutex, NULL);
		KASSERT_T(t[i] != NULL);
	}
	for (int i = 0; i < MX_THREADS; i++)
		KEXPECT_EQ(kthread_join(t[i], NULL), 0);
	KEXPECT_EQ(counter, MX_THREADS * MX_ROUNDS);
	KEXPECT_EQ(max_inside, 1);
	KEXPECT(mutex_owner(&mx) == NULL);
}

KTEST(sync, recursive_mutex)
{
	struct mutex r;
	mutex_init_recursive(&r, "ktest-rmx");
	KEXPECT_EQ(mutex_lock(&r), 0);
	KEXPECT_EQ(mutex_lock(&r), 0);
	KEXPECT_EQ(mutex_depth(&r), 2);
	KEXPECT(mutex_held(&r));
	KEXPECT_EQ(mutex_unlock(&r), 0);
	KEXPECT(mutex_held(&r));
	KEXPECT_EQ(mutex_unlock(&r), 0);
	KEXPECT(mutex_owner(&r) == NULL);
}

/* ---- semaphore: a bounded buffer ---- */

enum { PC_ITEMS = 1000, PC_SLOTS = 4 };

static struct semaphore free_slots, full_slots;
static struct mutex buf_lock;
static int buf[PC_SLOTS], head, tail;
static int received[PC_ITEMS], nreceived;

static void producer(void *arg)
{
	(void)arg;
	for (int i = 0; i < PC_ITEMS; i++) {
		sem_down(&free_slots);
		mutex_lock(&buf_lock);
		buf[head] = i;
		head = (head + 1) % PC_SLOTS;
		mutex_unlock(&buf_lock);
		sem_up(&full_slots);
		if (i % 7 == 0)
			thread_yield();
	}
}

static void consumer(void *arg)
{
	(void)arg;
	for (int i = 0; i < PC_ITEMS; i++) {
		sem_down(&full_slots);
		mutex_lock(&buf_lock);
		received[nreceived++] = buf[tail];
		tail = (tail + 1) % PC_SLOTS;
		mutex_unlock(&buf_lock);
		sem_up(&free_slots);
		if (i % 5 == 0)
			thread_yield();
	}
}

KTEST(sync, semaphore_bounded_buffer)
{
	sem_init(&free_slots, PC_SLOTS, "free");
	sem_init(&full_slots, 0, "full");
	mutex_init(&buf_lock, "buf");
	head = tail = nreceived = 0;

	struct thread *c = kthread_create("consumer", consumer, NULL);
	struct thread *p = kthread_create("producer", producer, NULL);
	KASSERT_T(c != NULL && p != NULL);
	KEXPECT_EQ(kthread_join(p, NULL), 0);
	KEXPECT_EQ(kthread_join(c, NULL), 0);

	KEXPECT_EQ(nreceived, PC_ITEMS);
	int in_order = 1;
	for (int i = 0; i < PC_ITEMS; i++)
		if (received[i] != i)
			in_order = 0;
	KEXPECT(in_order);       /* every item exactly once, in order */
	KEXPECT_EQ(sem_count(&free_slots), PC_SLOTS);
	KEXPECT_EQ(sem_count(&full_slots), 0);
}

/* ---- condition variable ---- */

static struct condvar cv;
static int go, passed;

static void wait_for_go(void *arg)
{
	(void)arg;
	mutex_lock(&mx);
	while (!go)
		cond_wait(&cv, &mx);
	passed++;
	mutex_unlock(&mx);
}

KTEST(sync, condvar_broadcast_wakes_all)
{
	enum { N = 5 };
	struct thread *t[N];

	mutex_init(&mx, "ktest-cv-mx");
	cond_init(&cv, "ktest-cv");
	go = passed = 0;
	for (int i = 0; i < N; i++) {
		t[i] = kthread_create("cv-wait", wait_for_go, NULL);
		KASSERT_T(t[i] != NULL);
	}
	/* Let them all reach cond_wait (they block, so this ends). */
	for (int i = 0; i < N; i++)
		while (t[i]->state != THREAD_BLOCKED)
			thread_yield();
	KEXPECT_EQ(passed, 0);

	mutex_lock(&mx);
	go = 1;
	cond_broadcast(&cv);
	mutex_unlock(&mx);
	for (int i = 0; i < N; i++)
		KEXPECT_EQ(kthread_join(t[i], NULL), 0);
	KEXPECT_EQ(passed, N);
}
