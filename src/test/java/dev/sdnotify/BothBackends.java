package dev.sdnotify;

import dev.sdnotify.internal.backend.SdDaemon;
import dev.sdnotify.internal.core.Backends;
import dev.sdnotify.testing.Capabilities;

/** The two backends every contract test compares: libsystemd, the oracle, and the Java backend. */
public final class BothBackends {
    public final SdDaemon libsystemd;
    public final SdDaemon java;

    private BothBackends() {
        libsystemd = Backends.choose(Backend.LIBSYSTEMD).daemon();
        java = Backends.choose(Backend.JAVA).daemon();
    }

    /** Skips off CI (fails on CI) when libsystemd, the oracle, is missing. */
    public static BothBackends load() {
        Capabilities.requireLibsystemd();
        return new BothBackends();
    }
}
