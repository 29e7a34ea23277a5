package dev.sdnotify.internal.jna;

import static dev.sdnotify.internal.nativeaccess.Platform.oneLine;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import dev.sdnotify.internal.backend.Posix;
import dev.sdnotify.internal.backend.SdDaemon;
import dev.sdnotify.internal.nativeaccess.BoundGateway;
import dev.sdnotify.internal.nativeaccess.Loaded;
import dev.sdnotify.internal.nativeaccess.NativeGateway;
import dev.sdnotify.internal.nativeaccess.Once;
import dev.sdnotify.internal.nativeaccess.Platform;
import java.util.Set;

/**
 * The JNA gateway, for JDK 11 to 21 (and later ones when FFM is switched off). Before JNA's first class
 * initializes, {@link JnaStubDirectory} makes sure its native stub has a directory it can be unpacked
 * into and mapped from. Each library is probed at most once and a failure is kept with its reason.
 */
public final class JnaGateway {
    private static final System.Logger LOG = System.getLogger("dev.sdnotify");

    /** Tried in order: the runtime soname first, since hosts without development packages lack the rest. */
    static final String[] LIBSYSTEMD_NAMES = {"libsystemd.so.0", "systemd"};

    private static final Once<Loaded<NativeGateway>> LOADED = new Once<>(JnaGateway::loadLibc);

    private JnaGateway() {}

    /** The process's JNA gateway, or why JNA cannot reach libc. */
    public static Loaded<NativeGateway> load() {
        return LOADED.get();
    }

    private static Loaded<NativeGateway> loadLibc() {
        JnaStubDirectory.Decision stub = new JnaStubDirectory(System.getenv(), System.getProperties(),
                Mounts.ofThisProcess()).decide();
        if (stub.chosen != null) {
            LOG.log(System.Logger.Level.INFO, stub.explanation);
        }
        try {
            Posix posix = new JnaPosix();
            posix.getpid();
            return Loaded.of(new BoundGateway("JNA", posix, JnaGateway::loadLibsystemd), "");
        } catch (LinkageError | IllegalCallerException e) {
            return Loaded.failed(whyNot(e, stub));
        }
    }

    /** JNA's failure, with what would fix it. */
    private static String whyNot(Throwable e, JnaStubDirectory.Decision stub) {
        IllegalCallerException denied = Platform.deniedNativeAccess(e);
        if (denied != null) {
            return "JNA was denied native access (" + oneLine(denied.getMessage()) + "): add "
                    + "--enable-native-access=ALL-UNNAMED to the java command (class path), or "
                    + "--enable-native-access=com.sun.jna,dev.sdnotify (module path)";
        }
        String what = "JNA cannot load its native stub (" + e.getClass().getSimpleName() + ": "
                + oneLine(e.getMessage()) + ")";
        if (stub.explanation != null && stub.chosen == null) {
            return what + "; " + stub.explanation + "; to fix it, " + JnaStubDirectory.fixes();
        }
        return what + "; if the directory it names is read-only or noexec, " + JnaStubDirectory.fixes();
    }

    private static Loaded<SdDaemon> loadLibsystemd() {
        StringBuilder failures = new StringBuilder();
        for (String name : LIBSYSTEMD_NAMES) {
            try {
                NativeLibrary library = NativeLibrary.getInstance(name);
                for (String symbol : NativeGateway.LIBSYSTEMD_REQUIRED) {
                    library.getFunction(symbol);
                }
                Set<String> missing = NativeGateway.missing(symbol -> {
                    try {
                        library.getFunction(symbol);
                        return true;
                    } catch (UnsatisfiedLinkError e) {
                        return false;
                    }
                });
                LibSystemd lib = Native.load(name, LibSystemd.class);
                return Loaded.of(new LibsystemdDaemon(lib, missing),
                        "loaded " + Platform.mappedPath("/libsystemd.so", name) + Platform.lacking(missing));
            } catch (LinkageError e) {
                failures.append(failures.length() == 0 ? "" : "; ").append(name).append(": ")
                        .append(Platform.linkFailure(e.getMessage()));
            }
        }
        return Loaded.failed("libsystemd cannot be loaded (" + failures + ")");
    }

}
