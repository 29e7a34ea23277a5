package dev.sdnotify;

import dev.sdnotify.testing.TestLibsystemd;

/** Child-process side of {@link BootedNamespaceTest}: prints sd_booted's result from libsystemd and from the library. */
public final class BootedProbe {
    private BootedProbe() {}

    public static void main(String[] args) {
        int oracle = new TestLibsystemd().booted();
        int ours = BothBackends.result(SdNotify::isSystemdBooted);
        System.out.println("libsystemd=" + oracle + " java=" + ours);
    }
}
