/*
 * socketpair(AF_UNIX, SOCK_STREAM): the duplex pipe. Two connected
 * sockets; what one writes the other reads, in both directions:
 *
 *   end 0 ──write──> [ stream: end 1's receive buffer ] ──read──> end 1
 *   end 0 <──read─── [ stream: end 0's receive buffer ] <──write── end 1
 *
 * Each direction is a byte stream (stream.h), as a pipe is, so the rules
 * are a pipe's: blocking reads and writes, atomic writes of up to
 * PIPE_BUF bytes, O_NONBLOCK (or MSG_DONTWAIT) giving -EAGAIN. What a
 * socket adds, as Linux's AF_UNIX stream sockets do:
 *
 *  - shutdown(SHUT_WR) ends one direction while the other goes on: the
 *    peer reads what was sent, then EOF; writing more here is EPIPE.
 *    SHUT_RD: reads here return EOF once empty, the peer's writes EPIPE.
 *  - close: the peer reads EOF (after the bytes already sent) and its
 *    writes fail with EPIPE. If the closed end left bytes unread, the
 *    peer's next read that finds nothing returns ECONNRESET, once.
 *  - EPIPE comes with SIGPIPE unless MSG_NOSIGNAL, and only when nothing
 *    was written (a pipe signals even after a partial write).
 *  - poll: POLLIN when bytes wait or reading is shut (then also
 *    POLLRDHUP), POLLOUT when PIPE_BUF bytes fit into the peer's buffer
 *    (even after a shutdown, as Linux, "so that writers don't get
 *    stuck"), POLLHUP when both directions are shut, POLLERR while an
 *    ECONNRESET waits.
 *
 * Each direction holds SOCK_CAPACITY bytes (Linux's is about 200 KiB,
 * counted in its packet overhead; programs must not depend on either).
 * Both directions share one wait queue and lock, so poll has one queue
 * to watch per end.
 */
#ifndef WEFT_IPC_SOCKETPAIR_H
#define WEFT_IPC_SOCKETPAIR_H

#include <stdbool.h>
#include <stddef.h>

#include <kernel/fs/iobuf.h>

struct file;

/* Linux's values. */
#define AF_UNIX        1
#define SOCK_STREAM    1
#define SOCK_DGRAM     2
#define SOCK_RAW       3
#define SOCK_SEQPACKET 5
#define SOCK_MAX       11       /* types 0..10 exist */
#define SOCK_TYPE_MASK 0xf
#define NPROTO         46       /* address families 0..45 exist */

#define SHUT_RD   0
#define SHUT_WR   1
#define SHUT_RDWR 2

#define MSG_OOB      0x1
#define MSG_PEEK     0x2
#define MSG_DONTWAIT 0x40
#define MSG_WAITALL  0x100
#define MSG_NOSIGNAL 0x4000

#define SOCK_CAPACITY (64 * 1024)

/* st_dev of a socket's inode (vfs.h lists the other file systems). */
#define DEV_SOCKFS 5

/* A connected pair: two O_RDWR files, each one reference. flags may
 * carry O_NONBLOCK. 0 or -ENOMEM. */
int socketpair_create(struct file **a, struct file **b, unsigned flags);

bool file_is_socket(const struct file *f);

/* recv/send on a socket file with MSG_* flags: bytes or -errno. */
long socket_recv(struct file *f, struct iobuf buf, size_t n, int msg_flags);
long socket_send(struct file *f, struct iobuf buf, size_t n, int msg_flags);

/* shutdown(how): 0, -EINVAL for a bad how. */
int socket_shutdown(struct file *f, int how);

#endif
