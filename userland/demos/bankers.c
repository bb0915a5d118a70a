/*
 * Lesson: the banker's algorithm -- grant a request only if the system
 * stays in a safe state.
 *
 * Deadlock can be avoided if the system knows in advance the most of
 * each resource every process may ever claim (Max). A state is SAFE if
 * there is some order in which every process can get all it may still
 * need (Need = Max - Allocation) from what is free (Available) plus what
 * the processes before it in that order give back when they finish. The
 * safety check looks for such an order: repeatedly pick an unfinished
 * process whose Need fits in Work (what is free so far), let it finish,
 * and add its Allocation to Work. If every process finishes, the state is
 * safe. A request is granted only if, pretending to grant it, the state
 * is still safe; otherwise the process waits, even if the resources are
 * free right now. Like a banker who lends only what lets every client
 * eventually be paid in full.
 *
 * The example is the classic textbook one: 5 processes, resources A, B, C
 * with 10, 5 and 7 instances.
 *
 * Expected output (always this):
 *        Alloc   Max     Need
 *   P0   0 1 0   7 5 3   7 4 3
 *   P1   2 0 0   3 2 2   1 2 2
 *   P2   3 0 2   9 0 2   6 0 0
 *   P3   2 1 1   2 2 2   0 1 1
 *   P4   0 0 2   4 3 3   4 3 1
 *   Available 3 3 2
 *   initial state: safe, order P1 P3 P4 P0 P2
 *   P1 requests 1 0 2: granted (safe, order P1 P3 P4 P0 P2)
 *   P4 requests 3 3 0: must wait (not that much available)
 *   P0 requests 0 2 0: must wait (it would leave the system unsafe)
 *   P3 requests 0 2 1: error (more than it declared it may need)
 *
 * Needs: nothing beyond write: it is pure computation.
 */
#include <stdbool.h>
#include <stdio.h>

#define N 5 /* processes */
#define M 3 /* resource types */

static int available[M] = { 3, 3, 2 };
static int max[N][M] = {
	{ 7, 5, 3 }, { 3, 2, 2 }, { 9, 0, 2 }, { 2, 2, 2 }, { 4, 3, 3 },
};
static int alloc[N][M] = {
	{ 0, 1, 0 }, { 2, 0, 0 }, { 3, 0, 2 }, { 2, 1, 1 }, { 0, 0, 2 },
};

static int need(int p, int r)
{
	return max[p][r] - alloc[p][r];
}

/* The safety check; on success order[] holds a safe order. */
static bool is_safe(int order[N])
{
	int work[M];
	bool finished[N] = { false };
	int done = 0;
	for (int r = 0; r < M; r++)
		work[r] = available[r];
	bool progress = true;
	while (done < N && progress) {
		progress = false;
		for (int p = 0; p < N; p++) { /* one pass over the processes */
			if (finished[p])
				continue;
			bool fits = true;
			for (int r = 0; r < M; r++)
				fits &= need(p, r) <= work[r];
			if (!fits)
				continue;
			for (int r = 0; r < M; r++)
				work[r] += alloc[p][r]; /* p finishes, gives back all */
			finished[p] = true;
			order[done++] = p;
			progress = true;
		}
	}
	return done == N;
}

static void print_order(const int order[N])
{
	for (int i = 0; i < N; i++)
		printf(" P%d", order[i]);
}

static void request(int p, const int req[M])
{
	int order[N];
	printf("P%d requests %d %d %d: ", p, req[0], req[1], req[2]);
	for (int r = 0; r < M; r++) {
		if (req[r] > need(p, r)) {
			printf("error (more than it declared it may need)\n");
			return;
		}
	}
	for (int r = 0; r < M; r++) {
		if (req[r] > available[r]) {
			printf("must wait (not that much available)\n");
			return;
		}
	}
	for (int r = 0; r < M; r++) { /* pretend to grant it */
		available[r] -= req[r];
		alloc[p][r] += req[r];
	}
	if (is_safe(order)) {
		printf("granted (safe, order");
		print_order(order);
		printf(")\n");
		return;
	}
	for (int r = 0; r < M; r++) { /* unsafe: take it back */
		available[r] += req[r];
		alloc[p][r] -= req[r];
	}
	printf("must wait (it would leave the system unsafe)\n");
}

int main(void)
{
	int order[N];
	printf("     Alloc   Max     Need\n");
	for (int p = 0; p < N; p++) {
		printf("P%d", p);
		printf("   %d %d %d", alloc[p][0], alloc[p][1], alloc[p][2]);
		printf("   %d %d %d", max[p][0], max[p][1], max[p][2]);
		printf("   %d %d %d\n", need(p, 0), need(p, 1), need(p, 2));
	}
	printf("Available %d %d %d\n", available[0], available[1], available[2]);
	bool safe = is_safe(order);
	printf("initial state: %s", safe ? "safe, order" : "unsafe");
	if (safe)
		print_order(order);
	printf("\n");

	request(1, (const int[M]){ 1, 0, 2 });
	request(4, (const int[M]){ 3, 3, 0 });
	request(0, (const int[M]){ 0, 2, 0 });
	request(3, (const int[M]){ 0, 2, 1 });
	return 0;
}
