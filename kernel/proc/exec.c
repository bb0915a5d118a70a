/*
 * execve: replace the calling process's program with a static ELF64
 * executable, as Linux lays it out, so unmodified musl programs start.
 *
 * The new image is built completely in a fresh address space first; only
 * when nothing can fail any more does the process switch to it and drop
 * the old one. A failed exec returns an error to the old program, intact.
 *
 * The initial stack, from the top down: the argument and environment
 * strings, 16 random bytes (AT_RANDOM, musl's stack-protector seed), the
 * platform string; then, 16-byte aligned: argc, argv[], NULL, envp[],
 * NULL, the auxiliary vector (type, value pairs, ending with AT_NULL).
 */
#include <kernel/arch.h>
#include <kernel/errno.h>
#include <kernel/fs/files.h>
#include <kernel/fs/vfs.h>
#include <kernel/mm/pmm.h>
#include <kernel/mm/vm.h>
#include <kernel/proc/internal.h>
#include <kernel/random.h>
#include <kernel/syscall/syscall.h>
#include <kernel/uaccess.h>

struct elf_ehdr {
	unsigned char ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

#define ET_EXEC 2
#define ET_DYN 3
#define EM_X86_64 62
#define PT_LOAD 1
#define PT_INTERP 3
#define PT_PHDR 6
#define PF_X 1
#define PF_W 2
#define PF_R 4
#define PIE_BASE 0x400000ull /* where a static-pie is placed */

enum {
	AT_NULL = 0, AT_PHDR = 3, AT_PHENT = 4, AT_PHNUM = 5, AT_PAGESZ = 6,
	AT_BASE = 7, AT_FLAGS = 8, AT_ENTRY = 9, AT_UID = 11, AT_EUID = 12,
	AT_GID = 13, AT_EGID = 14, AT_PLATFORM = 15, AT_HWCAP = 16,
	AT_CLKTCK = 17, AT_SECURE = 23, AT_RANDOM = 25, AT_EXECFN = 31,
};

#define ARG_MAX_BYTES (128 * 1024)
#define ARG_MAX_COUNT 4096

static uint64_t round_up(uint64_t x) { return (x + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1); }
static uint64_t round_down(uint64_t x) { return x & ~(uint64_t)(PAGE_SIZE - 1); }

static unsigned elf_prot(uint32_t f)
{
	return (f & PF_R ? ARCH_PROT_READ : 0) | (f & PF_W ? ARCH_PROT_WRITE : 0) |
	       (f & PF_X ? ARCH_PROT_EXEC : 0);
}

struct image {
	uint64_t entry, phdr, phnum, brk;
};

/* Check the ELF and map its segments into as. */
static int load_elf(struct address_space *as, const uint8_t *data, size_t size,
                    struct image *img)
{
	const struct elf_ehdr *eh = (const void *)data;
	if (size < sizeof(*eh) || memcmp(eh->ident, "\177ELF", 4) != 0 ||
	    eh->ident[4] != 2 /* 64-bit */ || eh->ident[5] != 1 /* little endian */ ||
	    eh->machine != EM_X86_64 || (eh->type != ET_EXEC && eh->type != ET_DYN) ||
	    eh->phentsize != sizeof(struct elf_phdr) || eh->phnum == 0 ||
	    eh->phoff > size || eh->phnum * sizeof(struct elf_phdr) > size - eh->phoff)
		return -ENOEXEC;

