package dev.sdnotify;

import java.util.Locale;

/**
 * Where supervisor calls go. Every backend gives the same results for the same environment; they differ
 * only in what they need from the host. Chosen once per process from the system property
 * {@value #PROPERTY} ({@code auto}, the default, {@code libsystemd}, {@code java} or {@code none}), or with
 * {@link SdNotify#useBackend(Backend)}.
 */
public enum Backend {
    /** Calls libsystemd's sd-daemon functions through the native gateway; needs {@code libsystemd.so.0}. */
    LIBSYSTEMD,
    /**
     * The same protocol written in Java, calling libc through the native gateway (FFM on JDK 22+, else JNA);
     * needs Linux on an architecture whose constants are verified.
     */
    JAVA,
    /**
     * Loads nothing native and sees no supervisor: every call is "not applicable". Chosen by {@code auto}
     * only where no supervisor variable is set; with one, calls throw instead (see
     * {@link BackendInfo#isSupervisorUnreachable()}).
     */
    NONE;

    /** The system property that picks the backend. */
    public static final String PROPERTY = "sdnotify.backend";

    /** The property value naming this backend. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
