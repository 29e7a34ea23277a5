package dev.sdnotify.internal.nativeaccess;

import dev.sdnotify.internal.backend.Posix;
import dev.sdnotify.internal.backend.SdDaemon;
import java.util.function.Supplier;

/** A gateway whose libc is bound; its libsystemd is probed on first use and kept. Both gateways are one. */
public final class BoundGateway implements NativeGateway {
    private final String name;
    private final Posix libc;
    private final Once<Loaded<SdDaemon>> libsystemd;

    public BoundGateway(String name, Posix libc, Supplier<Loaded<SdDaemon>> loadLibsystemd) {
        this.name = name;
        this.libc = libc;
        this.libsystemd = new Once<>(loadLibsystemd);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Posix libc() {
        return libc;
    }

    @Override
    public Loaded<SdDaemon> libsystemd() {
        return libsystemd.get();
    }
}
