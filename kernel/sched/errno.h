/*
 * The error numbers the scheduler and the locks return (negated, as the
 * kernel and the Linux syscall ABI do). Linux's values, so that a future
 * syscall layer can pass them straight to user space. If a kernel-wide
 * errno header appears, this one should shrink to an #include of it.
 */
#ifndef WEFT_SCHED_ERRNO_H
#define WEFT_SCHED_ERRNO_H

#ifndef EPERM
#define EPERM 1    /* not the owner */
#endif
#ifndef ESRCH
#define ESRCH 3    /* no such thread */
#endif
#ifndef EAGAIN
#define EAGAIN 11  /* would block (try-lock) */
#endif
#ifndef ENOMEM
#define ENOMEM 12
#endif
#ifndef EINVAL
#define EINVAL 22
#endif
#ifndef EINTR
#define EINTR 4    /* interrupted by a signal */
#endif
#ifndef ETIMEDOUT
#define ETIMEDOUT 110 /* a timed wait ran out */
#endif
#ifndef EDEADLK
#define EDEADLK 35 /* would wait for itself forever */
#endif

#endif
