package dev.sdnotify.internal.kernel;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The process's C environment, what libsystemd reads: {@code getenv} and {@code unsetenv} through libc. */
public final class CEnvironment implements Environment {
    private final Libc libc;
    /** Each name as a C string, made once. */
    private final Map<String, Name> names = new ConcurrentHashMap<>();
    private final Map<String, Value> values = new ConcurrentHashMap<>();

    public CEnvironment(Libc libc) {
        this.libc = libc;
    }

    /** A name as a C string, and its address, which {@code getenv} takes. */
    private static final class Name {
        final ByteBuffer memory;
        final long address;

        Name(Libc libc, String name) {
            memory = LibcKernel.cString(name.getBytes(StandardCharsets.UTF_8));
            address = libc.address(memory);
        }
    }

    private Name cName(String name) {
        Name n = names.get(name);
        // Looked up first: the function computeIfAbsent takes would be made at every call.
        return n != null ? n : names.computeIfAbsent(name, key -> new Name(libc, key));
    }

    @Override
    public byte[] getenv(String name) {
        long address = libc.getenv(cName(name).address);
        if (address == 0) {
            return null;
        }
        Value last = values.get(name);
        if (last != null && last.isAt(address)) {
            return last.bytes;
        }
        byte[] bytes = LibcKernel.string(libc, address);
        values.put(name, new Value(address, bytes, libc.view(address, bytes.length + 1)));
        return bytes;
    }

    /**
     * A value read before, kept so that each keep-alive's read of {@code NOTIFY_SOCKET} copies nothing: while the
     * environment holds the same bytes at the same address, they are the same value.
     */
    private static final class Value {
        final long address;
        final byte[] bytes;
        final ByteBuffer memory;

        Value(long address, byte[] bytes, ByteBuffer memory) {
            this.address = address;
            this.bytes = bytes;
            this.memory = memory;
        }

        /**
         * Whether the string at {@code address} (the variable's value now) is these bytes and its NUL: compared up
         * to the first difference, so nothing past the string there now is read.
         */
        boolean isAt(long address) {
            if (address != this.address) {
                return false;
            }
            for (int i = 0; i < bytes.length; i++) {
                if (memory.get(i) != bytes[i]) {
                    return false;
                }
            }
            return memory.get(bytes.length) == 0;
        }
    }

    @Override
    public void unsetenv(String name) {
        libc.unsetenv(cName(name).memory);
    }
}
