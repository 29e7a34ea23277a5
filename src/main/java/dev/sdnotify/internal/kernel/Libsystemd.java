package dev.sdnotify.internal.kernel;

import java.nio.ByteBuffer;

/**
 * The sd-daemon(3) functions of {@code libsystemd.so.0} the libsystemd backend calls, as a gateway binds them,
 * named as in C: {@code pid_t}, {@code int} and {@code unsigned} as int, strings as NUL-terminated bytes, arrays as
 * Java arrays ({@code null} for NULL), the names' {@code char ***} as a direct buffer in native byte order.
 */
public interface Libsystemd {
    /** Every function the backend needs; a libsystemd without one of them is not used. */
    String[] FUNCTIONS = {"sd_notify", "sd_pid_notify_with_fds", "sd_watchdog_enabled", "sd_listen_fds_with_names"};

    /** The plain send: this process, no fds. */
    int sd_notify(int unset_environment, byte[] state);

    int sd_pid_notify_with_fds(int pid, int unset_environment, byte[] state, int[] fds, int n_fds);

    /** {@code usec}: a {@code uint64_t *}, one element. */
    int sd_watchdog_enabled(int unset_environment, long[] usec);

    /** {@code names}: a {@code char ***} that receives a malloc'ed, NULL-terminated array of malloc'ed strings. */
    int sd_listen_fds_with_names(int unset_environment, ByteBuffer names);
}
