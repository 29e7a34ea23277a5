package dev.sdnotify.internal.daemon;

import dev.sdnotify.BackendInfo;
import dev.sdnotify.internal.kernel.Environment;
import dev.sdnotify.internal.kernel.Kernel;

/**
 * A chosen backend: what it reports to users, the seam its calls go to, the environment its variables are read
 * from, and the kernel under it (null for {@code none}, which never needs one).
 */
public final class ChosenBackend {
    private final BackendInfo info;
    private final SdDaemon daemon;
    private final Environment environment;
    private final Kernel kernel;

    public ChosenBackend(BackendInfo info, SdDaemon daemon, Environment environment, Kernel kernel) {
        this.info = info;
        this.daemon = daemon;
        this.environment = environment;
        this.kernel = kernel;
    }

    /** What {@code SdNotify.backend()} reports. */
    public BackendInfo info() {
        return info;
    }

    public SdDaemon daemon() {
        return daemon;
    }

    public Environment environment() {
        return environment;
    }

    public Kernel kernel() {
        return kernel;
    }
}
