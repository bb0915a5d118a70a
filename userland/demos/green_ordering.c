/*
 * Lesson 29 — greenlet: two green threads switch explicitly.
 *
 * Nothing runs unless something switches to it, and a switch resumes the
 * other side exactly where it last switched away. So the order is fixed by
 * the program, not by a scheduler: 1, 3, 2, 4. The line "x" never prints:
 * when `second` returns, control goes to its parent (main), not back into
 * `first`, which stays suspended forever (and is then killed).
 *
 * Expected output, exactly:
 *   1
 *   3
 *   2
 *   4
 *   back in main: first is suspended, second is dead
 */
#include <green.h>
#include <stdio.h>

static green_t *first, *second;

static void *first_fn(void *arg, void *value)
{
	(void)arg, (void)value;
	puts("1");
	green_switch(second, NULL);
	puts("2");
	green_switch(second, NULL);
	puts("x");
	return NULL;
}

static void *second_fn(void *arg, void *value)
{
	(void)arg, (void)value;
	puts("3");
	green_switch(first, NULL);
	puts("4");
	return NULL; /* to the parent: main */
}

int main(void)
{
	first = green_new(first_fn, NULL, 0);
	second = green_new(second_fn, NULL, 0);
	green_switch(first, NULL);
	printf("back in main: first is %s, second is %s\n",
	       green_is_dead(first) ? "dead" : "suspended",
	       green_is_dead(second) ? "dead" : "suspended");
	green_free(first); /* kills it: "x" still never prints */
	green_free(second);
	return 0;
}
