/*
 * test_memory — an address space after fork: copy-on-write isolation both
 * ways (also when the parent writes first), for globals, the stack, the
 * heap (brk), and private mappings; MAP_SHARED memory really shared;
 * munmap and mprotect take effect; fresh anonymous memory reads as zero.
 */
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "guest.h"

static int global = 100;          /* .data */
static char big[1 << 20];         /* .bss, 256 pages */

/* Wait for pid; true if it exited 0. */
static bool exited_ok(pid_t pid)
{
	int status;
	return waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	       WEXITSTATUS(status) == 0;
}

static void touch(void *p) { *(volatile char *)p = 1; }

/* The child writes; the parent must not see it. */
static void child_writes_parent_unchanged(void)
{
	global = 100;
	pid_t pid = fork();
	if (pid == 0) {
		global = 200;
		_exit(global == 200 ? 0 : 1);
	}
	REQUIRE(pid > 0);
	CHECK(exited_ok(pid));
	CHECK_EQ(global, 100);
}

/*
 * The parent writes first, while the child is still waiting to look: the
 * child must still see the value from the moment of fork. This catches a
 * kernel that copies the page only for the process that faults first.
 */
static void parent_writes_first(void)
{
	int gate[2];
	REQUIRE(pipe(gate) == 0);
	global = 100;
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		close(gate[1]);
		read(gate[0], &c, 1);
		_exit(global == 100 ? 0 : 1);
	}
	REQUIRE(pid > 0);
	close(gate[0]);
	global = 300; /* the parent faults first */
	close(gate[1]);
	CHECK(exited_ok(pid));
	CHECK_EQ(global, 300);
}

/* Every page of a large region, written on both sides after fork. */
static void big_region_both_ways(void)
{
	const long page = sysconf(_SC_PAGESIZE);
	for (size_t i = 0; i < sizeof big; i++)
		big[i] = (char)(i * 7);
	int gate[2], done[2];
	REQUIRE(pipe(gate) == 0 && pipe(done) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		for (size_t i = 0; i < sizeof big; i += page)
			big[i] = 'c';
		write(done[1], "d", 1);
		read(gate[0], &c, 1); /* the parent writes its pages meanwhile */
		for (size_t i = 0; i < sizeof big; i++) {
			char want = i % page == 0 ? 'c' : (char)(i * 7);
			if (big[i] != want)
				_exit(1);
		}
		_exit(0);
	}
	REQUIRE(pid > 0);
	char c;
	CHECK_EQ(read(done[0], &c, 1), 1);
	for (size_t i = page / 2; i < sizeof big; i += page)
		big[i] = 'p';
	CHECK_EQ(write(gate[1], "g", 1), 1);
	CHECK(exited_ok(pid));
	size_t bad = 0;
	for (size_t i = 0; i < sizeof big; i++) {
		char want = i % page == (size_t)page / 2 ? 'p' : (char)(i * 7);
		bad += big[i] != want;
	}
	CHECK_EQ(bad, 0);
	close(gate[0]), close(gate[1]), close(done[0]), close(done[1]);
}

static void stack_is_copied(void)
{
	volatile int local = 1;
	pid_t pid = fork();
	if (pid == 0) {
		local = 2;
		_exit(local == 2 ? 0 : 1);
	}
	REQUIRE(pid > 0);
	CHECK(exited_ok(pid));
	CHECK_EQ(local, 1);
}

/*
 * The heap grows with brk; the grown part is private after fork, too.
 * (musl's sbrk() only answers sbrk(0), so we call brk directly: it
 * returns the new break, or the old one if it could not move it.)
 */
static char *brk_to(char *addr) { return (char *)syscall(SYS_brk, addr); }

static void brk_heap(void)
{
	const size_t len = 64 * 1024;
	char *old = brk_to(0);
	char *p = old;
	REQUIRE(brk_to(old + len) == old + len);
	size_t nonzero = 0;
	for (size_t i = 0; i < len; i++)
		nonzero += p[i] != 0; /* fresh memory reads as zero */
	CHECK_EQ(nonzero, 0);
	memset(p, 'h', len);
	pid_t pid = fork();
	if (pid == 0) {
		bool same = p[0] == 'h' && p[len - 1] == 'h';
		memset(p, 'c', len);
		_exit(same ? 0 : 1);
	}
	REQUIRE(pid > 0);
	CHECK(exited_ok(pid));
	CHECK(p[0] == 'h' && p[len - 1] == 'h');
	CHECK(brk_to(old) == old);
	/* Shrunk away: the pages are gone. */
	int st = run_in_child(touch, p + len - 1);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);
}

static void mmap_private_is_copied(void)
{
	size_t len = 16 * 4096;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	REQUIRE(p != MAP_FAILED);
	size_t nonzero = 0;
	for (size_t i = 0; i < len; i++)
		nonzero += p[i] != 0;
	CHECK_EQ(nonzero, 0);
	memset(p, 'a', len);
	pid_t pid = fork();
	if (pid == 0) {
		memset(p, 'b', len);
		_exit(0);
	}
	REQUIRE(pid > 0);
	CHECK(exited_ok(pid));
	CHECK(p[0] == 'a' && p[len - 1] == 'a');
	CHECK_EQ(munmap(p, len), 0);
}

/* MAP_SHARED: the one kind of memory that fork does not copy. */
static void mmap_shared_is_shared(void)
{
	size_t len = 4 * 4096;
	int *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	REQUIRE(p != MAP_FAILED);
	p[0] = 1;
	int gate[2];
	REQUIRE(pipe(gate) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		p[1] = 42;               /* the parent will see this */
		p[len / sizeof(int) - 1] = 43;
		close(gate[1]);
		read(gate[0], &c, 1);
		_exit(p[0] == 2 ? 0 : 1); /* and we see the parent's write */
	}
	REQUIRE(pid > 0);
	close(gate[0]);
	p[0] = 2;
	close(gate[1]);
	CHECK(exited_ok(pid));
	CHECK_EQ(p[1], 42);
	CHECK_EQ(p[len / sizeof(int) - 1], 43);
	CHECK_EQ(munmap(p, len), 0);
}

static int status_after_touch(void *p)
{
	return run_in_child(touch, p);
}

static void munmap_removes_pages(void)
{
	char *p = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	REQUIRE(p != MAP_FAILED);
	/* Unmap the middle page only: its neighbours stay. */
	CHECK_EQ(munmap(p + 4096, 4096), 0);
	int st = status_after_touch(p + 4096);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);
	st = status_after_touch(p);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	st = status_after_touch(p + 2 * 4096);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK_EQ(munmap(p, 3 * 4096), 0);
}

static void mprotect_read_only(void)
{
	char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	REQUIRE(p != MAP_FAILED);
	p[0] = 'x';
	CHECK_EQ(mprotect(p, 4096, PROT_READ), 0);
	CHECK_EQ(p[0], 'x'); /* still readable */
	int st = status_after_touch(p);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);
	CHECK_EQ(mprotect(p, 4096, PROT_READ | PROT_WRITE), 0);
	st = status_after_touch(p);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	p[0] = 'y';
	CHECK_EQ(p[0], 'y');
	CHECK_EQ(munmap(p, 4096), 0);
}

int main(void)
{
	guest_begin();
	TAP(child_writes_parent_unchanged);
	TAP(parent_writes_first);
	TAP(big_region_both_ways);
	TAP(stack_is_copied);
	TAP(brk_heap);
	TAP(mmap_private_is_copied);
	TAP(mmap_shared_is_shared);
	TAP(munmap_removes_pages);
	TAP(mprotect_read_only);
	guest_end();
	return tap_done();
}
