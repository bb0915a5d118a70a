#ifndef WEFT_BACKTRACE_H
#define WEFT_BACKTRACE_H
#include <stdint.h>
void backtrace_print(uint64_t rip, uint64_t rbp);
#endif
