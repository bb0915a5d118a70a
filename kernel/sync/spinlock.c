/*
 * Ticket spinlocks (see spinlock.h for why tickets and why interrupts off).
 */
#include <kernel/sync/spinlock.h>

#include <kernel/arch.h>
#include <kernel/cpu.h>
#include <kernel/panic.h>

static int my_cpu_id(void)
{
	return (int)this_cpu()->id;
}

void spin_init(struct spinlock *lock, const char *name)
{
	lock->next_ticket = 0;
	lock->now_serving = 0;
	lock->owner_cpu = -1;
	lock->name = name;
}

void spin_lock(struct spinlock *lock)
{
	int me = my_cpu_id();

	/*
	 * With interrupts on, the timer could preempt us while we hold the
	 * lock and another thread on this CPU would spin on it forever.
	 */
	if (arch_irq_enabled())
		panic("spin_lock(%s) with interrupts enabled", lock->name);
	/* Taking a lock this CPU already holds can only spin forever. */
	if (__atomic_load_n(&lock->owner_cpu, __ATOMIC_RELAXED) == me)
		panic("spin_lock(%s): already held by this cpu (%d)",
		      lock->name, me);

	uint32_t ticket = __atomic_fetch_add(&lock->next_ticket, 1,
	                                     __ATOMIC_RELAXED);
	/* Acquire: what the previous holder wrote is visible once we see our turn. */
	while (__atomic_load_n(&lock->now_serving, __ATOMIC_ACQUIRE) != ticket)
		arch_cpu_relax();
	__atomic_store_n(&lock->owner_cpu, me, __ATOMIC_RELAXED);
}

bool spin_trylock(struct spinlock *lock)
{
	if (arch_irq_enabled())
		panic("spin_trylock(%s) with interrupts enabled", lock->name);

	uint32_t serving = __atomic_load_n(&lock->now_serving, __ATOMIC_ACQUIRE);
	uint32_t expected = serving;
	/* Free means nobody holds a ticket past "now serving": take the next one. */
	if (!__atomic_compare_exchange_n(&lock->next_ticket, &expected,
	                                 serving + 1, false, __ATOMIC_ACQUIRE,
	                                 __ATOMIC_RELAXED))
		return false;
	__atomic_store_n(&lock->owner_cpu, my_cpu_id(), __ATOMIC_RELAXED);
	return true;
}

void spin_unlock(struct spinlock *lock)
{
	if (__atomic_load_n(&lock->owner_cpu, __ATOMIC_RELAXED) != my_cpu_id())
		panic("spin_unlock(%s): not held by this cpu", lock->name);
	__atomic_store_n(&lock->owner_cpu, -1, __ATOMIC_RELAXED);
	/* Release: our writes are visible to the next holder. Only the holder
	 * writes now_serving, so a plain read of it is fine. */
	__atomic_store_n(&lock->now_serving, lock->now_serving + 1,
	                 __ATOMIC_RELEASE);
}

unsigned long spin_lock_irqsave(struct spinlock *lock)
{
	unsigned long flags = arch_irq_save();
	spin_lock(lock);
	return flags;
}

void spin_unlock_irqrestore(struct spinlock *lock, unsigned long flags)
{
	spin_unlock(lock);
	arch_irq_restore(flags);
}

bool spin_held(const struct spinlock *lock)
{
	return __atomic_load_n(&lock->owner_cpu, __ATOMIC_RELAXED) == my_cpu_id();
}
