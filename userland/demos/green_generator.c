/*
 * Lesson 30 — generators: a function that yields values one at a time,
 * resumed by its caller.
 *
 * A generator is a green thread whose "yield" is a switch to its parent
 * carrying a value; the consumer's "next" is a switch to the generator.
 * Neither builds a list: each value is made when it is asked for, and the
 * generator's local variables (here a and b) live on in its own stack
 * between values. Returning ends the generator; the consumer sees it dead.
 *
 * Expected output, exactly:
 *   consumer: asks for the next value
 *   producer: yields 1
 *   consumer: got 1
 *   consumer: asks for the next value
 *   producer: yields 1
 *   consumer: got 1
 *   consumer: asks for the next value
 *   producer: yields 2
 *   consumer: got 2
 *   consumer: asks for the next value
 *   producer: yields 3
 *   consumer: got 3
 *   consumer: asks for the next value
 *   producer: yields 5
 *   consumer: got 5
 *   consumer: asks for the next value
 *   producer: done
 *   consumer: the generator is exhausted
 */
#include <green.h>
#include <stdint.h>
#include <stdio.h>

/* yield: hand a value to whoever resumed us, wait to be resumed again */
static void yield(intptr_t v)
{
	green_switch(green_parent(green_current()), (void *)v);
}

/* Fibonacci numbers up to `limit` */
static void *fibonacci(void *limit, void *value)
{
	(void)value;
	intptr_t a = 1, b = 1;
	while (a <= (intptr_t)limit) {
		printf("producer: yields %ld\n", (long)a);
		yield(a);
		intptr_t next = a + b;
		a = b;
		b = next;
	}
	puts("producer: done");
	return NULL;
}

int main(void)
{
	green_t *gen = green_new(fibonacci, (void *)5, 0);
	for (;;) {
		puts("consumer: asks for the next value");
		void *v = green_switch(gen, NULL); /* next(gen) */
		if (green_is_dead(gen))
			break;
		printf("consumer: got %ld\n", (long)(intptr_t)v);
	}
	puts("consumer: the generator is exhausted");
	green_free(gen);
	return 0;
}
