package dev.sdnotify.internal.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.NativeLibrary;
import org.junit.jupiter.api.Test;

class PlatformTest {
    @Test
    void linkFailureKeepsTheLinkersCausesOnceAndDropsTheResourcePath() {
        // JNA 5's message for a library that is nowhere: heading, the linker's cause per attempt, the class path.
        String message = "Unable to load library 'systemd':\n"
                + "libsystemd.so: cannot open shared object file: No such file or directory\n"
                + "libsystemd.so: cannot open shared object file: No such file or directory\n"
                + "Native library (linux-x86-64/libsystemd.so) not found in resource path (/app/a.jar:/app/b.jar)";
        assertEquals("libsystemd.so: cannot open shared object file: No such file or directory",
                Platform.linkFailure(message));
    }

    @Test
    void linkFailureKeepsAMessageOfAnotherShape() {
        assertEquals("libsystemd.so.0: undefined symbol: sd_notify; other",
                Platform.linkFailure("libsystemd.so.0: undefined symbol: sd_notify\n  other"));
    }

    @Test
    void realJnaFailureBecomesShortWithoutTheClassPath() {
        UnsatisfiedLinkError e = assertThrows(UnsatisfiedLinkError.class,
                () -> NativeLibrary.getInstance("sdnotify-test-no-such-library"));
        String classPath = System.getProperty("java.class.path");
        // The premise: JNA names the whole class path (in an executable jar, every nested jar).
        assertTrue(e.getMessage().contains("not found in resource path"), e.getMessage());
        String reason = Platform.linkFailure(e.getMessage());
        assertTrue(reason.contains("libsdnotify-test-no-such-library.so: cannot open shared object file"), reason);
        assertFalse(reason.contains("resource path"), reason);
        assertFalse(reason.contains(classPath.split(":")[0]), reason);
        assertTrue(reason.length() < 200, reason);
    }
}
