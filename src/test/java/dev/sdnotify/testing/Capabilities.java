package dev.sdnotify.testing;

import static org.junit.jupiter.api.Assertions.fail;

import com.sun.jna.Platform;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Preconditions of tests that need more than a JVM. Off CI a missing one skips the test with the reason;
 * with {@code CI=true} it fails it, so CI cannot pass by skipping.
 */
public final class Capabilities {
    private Capabilities() {}

    public static boolean inCi() {
        return "true".equals(System.getenv("CI"));
    }

    /** Skips (or, under CI, fails) unless {@code present}. */
    public static void require(boolean present, String reason) {
        if (present) {
            return;
        }
        if (inCi()) {
            fail("CI=true, so this precondition must hold: " + reason);
        }
        Assumptions.abort(reason);
    }

    public static void requireRoot() {
        require(Platform.isLinux() && TestLibc.INSTANCE.geteuid() == 0, "needs root on Linux");
    }

    public static void requireLibsystemd() {
        require(Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libsystemd.so.0"))
                || Files.exists(Path.of("/usr/lib/aarch64-linux-gnu/libsystemd.so.0"))
                || Files.exists(Path.of("/lib64/libsystemd.so.0")) || Files.exists(Path.of("/usr/lib64/libsystemd.so.0")),
                "needs libsystemd.so.0 (Debian package libsystemd0) as the oracle");
    }

    /** Whether an executable named {@code tool} is on the PATH. */
    public static boolean onPath(String tool) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
