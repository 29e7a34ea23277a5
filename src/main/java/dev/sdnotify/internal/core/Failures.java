package dev.sdnotify.internal.core;

import dev.sdnotify.SdNotifyException;
import dev.sdnotify.internal.daemon.ChosenBackend;
import dev.sdnotify.internal.daemon.JavaDaemon;
import dev.sdnotify.internal.protocol.CNumbers;
import dev.sdnotify.internal.protocol.Errno;
import dev.sdnotify.internal.protocol.FdNames;
import dev.sdnotify.internal.protocol.NotifyAddress;
import dev.sdnotify.internal.protocol.Variables;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;

/** Builds the exception for a failed call: which variable, address or step was at fault, and the errno. */
final class Failures {
    private Failures() {}

    /**
     * {@code detail}, or for ELIBACC, which only a process without native access gets, the backend's reason: the
     * one way such a process learns what failed and how to fix it.
     */
    static String withReason(ChosenBackend b, int errno, String detail) {
        return errno == Errno.ELIBACC && b.info().isSupervisorUnreachable() ? b.info().reason() : detail;
    }

    public static String show(String name, byte[] value) {
        return value == null ? name + " unset" : name + "=\"" + new String(value, StandardCharsets.UTF_8) + "\"";
    }

    /**
     * {@code barrierTimeout} is the barrier's wait, {@code sendTimeout} the notifier's limit on a send;
     * either may be null.
     */
    static SdNotifyException notifyFailed(ChosenBackend b, String operation, int errno, byte[] socket, int nFds,
            Duration barrierTimeout, Duration sendTimeout) {
        if (errno == Errno.ELIBACC) {
            return new SdNotifyException(operation, errno, withReason(b, errno, "sending to "
                    + show(Variables.NOTIFY_SOCKET, socket)));
        }
        if (errno == Errno.E2BIG) {
            // Refused before NOTIFY_SOCKET is read, whatever its value.
            return new SdNotifyException(operation, errno, tooManyFds(nFds));
        }
        boolean vsock = false;
        if (socket != null) {
            try {
                vsock = NotifyAddress.parse(socket).vsock() != null;
            } catch (NotifyAddress.InvalidAddress bad) {
                return new SdNotifyException(operation, errno, "parsing " + show(Variables.NOTIFY_SOCKET, socket)
                        + ": it " + bad.getMessage());
            }
        }
        // On AF_UNIX these come from socket(), before anything is sent.
        boolean opening = errno == Errno.EAFNOSUPPORT || errno == Errno.EMFILE || errno == Errno.ENFILE;
        String step = (vsock ? "sending over AF_VSOCK to " : opening ? "opening an AF_UNIX datagram socket for "
                : "sendmsg to ") + show(Variables.NOTIFY_SOCKET, socket);
        String hint = errno == Errno.ECONNREFUSED && !vsock ? notASocket(socket)
                : hint(errno, vsock, nFds, barrierTimeout, sendTimeout);
        return new SdNotifyException(operation, errno, hint == null ? step : step + ": " + hint);
    }

    /** ECONNREFUSED: what the path names, when it is not a socket (the kernel says the same for both). */
    private static String notASocket(byte[] socket) {
        if (socket == null || socket.length == 0 || socket[0] != '/') {
            return "nothing is bound to that name";
        }
        Path path = Paths.get(new String(socket, StandardCharsets.UTF_8));
        try {
            int type = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0170000;
            return type == 0140000 ? "nothing is bound to the socket there (its service is gone?)"
                    : "the path is not a socket but " + (type == 0040000 ? "a directory" : type == 0100000
                    ? "a regular file" : "a file of mode " + Integer.toOctalString(type)) + ": set NOTIFY_SOCKET to "
                    + "the supervisor's socket";
        } catch (IOException | RuntimeException e) {
            return "nothing is bound there, or it is not a socket";
        }
    }

