package dev.sdnotify.testing;

import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The C environment (what libsystemd reads), set and read through the tests' own libc mapping. A
 * NOTIFY_SOCKET that names a vsock peer is refused ({@link VsockGuard}) before anything is set.
 */
public final class CEnv {
    private CEnv() {}

    public static void set(String name, byte[] value) {
        VsockGuard.refuseVsockPeer(name, value);
        if (value == null) {
            unset(name);
            return;
        }
        // TestLibc, not FastLibc: JNA's direct mapping opens a file for its stubs, an fd the listen tests count.
        if (TestLibc.INSTANCE.setenv(name, Arrays.copyOf(value, value.length + 1), 1) != 0) {
            throw new IllegalStateException("setenv " + name + " failed");
        }
    }

    public static void set(String name, String value) {
        set(name, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    public static void unset(String name) {
        TestLibc.INSTANCE.unsetenv(name);
    }

    /** The raw value, or null when unset. */
    public static byte[] get(String name) {
        Pointer p = TestLibc.INSTANCE.getenv(name);
        return p == null ? null : p.getByteArray(0, (int) p.indexOf(0, (byte) 0));
    }

    public static String getString(String name) {
        byte[] v = get(name);
        return v == null ? null : new String(v, StandardCharsets.ISO_8859_1);
    }
}
