package dev.sdnotify;

import dev.sdnotify.internal.core.Backends;

/** Child-process side of {@link BootedNamespaceTest}: prints sd_booted's result on each backend. */
public final class BootedProbe {
    private BootedProbe() {}

    public static void main(String[] args) {
        int oracle = Backends.choose(Backend.LIBSYSTEMD).daemon().booted();
        int ours = Backends.choose(Backend.JAVA).daemon().booted();
        System.out.println("libsystemd=" + oracle + " java=" + ours);
    }
}
