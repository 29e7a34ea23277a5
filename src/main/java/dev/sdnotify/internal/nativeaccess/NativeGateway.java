package dev.sdnotify.internal.nativeaccess;

import dev.sdnotify.internal.backend.Posix;
import dev.sdnotify.internal.backend.SdDaemon;

/**
 * The one way into native code, with two implementations: the Foreign Function &amp; Memory API on JDK 22
 * and later ({@code FFM}), and JNA elsewhere ({@code JNA}). Either serves both backends: the same
 * {@link Posix} operations for the Java backend and the same libsystemd functions for the other.
 */
public interface NativeGateway {

    /** The sd-daemon functions libsystemd must have to be used at all (every release since v219 has them). */
    String[] LIBSYSTEMD_REQUIRED = {"sd_pid_notify_with_fds"};

    /**
     * The sd-daemon functions either gateway binds where libsystemd has them; the Java protocol does the work of
     * any it lacks ({@code sd_notify_barrier} came in v246, {@code sd_pid_notify_barrier} in v254).
     */
    String[] LIBSYSTEMD_OPTIONAL = {"sd_notify_barrier", "sd_pid_notify_barrier", "sd_watchdog_enabled",
        "sd_booted", "sd_listen_fds", "sd_listen_fds_with_names"};

    /** The optional functions {@code has} says are absent, in their order. */
    static java.util.Set<String> missing(java.util.function.Predicate<String> has) {
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        for (String f : LIBSYSTEMD_OPTIONAL) {
            if (!has.test(f)) {
                out.add(f);
            }
        }
        return java.util.Collections.unmodifiableSet(out);
    }

    /** {@code FFM} or {@code JNA}, as {@code backend()} reports it. */
    String name();

    /** libc, bound when the gateway loaded; the Java backend's operations and the clocks. */
    Posix libc();

    /** libsystemd's sd-daemon functions, probed on first call and kept, or why they cannot be had. */
    Loaded<SdDaemon> libsystemd();
}
