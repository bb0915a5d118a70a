/*
 * System calls: the Linux x86-64 ABI. The number arrives in rax, the
 * arguments in rdi, rsi, rdx, r10, r8, r9; the result (or -errno) goes
 * back in rax.
 *
 * Each subsystem defines its calls where its code lives:
 *
 *   static long sys_getpid(const struct syscall_args *a) { ... }
 *   SYSCALL(39, getpid, sys_getpid)
 *
 * SYSCALL puts an entry into the "syscalls" section; the dispatcher
 * (dispatch.c) turns the entries into a table indexed by number at boot.
 * A number without a handler returns -ENOSYS and is logged once with its
 * Linux name.
 */
#ifndef WEFT_SYSCALL_H
#define WEFT_SYSCALL_H

#include <stdint.h>

struct syscall_args {
	long nr;
	long arg[6];
};

typedef long (*syscall_fn)(const struct syscall_args *a);

struct syscall_entry {
	int nr;
	const char *name;
	syscall_fn fn;
};

#define SYSCALL(nr_, name_, fn_)                                             \
	static const struct syscall_entry syscall_entry_##name_              \
		__attribute__((used, section("syscalls"), aligned(8))) = {   \
			(nr_), #name_, (fn_)};

/* Linux's name for a syscall number ("?" if unknown), for messages. */
const char *syscall_name(long nr);

/* Called by the arch's syscall entry with the user's registers. */
long syscall_dispatch(const struct syscall_args *a);

/* Build the table from the registered entries (once, at boot). */
void syscall_init(void);
unsigned syscall_count(void);

#endif
