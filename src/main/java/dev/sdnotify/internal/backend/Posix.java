package dev.sdnotify.internal.backend;

import dev.sdnotify.internal.protocol.VsockAddress;

/**
 * The operating-system calls the Java backend is built from, one method per step libsystemd takes.
 * Results follow the C convention: {@code >= 0} success, {@code -errno} failure. Implemented over libc;
 * tests replace it to observe the order and arguments of each step.
 */
public interface Posix {

    /**
     * {@code getenv(name)} on the C environment, as raw bytes; {@code null} when unset. While the value is
     * unchanged the same array may be returned again, so callers must not modify it.
     */
    byte[] getenv(String name);

    /** {@code unsetenv(name)} on the C environment. */
    void unsetenv(String name);

    int getpid();

    int getuid();

    int geteuid();

    int getgid();

    int getegid();

    /**
     * {@code getuid() != geteuid() || getgid() != getegid()}: whether libsystemd would attach credentials
     * to a message for this process's own pid. Implementations may ask the kernel fewer times.
     */
    default boolean realAndEffectiveIdsDiffer() {
        return getuid() != geteuid() || getgid() != getegid();
    }

    /** {@code socket(AF_UNIX, SOCK_DGRAM|SOCK_CLOEXEC, 0)}: the fd or {@code -errno}. */
    int openUnixDatagramSocket();

    /** {@code getsockopt(fd, SOL_SOCKET, SO_SNDBUF)}: the value or {@code -errno}. */
    int getSendBuffer(int fd);

    /** {@code setsockopt(fd, SOL_SOCKET, force ? SO_SNDBUFFORCE : SO_SNDBUF, bytes)}: 0 or {@code -errno}. */
    int setSendBuffer(int fd, int bytes, boolean force);

    /**
     * {@code sendmsg(fd, msg, MSG_NOSIGNAL)} of one datagram: {@code payload[0..payloadLength)} to
     * {@code sunPath} ({@code addressLength} is {@code msg_namelen}), with an {@code SCM_RIGHTS} message for
     * {@code fds[0..nFds)} when {@code nFds > 0}, followed by {@code SCM_CREDENTIALS} for
     * {@code (credPid, getuid(), getgid())} when {@code sendCredentials}. Returns the bytes sent, which the
     * caller compares with {@code payloadLength} (a short write is EIO), or {@code -errno}.
     */
    int sendNotifyDatagram(int fd, byte[] sunPath, int addressLength, byte[] payload, int payloadLength,
            int[] fds, int nFds, boolean sendCredentials, int credPid);

    /** {@code socket(AF_VSOCK, type|SOCK_CLOEXEC, 0)}: the fd or {@code -errno}. */
    int openVsockSocket(VsockAddress.Type type);

    /**
     * {@code bind(fd, {AF_VSOCK, VMADDR_CID_ANY, port})}, the source port of a vsock notification: 0 or
     * {@code -errno}.
     */
    int bindVsock(int fd, int port);

    /** {@code connect(fd, {AF_VSOCK, to's CID and port})}: 0 or {@code -errno}. */
    int connectVsock(int fd, VsockAddress to);

    /**
     * {@code sendmsg(fd, msg, MSG_NOSIGNAL)} on an AF_VSOCK socket of {@code payload[offset..offset+length)}:
     * to {@code to} (a datagram socket), or with no address on a connected socket ({@code to} null), with
     * {@code SCM_RIGHTS} and {@code SCM_CREDENTIALS} as {@link #sendNotifyDatagram} attaches them. Returns the
     * bytes sent or {@code -errno}.
     */
    int sendVsock(int fd, VsockAddress to, byte[] payload, int offset, int length, int[] fds, int nFds,
            boolean sendCredentials, int credPid);

    /** {@code shutdown(fd, SHUT_WR)}: 0 or {@code -errno}. */
    int shutdownWrite(int fd);

    /** {@code recv(fd, &c, 1, MSG_NOSIGNAL)}, blocking: 0 at the end of the stream, 1 for a byte, or {@code -errno}. */
    int receiveByte(int fd);

    /** {@code setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, usec)}: 0 or {@code -errno}. */
    int setSendTimeout(int fd, long usec);

    /** {@code close(fd)}: 0 or {@code -errno}. */
    int close(int fd);

    /** {@code pipe2(fds, O_CLOEXEC)}: 0 or {@code -errno}; {@code fds[0]} reads, {@code fds[1]} writes. */
    int pipeCloexec(int[] fds);

    /**
     * {@code ppoll} on one fd with no requested events, so only POLLHUP, POLLERR or POLLNVAL wake it;
     * {@code timeoutUsec == -1} waits forever. Returns {@code revents}, 0 on timeout, or {@code -errno}.
     */
    int pollForHangup(int fd, long timeoutUsec);

    /** {@code fcntl(fd, F_GETFD)}: the flags or {@code -errno}. */
    int getFdFlags(int fd);

    /** {@code fcntl(fd, F_SETFD, flags)}: 0 or {@code -errno}. */
    int setFdFlags(int fd, int flags);

    /** {@code PID_FS_MAGIC}: {@code f_type} of a pidfd on pidfs (Linux 6.9 and later). */
    long PID_FS_MAGIC = 0x50494446L;

    /**
     * This process's pidfd inode id, the number a supervisor puts in {@code LISTEN_PIDFDID}:
     * {@code pidfd_open(getpid(), 0)} (through {@code syscall}), {@code fstatfs} to see that it lies on pidfs
     * ({@link #PID_FS_MAGIC}), then {@code statx(pidfd, "", AT_EMPTY_PATH, STATX_INO)}'s 64-bit
     * {@code stx_ino}; the pidfd is closed again. 0 with the id in {@code out[0]}, or {@code -errno}: ENOSYS
     * before Linux 5.3, EOPNOTSUPP without pidfs or without statx in libc (glibc before 2.28).
     */
    int ownPidfdInodeId(long[] out);

    /** {@code faccessat(AT_FDCWD, path, F_OK, AT_SYMLINK_NOFOLLOW)}: 0 or {@code -errno}. */
    int accessNoFollow(String path);

    /** {@code clock_gettime(CLOCK_MONOTONIC)} in microseconds. */
    long monotonicMicros();

    /** {@code write(fd, data, length)}: the number of bytes written or {@code -errno}. */
    int write(int fd, byte[] data, int length);

    /** {@code fcntl(fd, F_GETFL)}: the file status flags, access mode included, or {@code -errno}. */
    int getFileStatusFlags(int fd);

    /**
     * {@code getsockopt(fd, SOL_SOCKET, ...)} of {@code SO_TYPE}, {@code SO_DOMAIN} and {@code SO_ACCEPTCONN}, into
     * {@code out[0..2]}: 0 or the {@code -errno} of the first that failed (ENOTSOCK when fd is not a socket).
     */
    int socketKind(int fd, int[] out);

    /**
     * {@code getsockopt(fd, SOL_SOCKET, SO_COOKIE)}: the socket's cookie, a number the kernel gives each socket
     * once and never reuses while it runs (Linux 4.12 and later), or {@code -errno} (EBADF, ENOTSOCK,
     * ENOPROTOOPT on older kernels).
     */
    long socketCookie(int fd);
}
