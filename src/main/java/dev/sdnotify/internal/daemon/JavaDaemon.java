package dev.sdnotify.internal.daemon;

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
import java.util.Arrays;
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

    private final Environment env;
    private final Kernel kernel;
    private final KeptSocket kept;
    private volatile Target lastTarget;

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
        Target target = lastTarget;
        if (target == null || !Arrays.equals(target.variable, socketVariable)) {
            try {
                target = new Target(socketVariable, NotifyAddress.parse(socketVariable));
            } catch (NotifyAddress.InvalidAddress e) {
                return e.result();
            }
            lastTarget = target;
        }
        if (target.vsock != null) {
            return VsockSend.send(kernel, target.vsock, pid, state, fds, nFds, sendTimeoutUsec);
        }
        long deadline = sendTimeoutUsec == BLOCKING ? 0 : System.nanoTime() + TimeUnit.MICROSECONDS.toNanos(
                Math.min(sendTimeoutUsec, Long.MAX_VALUE / 2000));
        long pause = TimeUnit.MILLISECONDS.toNanos(1);
        while (true) {
            int r = sendOnce(target.sockaddr, pid, state, fds, nFds, sendTimeoutUsec != BLOCKING);
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
        int fd = kept.get();
        if (fd == KeptSocket.NO_IDENTITY) {
            return sendOnOwnSocket(address, pid, state, fds, nFds, dontWait);
        }
        if (fd < 0) {
            return fd;
        }
        int r = sendDatagram(fd, true, address, pid, state, fds, nFds, dontWait);
        if ((r == -Errno.EBADF || r == -Errno.ENOTSOCK) && !kept.isOurs(fd)) {
            // Closed by other code between the check and the send: once more on a new one.
            fd = kept.get();
            if (fd == KeptSocket.NO_IDENTITY) {
                return sendOnOwnSocket(address, pid, state, fds, nFds, dontWait);
            }
            r = fd < 0 ? fd : sendDatagram(fd, true, address, pid, state, fds, nFds, dontWait);
        }
        return r;
    }

    /** libsystemd's own sequence, a socket per message. */
    private int sendOnOwnSocket(byte[] address, int pid, byte[] state, int[] fds, int nFds, boolean dontWait) {
        int fd = kernel.socket(LinuxAbi.AF_UNIX, LinuxAbi.SOCK_DGRAM);
        if (fd < 0) {
            return fd;
        }
        try {
            growSendBuffer(kernel, fd);
            return sendDatagram(fd, false, address, pid, state, fds, nFds, dontWait);
        } finally {
            kernel.close(fd);
        }
    }

    /**
     * {@link SendLoop} for an AF_UNIX datagram, which is at most two sends and needs no loop object: 1 or
     * {@code -errno}. On the kept socket, EBADF or ENOTSOCK from a socket other code closed is returned at once,
     * for the caller to send on a new one.
     */
    private int sendDatagram(int fd, boolean onKept, byte[] address, int pid, byte[] state, int[] fds, int nFds,
            boolean dontWait) {
        boolean credentials = sendsCredentials(kernel, pid);
        int credPid = credentialPid(kernel, pid, credentials);
        int length = CString.length(state);
        int n = kernel.sendmsg(fd, address, state, 0, length, fds, nFds, credentials, credPid, dontWait);
        if (n < 0 && credentials && n != -Errno.EAGAIN) {
            if (onKept && (n == -Errno.EBADF || n == -Errno.ENOTSOCK) && !kept.isOurs(fd)) {
                return n;
            }
            if (length == 0) {
                // Nothing was sent and nothing is left to send: 262 ends here with 1, no retry (v254).
                return 1;
            }
            // libsystemd resends with the kernel's own credentials after any error, not just EPERM.
            n = kernel.sendmsg(fd, address, state, 0, length, fds, nFds, false, 0, dontWait);
        }
        if (n < 0) {
            return n;
        }
        // A datagram goes whole or not at all; a part is EIO (v254). The kernel never sends part of one.
        return n < length ? -Errno.EIO : 1;
    }

    /**
     * Whether a message for {@code pid} carries SCM_CREDENTIALS: for another pid, or when real and effective ids
     * differ. libsystemd's order of checks, except that this process's pid is only asked for when needed.
     */
    static boolean sendsCredentials(Kernel kernel, int pid) {
        return (pid != 0 && pid != kernel.getpid()) || kernel.realAndEffectiveIdsDiffer();
    }

    /** The pid the credentials carry: {@code pid}, or this process's for pid 0. */
    static int credentialPid(Kernel kernel, int pid, boolean credentials) {
        return pid != 0 ? pid : credentials ? kernel.getpid() : 0;
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

    /** A parsed {@code NOTIFY_SOCKET}, kept while the variable holds the same bytes. */
    private static final class Target {
        final byte[] variable;
        final byte[] sockaddr;
        /** Null for AF_UNIX. */
        final VsockAddress vsock;

        Target(byte[] variable, NotifyAddress address) {
            this.variable = variable.clone();
            this.sockaddr = address.sockaddr();
            this.vsock = address.vsock();
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
            if (names == null) {
                for (int i = 0; i < n; i++) {
                    namesOut.add(new byte[] {'u', 'n', 'k', 'n', 'o', 'w', 'n'});
                }
                return n;
            }
            if (names.size() != n) {
                return -Errno.EINVAL;
            }
            namesOut.addAll(names);
            return n;
        } finally {
            if (unsetEnvironment) {
                env.unsetenv(Variables.LISTEN_PID);
                env.unsetenv(Variables.LISTEN_PIDFDID);
                env.unsetenv(Variables.LISTEN_FDS);
                env.unsetenv(Variables.LISTEN_FDNAMES);
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
