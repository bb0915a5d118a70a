/*
 * How a run of the machine ends. In run mode (run=1 on the command line,
 * what tools/weft-run uses) the exit of init ends QEMU, and the status
 * line tells the run tool how the program ended.
 */
#ifndef WEFT_MACHINE_H
#define WEFT_MACHINE_H
#include <stdbool.h>
extern bool machine_run_mode;
/* init (pid 1) exited with this wait status. Never returns. */
_Noreturn void init_exited(int status);
#endif
