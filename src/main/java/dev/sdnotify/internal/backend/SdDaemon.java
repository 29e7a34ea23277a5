package dev.sdnotify.internal.backend;

import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * The seam between the public API and a backend. Each operation mirrors one sd-daemon(3) function of
 * libsystemd, with its C result convention: {@code > 0} done, {@code 0} not applicable (no supervisor
 * variable, or not for this process), {@code -errno} failure. The Java backend answers as libsystemd 262
 * does, the libsystemd backend as the host's libsystemd; an older one differs in the cases the test resource
 * {@code libsystemd-differences.tsv} lists (v252: EINVAL instead of EPROTO for a malformed NOTIFY_SOCKET, no
 * vsock, no E2BIG for more than 253 fds, no LISTEN_PIDFDID, the barrier's earlier unset). Elsewhere both
 * backends answer the same test vectors, so a backend is chosen for availability and speed.
 *
 * <p>Strings cross the seam as C strings: {@code state} is the payload up to its first NUL byte (or its
 * end), and {@code null} stands for a NULL pointer.
 */
public interface SdDaemon {

    /** {@code sd_pid_notify_with_fds(pid, unset_environment, state, fds, n_fds)}. */
    int pidNotifyWithFds(int pid, boolean unsetEnvironment, byte[] state, int[] fds, int nFds);

    /** {@code sd_notify_barrier(unset_environment, timeout)}; {@code -1L} is {@code UINT64_MAX}, no timeout. */
    int notifyBarrier(boolean unsetEnvironment, long timeoutUsec);

    /**
     * {@code sd_pid_notify_barrier(pid, unset_environment, timeout)} (libsystemd 254 and later): the barrier,
     * its message sent with {@code pid}'s credentials ({@code 0}: this process's).
     */
    int pidNotifyBarrier(int pid, boolean unsetEnvironment, long timeoutUsec);

    /**
     * The libsystemd functions this backend lacks (an older libsystemd), which calls must not reach; empty for
     * every backend but an old libsystemd.
     */
    default Set<String> missingFunctions() {
        return Collections.emptySet();
    }

    /** No send timeout: a send waits while the receiver's queue is full, as libsystemd's does. */
    long BLOCKING = -1L;

    /**
     * {@link #pidNotifyWithFds(int, boolean, byte[], int[], int)} whose send gives up after
     * {@code sendTimeoutUsec} (at least 1) with {@code -EAGAIN} while the receiver's queue stays full;
     * {@link #BLOCKING} is the plain call. libsystemd has no such limit: its backend bounds a send by
     * taking the Java protocol for it (see {@link #sendTimeoutMeans()}).
     */
    default int pidNotifyWithFds(int pid, boolean unsetEnvironment, byte[] state, int[] fds, int nFds,
            long sendTimeoutUsec) {
        if (sendTimeoutUsec != BLOCKING) {
            throw new UnsupportedOperationException(this + " cannot bound a send");
        }
        return pidNotifyWithFds(pid, unsetEnvironment, state, fds, nFds);
    }

    /** {@link #notifyBarrier(boolean, long)} whose message is sent as by the timed {@code pidNotifyWithFds}. */
    default int notifyBarrier(boolean unsetEnvironment, long timeoutUsec, long sendTimeoutUsec) {
        if (sendTimeoutUsec != BLOCKING) {
            throw new UnsupportedOperationException(this + " cannot bound a send");
        }
        return notifyBarrier(unsetEnvironment, timeoutUsec);
    }

    /** How this backend bounds a send, for {@code toString()}: empty when it does so itself. */
    default String sendTimeoutMeans() {
        return "";
    }

    /**
     * {@code sd_watchdog_enabled(unset_environment, usec)}; {@code usecOut} null stands for NULL, otherwise
     * its element 0 receives the interval, written only when the result is 1.
     */
    int watchdogEnabled(boolean unsetEnvironment, long[] usecOut);

    /** {@code sd_booted()}. */
    int booted();

    /** {@code sd_listen_fds(unset_environment)}. */
    int listenFds(boolean unsetEnvironment);

    /**
     * {@code sd_listen_fds_with_names(unset_environment, names)}; {@code namesOut} null stands for NULL,
     * otherwise it receives the names (raw bytes), added only when the result is positive.
     */
    int listenFdsWithNames(boolean unsetEnvironment, List<byte[]> namesOut);
}
