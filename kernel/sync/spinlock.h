/*
 * Spinlocks: the lowest lock, for short critical sections that must not
 * sleep (run queues, wait queues, the thread table).
 *
 * A ticket lock: each locker takes a ticket with one atomic add and spins
 * until "now serving" reaches it, so CPUs get the lock in the order they
 * asked (a plain test-and-set lock can starve a CPU forever).
 *
 * Interrupts are always off while a spinlock is held. That is not what
 * makes it exclusive (other CPUs don't care about our interrupt flag); it
 * is what stops a timer interrupt from preempting the holder, or an
 * interrupt handler on this CPU from spinning on a lock its own CPU holds.
 * So the normal calls are spin_lock_irqsave/spin_unlock_irqrestore; the
 * bare spin_lock/spin_unlock are for code that already runs with
 * interrupts off (the tick, the scheduler) and check that it does.
 */
#ifndef WEFT_SYNC_SPINLOCK_H
#define WEFT_SYNC_SPINLOCK_H

#include <stdbool.h>
#include <stdint.h>

struct spinlock {
	uint32_t next_ticket;   /* handed to the next locker */
	uint32_t now_serving;   /* the ticket that holds the lock */
	int owner_cpu;          /* -1 when free; catches self-deadlock */
	const char *name;       /* for messages */
};

#define SPINLOCK_INIT(lockname) { 0, 0, -1, (lockname) }

void spin_init(struct spinlock *lock, const char *name);

/* Interrupts must already be off. */
void spin_lock(struct spinlock *lock);
void spin_unlock(struct spinlock *lock);
/* Take the lock only if it is free right now; interrupts must be off. */
bool spin_trylock(struct spinlock *lock);

/* Disable interrupts, take the lock, return the old interrupt state. */
unsigned long spin_lock_irqsave(struct spinlock *lock);
/* Release the lock, then put the interrupt state back. */
void spin_unlock_irqrestore(struct spinlock *lock, unsigned long flags);

/* Does this CPU hold the lock? For assertions. */
bool spin_held(const struct spinlock *lock);

#endif
