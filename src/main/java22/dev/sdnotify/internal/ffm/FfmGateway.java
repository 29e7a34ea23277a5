package dev.sdnotify.internal.ffm;

import static dev.sdnotify.internal.nativeaccess.Platform.oneLine;

import dev.sdnotify.internal.backend.Posix;
import dev.sdnotify.internal.backend.SdDaemon;
import dev.sdnotify.internal.nativeaccess.BoundGateway;
import dev.sdnotify.internal.nativeaccess.Loaded;
import dev.sdnotify.internal.nativeaccess.NativeGateway;
import dev.sdnotify.internal.nativeaccess.Once;
import dev.sdnotify.internal.nativeaccess.Platform;

/**
 * The FFM gateway, for JDK 22 and later: libc and libsystemd through {@code java.lang.foreign}, with no
 * native stub to unpack. This class replaces the JDK 11 one of the same name in the multi-release jar.
 * Each library is probed at most once and a failure is kept with its reason; a JVM that denies native
 * access gets a reason naming the flag that grants it.
 */
public final class FfmGateway {
    /** The first JDK with the final Foreign Function &amp; Memory API. */
    public static final int MIN_JDK = 22;

    /** What grants native access, for the reason given when it is denied. */
    static final String FIX = "add --enable-native-access=ALL-UNNAMED (class path) or "
            + "--enable-native-access=dev.sdnotify (module path)";

    private static final Once<Loaded<NativeGateway>> LOADED = new Once<>(FfmGateway::loadLibc);

    private FfmGateway() {}

    /** The process's FFM gateway, or why FFM cannot reach libc. */
    public static Loaded<NativeGateway> load() {
        return LOADED.get();
    }

    private static Loaded<NativeGateway> loadLibc() {
        try {
            Posix posix = new FfmPosix();
            // Makes the first downcall handle: where native access is denied, this is where it shows.
            posix.getpid();
            return Loaded.of(new BoundGateway("FFM", posix, FfmGateway::loadLibsystemd), "");
        } catch (LinkageError | RuntimeException e) {
            return Loaded.failed(whyNot(e, "FFM cannot reach libc"));
        }
    }

    /** The failure, with what would fix it when it is a refusal of native access. */
    private static String whyNot(Throwable e, String what) {
        IllegalCallerException denied = Platform.deniedNativeAccess(e);
        if (denied != null) {
            return "FFM was denied native access (" + oneLine(denied.getMessage()) + "): " + FIX;
        }
        // A holder class's initializer wraps the cause; name the cause.
        Throwable cause = e instanceof ExceptionInInitializerError && e.getCause() != null ? e.getCause() : e;
        return what + " (" + cause.getClass().getSimpleName() + ": " + oneLine(cause.getMessage()) + ")";
    }

    private static Loaded<SdDaemon> loadLibsystemd() {
        try {
            return FfmLibsystemd.load();
        } catch (LinkageError | RuntimeException e) {
            return Loaded.failed(whyNot(e, "libsystemd cannot be loaded"));
        }
    }
}
