/*
 * A host spinlock for the memory-management tests: a plain
 * test-and-set lock on the ticket word, real enough that the threaded
 * stress tests exercise mutual exclusion. It keeps test_pmm/test_heap
 * independent of the kernel's ticket lock and its per-CPU machinery,
 * which has tests of its own.
 */
#include <sched.h>

#include <kernel/sync/spinlock.h>

void spin_init(struct spinlock *lock, const char *name)
{
	lock->next_ticket = 0;
	lock->now_serving = 0;
	lock->owner_cpu = -1;
	lock->name = name;
}

void spin_lock(struct spinlock *lock)
{
	while (__atomic_exchange_n(&lock->next_ticket, 1, __ATOMIC_ACQUIRE))
		sched_yield();
}

void spin_unlock(struct spinlock *lock)
{
	__atomic_store_n(&lock->next_ticket, 0, __ATOMIC_RELEASE);
}

bool spin_trylock(struct spinlock *lock)
{
	return !__atomic_exchange_n(&lock->next_ticket, 1, __ATOMIC_ACQUIRE);
}

unsigned long spin_lock_irqsave(struct spinlock *lock)
{
	spin_lock(lock);
	return 0;
}

void spin_unlock_irqrestore(struct spinlock *lock, unsigned long flags)
{
	(void)flags;
	spin_unlock(lock);
}

bool spin_held(const struct spinlock *lock)
{
	return __atomic_load_n(&lock->next_ticket, __ATOMIC_RELAXED) != 0;
}
