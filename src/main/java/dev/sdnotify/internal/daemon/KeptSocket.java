package dev.sdnotify.internal.daemon;

import dev.sdnotify.internal.kernel.Kernel;
import dev.sdnotify.internal.kernel.LinuxAbi;

/**
 * The one AF_UNIX datagram socket the process's notifications share: opened, close-on-exec and given libsystemd's
 * send buffer on first use, and kept for the life of the process. Where libsystemd opens, tunes and closes a
 * socket per message, one serves them all; the receiver sees the same bytes, credentials and fds. It is neither
 * bound nor connected, so it serves every notifier, whatever socket each sends to.
 *
 * <p>Other code may close the number and get it back for a socket of its own. Before each send the socket's
 * cookie is compared with the one it had when opened; when they differ the number is forgotten, not closed (it
 * belongs to someone else now), and a new socket is opened. One {@code getsockopt} per send is the price of never
 * sending through another's socket.
 */
public final class KeptSocket {
    /** {@link #get()}'s answer where sockets have no cookie (Linux before 4.12): send on a socket of one's own. */
    static final int NO_IDENTITY = Integer.MIN_VALUE;

    private final Kernel kernel;
    private volatile Kept kept;
    private volatile boolean noIdentity;

    public KeptSocket(Kernel kernel) {
        this.kernel = kernel;
    }

    /** The socket's number, and the cookie that tells whether the number still names it. */
    private static final class Kept {
        final int fd;
        final long cookie;

        Kept(int fd, long cookie) {
            this.fd = fd;
            this.cookie = cookie;
        }
    }

    /** The socket, opened now if need be: its fd, {@code -errno}, or {@link #NO_IDENTITY}. */
    int get() {
        if (noIdentity) {
            return NO_IDENTITY;
        }
        Kept k = kept;
        if (k != null && kernel.socketCookie(k.fd) == k.cookie) {
            return k.fd;
        }
        synchronized (this) {
            if (kept == k) {
                kept = null;
            } else if (kept != null && kernel.socketCookie(kept.fd) == kept.cookie) {
                return kept.fd;
            }
            int fd = kernel.socket(LinuxAbi.AF_UNIX, LinuxAbi.SOCK_DGRAM);
            if (fd < 0) {
                return fd;
            }
            long cookie = kernel.socketCookie(fd);
            if (cookie < 0) {
                // A kernel before 4.12: a kept socket could not be told from another's.
                kernel.close(fd);
                noIdentity = true;
                return NO_IDENTITY;
            }
            JavaDaemon.growSendBuffer(kernel, fd);
            kept = new Kept(fd, cookie);
            return fd;
        }
    }

    /**
     * After EBADF or ENOTSOCK: whether {@code fd} still is the kept socket, so the error came from the fds being
     * passed and stands. If not, it is forgotten, and the next {@link #get()} opens a new one.
     */
    synchronized boolean isOurs(int fd) {
        Kept k = kept;
        if (k == null || k.fd != fd) {
            return false;
        }
        if (kernel.socketCookie(fd) == k.cookie) {
            return true;
        }
        kept = null;
        return false;
    }
}
