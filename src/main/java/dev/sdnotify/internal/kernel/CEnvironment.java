package dev.sdnotify.internal.kernel;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The process's C environment, what libsystemd reads: {@code getenv} and {@code unsetenv} through libc. */
public final class CEnvironment implements Environment {
    private final Libc libc;
    /** Each name as a C string, made once. */
    private final Map<String, ByteBuffer> names = new ConcurrentHashMap<>();

    public CEnvironment(Libc libc) {
        this.libc = libc;
    }

    private ByteBuffer cName(String name) {
        return names.computeIfAbsent(name, n -> LibcKernel.cString(n.getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public byte[] getenv(String name) {
        long value = libc.getenv(cName(name));
        return value == 0 ? null : LibcKernel.string(libc, value);
    }

    @Override
    public void unsetenv(String name) {
        libc.unsetenv(cName(name));
    }
}
