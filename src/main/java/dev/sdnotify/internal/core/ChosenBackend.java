package dev.sdnotify.internal.core;

import dev.sdnotify.BackendInfo;
import dev.sdnotify.internal.backend.Posix;
import dev.sdnotify.internal.backend.SdDaemon;

/** A chosen backend: what it reports to users, the seam its calls go to, and the libc under it. */
public final class ChosenBackend {
    private final BackendInfo info;
    private final SdDaemon daemon;
    private final Posix posix;

    public ChosenBackend(BackendInfo info, SdDaemon daemon, Posix posix) {
        this.info = info;
        this.daemon = daemon;
        this.posix = posix;
    }

    /** What {@code SdNotify.backend()} reports. */
    public BackendInfo info() {
        return info;
    }

    /** The {@code sd_*} operations. */
    public SdDaemon daemon() {
        return daemon;
    }

    /** libc (the environment, the monotonic clock); null for the {@code none} and unreachable backends. */
    public Posix posix() {
        return posix;
    }

    boolean isUnreachable() {
        return daemon instanceof Unreachable;
    }

    @Override
    public String toString() {
        return info.toString();
    }
}
