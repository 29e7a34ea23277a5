package dev.sdnotify.internal.ffm;

import dev.sdnotify.internal.kernel.Gateway;
import dev.sdnotify.internal.kernel.Loaded;

/**
 * The FFM gateway as seen from JDK 11 to 21: absent. The jar's {@code META-INF/versions/22} holds the real one,
 * which a JDK 22 or later loads in place of this class; reaching this class there means the versioned classes
 * were not used.
 */
public final class FfmGateway {
    private FfmGateway() {}

    /** The first JDK with the final Foreign Function &amp; Memory API. */
    public static final int MIN_JDK = 22;

    public static Loaded<Gateway> load() {
        int jdk = Runtime.version().feature();
        return Loaded.failed(jdk < MIN_JDK ? "the FFM API needs JDK " + MIN_JDK + " or later; this is JDK " + jdk
                : "this is JDK " + jdk + ", but the jar's classes for JDK " + MIN_JDK + " were not loaded: the manifest "
                + "lacks Multi-Release: true (a repackaged or shaded jar?), or the classes run from a directory");
    }
}
