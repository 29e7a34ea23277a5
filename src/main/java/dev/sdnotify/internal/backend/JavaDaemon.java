package dev.sdnotify.internal.backend;

import dev.sdnotify.internal.protocol.CNumbers;
import dev.sdnotify.internal.protocol.CString;
import dev.sdnotify.internal.protocol.Errno;
import dev.sdnotify.internal.protocol.FdNames;
import dev.sdnotify.internal.protocol.NotifyAddress;
import dev.sdnotify.internal.protocol.Variables;
import dev.sdnotify.internal.protocol.VsockAddress;
import java.util.List;

/**
 * The sd-daemon protocol written in Java over {@link Posix}, step for step as libsystemd 262 takes it, so
 * that return values, the bytes and ancillary data on the wire, and the environment afterwards are the same.
 * Comments name the libsystemd step where the order is not obvious, and the release that brought it.
 *
 * <p>Where libsystemd v252 differs: a NOTIFY_SOCKET that is neither {@code /path} nor {@code @name} is EINVAL
 * there, and vsock addresses are not sent to; more than 253 fds are left to the kernel (EINVAL, or 0 with
 * NOTIFY_SOCKET unset); a short datagram counts as sent; an empty state whose send with credentials fails
 * is sent again without them; the barrier unsets NOTIFY_SOCKET before its wait, and not when pipe2 fails;
 * LISTEN_PIDFDID is ignored. The test resource {@code libsystemd-differences.tsv} lists these per version.
 *
 * <p>Deliberate differences: blocking AF_UNIX sends share one socket instead of opening one per message (see
 * {@link #ourSocket()}); what the receiver observes is unchanged. A stream's send that fails after its first
 * part returns that error (libsystemd would shrink an empty control length there; see {@link SendLoop}).
 */
public final class JavaDaemon implements SdDaemon {
    /** libsystemd's SNDBUF_SIZE; the kernel reports twice what was set. */
    static final int SEND_BUFFER = 8 * 1024 * 1024;
    static final int SD_LISTEN_FDS_START = 3;
    /** The kernel's SCM_MAX_FD: the most fds one message carries. */
    static final int SCM_MAX_FD = 253;
    private static final int FD_CLOEXEC = 1;
    private static final int POLLNVAL = 0x20;
    private static final byte[] BARRIER = {'B', 'A', 'R', 'R', 'I', 'E', 'R', '=', '1'};

    private final Posix posix;
    private volatile Target lastTarget;
    /** The socket blocking sends share, with its cookie; null until the first such send. */
    private volatile Kept kept;
    /** The kernel cannot tell a socket's identity (no SO_COOKIE): every send opens its own socket. */
    private volatile boolean noIdentity;

    public JavaDaemon(Posix posix) {
        this.posix = posix;
    }