    /**
     * What {@code errno} from a send means, on AF_UNIX or, with {@code vsock}, at the steps of a vsock notification
     * (socket, source port, connect, sendmsg, shutdown, recv); null when there is nothing to add.
     */
    private static String hint(int errno, boolean vsock, int nFds, Duration barrierTimeout, Duration sendTimeout) {
        switch (errno) {
            case Errno.ENOENT: return "no socket exists at that path";
            case Errno.EPROTOTYPE: return "the socket there is not a datagram socket";
            case Errno.EACCES: return "this process may not write to that socket";
            case Errno.EBADF: return nFds > 0 ? "one of the " + nFds + " fds is not open" : null;
            // A libsystemd before 257 leaves the count to the kernel, which says EINVAL.
            case Errno.EINVAL: return Integer.toUnsignedLong(nFds) > JavaDaemon.SCM_MAX_FD ? tooManyFds(nFds) : null;
            case Errno.ENOBUFS:
            case Errno.EMSGSIZE: return "the message does not fit the socket's buffers";
            case Errno.EAGAIN: return sendTimeout == null ? "the receiver's queue is full"
                    : "the receiver's queue stayed full for the send timeout of " + sendTimeout;
            case Errno.EINTR: return "interrupted by a signal";
            case Errno.EAFNOSUPPORT: return vsock ? "this process may not use AF_VSOCK sockets (no vsock module "
                    + "loaded, or a unit whose RestrictAddressFamilies= leaves out AF_VSOCK)" : "this process may not "
                    + "use AF_UNIX sockets (a unit whose RestrictAddressFamilies= leaves out AF_UNIX?)";
            case Errno.EMFILE: return "this process has as many fds open as its limit allows (LimitNOFILE=)";
            case Errno.ENFILE: return "the system has as many files open as its limit allows";
            case Errno.ETIMEDOUT: return barrierTimeout == null ? "the connection timed out"
                    : "the manager did not process the barrier within " + barrierTimeout;
            case Errno.ENODEV: return "this machine has no vsock transport for the socket type (not a virtual "
                    + "machine, or vsock-dgram: where the hypervisor has only stream sockets)";
            case Errno.EADDRINUSE: return "every privileged source port (1..1023) is taken";
            case Errno.ECONNREFUSED:
            case Errno.ECONNRESET: return vsock ? "nothing listens at that CID and port" : null;
            case Errno.EIO: return "the kernel sent only part of the message";
            case Errno.EPROTO: return "the receiver sent data back instead of closing the connection";
            case Errno.ENOTCONN: return "the connection was gone before the message ended";
            default: return null;
        }
    }

    private static String tooManyFds(int nFds) {
        return Integer.toUnsignedString(nFds) + " fds are more than the kernel passes in one message ("
                + JavaDaemon.SCM_MAX_FD + "): send them in several";
    }

    /** Names the watchdog variable at fault, given their values before the call. */
    static SdNotifyException watchdogFailed(int errno, byte[] usec, byte[] pid) {
        long[] value = new long[1];
        boolean usecBad = usec == null || CNumbers.parseU64(usec, value) < 0 || value[0] == 0 || value[0] == -1L;
        String detail = usecBad
                ? show(Variables.WATCHDOG_USEC, usec) + " is not a microsecond count in 1..18446744073709551614"
                : show(Variables.WATCHDOG_PID, pid) + " is not a pid in 1..2147483647";
        return new SdNotifyException("sd_watchdog_enabled", errno, detail);
    }

    /** Names the socket-activation variable at fault, given their values before the call. */
    static SdNotifyException listenFailed(ChosenBackend b, int errno, byte[] pid, byte[] pidfdId, byte[] fds,
            byte[] names) {
        long[] value = new long[1];
        String detail;
        // In the order libsystemd 262 reads them.
        if (names != null && FdNames.split(names) == null) {
            detail = show(Variables.LISTEN_FDNAMES, names) + " ends in a lone backslash";
        } else if (pid != null && CNumbers.parsePid(pid, value) < 0) {
            detail = show(Variables.LISTEN_PID, pid) + " is not a pid in 1..2147483647";
        } else if (pidfdId != null && CNumbers.parseU64(pidfdId, value) < 0) {
            detail = show(Variables.LISTEN_PIDFDID, pidfdId) + " is not a pidfd inode id (an unsigned 64-bit "
                    + "number); the supervisor that set it must set it to the service's";
        } else if (fds != null && CNumbers.parseInt(fds, value) < 0) {
            detail = show(Variables.LISTEN_FDS, fds) + " is not an int";
        } else if (errno == Errno.EBADF) {
            detail = show(Variables.LISTEN_FDS, fds) + " names an fd, counting from 3, that is not open";
        } else if (fds != null && (value[0] <= 0 || value[0] > Integer.MAX_VALUE - 3)) {
            detail = show(Variables.LISTEN_FDS, fds) + " is not a positive fd count";
        } else {
            detail = show(Variables.LISTEN_FDNAMES, names) + " does not give one name per fd of "
                    + show(Variables.LISTEN_FDS, fds)
                    + " (names are split on ':')";
        }
        return new SdNotifyException("sd_listen_fds_with_names", errno, withReason(b, errno, detail));
    }
}
