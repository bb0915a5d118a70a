#ifndef WEFT_CPU_LOCAL_H
#define WEFT_CPU_LOCAL_H
/* The control registers and MSRs each CPU sets for itself (cpu_local.c). */
void cpu_local_init(void);      /* the boot CPU, early */
void cpu_local_init_ap(void);   /* every other CPU, as the boot CPU has it */
#endif
