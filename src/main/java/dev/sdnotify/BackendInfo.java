package dev.sdnotify;

import dev.sdnotify.internal.backend.Posix;
import dev.sdnotify.internal.backend.SdDaemon;

/**
 * The backend in use, the native gateway it reaches the kernel through, and why, for example
 * "libsystemd via FFM: loaded /usr/lib/x86_64-linux-gnu/libsystemd.so.0.35.0".
 */
public final class BackendInfo {
    private final Backend backend;
    /** {@code FFM} or {@code JNA}; null when nothing native is used. */
    private final String gateway;
    private final String reason;
    final SdDaemon daemon;
    /** libc, for the monotonic clock; null for {@link Backend#NONE}. */
    final Posix posix;

    BackendInfo(Backend backend, String gateway, String reason, SdDaemon daemon, Posix posix) {
        this.backend = backend;
        this.gateway = gateway;
        this.reason = reason;
        this.daemon = daemon;
        this.posix = posix;
    }

    /** The backend calls go to. */
    public Backend backend() {
        return backend;
    }

    /**
     * The native gateway: {@code FFM} (the Foreign Function &amp; Memory API, JDK 22 and later) or {@code JNA};
     * empty for {@link Backend#NONE}.
     */
    public java.util.Optional<String> gateway() {
        return java.util.Optional.ofNullable(gateway);
    }

    /**
     * Whether a supervisor started this process (a supervisor variable is in the JVM's environment) but
     * native access failed: every call that would talk to it throws, and {@link #reason()} says why.
     */
    public boolean isSupervisorUnreachable() {
        return daemon instanceof Unreachable;
    }

    /** Why this backend: what was loaded, or why the preferred one was not. */
    public String reason() {
        return reason;
    }

    @Override
    public String toString() {
        return backend.id() + (gateway != null ? " via " + gateway : "") + ": " + reason;
    }
}
