#ifndef WEFT_DEMO_H
#define WEFT_DEMO_H
/* What `make run` shows after the banner (a kernel thread's body). */
void demo_main(void *arg);
/* Cycles per kernel-thread switch, measured by two threads that yield to
 * each other n times. */
uint64_t demo_switch_cycles(unsigned n);
#endif
