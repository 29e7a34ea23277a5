package dev.sdnotify.internal.daemon;

import java.util.List;

/**
 * The seam between the public API and a backend: the sd-daemon(3) functions of libsystemd that answer from the
 * environment or send, with their C result convention: {@code > 0} done, {@code 0} not applicable (no supervisor
 * variable, or not for this process), {@code -errno} failure. The Java protocol answers as libsystemd 262 does,
 * the libsystemd backend as the host's libsystemd; an older one differs in the cases the test resource
 * {@code libsystemd-differences.tsv} lists. Strings cross the seam as C strings: a payload ends at its first NUL
 * byte, and {@code null} stands for a NULL pointer.
 */
public interface SdDaemon {
    /** No send timeout: a send waits while the receiver's queue is full, as libsystemd's does. */
    long BLOCKING = -1L;

    /**
     * {@code sd_pid_notify_with_fds(pid, unset_environment, state, fds, n_fds)}. With a {@code sendTimeoutUsec}
     * (at least 1) other than {@link #BLOCKING}, a send gives up with {@code -EAGAIN} once the receiver's queue
     * has stayed full that long.
     */
    int pidNotifyWithFds(int pid, boolean unsetEnvironment, byte[] state, int[] fds, int nFds, long sendTimeoutUsec);

    /**
     * {@code sd_watchdog_enabled(unset_environment, usec)}; {@code usecOut} null stands for NULL, otherwise its
     * element 0 receives the interval, written only when the result is 1.
     */
    int watchdogEnabled(boolean unsetEnvironment, long[] usecOut);

    /**
     * {@code sd_listen_fds_with_names(unset_environment, names)}; {@code namesOut} null stands for NULL, otherwise
     * it receives the names (raw bytes), added only when the result is positive.
     */
    int listenFdsWithNames(boolean unsetEnvironment, List<byte[]> namesOut);
}
