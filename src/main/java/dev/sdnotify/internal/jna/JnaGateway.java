package dev.sdnotify.internal.jna;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import dev.sdnotify.internal.kernel.Gateway;
import dev.sdnotify.internal.kernel.Libsystemd;
import dev.sdnotify.internal.kernel.Loaded;
import dev.sdnotify.internal.kernel.Platform;

/**
 * The JNA gateway, for JDK 11 to 21 (and later ones when asked for). Before JNA's first class initializes,
 * {@link JnaStubDirectory} makes sure its native stub has a directory it can be unpacked into and mapped from.
 */
public final class JnaGateway {
    private JnaGateway() {}

    /** Binds libc, or says why JNA cannot reach it. */
    public static Loaded<Gateway> load() {
        String noStubDirectory = new JnaStubDirectory(System.getenv(), System.getProperties(),
                JnaStubDirectory.mountinfo()).decide();
        try {
            JnaLibc libc = new JnaLibc();
            libc.getpid();
            return Loaded.of(new Gateway("JNA", libc, JnaGateway::loadLibsystemd), "");
        } catch (LinkageError | IllegalCallerException e) {
            String why = Platform.whyNot("JNA", e, "--enable-native-access=ALL-UNNAMED (class path), or "
                    + "--enable-native-access=com.sun.jna,dev.sdnotify (module path)");
            return Loaded.failed(why.contains("denied") ? why : why.replace("cannot reach libc",
                    "cannot load its native stub") + "; " + (noStubDirectory != null ? noStubDirectory + "; to fix it, "
                            : "if the directory it names is read-only or noexec, ") + JnaStubDirectory.fixes());
        }
    }

    private static Loaded<Libsystemd> loadLibsystemd() {
        return Platform.loadLibsystemd(name -> {
            try {
                NativeLibrary library = NativeLibrary.getInstance(name);
                String missing = Platform.missingFunction(f -> {
                    try {
                        return library.getFunction(f) != null;
                    } catch (UnsatisfiedLinkError e) {
                        return false;
                    }
                });
                return missing != null ? Loaded.failed(missing) : Loaded.of(Native.load(name, LibSystemd.class), "");
            } catch (LinkageError e) {
                return Loaded.failed(Platform.linkFailure(e.getMessage()));
            }
        }, "libsystemd.so.0", "systemd");
    }
}
