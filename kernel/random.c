/*
 * splitmix64, stirred with the cycle counter on every call: enough for
 * musl's stack-protector seed and hash-table salts; not for keys.
 */
#include <stdint.h>
#include <kernel/arch.h>
#include <kernel/random.h>

static uint64_t state;

static uint64_t next(void)
{
	uint64_t z = __atomic_add_fetch(&state, 0x9e3779b97f4a7c15ull ^ arch_cycles(), __ATOMIC_RELAXED);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void random_bytes(void *buf, size_t n)
{
	uint8_t *b = buf;
	while (n) {
		uint64_t v = next();
		for (int i = 0; i < 8 && n; i++, n--)
			*b++ = (uint8_t)(v >> (8 * i));
	}
}
