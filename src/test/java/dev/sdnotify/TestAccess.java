package dev.sdnotify;

import dev.sdnotify.internal.backend.SdDaemon;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The package-private seams of the API, for tests in other packages. */
public final class TestAccess {
    private TestAccess() {}

    /** Loads {@code backend} as {@link Notifier#withBackend(Backend)} does; throws if it cannot be loaded. */
    public static BackendInfo load(Backend backend) {
        return Backends.choose(backend);
    }

    /** The backend's {@code sd_*} operations. */
    @SuppressWarnings("exports") // Test code on the class path; the module does not export the seam.
    public static SdDaemon daemon(BackendInfo backend) {
        return backend.daemon;
    }

    /** A notifier over exactly this loaded backend. */
    public static Notifier notifier(BackendInfo backend) {
        return new DaemonNotifier(backend);
    }

    /** {@link Watchdog#interval()} through the given backend instead of the process-wide one. */
    public static Optional<Duration> watchdogInterval(BackendInfo backend, boolean unsetEnvironment) {
        return Watchdog.interval(backend, unsetEnvironment);
    }

    /** {@link SocketActivation#listenFds()} through the given backend instead of the process-wide one. */
    public static List<ListenFd> listenFds(BackendInfo backend, boolean unsetEnvironment) {
        return SocketActivation.listenFds(backend, unsetEnvironment);
    }
}
