/*
 * The syscall table. Handlers register themselves next to their code
 * (SYSCALL in syscall.h puts an entry in the "syscalls" section); at boot
 * we sort those into a table indexed by number. A call with no handler
 * returns -ENOSYS, and the first time each one happens the kernel says
 * which it was, by name -- the list of what Weft still lacks writes itself.
 */
#include <kernel/errno.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/proc/process.h>
#include <kernel/syscall/syscall.h>

#define NR_SYSCALLS 512

extern const struct syscall_entry __syscalls_start[], __syscalls_end[];

static syscall_fn table[NR_SYSCALLS];
static uint8_t reported[NR_SYSCALLS / 8];

void syscall_init(void)
{
	for (const struct syscall_entry *e = __syscalls_start; e < __syscalls_end; e++) {
		if (e->nr < 0 || e->nr >= NR_SYSCALLS)
			panic("syscall %s: number %d out of range", e->name, e->nr);
		if (table[e->nr])
			panic("syscall %d (%s) registered twice", e->nr, e->name);
		table[e->nr] = e->fn;
	}
}

unsigned syscall_count(void)
{
	return (unsigned)(__syscalls_end - __syscalls_start);
}

long syscall_dispatch(const struct syscall_args *a)
{
	long nr = a->nr;
	if (nr >= 0 && nr < NR_SYSCALLS && table[nr])
		return table[nr](a);

	/* Say it once per number (a benign race on SMP: twice at worst). */
	if (nr >= 0 && nr < NR_SYSCALLS) {
		uint8_t m = (uint8_t)(1u << (nr & 7));
		if (__atomic_fetch_or(&reported[nr / 8], m, __ATOMIC_RELAXED) & m)
			return -ENOSYS;
	}
	struct process *p = current_process();
	printk("weft: syscall %ld (%s) not implemented, from pid %d (%s)\n", nr,
	       syscall_name(nr), p ? p->pid : 0, p ? p->name : "?");
	return -ENOSYS;
}
