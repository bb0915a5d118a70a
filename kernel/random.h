/*
 * Random bytes for AT_RANDOM and getrandom(): not cryptographic, but
 * different on every boot and every call (seeded from the cycle counter).
 */
#ifndef WEFT_RANDOM_H
#define WEFT_RANDOM_H
#include <stddef.h>
void random_bytes(void *buf, size_t n);
#endif