	uint64_t bias = eh->type == ET_DYN ? PIE_BASE : 0, end = 0;
	const struct elf_phdr *ph = (const void *)(data + eh->phoff);
	img->phdr = 0;
	for (unsigned i = 0; i < eh->phnum; i++) {
		if (ph[i].type == PT_INTERP)
			return -ENOEXEC; /* dynamically linked: Weft runs static programs */
		if (ph[i].type == PT_PHDR)
			img->phdr = ph[i].vaddr + bias;
		if (ph[i].type != PT_LOAD || ph[i].memsz == 0)
			continue;
		uint64_t va = ph[i].vaddr + bias;
		if (ph[i].filesz > ph[i].memsz || ph[i].offset > size ||
		    ph[i].filesz > size - ph[i].offset || va + ph[i].memsz < va ||
		    va + ph[i].memsz > USER_MMAP_BASE || va < PAGE_SIZE)
			return -ENOEXEC;
		uint64_t start = round_down(va), stop = round_up(va + ph[i].memsz);
		long r = as_mmap(as, start, stop - start, elf_prot(ph[i].flags), 0, true);
		if (r < 0)
			return (int)r;
		r = as_copy_to(as, va, data + ph[i].offset, ph[i].filesz, true);
		if (r < 0)
			return (int)r;
		/* The headers are in the first segment when it starts at offset 0. */
		if (!img->phdr && ph[i].offset == 0)
			img->phdr = va + eh->phoff;
		if (stop > end)
			end = stop;
	}
	if (!end)
		return -ENOEXEC;
	img->entry = eh->entry + bias;
	img->phnum = eh->phnum;
	img->brk = end;
	return 0;
}

static int count(char *const v[]) { int n = 0; while (v && v[n]) n++; return n; }

/* Build the initial stack in a kernel buffer, then copy it up. */
static int build_stack(struct address_space *as, const char *path, char *const argv[],
                       char *const envp[], const struct image *img, uint64_t *sp_out)
{
	int argc = count(argv), envc = count(envp);
	size_t strings = strlen(path) + 1 + 16 + sizeof("x86_64");
	for (int i = 0; i < argc; i++)
		strings += strlen(argv[i]) + 1;
	for (int i = 0; i < envc; i++)
		strings += strlen(envp[i]) + 1;
	size_t words = 1 + argc + 1 + envc + 1 + 2 * 20;
	size_t total = round_up(strings + words * 8 + 16);
	if (total > USER_STACK_SIZE / 2)
		return -E2BIG;

	uint8_t *buf = kzalloc(total);
	if (!buf)
		return -ENOMEM;
	uint64_t top = USER_STACK_TOP, base = top - total;
	size_t pos = total; /* strings fill the buffer from its end */
#define PUSH_STR(s) ({ size_t l_ = strlen(s) + 1; pos -= l_; memcpy(buf + pos, (s), l_); base + pos; })
	uint64_t execfn = PUSH_STR(path);
	uint64_t *uargv = kmalloc((argc + envc + 1) * sizeof(uint64_t));
	if (!uargv) {
		kfree(buf);
		return -ENOMEM;
	}
	for (int i = 0; i < argc; i++)
		uargv[i] = PUSH_STR(argv[i]);
	for (int i = 0; i < envc; i++)
		uargv[argc + i] = PUSH_STR(envp[i]);
	uint64_t platform = PUSH_STR("x86_64");
	pos -= 16;
	random_bytes(buf + pos, 16);
	uint64_t random = base + pos;
#undef PUSH_STR

	/* The word area, 16-byte aligned at argc as the ABI asks. */
	pos = (pos - words * 8) & ~(size_t)15;
	uint64_t *w = (uint64_t *)(buf + pos);
	size_t k = 0;
	w[k++] = (uint64_t)argc;
	for (int i = 0; i < argc; i++)
		w[k++] = uargv[i];
	w[k++] = 0;
	for (int i = 0; i < envc; i++)
		w[k++] = uargv[argc + i];
	w[k++] = 0;
	const uint64_t aux[][2] = {
		{ AT_PHDR, img->phdr }, { AT_PHENT, sizeof(struct elf_phdr) },
		{ AT_PHNUM, img->phnum }, { AT_PAGESZ, PAGE_SIZE }, { AT_BASE, 0 },
		{ AT_FLAGS, 0 }, { AT_ENTRY, img->entry }, { AT_UID, 0 }, { AT_EUID, 0 },
		{ AT_GID, 0 }, { AT_EGID, 0 }, { AT_HWCAP, 0 }, { AT_CLKTCK, 100 },
		{ AT_SECURE, 0 }, { AT_RANDOM, random }, { AT_PLATFORM, platform },
		{ AT_EXECFN, execfn }, { AT_NULL, 0 },
	};
	for (size_t i = 0; i < sizeof(aux) / sizeof(aux[0]); i++) {
		w[k++] = aux[i][0];
		w[k++] = aux[i][1];
	}
	kfree(uargv);

	long r = as_mmap(as, USER_STACK_TOP - USER_STACK_SIZE, USER_STACK_SIZE,
	                 ARCH_PROT_READ | ARCH_PROT_WRITE, VMA_STACK, true);
	if (r >= 0)
		r = as_copy_to(as, base + pos, buf + pos, total - pos, false);
	kfree(buf);
	*sp_out = base + pos;
	return r < 0 ? (int)r : 0;
}

static void set_cmdline(struct process *p, char *const argv[])
{
	size_t n = 0;
	for (int i = 0; argv[i]; i++)
		n += strlen(argv[i]) + 1;
	char *c = n ? kmalloc(n) : NULL;
	if (n && !c)
		return; /* keep the old one: only /proc shows it */
	size_t pos = 0;
	for (int i = 0; argv[i]; i++) {
		size_t l = strlen(argv[i]) + 1;
		memcpy(c + pos, argv[i], l);
		pos += l;
	}
	kfree(p->cmdline);
	p->cmdline = c;
	p->cmdline_len = (unsigned)n;
}

int exec_image(struct process *p, const char *path, char *const argv[],
               char *const envp[], struct trap_frame *r)
{
	unsigned mode = 0;
	int err = vfs_stat_mode(path, &mode);
	if (err)
		return err;
	if ((mode & 0170000) == 0040000)
		return -EACCES; /* a directory */
	if ((mode & 0170000) != 0100000 || !(mode & 0111))
		return -EACCES;

	void *data;
	size_t size;
	err = vfs_read_all(path, &data, &size);
	if (err)
		return err;

	struct image img = {0};
	uint64_t sp = 0;
	struct address_space *as = as_create();
	if (!as) {
		kfree(data);
		return -ENOMEM;
	}
	err = load_elf(as, data, size, &img);
	kfree(data);
	if (!err)
		err = build_stack(as, path, argv, envp, &img, &sp);
	if (err) {
		as_destroy(as);
		return err;
	}
	as->brk_start = as->brk = img.brk;

	/* A fresh FPU state for the new program (allocated before the point
	 * of no return, so that failing leaves the old program intact). */
	struct thread *me = thread_current();
	if (!me->fpu && !(me->fpu = process_fpu_alloc(NULL))) {
		as_destroy(as);
		return -ENOMEM;
	}
	arch_fpu_init_area(me->fpu);

	/* The point of no return: switch to the new image. */
	struct address_space *old = p->as;
	unsigned long f = arch_irq_save();
	p->as = as;
	me->tls_base = 0;
	process_activate(me);
	arch_irq_restore(f);
	as_destroy(old);

	if (p->files)
		files_close_on_exec(p->files);
	/* Caught signals go back to their defaults; ignored ones stay so. */
	for (int s = 0; s < NSIG; s++)
		if (p->sig_action[s].handler > 1)
			p->sig_action[s] = (struct sigaction_k){0};
	process_set_name(p, path);
	set_cmdline(p, argv);
	gil_exec(p);
	arch_user_regs_init(r, img.entry, sp);
	return 0;
}

/* Copy a NULL-terminated array of user strings into one kernel block:
 * the pointers first, then the strings. */
static int copy_strings(char *const *uv, char ***out, size_t *budget)
{
	size_t n = 0;
	*out = NULL;
	if (uv) {
		for (;; n++) {
			uint64_t ptr;
			if (n >= ARG_MAX_COUNT)
				return -E2BIG;
			if (copy_from_user(&ptr, uv + n, sizeof(ptr)))
				return -EFAULT;
			if (!ptr)
				break;
		}
	}
	char **v = kzalloc((n + 1) * sizeof(char *));
	if (!v)
		return -ENOMEM;
	*out = v;
	for (size_t i = 0; i < n; i++) {
		uint64_t ptr;
		if (copy_from_user(&ptr, uv + i, sizeof(ptr)))
			return -EFAULT;
		char *tmp = kmalloc(*budget < 4096 ? *budget + 1 : 4096 + 1);
		if (!tmp)
			return -ENOMEM;
		long len = strncpy_from_user(tmp, (const char *)ptr, *budget < 4096 ? *budget + 1 : 4096 + 1);
		if (len < 0) {
			kfree(tmp);
			return len == -ENAMETOOLONG ? -E2BIG : (int)len;
		}
		*budget -= (size_t)len + 1;
		v[i] = tmp;
	}
	return 0;
}

static void free_strings(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		kfree(v[i]);
	kfree(v);
}

static long sys_execve(const struct syscall_args *a)
{
	char *path = kmalloc(4096);
	char **argv = NULL, **envp = NULL;
	size_t budget = ARG_MAX_BYTES;
	if (!path)
		return -ENOMEM;
	long r = strncpy_from_user(path, (const char *)a->arg[0], 4096);
	if (r >= 0)
		r = copy_strings((char *const *)a->arg[1], &argv, &budget);
	if (r >= 0)
		r = copy_strings((char *const *)a->arg[2], &envp, &budget);
	/* Linux would end the other threads first; Weft does not yet
	 * (docs/syscalls.md). */
	if (r >= 0 && current_process()->nr_threads > 1)
		r = -EBUSY;
	if (r >= 0)
		r = exec_image(current_process(), path, argv, envp,
		               process_user_regs(thread_current()));
	free_strings(argv);
	free_strings(envp);
	kfree(path);
	return r;
}
SYSCALL(59, execve, sys_execve)
