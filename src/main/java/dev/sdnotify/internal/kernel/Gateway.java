package dev.sdnotify.internal.kernel;

import java.util.function.Supplier;

/**
 * The one way into native code, bound by JNA or by the FFM API: libc, bound when the gateway loaded, and
 * libsystemd, probed on first use and kept, or why it cannot be had.
 */
public final class Gateway {
    private final String name;
    private final Libc libc;
    private final Kernel kernel;
    private final Environment environment;
    private final Supplier<Loaded<Libsystemd>> loadLibsystemd;
    private Loaded<Libsystemd> libsystemd;

    public Gateway(String name, Libc libc, Supplier<Loaded<Libsystemd>> loadLibsystemd) {
        this.name = name;
        this.libc = libc;
        this.kernel = new LibcKernel(libc, LinuxAbi.CURRENT);
        this.environment = new CEnvironment(libc);
        this.loadLibsystemd = loadLibsystemd;
    }

    /** {@code FFM} or {@code JNA}, as {@code backend()} reports it. */
    public String name() {
        return name;
    }

    public Libc libc() {
        return libc;
    }

    public Kernel kernel() {
        return kernel;
    }

    /** The C environment. */
    public Environment environment() {
        return environment;
    }

    /** Probed on first use, by one thread, and kept, whatever the outcome. */
    public synchronized Loaded<Libsystemd> libsystemd() {
        if (libsystemd == null) {
            libsystemd = loadLibsystemd.get();
        }
        return libsystemd;
    }
}
