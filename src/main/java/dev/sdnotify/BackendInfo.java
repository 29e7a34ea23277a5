package dev.sdnotify;

import java.util.Objects;
import java.util.Optional;

/**
 * The backend in use, the native gateway it reaches the kernel through, and why, for example
 * "libsystemd via FFM: loaded /usr/lib/x86_64-linux-gnu/libsystemd.so.0.35.0". A value: two are equal when
 * every part is.
 *
 * <pre>{@code
 * log.info("systemd notifications: " + SdNotify.backend());
 * }</pre>
 */
public final class BackendInfo {
    private final Backend backend;
    private final String gateway;
    private final String reason;
    private final boolean supervisorUnreachable;

    private BackendInfo(Backend backend, String gateway, String reason, boolean supervisorUnreachable) {
        this.backend = Objects.requireNonNull(backend, "backend");
        this.gateway = gateway;
        this.reason = Objects.requireNonNull(reason, "reason");
        this.supervisorUnreachable = supervisorUnreachable;
    }

    /**
     * A description as {@link SdNotify#backend()} gives one, for a fake in a test.
     *
     * @param gateway {@code FFM}, {@code JNA}, or null when nothing native is used
     */
    public static BackendInfo of(Backend backend, String gateway, String reason, boolean supervisorUnreachable) {
        return new BackendInfo(backend, gateway, reason, supervisorUnreachable);
    }

    /** The backend calls go to. */
    public Backend backend() {
        return backend;
    }

    /**
     * The native gateway: {@code FFM} (the Foreign Function &amp; Memory API, JDK 22 and later) or {@code JNA};
     * empty for {@link Backend#NONE}.
     */
    public Optional<String> gateway() {
        return Optional.ofNullable(gateway);
    }

    /**
     * Whether a supervisor started this process (a supervisor variable is in the JVM's environment) but
     * native access failed: every call that would talk to it throws, and {@link #reason()} says why.
     */
    public boolean isSupervisorUnreachable() {
        return supervisorUnreachable;
    }

    /** Why this backend: what was loaded, or why the preferred one was not. */
    public String reason() {
        return reason;
    }

    @Override
    public boolean equals(Object o) {
        BackendInfo other = o instanceof BackendInfo ? (BackendInfo) o : null;
        return other != null && backend == other.backend && Objects.equals(gateway, other.gateway) && reason.equals(other.reason)
                && supervisorUnreachable == other.supervisorUnreachable;
    }

    @Override
    public int hashCode() {
        return Objects.hash(backend, gateway, reason, supervisorUnreachable);
    }

    @Override
    public String toString() {
        return backend.id() + (gateway != null ? " via " + gateway : "") + ": " + reason;
    }
}
