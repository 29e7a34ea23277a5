package dev.sdnotify.internal.ffm;

import dev.sdnotify.internal.kernel.Gateway;
import dev.sdnotify.internal.kernel.Loaded;
import dev.sdnotify.internal.kernel.Platform;

/**
 * The FFM gateway, for JDK 22 and later: libc and libsystemd through {@code java.lang.foreign}, with no native
 * stub to unpack. This class replaces the JDK 11 one of the same name in the multi-release jar.
 */
public final class FfmGateway {
    private FfmGateway() {}

    /** The first JDK with the final Foreign Function &amp; Memory API. */
    public static final int MIN_JDK = 22;

    /** Binds libc, or says why FFM cannot reach it. */
    public static Loaded<Gateway> load() {
        try {
            FfmLibc libc = new FfmLibc();
            // The first downcall handle: where native access is denied, this is where it shows.
            libc.getpid();
            return Loaded.of(new Gateway("FFM", libc, FfmLibsystemd::load), "");
        } catch (LinkageError | RuntimeException e) {
            return Loaded.failed(Platform.whyNot("FFM", e, "--enable-native-access=ALL-UNNAMED (class path), or "
                    + "--enable-native-access=dev.sdnotify (module path)"));
        }
    }
}
