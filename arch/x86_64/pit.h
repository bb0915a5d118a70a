#ifndef WEFT_PIT_H
#define WEFT_PIT_H
/* Start a one-shot interval of us microseconds (at most ~54 ms) ... */
void pit_wait_start(unsigned us);
/* ... and spin until it has passed. */
void pit_wait_end(void);
void pic_disable(void);
#endif
