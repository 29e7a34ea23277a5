package dev.sdnotify.internal.nativeaccess;

import dev.sdnotify.internal.backend.Posix;
import dev.sdnotify.internal.backend.SdDaemon;

/**
 * The one way into native code, with two implementations: the Foreign Function &amp; Memory API on JDK 22
 * and later ({@code FFM}), and JNA elsewhere ({@code JNA}). Either serves both backends: the same
 * {@link Posix} operations for the Java backend and the same libsystemd functions for the other.
 */
public interface NativeGateway {

    /** {@code FFM} or {@code JNA}, as {@code backend()} reports it. */
    String name();

    /** libc, bound when the gateway loaded; the Java backend's operations and the clocks. */
    Posix libc();

    /** libsystemd's sd-daemon functions, probed on first call and kept, or why they cannot be had. */
    Loaded<SdDaemon> libsystemd();
}
