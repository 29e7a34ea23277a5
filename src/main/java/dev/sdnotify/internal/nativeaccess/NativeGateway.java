package dev.sdnotify.internal.nativeaccess;

import dev.sdnotify.internal.backend.Posix;
import dev.sdnotify.internal.backend.SdDaemon;

/**
 * The one way into native code, with two implementations: the Foreign Function &amp; Memory API on JDK 22
 * and later ({@code FFM}), and JNA elsewhere ({@code JNA}). Either serves both backends: the same
 * {@link Posix} operations for the Java backend and the same libsystemd functions for the other.
 */
public interface NativeGateway {

    /** The sd-daemon functions either gateway binds; libsystemd is refused unless it has every one. */
    String[] LIBSYSTEMD_SYMBOLS = {"sd_notify", "sd_pid_notify", "sd_pid_notify_with_fds", "sd_notify_barrier",
        "sd_watchdog_enabled", "sd_booted", "sd_listen_fds", "sd_listen_fds_with_names"};

    /** {@code FFM} or {@code JNA}, as {@code backend()} reports it. */
    String name();

    /** libc, bound when the gateway loaded; the Java backend's operations and the clocks. */
    Posix libc();

    /** libsystemd's sd-daemon functions, probed on first call and kept, or why they cannot be had. */
    Loaded<SdDaemon> libsystemd();
}
