package dev.sdnotify.bench;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The least a program can do to send READY=1 through {@code java.lang.foreign}, to compare the library's
 * first call with: {@code getenv("NOTIFY_SOCKET")}, {@code socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)},
 * {@code sendto} of "READY=1" and {@code close}, four downcall handles of the plainest kind (no captured
 * errno, no critical option). Only a path socket (no abstract one), amd64 and the other generic-ABI Linux
 * architectures; no error handling beyond the exit code. Prints the time of those steps the way
 * {@link ColdStartService} prints the library's first call, unless {@code -Dbench.silent=true}.
 */
public final class MinimalFfmReady {
    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int MSG_NOSIGNAL = 0x4000;
    /** sizeof(struct sockaddr_un): sa_family_t, then char sun_path[108]. */
    private static final int SOCKADDR_UN_SIZE = 110;

    private MinimalFfmReady() {}

    public static void main(String[] args) throws Throwable {
        long start = System.nanoTime();
        boolean sent = ready();
        long firstCall = System.nanoTime() - start;
        if (!sent) {
            System.err.println("READY=1 was not sent");
            System.exit(1);
        }
        if (!Boolean.getBoolean("bench.silent")) {
            System.out.println("first_call_ns=" + firstCall + " backend=minimal gateway=FFM");
        }
    }

    @SuppressWarnings("restricted")
    private static boolean ready() throws Throwable {
        Linker linker = Linker.nativeLinker();
        SymbolLookup libc = linker.defaultLookup();
        MethodHandle getenv = linker.downcallHandle(libc.find("getenv").orElseThrow(),
                FunctionDescriptor.of(ADDRESS, ADDRESS));
        MethodHandle socket = linker.downcallHandle(libc.find("socket").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        MethodHandle sendto = linker.downcallHandle(libc.find("sendto").orElseThrow(),
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
        MethodHandle close = linker.downcallHandle(libc.find("close").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = (MemorySegment) getenv.invokeExact(arena.allocateFrom("NOTIFY_SOCKET"));
            if (value.address() == 0) {
                return false;
            }
            byte[] path = value.reinterpret(SOCKADDR_UN_SIZE).getString(0).getBytes(StandardCharsets.UTF_8);
            // The address as bytes, so that no VarHandle is needed: sun_family in native order, then the path.
            byte[] address = new byte[SOCKADDR_UN_SIZE];
            boolean little = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
            address[little ? 0 : 1] = AF_UNIX;
            System.arraycopy(path, 0, address, 2, Math.min(path.length, SOCKADDR_UN_SIZE - 2));
            MemorySegment sockaddr = arena.allocateFrom(JAVA_BYTE, address);
            MemorySegment payload = arena.allocateFrom(JAVA_BYTE, "READY=1".getBytes(StandardCharsets.US_ASCII));

            int fd = (int) socket.invokeExact(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            if (fd < 0) {
                return false;
            }
            long n = (long) sendto.invokeExact(fd, payload, payload.byteSize(), MSG_NOSIGNAL, sockaddr,
                    2 + Math.min(path.length + 1, SOCKADDR_UN_SIZE - 2));
            int ignored = (int) close.invokeExact(fd);
            return n >= 0;
        }
    }
}
