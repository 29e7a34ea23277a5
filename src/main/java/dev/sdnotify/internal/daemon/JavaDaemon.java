package dev.sdnotify.internal.daemon;

import dev.sdnotify.SocketActivation;
import dev.sdnotify.internal.kernel.Environment;
import dev.sdnotify.internal.kernel.Kernel;
import dev.sdnotify.internal.kernel.LinuxAbi;
import dev.sdnotify.internal.protocol.CNumbers;
import dev.sdnotify.internal.protocol.CString;
import dev.sdnotify.internal.protocol.Errno;
import dev.sdnotify.internal.protocol.FdNames;
import dev.sdnotify.internal.protocol.NotifyAddress;
import dev.sdnotify.internal.protocol.Variables;
import dev.sdnotify.internal.protocol.VsockAddress;
import dev.sdnotify.internal.protocol.VsockAddress.Type;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The sd-daemon protocol written in Java over an {@link Environment} and a {@link Kernel}, step for step as
 * libsystemd 262 takes it, so that return values, the bytes and ancillary data on the wire, and the environment
 * afterwards are the same. Comments name the libsystemd step where the order is not obvious, and the release that
 * brought it.
 *
 * <p>Deliberate differences, which the receiver cannot observe: AF_UNIX sends share one socket instead of opening
 * one per message ({@link KeptSocket}), and a bounded send is sent without waiting ({@code MSG_DONTWAIT}) and
 * retried while the receiver's queue is full, where libsystemd has no bound at all. A stream's send that fails after
 * its first part returns that error ({@link #sendLoop}).
 */
public final class JavaDaemon implements SdDaemon {
    /** libsystemd's SNDBUF_SIZE; the kernel reports twice what was set. */
    static final int SEND_BUFFER = 8 * 1024 * 1024;
    /** The kernel's SCM_MAX_FD: the most fds one message carries. */
    public static final int SCM_MAX_FD = 253;
    /** {@code vsock_bind_privileged_port} tries 1023 first, then each lower port while that one is taken. */
    static final int FIRST_PRIVILEGED_PORT = 1023;
    /** The longest pause between two tries of a bounded send. */
    private static final long MAX_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    /** The name of each fd when the supervisor passed none. */
    private static final byte[] UNKNOWN = {'u', 'n', 'k', 'n', 'o', 'w', 'n'};

    private final Environment env;
    private final Kernel kernel;
    private final KeptSocket kept;
    private volatile NotifyAddress lastAddress;

    public JavaDaemon(Environment env, Kernel kernel, KeptSocket kept) {
        this.env = env;
        this.kernel = kernel;
        this.kept = kept;
    }

    @Override
    public int pidNotifyWithFds(int pid, boolean unsetEnvironment, byte[] state, int[] fds, int nFds,
            long sendTimeoutUsec) {
        int r;
        if (state == null || (nFds != 0 && fds == null)) {
            r = -Errno.EINVAL;
        } else if (Integer.toUnsignedLong(nFds) > SCM_MAX_FD) {
            // n_fds is unsigned in C; more than the kernel passes is E2BIG before NOTIFY_SOCKET is read (v257).
            r = -Errno.E2BIG;
        } else {
            byte[] socket = env.getenv(Variables.NOTIFY_SOCKET);
            if (socket == null) {
                return 0;
            }
            r = send(socket, pid, state, fds, nFds, sendTimeoutUsec);
        }
        if (unsetEnvironment) {
            env.unsetenv(Variables.NOTIFY_SOCKET);
        }
        return r;
    }

    private int send(byte[] socketVariable, int pid, byte[] state, int[] fds, int nFds, long sendTimeoutUsec) {
        NotifyAddress to = lastAddress;
        if (to == null || !to.parsedFrom(socketVariable)) {
            try {
                to = NotifyAddress.parse(socketVariable);
            } catch (NotifyAddress.InvalidAddress e) {
                return e.result();
            }
            lastAddress = to;
        }
        if (to.vsock() != null) {
            return sendVsock(to.vsock(), pid, state, fds, nFds, sendTimeoutUsec);
        }
        long deadline = sendTimeoutUsec == BLOCKING ? 0 : System.nanoTime() + TimeUnit.MICROSECONDS.toNanos(
                Math.min(sendTimeoutUsec, Long.MAX_VALUE / 2000));
        long pause = TimeUnit.MILLISECONDS.toNanos(1);
        while (true) {
            int r = sendOnce(to.sockaddr(), pid, state, fds, nFds, sendTimeoutUsec != BLOCKING);
            long left = deadline - System.nanoTime();
            if (r != -Errno.EAGAIN || sendTimeoutUsec == BLOCKING || left <= 0) {
                return r;
            }
            // The receiver's queue is full: wait a little, as a blocking send would, until the bound is reached.
            LockSupport.parkNanos(Math.min(pause, left));
            if (Thread.currentThread().isInterrupted()) {
                return -Errno.EINTR;
            }
            pause = Math.min(2 * pause, MAX_BACKOFF_NANOS);
        }
    }

    /** One try on the kept socket, or on a socket of its own where sockets have no identity to keep one by. */
    private int sendOnce(byte[] address, int pid, byte[] state, int[] fds, int nFds, boolean dontWait) {
        for (boolean first = true; ; first = false) {
            int fd = kept.get();
            if (fd == KeptSocket.NO_IDENTITY) {
                return sendOnOwnSocket(address, pid, state, fds, nFds, dontWait);
            }
            int r = fd < 0 ? fd : sendLoop(kernel, fd, address, false, dontWait, kept, pid, state, fds, nFds);
            // Closed by other code between the check and the send: once more on a new one.
            if (!first || (r != -Errno.EBADF && r != -Errno.ENOTSOCK) || kept.isOurs(fd)) {
                return r;
            }
        }
    }

    /** libsystemd's own sequence, a socket per message. */
    private int sendOnOwnSocket(byte[] address, int pid, byte[] state, int[] fds, int nFds, boolean dontWait) {
        int fd = kernel.socket(LinuxAbi.AF_UNIX, LinuxAbi.SOCK_DGRAM);
        if (fd < 0) {
            return fd;
        }
        try {
            growSendBuffer(kernel, fd);
            return sendLoop(kernel, fd, address, false, dontWait, null, pid, state, fds, nFds);
        } finally {
            kernel.close(fd);
        }
    }

    /**
     * libsystemd 262's send loop ({@code pid_notify_with_fds_internal}) on one socket: {@code state} (up to its
     * first NUL) with its fds and credentials, sent on {@code fd} to {@code address} (null when connected) as
     * {@code pid} (0: this process); once more without credentials if that fails; all of it at once unless the socket
     * is a stream, and the rest of a stream's message in further sends without fds or credentials. 1 or
     * {@code -errno}. Two failures stand without the credential-less retry, for the caller to send the whole message
     * again: EAGAIN of a {@code dontWait} send (the receiver's queue is full), and EBADF or ENOTSOCK when
     * {@code kept} no longer is the socket at {@code fd} (other code closed it).
     */
    static int sendLoop(Kernel kernel, int fd, byte[] address, boolean stream, boolean dontWait, KeptSocket kept,
            int pid, byte[] state, int[] fds, int nFds) {
        // SCM_CREDENTIALS for another pid, or when real and effective ids differ: libsystemd's order of checks,
        // except that this process's pid is only asked for when needed.
        boolean credentials = (pid != 0 && pid != kernel.getpid()) || kernel.realAndEffectiveIdsDiffer();
        int credPid = pid != 0 ? pid : credentials ? kernel.getpid() : 0;
        int length = CString.length(state);
        int offset = 0;
        // fds and credentials go with the first bytes only.
        boolean control = true;
        do {
            int n = kernel.sendmsg(fd, address, state, offset, length - offset, control ? fds : null,
                    control ? nFds : 0, control && credentials, credPid, dontWait);
            if (n < 0) {
                // Without credentials to drop there is nothing to retry. A stream's later chunk carries none
                // either: libsystemd would shrink an already empty control length there, which is no behaviour
                // to copy.
                if (!credentials || !control || dontWait && n == -Errno.EAGAIN
                        || kept != null && (n == -Errno.EBADF || n == -Errno.ENOTSOCK) && !kept.isOurs(fd)) {
                    return n;
                }
                // Any error, not only EPERM: once more with the kernel's own credentials. Nothing was sent,
                // so with an empty state the loop ends here with 1 and the retry never happens (v254).
                credentials = false;
                n = 0;
            } else {
                if (!stream && n < length - offset) {
                    // A datagram or seqpacket socket takes all or nothing; a part is an error (v254).
                    return -Errno.EIO;
                }
                control = false;
            }
            offset += n;
        } while (offset < length);
        return 1;
    }

    /**
     * A notification to an AF_VSOCK {@code NOTIFY_SOCKET}, step for step as libsystemd 262 sends one, on a socket of
     * its own: the socket (for {@code vsock:}, a datagram socket, else seqpacket, else stream, as the kernel has
     * them), a privileged source port, a connection for seqpacket and stream, the send buffer, a send timeout
     * ({@code SO_SNDTIMEO}, since a stream may block in the middle of a message), the message, and for a connection
     * the end of the message (shut down for writing, then wait for the peer to close).
     */
    private int sendVsock(VsockAddress to, int pid, byte[] state, int[] fds, int nFds, long timeoutUsec) {
        Type type = to.forcedType() != null ? to.forcedType() : Type.DGRAM;
        int fd = openVsock(type);
        if (fd < 0 && to.forcedType() == null && (fd == -Errno.ENODEV || Errno.isNotSupported(-fd))) {
            // A hypervisor without vsock datagrams (QEMU says ENODEV): seqpacket, then stream (v253, v254).
            type = Type.SEQPACKET;
            fd = openVsock(type);
            if (fd < 0 && Errno.isNotSupported(-fd)) {
                type = Type.STREAM;
                fd = openVsock(type);
            }
        }
        if (fd < 0) {
            return fd;
        }
        try {
            return sendVsockOn(fd, type, to, pid, state, fds, nFds, timeoutUsec);
        } finally {
            kernel.close(fd);
        }
    }

    private int openVsock(Type type) {
        return kernel.socket(LinuxAbi.AF_VSOCK, type == Type.DGRAM ? LinuxAbi.SOCK_DGRAM
                : type == Type.SEQPACKET ? LinuxAbi.SOCK_SEQPACKET : LinuxAbi.SOCK_STREAM);
    }

    private int sendVsockOn(int fd, Type type, VsockAddress to, int pid, byte[] state, int[] fds, int nFds,
            long timeoutUsec) {
        // vsock_bind_privileged_port: port 1023, then each lower one while that one is taken; EADDRINUSE when none
        // is left.
        int port = FIRST_PRIVILEGED_PORT;
        int r;
        do {
            r = kernel.bind(fd, VsockAddress.sockaddr(VsockAddress.ANY, port));
        } while (r == -Errno.EADDRINUSE && --port > 0);
        if (r < 0 && r != -Errno.EPERM && r != -Errno.EACCES) {
            // Without the privilege the message goes from an ordinary port; any other failure stands.
            return r;
        }
        boolean connected = type != Type.DGRAM;
        if (connected) {
            r = kernel.connect(fd, to.sockaddr());
            if (r < 0) {
                return r;
            }
        }
        growSendBuffer(kernel, fd);
        if (timeoutUsec != BLOCKING) {
            r = kernel.setSendTimeout(fd, timeoutUsec);
            if (r < 0) {
                return r;
            }
        }
        r = sendLoop(kernel, fd, connected ? null : to.sockaddr(), type == Type.STREAM, false, null, pid, state, fds,
                nFds);
        if (r < 0 || !connected) {
            return r;
        }
        // The receiver reads to the end of the stream, then closes: that close says it has the message (v256).
        r = kernel.shutdownWrite(fd);
        if (r < 0) {
            return r;
        }
        r = kernel.receiveByte(fd);
        return r < 0 ? r : r > 0 ? -Errno.EPROTO : 1;
    }

    /** {@code fd_inc_sndbuf(fd, SNDBUF_SIZE)}; its errors do not matter to the caller. */
    static void growSendBuffer(Kernel kernel, int fd) {
        LinuxAbi abi = LinuxAbi.CURRENT;
        // Forced only when setting it left the buffer smaller.
        if (kernel.getOption(fd, abi.soSndbuf) < 2 * SEND_BUFFER && kernel.setOption(fd, abi.soSndbuf, SEND_BUFFER) >= 0
                && kernel.getOption(fd, abi.soSndbuf) < 2 * SEND_BUFFER) {
            kernel.setOption(fd, abi.soSndbufforce, SEND_BUFFER);
        }
    }

    @Override
    public int watchdogEnabled(boolean unsetEnvironment, long[] usecOut) {
        try {
            byte[] usecText = env.getenv(Variables.WATCHDOG_USEC);
            if (usecText == null) {
                return 0;
            }
            long[] value = new long[1];
            int r = CNumbers.parseU64(usecText, value);
            if (r < 0) {
                return r;
            }
            long usec = value[0];
            if (usec == 0 || usec == -1L) {
                return -Errno.EINVAL;
            }
            byte[] pidText = env.getenv(Variables.WATCHDOG_PID);
            if (pidText != null) {
                r = CNumbers.parsePid(pidText, value);
                if (r < 0) {
                    return r;
                }
                if (value[0] != kernel.getpid()) {
                    return 0;
                }
            }
            if (usecOut != null) {
                usecOut[0] = usec;
            }
            return 1;
        } finally {
            if (unsetEnvironment) {
                env.unsetenv(Variables.WATCHDOG_USEC);
                env.unsetenv(Variables.WATCHDOG_PID);
            }
        }
    }

    @Override
    public int listenFdsWithNames(boolean unsetEnvironment, List<byte[]> namesOut) {
        try {
            List<byte[]> names = null;
            if (namesOut != null) {
                byte[] namesText = env.getenv(Variables.LISTEN_FDNAMES);
                if (namesText != null) {
                    names = FdNames.split(namesText);
                    if (names == null) {
                        return -Errno.EINVAL;
                    }
                }
            }
            int n = listenFds();
            if (n <= 0 || namesOut == null) {
                return n;
            }
            if (names != null && names.size() != n) {
                return -Errno.EINVAL;
            }
            namesOut.addAll(names != null ? names : Collections.nCopies(n, UNKNOWN));
            return n;
        } finally {
            if (unsetEnvironment) {
                Variables.LISTEN.forEach(env::unsetenv);
            }
        }
    }

    private int listenFds() {
        byte[] pidText = env.getenv(Variables.LISTEN_PID);
        if (pidText == null) {
            return 0;
        }
        long[] value = new long[1];
        int r = CNumbers.parsePid(pidText, value);
        if (r < 0) {
            return r;
        }
        if (value[0] != kernel.getpid()) {
            return 0;
        }
        byte[] pidfdIdText = env.getenv(Variables.LISTEN_PIDFDID);
        if (pidfdIdText != null) {
            // The pid matched; the pidfd inode id tells whether it is still the same process (v259).
            r = CNumbers.parseU64(pidfdIdText, value);
            if (r < 0) {
                return r;
            }
            long[] own = new long[1];
            if (kernel.ownPidfdInodeId(own) >= 0 && own[0] != value[0]) {
                return 0;
            }
            // Without an id of our own (no pidfs, no pidfd_open) the check is skipped.
        }
        byte[] fdsText = env.getenv(Variables.LISTEN_FDS);
        if (fdsText == null) {
            return 0;
        }
        r = CNumbers.parseInt(fdsText, value);
        if (r < 0) {
            return r;
        }
        long n = value[0];
        if (n <= 0 || n > Integer.MAX_VALUE - SocketActivation.LISTEN_FDS_START) {
            return -Errno.EINVAL;
        }
        for (long fd = SocketActivation.LISTEN_FDS_START; fd < SocketActivation.LISTEN_FDS_START + n; fd++) {
            r = setCloexec(kernel, (int) fd);
            if (r < 0) {
                return r;
            }
        }
        return (int) n;
    }

    /** {@code fd_cloexec(fd, true)}: 0 or {@code -errno}. */
    public static int setCloexec(Kernel kernel, int fd) {
        int flags = kernel.fcntl(fd, LinuxAbi.F_GETFD, 0);
        return flags < 0 || (flags & LinuxAbi.FD_CLOEXEC) != 0 ? Math.min(flags, 0)
                : kernel.fcntl(fd, LinuxAbi.F_SETFD, flags | LinuxAbi.FD_CLOEXEC);
    }
}
