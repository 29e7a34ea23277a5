package dev.sdnotify.internal.kernel;

/**
 * The system calls the protocol is built from, one method per step libsystemd takes, in Java's types: what the
 * backends call and what their tests replace to observe each step. Results follow the C convention: {@code >= 0}
 * success, {@code -errno} failure. Socket option and family numbers are the {@link LinuxAbi}'s; socket addresses
 * are the bytes of a {@code struct sockaddr}, {@code msg_namelen} long.
 */
public interface Kernel {

    int getpid();

    /** Whether the real and effective uid, or gid, differ: when libsystemd attaches credentials for its own pid. */
    boolean realAndEffectiveIdsDiffer();

    /** {@code socket(family, type | SOCK_CLOEXEC, 0)}: the fd or {@code -errno}. */
    int socket(int family, int type);

    /** {@code getsockopt(fd, SOL_SOCKET, option)} of an int: the value or {@code -errno}. */
    int getOption(int fd, int option);

    /** {@code setsockopt(fd, SOL_SOCKET, option, &value)} of an int: 0 or {@code -errno}. */
    int setOption(int fd, int option, int value);

    /** {@code setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, usec)}: 0 or {@code -errno}. */
    int setSendTimeout(int fd, long usec);

    /**
     * {@code getsockopt(fd, SOL_SOCKET, SO_COOKIE)}: a number the kernel gives each socket once and never reuses
     * while it runs (Linux 4.12 and later), or {@code -errno}.
     */
    long socketCookie(int fd);

    int bind(int fd, byte[] address);

    int connect(int fd, byte[] address);

    /**
     * {@code sendmsg(fd, msg, MSG_NOSIGNAL)} of {@code payload[offset..offset+length)} to {@code address} (null on
     * a connected socket), with {@code SCM_RIGHTS} for {@code fds[0..nFds)} when {@code nFds > 0}, then
     * {@code SCM_CREDENTIALS} for {@code (credPid, getuid(), getgid())} when {@code credentials}; with
     * {@code dontWait}, also {@code MSG_DONTWAIT}. The bytes sent or {@code -errno}.
     */
    int sendmsg(int fd, byte[] address, byte[] payload, int offset, int length, int[] fds, int nFds,
            boolean credentials, int credPid, boolean dontWait);

    /** {@code shutdown(fd, SHUT_WR)}. */
    int shutdownWrite(int fd);

    /** {@code recv(fd, &c, 1, MSG_NOSIGNAL)}: 0 at the end of the stream, 1 for a byte, or {@code -errno}. */
    int receiveByte(int fd);

    int close(int fd);

    /** {@code pipe2(fds, O_CLOEXEC)}; {@code fds[0]} reads, {@code fds[1]} writes. */
    int pipeCloexec(int[] fds);

    /**
     * {@code ppoll} on one fd with no requested events, so only POLLHUP, POLLERR or POLLNVAL wake it, for at most
     * {@code timeoutUsec}: {@code revents}, 0 on timeout, or {@code -errno}.
     */
    int pollForHangup(int fd, long timeoutUsec);

    /** {@code fcntl(fd, command, argument)} with an int argument: F_GETFD, F_SETFD, F_GETFL. */
    int fcntl(int fd, int command, int argument);

    int write(int fd, byte[] data, int length);

    /** {@code PID_FS_MAGIC}: {@code f_type} of a pidfd on pidfs (Linux 6.9 and later). */
    long PID_FS_MAGIC = 0x50494446L;

    /**
     * This process's pidfd inode id, the number a supervisor puts in {@code LISTEN_PIDFDID}: pidfd_open, fstatfs
     * to see it lies on pidfs, then statx's 64-bit inode number. 0 with the id in {@code out[0]}, or
     * {@code -errno}: ENOSYS before Linux 5.3, EOPNOTSUPP without pidfs or statx.
     */
    int ownPidfdInodeId(long[] out);
}
