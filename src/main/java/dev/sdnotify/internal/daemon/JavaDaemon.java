package dev.sdnotify.internal.daemon;

import dev.sdnotify.internal.kernel.Environment;
import dev.sdnotify.internal.kernel.Kernel;
import dev.sdnotify.internal.kernel.LinuxAbi;
import dev.sdnotify.internal.protocol.CNumbers;
import dev.sdnotify.internal.protocol.Errno;
import dev.sdnotify.internal.protocol.FdNames;
import dev.sdnotify.internal.protocol.NotifyAddress;
import dev.sdnotify.internal.protocol.Variables;
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
 * its first part returns that error ({@link SendLoop}).
 */
public final class JavaDaemon implements SdDaemon {
    /** libsystemd's SNDBUF_SIZE; the kernel reports twice what was set. */
    static final int SEND_BUFFER = 8 * 1024 * 1024;
    static final int SD_LISTEN_FDS_START = 3;
    /** The kernel's SCM_MAX_FD: the most fds one message carries. */
    static final int SCM_MAX_FD = 253;
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
            return VsockSend.send(kernel, to.vsock(), pid, state, fds, nFds, sendTimeoutUsec);
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
            int r = fd < 0 ? fd : SendLoop.run(kernel, fd, address, false, dontWait, kept, pid, state, fds, nFds);
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
            return SendLoop.run(kernel, fd, address, false, dontWait, null, pid, state, fds, nFds);
        } finally {
            kernel.close(fd);
        }
    }

    /** {@code fd_inc_sndbuf(fd, SNDBUF_SIZE)}; its errors do not matter to the caller. */
    static void growSendBuffer(Kernel kernel, int fd) {
        LinuxAbi abi = LinuxAbi.current();
        if (kernel.getOption(fd, abi.soSndbuf) >= 2 * SEND_BUFFER
                || kernel.setOption(fd, abi.soSndbuf, SEND_BUFFER) < 0
                || kernel.getOption(fd, abi.soSndbuf) >= 2 * SEND_BUFFER) {
            return;
        }
        kernel.setOption(fd, abi.soSndbufforce, SEND_BUFFER);
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
        if (n <= 0 || n > Integer.MAX_VALUE - SD_LISTEN_FDS_START) {
            return -Errno.EINVAL;
        }
        for (long fd = SD_LISTEN_FDS_START; fd < SD_LISTEN_FDS_START + n; fd++) {
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
        if (flags < 0 || (flags & LinuxAbi.FD_CLOEXEC) != 0) {
            return Math.min(flags, 0);
        }
        return kernel.fcntl(fd, LinuxAbi.F_SETFD, flags | LinuxAbi.FD_CLOEXEC);
    }
}
