package dev.sdnotify;

import dev.sdnotify.internal.backend.Posix;
import dev.sdnotify.internal.backend.SdDaemon;

/** The backend in use and why it was chosen, for example "libsystemd: loaded /usr/lib/.../libsystemd.so.0". */
public final class BackendInfo {
    private final Backend backend;
    private final String reason;
    final SdDaemon daemon;
    /** libc, for the monotonic clock; null for {@link Backend#NONE}. */
    final Posix posix;

    BackendInfo(Backend backend, String reason, SdDaemon daemon, Posix posix) {
        this.backend = backend;
        this.reason = reason;
        this.daemon = daemon;
        this.posix = posix;
    }

    /** The backend calls go to. */
    public Backend backend() {
        return backend;
    }

    /** Why this backend: what was loaded, or why the preferred one was not. */
    public String reason() {
        return reason;
    }

    @Override
    public String toString() {
        return backend.id() + ": " + reason;
    }
}
