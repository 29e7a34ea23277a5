package dev.sdnotify.internal.kernel;

import java.nio.ByteBuffer;

/**
 * The C library functions {@link LibcKernel} is built from, as a gateway binds them, and nothing more: C's
 * integers as Java's, {@code long}, {@code size_t} and {@code ssize_t} as Java longs, and every pointer argument a
 * direct buffer in native byte order whose first byte is where it points ({@code null} for NULL), except in the
 * calls each keep-alive makes: there it is the address of memory this process owns, which the FFM gateway passes
 * without making a segment (and a memory session) per call. A failing call returns {@code -errno}, read right after
 * it on the calling thread; a count (ssize_t) fits an int here.
 */
public interface Libc {
    /** {@code sizeof(void *)}. */
    int pointerSize();

    /** errno as this thread's last call left it. */
    int errno();

    /** The address of a direct buffer's first byte, for structures that point at it. */
    long address(ByteBuffer buffer);

    /** A direct buffer over {@code size} bytes of native memory at {@code address}, which this process owns. */
    ByteBuffer view(long address, int size);

    /** {@code getenv} of the C string at {@code name}: the address of the value, or 0 when the variable is unset. */
    long getenv(long name);

    int unsetenv(ByteBuffer name);

    void free(long address);

    int getpid();

    /**
     * {@code getresuid}: the real, effective and saved uid, each written at its address. The Java protocol's alone,
     * which runs on LP64 only: there an address is passed as a C pointer is, without a buffer to make per call.
     */
    int getresuid(long real, long effective, long saved);

    /** {@code getresgid}, as {@link #getresuid}. */
    int getresgid(long real, long effective, long saved);

    int socket(int domain, int type, int protocol);

    int getsockopt(int fd, int level, int name, long value, long length);

    int setsockopt(int fd, int level, int name, ByteBuffer value, int length);

    int bind(int fd, ByteBuffer address, int length);

    int connect(int fd, ByteBuffer address, int length);

    /** {@code sendmsg} of the {@code struct msghdr} at {@code message}; the Java protocol's alone, as getresuid. */
    int sendmsg(int fd, long message, int flags);

    int shutdown(int fd, int how);

    int recv(int fd, ByteBuffer buffer, long length, int flags);

    int close(int fd);

    int pipe2(ByteBuffer fds, int flags);

    int ppoll(ByteBuffer fds, long count, ByteBuffer timeout, ByteBuffer sigmask);

    int fcntl(int fd, int command, int argument);

    int write(int fd, ByteBuffer data, long length);

    /** {@code syscall(number, a, b)}, for pidfd_open, which glibc wraps only from 2.36. */
    int syscall(long number, long a, long b);

    int fstatfs(int fd, ByteBuffer statfs);

    /** {@code statx}; -1 with ENOSYS where libc has none (glibc before 2.28). */
    int statx(int dirfd, ByteBuffer path, int flags, int mask, ByteBuffer statx);
}