    @Override
    public int pidNotifyWithFds(int pid, boolean unsetEnvironment, byte[] state, int[] fds, int nFds) {
        return pidNotifyWithFds(pid, unsetEnvironment, state, fds, nFds, BLOCKING);
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
            byte[] socket = posix.getenv(Variables.NOTIFY_SOCKET);
            if (socket == null) {
                return 0;
            }
            r = send(socket, pid, state, fds, nFds, sendTimeoutUsec);
        }
        if (unsetEnvironment) {
            posix.unsetenv(Variables.NOTIFY_SOCKET);
        }
        return r;
    }

    private int send(byte[] socketVariable, int pid, byte[] state, int[] fds, int nFds, long sendTimeoutUsec) {
        Target target = lastTarget;
        if (target == null || target.variable != socketVariable) {
            try {
                target = new Target(socketVariable, NotifyAddress.parse(socketVariable));
            } catch (NotifyAddress.InvalidAddress e) {
                return e.result();
            }
            lastTarget = target;
        }
        if (target.vsock != null) {
            return VsockSend.send(posix, target.vsock, pid, state, fds, nFds, sendTimeoutUsec);
        }
        if (sendTimeoutUsec != BLOCKING || noIdentity) {
            return sendOnOwnSocket(target, pid, state, fds, nFds, sendTimeoutUsec);
        }
        int fd = ourSocket();
        if (fd < 0) {
            return fd == NO_IDENTITY ? sendOnOwnSocket(target, pid, state, fds, nFds, BLOCKING) : fd;
        }
        int r = sendDatagram(fd, target, pid, state, fds, nFds, true);
        if ((r == -Errno.EBADF || r == -Errno.ENOTSOCK) && !isOurs(fd)) {
            // Closed between the check and the send.
            fd = ourSocket();
            if (fd < 0) {
                return fd == NO_IDENTITY ? sendOnOwnSocket(target, pid, state, fds, nFds, BLOCKING) : fd;
            }
            r = sendDatagram(fd, target, pid, state, fds, nFds, true);
        }
        return r;
    }

    /**
     * libsystemd's own sequence, a socket per message: for timed sends, since the timeout is per socket, and
     * where sockets have no cookie to tell a kept one by.
     */
    private int sendOnOwnSocket(Target target, int pid, byte[] state, int[] fds, int nFds, long timeoutUsec) {
        int fd = posix.openUnixDatagramSocket();
        if (fd < 0) {
            return fd;
        }
        try {
            growSendBuffer(fd);
            int r = timeoutUsec == BLOCKING ? 0 : posix.setSendTimeout(fd, timeoutUsec);
            if (r < 0) {
                return r;
            }
            return sendDatagram(fd, target, pid, state, fds, nFds, false);
        } finally {
            posix.close(fd);
        }
    }

    /**
     * {@link SendLoop} for an AF_UNIX datagram, which is at most two sends and needs no loop object: 1 or
     * {@code -errno}. On the kept socket ({@code kept}), EBADF or ENOTSOCK from a socket other code closed is
     * returned at once, for the caller to send on a new one.
     */
    private int sendDatagram(int fd, Target target, int pid, byte[] state, int[] fds, int nFds, boolean kept) {
        boolean sendCredentials = sendsCredentials(posix, pid);
        int credPid = credentialPid(posix, pid, sendCredentials);
        int length = CString.length(state);
        int n = posix.sendNotifyDatagram(fd, target.sunPath, target.addressLength, state, length,
                fds, nFds, sendCredentials, credPid);
        if (n < 0 && sendCredentials) {
            if (kept && (n == -Errno.EBADF || n == -Errno.ENOTSOCK) && !isOurs(fd)) {
                return n;
            }
            if (length == 0) {
                // Nothing was sent and nothing is left to send: 262 ends here with 1, no retry (v254).
                return 1;
            }
            // libsystemd resends with the kernel's own credentials after any error, not just EPERM.
            n = posix.sendNotifyDatagram(fd, target.sunPath, target.addressLength, state, length,
                    fds, nFds, false, 0);
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
    static boolean sendsCredentials(Posix posix, int pid) {
        return (pid != 0 && pid != posix.getpid()) || posix.realAndEffectiveIdsDiffer();
    }

    /** The pid the credentials carry: {@code pid}, or this process's for pid 0. */
    static int credentialPid(Posix posix, int pid, boolean sendCredentials) {
        return pid != 0 ? pid : sendCredentials ? posix.getpid() : 0;
    }

    /** {@link #ourSocket()}'s answer when sockets have no cookie here; not an errno. */
    private static final int NO_IDENTITY = Integer.MIN_VALUE;

    /** The kept socket: its number, and the cookie that tells whether the number still names it. */
    private static final class Kept {
        final int fd;
        final long cookie;

        Kept(int fd, long cookie) {
            this.fd = fd;
            this.cookie = cookie;
        }
    }

    /**
     * The socket every blocking send uses, opened and given libsystemd's send buffer on first use, or
     * {@code -errno}. Where libsystemd opens, tunes and closes a socket per message, one socket serves them
     * all: the receiver sees the same bytes, credentials and fds, at a fraction of the cost. It is
     * close-on-exec and stays open for the life of the process.
     *
     * <p>Other code may close the number and get it back for a socket of its own. Before each send the
     * socket's cookie is compared with the one it had when opened; when they differ the number is forgotten,
     * not closed (it belongs to someone else now), and a new socket is opened. One {@code getsockopt} per
     * send is the price of never sending through another's socket.
     */
    private int ourSocket() {
        Kept k = kept;
        if (k != null) {
            if (posix.socketCookie(k.fd) == k.cookie) {
                return k.fd;
            }
            forget(k);
        }
        synchronized (this) {
            k = kept;
            if (k != null && posix.socketCookie(k.fd) == k.cookie) {
                return k.fd;
            }
            int fd = posix.openUnixDatagramSocket();
            if (fd < 0) {
                return fd;
            }
            long cookie = posix.socketCookie(fd);
            if (cookie < 0) {
                // A kernel before 4.12: a kept socket could not be told from another's.
                posix.close(fd);
                noIdentity = true;
                return NO_IDENTITY;
            }
            growSendBuffer(fd);
            kept = new Kept(fd, cookie);
            return fd;
        }
    }

    private synchronized void forget(Kept k) {
        if (kept == k) {
            kept = null;
        }
    }

    /**
     * After EBADF or ENOTSOCK: whether {@code fd} still is the kept socket, so the error came from the fds being
     * passed and stands. If not, it is forgotten and the send is retried on a new one.
     */
    private boolean isOurs(int fd) {
        Kept k = kept;
        if (k != null && k.fd == fd && posix.socketCookie(fd) == k.cookie) {
            return true;
        }
        if (k != null && k.fd == fd) {
            forget(k);
        }
        return false;
    }

    private void growSendBuffer(int fd) {
        growSendBuffer(posix, fd);
    }

    /** {@code fd_inc_sndbuf(fd, SNDBUF_SIZE)}; its errors do not matter to the caller. */
    static void growSendBuffer(Posix posix, int fd) {
        if (posix.getSendBuffer(fd) >= 2 * SEND_BUFFER) {
            return;
        }
        if (posix.setSendBuffer(fd, SEND_BUFFER, false) < 0) {
            return;
        }
        if (posix.getSendBuffer(fd) >= 2 * SEND_BUFFER) {
            return;
        }
        posix.setSendBuffer(fd, SEND_BUFFER, true);
    }

    /** A parsed {@code NOTIFY_SOCKET}, kept while {@link Posix#getenv} returns the same array. */
    private static final class Target {
        final byte[] variable;
        final byte[] sunPath;
        final int addressLength;
        /** Null for AF_UNIX. */
        final VsockAddress vsock;

        Target(byte[] variable, NotifyAddress address) {
            this.variable = variable;
            this.sunPath = address.sunPath();
            this.addressLength = address.addressLength();
            this.vsock = address.vsock();
        }
    }

    @Override
    public int notifyBarrier(boolean unsetEnvironment, long timeoutUsec) {
        return notifyBarrier(unsetEnvironment, timeoutUsec, BLOCKING);
    }

    @Override
    public int notifyBarrier(boolean unsetEnvironment, long timeoutUsec, long sendTimeoutUsec) {
        return barrier(posix, this, 0, unsetEnvironment, timeoutUsec, sendTimeoutUsec, false);
    }

    @Override
    public int pidNotifyBarrier(int pid, boolean unsetEnvironment, long timeoutUsec) {
        return barrier(posix, this, pid, unsetEnvironment, timeoutUsec, BLOCKING, false);
    }

    /**
     * {@code sd_pid_notify_barrier}'s steps over {@code posix}, its message sent through {@code sender} with
     * {@code pid}'s credentials (0: this process's): a pipe, {@code BARRIER=1} with the write end, that end
     * closed, then a wait until the manager has closed the copy it received. With {@code unsetEnvironment},
     * NOTIFY_SOCKET is removed when the call ends, after the wait, whatever the outcome, a failed pipe2
     * included (libsystemd 257; before, right after the send, and not when pipe2 failed). With
     * {@code retryInterrupted}, a signal during the wait (EINTR) repeats the wait on the same pipe for the time
     * that is left, and an interrupted send (nothing was queued) is sent again; without it, EINTR is returned,
     * as libsystemd does.
     */
    public static int barrier(Posix posix, SdDaemon sender, int pid, boolean unsetEnvironment, long timeoutUsec,
            long sendTimeoutUsec, boolean retryInterrupted) {
        try {
            return barrier(posix, sender, pid, timeoutUsec, sendTimeoutUsec, retryInterrupted);
        } finally {
            if (unsetEnvironment) {
                posix.unsetenv(Variables.NOTIFY_SOCKET);
            }
        }
    }

    private static int barrier(Posix posix, SdDaemon sender, int pid, long timeoutUsec, long sendTimeoutUsec,
            boolean retryInterrupted) {
        int[] pipe = new int[2];
        int r = posix.pipeCloexec(pipe);
        if (r < 0) {
            return r;
        }
        boolean writeEndOpen = true;
        try {
            int[] fds = {pipe[1]};
            do {
                // Never unset here: the variable stays until the wait is over.
                r = sender.pidNotifyWithFds(pid, false, BARRIER, fds, 1, sendTimeoutUsec);
            } while (r == -Errno.EINTR && retryInterrupted);
            if (r <= 0) {
                return r;
            }
            posix.close(pipe[1]);
            writeEndOpen = false;
            // Our copy is closed; the one in flight hangs up when the manager has read and closed it.
            long deadline = timeoutUsec == -1L ? 0 : System.nanoTime() + Math.min(timeoutUsec, Long.MAX_VALUE / 2000) * 1000;
            long left = timeoutUsec;
            int revents;
            while ((revents = posix.pollForHangup(pipe[0], left)) == -Errno.EINTR && retryInterrupted) {
                if (timeoutUsec != -1L) {
                    left = Math.max(0, (deadline - System.nanoTime()) / 1000);
                }
            }
            if (revents < 0) {
                return revents;
            }
            if (revents == 0) {
                return -Errno.ETIMEDOUT;
            }
            return (revents & POLLNVAL) != 0 ? -Errno.EBADF : 1;
        } finally {
            if (writeEndOpen) {
                posix.close(pipe[1]);
            }
            posix.close(pipe[0]);
        }
    }

    @Override
    public int watchdogEnabled(boolean unsetEnvironment, long[] usecOut) {
        try {
            byte[] usecText = posix.getenv(Variables.WATCHDOG_USEC);
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
            byte[] pidText = posix.getenv(Variables.WATCHDOG_PID);
            if (pidText != null) {
                r = CNumbers.parsePid(pidText, value);
                if (r < 0) {
                    return r;
                }
                if (value[0] != posix.getpid()) {
                    return 0;
                }
            }
            if (usecOut != null) {
                usecOut[0] = usec;
            }
            return 1;
        } finally {
            if (unsetEnvironment) {
                posix.unsetenv(Variables.WATCHDOG_USEC);
                posix.unsetenv(Variables.WATCHDOG_PID);
            }
        }
    }

    @Override
    public int booted() {
        // The trailing slash makes the kernel follow a symlink and require a directory.
        int r = posix.accessNoFollow("/run/systemd/system/");
        if (r >= 0) {
            return 1;
        }
        return r == -Errno.ENOENT ? 0 : r;
    }

    @Override
    public int listenFds(boolean unsetEnvironment) {
        try {
            return listenFds();
        } finally {
            if (unsetEnvironment) {
                unsetListenEnvironment();
            }
        }
    }

    private int listenFds() {
        byte[] pidText = posix.getenv(Variables.LISTEN_PID);
        if (pidText == null) {
            return 0;
        }
        long[] value = new long[1];
        int r = CNumbers.parsePid(pidText, value);
        if (r < 0) {
            return r;
        }
        if (value[0] != posix.getpid()) {
            return 0;
        }
        byte[] pidfdIdText = posix.getenv(Variables.LISTEN_PIDFDID);
        if (pidfdIdText != null) {
            // The pid matched; the pidfd inode id tells whether it is still the same process (v259).
            r = CNumbers.parseU64(pidfdIdText, value);
            if (r < 0) {
                return r;
            }
            long[] own = new long[1];
            if (posix.ownPidfdInodeId(own) >= 0 && own[0] != value[0]) {
                return 0;
            }
            // Without an id of our own (no pidfs, no pidfd_open) the check is skipped.
        }
        byte[] fdsText = posix.getenv(Variables.LISTEN_FDS);
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
            r = setCloexec((int) fd);
            if (r < 0) {
                return r;
            }
        }
        return (int) n;
    }

    private int setCloexec(int fd) {
        int flags = posix.getFdFlags(fd);
        if (flags < 0) {
            return flags;
        }
        if ((flags & FD_CLOEXEC) != 0) {
            return 0;
        }
        return posix.setFdFlags(fd, flags | FD_CLOEXEC);
    }

    private void unsetListenEnvironment() {
        posix.unsetenv(Variables.LISTEN_PID);
        posix.unsetenv(Variables.LISTEN_PIDFDID);
        posix.unsetenv(Variables.LISTEN_FDS);
        posix.unsetenv(Variables.LISTEN_FDNAMES);
    }

    @Override
    public int listenFdsWithNames(boolean unsetEnvironment, List<byte[]> namesOut) {
        if (namesOut == null) {
            return listenFds(unsetEnvironment);
        }
        byte[] namesText = posix.getenv(Variables.LISTEN_FDNAMES);
        List<byte[]> names = null;
        if (namesText != null) {
            names = FdNames.split(namesText);
            if (names == null) {
                if (unsetEnvironment) {
                    unsetListenEnvironment();
                }
                return -Errno.EINVAL;
            }
        }
        int n = listenFds(unsetEnvironment);
        if (n <= 0) {
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
    }
}
