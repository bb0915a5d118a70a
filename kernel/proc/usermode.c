/*
 * Faults and exceptions of user programs: demand paging and copy-on-write
 * resolve most page faults; what remains is the program's bug, and ends
 * it with a signal and one line on the console -- never the kernel.
 */
#include <kernel/arch.h>
#include <kernel/mm/vm.h>
#include <kernel/printk.h>
#include <kernel/proc/internal.h>
#include <kernel/proc/usermode.h>

#define SIGSEGV 11

void user_page_fault(struct trap_frame *f, uint64_t addr, bool write, bool exec)
{
	struct process *p = current_process();
	if (p && p->as && as_fault(p->as, addr, write, exec) == 0)
		return;
	printk("pid %d (%s): segfault at %llx ip %llx\n", p ? p->pid : -1,
	       p ? p->name : "?", (unsigned long long)addr,
	       (unsigned long long)arch_user_ip(f));
	/* Default action: end now, even if the program blocks the signal. */
	process_exit(SIGSEGV);
}

void user_exception(struct trap_frame *f, int sig, const char *what, uint64_t addr)
{
	struct process *p = current_process();
	printk("pid %d (%s): %s at ip %llx\n", p->pid, p->name, what,
	       (unsigned long long)addr);
	(void)f;
	process_exit(sig);
}
