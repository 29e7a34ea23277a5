package dev.sdnotify.internal.jna;

import com.sun.jna.Library;
import com.sun.jna.ptr.PointerByReference;

/**
 * The sd-daemon(3) functions of {@code libsystemd.so.0}. C types: {@code pid_t} and {@code int} as int,
 * {@code unsigned} as int (same width; callers never pass values above INT_MAX), {@code uint64_t} as
 * long, {@code uint64_t *} as {@code long[]} (null for NULL), {@code const char *} as a NUL-terminated
 * {@code byte[]} (null for NULL), {@code const int *} as {@code int[]}.
 */
public interface LibSystemd extends Library {

    int sd_notify(int unset_environment, byte[] state);

    int sd_pid_notify(int pid, int unset_environment, byte[] state);

    int sd_pid_notify_with_fds(int pid, int unset_environment, byte[] state, int[] fds, int n_fds);

    int sd_notify_barrier(int unset_environment, long timeout);

    int sd_pid_notify_barrier(int pid, int unset_environment, long timeout);

    int sd_watchdog_enabled(int unset_environment, long[] usec);

    int sd_booted();

    int sd_listen_fds(int unset_environment);

    int sd_listen_fds_with_names(int unset_environment, PointerByReference names);
}
