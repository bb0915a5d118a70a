/*
 * test_sched.c — the cooperative scheduler: spawn, yield, join, sleep,
 * channels, deadlock detection, killing a parked task.
 */
#include "../green.h"
#include "../green_internal.h" /* white-box: timers */
#include "tap.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

static char trace[256];
static void note(const char *s) { strcat(trace, s); }

static void *add_one(void *arg, void *v)
{
	(void)v;
	return (void *)((intptr_t)arg + 1);
}
static void test_spawn_join_result(void)
{
	green_t *t = green_spawn(add_one, (void *)41, 0);
	void *r = NULL;
	CHECK_EQ(green_join(t, &r), 0);
	CHECK_EQ((intptr_t)r, 42);
}

static void *yielder(void *arg, void *v)
{
	(void)v;
	for (int i = 0; i < 3; i++) {
		note(arg);
		green_yield();
	}
	return NULL;
}
static void test_yield_interleaves(void)
{
	trace[0] = 0;
	green_t *a = green_spawn(yielder, "a", 0);
	green_t *b = green_spawn(yielder, "b", 0);
	note("m"); /* spawning does not run them: we have not yielded */
	CHECK_EQ(green_join(a, NULL), 0);
	CHECK_EQ(green_join(b, NULL), 0);
	CHECK(strcmp(trace, "mababab") == 0);
}

static void test_join_self_is_deadlock(void)
{
	errno = 0;
	CHECK_EQ(green_join(green_current(), NULL), -1);
	CHECK_EQ(errno, EDEADLK);
}

/* All 100,000 exist at once: each yields once before it ends. */
enum { MANY = 100000 };
static long finished;
static void *yield_once(void *arg, void *v)
{
	(void)v;
	green_yield();
	finished++;
	return arg;
}
static void test_100000_threads(void)
{
	static green_t *t[MANY];
	finished = 0;
	for (intptr_t i = 0; i < MANY; i++) {
		t[i] = green_spawn(yield_once, (void *)i, 0);
		if (!t[i]) {
			CHECK(t[i] != NULL);
			perror("# green_spawn");
			return;
		}
	}
	long wrong = 0;
	for (intptr_t i = 0; i < MANY; i++) {
		void *r;
		if (green_join(t[i], &r) != 0 || r != (void *)i)
			wrong++;
	}
	CHECK_EQ(wrong, 0);
	CHECK_EQ(finished, MANY);
}

/* Wake order follows the durations, not the order of the calls. Only the
 * order is checked: the durations are far apart, so a slow machine
 * changes when they wake, not in which order. */
static void *sleeper(void *arg, void *v)
{
	(void)v;
	const char *name = arg;
	green_sleep_ms((unsigned)(name[0] - '0') * 10);
	note(name);
	return NULL;
}
static void test_sleep_order(void)
{
	trace[0] = 0;
	green_t *t[4] = {
		green_spawn(sleeper, "3", 0), green_spawn(sleeper, "1", 0),
		green_spawn(sleeper, "4", 0), green_spawn(sleeper, "2", 0),
	};
	for (int i = 0; i < 4; i++)
		CHECK_EQ(green_join(t[i], NULL), 0);
	CHECK(strcmp(trace, "1234") == 0);
}

/* ---- channels ---- */
static green_chan_t *chan;
static void *producer(void *arg, void *v)
{
	(void)v;
	for (intptr_t i = 1; i <= (intptr_t)arg; i++) {
		CHECK_EQ(green_chan_send(chan, (void *)i), 0);
		note("p");
	}
	green_chan_close(chan);
	return NULL;
}
static void *consumer(void *arg, void *v)
{
	(void)arg, (void)v;
	intptr_t sum = 0, expect = 1;
	void *x;
	while (green_chan_recv(chan, &x) == 0) {
		CHECK_EQ((intptr_t)x, expect++); /* FIFO */
		sum += (intptr_t)x;
		note("c");
	}
	CHECK_EQ(errno, EPIPE);
	return (void *)sum;
}
static void test_channel_bounded_fifo(void)
{
	trace[0] = 0;
	chan = green_chan_new(2);
	green_t *p = green_spawn(producer, (void *)5, 0);
	green_t *c = green_spawn(consumer, NULL, 0);
	void *sum;
	CHECK_EQ(green_join(p, NULL), 0);
	CHECK_EQ(green_join(c, &sum), 0);
	CHECK_EQ((intptr_t)sum, 15);
	/* Capacity 2: the producer runs two ahead, then waits for room. */
	CHECK(strncmp(trace, "ppc", 3) == 0);
	CHECK(strlen(trace) == 10);
	CHECK(green_chan_send(chan, NULL) == -1 && errno == EPIPE);
	green_chan_free(chan);
	errno = 0;
	CHECK(green_chan_new(0) == NULL && errno == EINVAL);
}

static void *recv_forever(void *arg, void *v)
{
	(void)v;
	void *x;
	note("r");
	green_chan_recv(arg, &x);
	note("never");
	return NULL;
}
static void test_deadlock_is_reported(void)
{
	trace[0] = 0;
	green_chan_t *c = green_chan_new(1);
	green_t *t = green_spawn(recv_forever, c, 0);
	errno = 0;
	CHECK_EQ(green_join(t, NULL), -1); /* nobody will ever send */
	CHECK_EQ(errno, EDEADLK);
	/* Killing the parked task takes it off the channel's wait list, so a
	 * later send neither wakes a dead task nor blocks. */
	CHECK_EQ(green_kill(t), 0);
	void *r;
	CHECK_EQ(green_join(t, &r), 0);
	CHECK(r == GREEN_KILLED);
	CHECK_EQ(green_chan_send(c, (void *)1), 0);
	CHECK_EQ(green_chan_len(c), 1);
	CHECK(strcmp(trace, "r") == 0);
	green_chan_free(c);
}

static void *sleeps_long(void *arg, void *v)
{
	(void)arg, (void)v;
	green_sleep_ms(60000);
	return NULL;
}
static void test_kill_sleeper(void)
{
	green_t *t = green_spawn(sleeps_long, NULL, 0);
	green_yield(); /* let it start and park on its timer */
	CHECK(green_is_started(t) && !green_is_dead(t));
	CHECK_EQ(green_kill(t), 0);
	void *r;
	CHECK_EQ(green_join(t, &r), 0);
	CHECK(r == GREEN_KILLED);
	CHECK(!green_timers_pending()); /* its timer went with it */
}

int main(void)
{
	TAP(test_spawn_join_result);
	TAP(test_yield_interleaves);
	TAP(test_join_self_is_deadlock);
	TAP(test_100000_threads);
	TAP(test_sleep_order);
	TAP(test_channel_bounded_fifo);
	TAP(test_deadlock_is_reported);
	TAP(test_kill_sleeper);
	return tap_done();
}
