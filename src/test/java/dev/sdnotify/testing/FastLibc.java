package dev.sdnotify.testing;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.util.Arrays;

/**
 * The few libc calls a fuzzer makes hundreds of thousands of times, bound by JNA direct mapping: a
 * {@link TestLibc} proxy call costs microseconds of reflection, these cost a fraction of one.
 */
public final class FastLibc {
    static {
        Native.register(FastLibc.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    private FastLibc() {}

    public static native Pointer getenv(String name);

    /** {@code value} must end in a NUL byte. Private: {@link #setVariable} refuses vsock peers first. */
    private static native int setenv(String name, byte[] value, int overwrite);

    public static native int unsetenv(String name);

    /** {@code fcntl} is variadic; an int third argument is passed as any third int. */
    public static native int fcntl(int fd, int cmd, int arg);

    /**
     * {@code poll} over {@code struct pollfd} laid out as two ints per fd: the fd, then {@code events} in
     * the low and {@code revents} in the high 16 bits (little-endian, as on x86-64 and aarch64).
     */
    public static native int poll(int[] pollfds, long nfds, int timeoutMs);

    /**
     * Sets {@code name} to {@code value} (raw bytes up to the first NUL), or unsets it for null. A
     * NOTIFY_SOCKET that names a vsock peer is refused ({@link VsockGuard}) and the variable left as it was.
     */
    public static void setVariable(String name, byte[] value) {
        VsockGuard.refuseVsockPeer(name, value);
        if (value == null) {
            unsetenv(name);
        } else if (setenv(name, Arrays.copyOf(value, value.length + 1), 1) != 0) {
            throw new IllegalStateException("setenv " + name + ": errno " + Native.getLastError());
        }
    }

    /** The raw value, or null when unset. */
    public static byte[] getVariable(String name) {
        Pointer p = getenv(name);
        return p == null ? null : p.getByteArray(0, (int) p.indexOf(0, (byte) 0));
    }
}
