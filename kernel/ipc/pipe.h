/*
 * Pipes: a one-way byte stream between a writing end and a reading end,
 * through a ring buffer in the kernel.
 *
 *   write(fd[1]) ──> [ ring buffer, PIPE_CAPACITY bytes ] ──> read(fd[0])
 *
 *  - read blocks while the pipe is empty, and returns 0 (end of file)
 *    once it is empty and no writing end is open any more;
 *  - write blocks while the pipe is full; with no reading end left it
 *    fails with -EPIPE and the writer gets SIGPIPE (which kills it unless
 *    handled: that is what ends `yes | head -1`);
 *  - a write of at most PIPE_BUF bytes is atomic: it waits until all of it
 *    fits, so two writers' small messages never interleave. Larger writes
 *    may be split, and are, as on Linux;
 *  - with O_NONBLOCK, where either would block it returns -EAGAIN.
 *
 * PIPE_CAPACITY is 64 KiB, Linux's default. The buffering and waiting
 * are a byte stream's (stream.h), shared with socketpairs. poll: the
 * read end is readable (POLLIN) when bytes wait, POLLHUP once no writer
 * is left; the write end writable (POLLOUT) when PIPE_BUF bytes fit,
 * POLLERR once no reader is left. ioctl FIONREAD: bytes waiting.
 */
#ifndef WEFT_IPC_PIPE_H
#define WEFT_IPC_PIPE_H

#include <stddef.h>

#include <kernel/fs/iobuf.h>
#include <kernel/ipc/stream.h>      /* PIPE_BUF */

struct file;
struct pipe;

#define PIPE_CAPACITY (64 * 1024)
#define SIGPIPE 13

/* A new pipe: *rd (O_RDONLY) and *wr (O_WRONLY), each one reference.
 * flags may carry O_NONBLOCK. 0 or -ENOMEM. */
int pipe_create(struct file **rd, struct file **wr, unsigned flags);
/* A pipe with another capacity (a power of two; tests use small ones). */
int pipe_create_sized(struct file **rd, struct file **wr, unsigned flags,
                      size_t capacity);

#endif
