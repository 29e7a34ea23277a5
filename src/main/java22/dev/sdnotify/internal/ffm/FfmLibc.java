package dev.sdnotify.internal.ffm;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.sdnotify.internal.kernel.Libc;
import dev.sdnotify.internal.protocol.Errno;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link Libc} through the FFM API. The calls a keep-alive makes have handles of their own, invoked exactly; the
 * others are linked on first use and invoked generically. errno is captured by each call into the calling thread's
 * capture segment.
 */
final class FfmLibc implements Libc {
    static final Linker LINKER = Linker.nativeLinker();
    /** C {@code long}, {@code size_t} and {@code ssize_t}: 8 bytes on LP64, 4 on ILP32. */
    static final ValueLayout LONG = (ValueLayout) LINKER.canonicalLayouts().get("long");
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final long ERRNO_OFFSET = CAPTURE.byteOffset(groupElement("errno"));
    private static final ThreadLocal<MemorySegment> CAPTURED =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CAPTURE));
    /** For tiny calls that never block: no thread-state transition around them. */
    private static final Linker.Option CRITICAL = Linker.Option.critical(false);
    private static final Map<String, MethodHandle> LINKED = new ConcurrentHashMap<>();

    // The keep-alive's calls, invoked exactly; each holder is linked on its first use. Their pointers are C longs,
    // which Linux passes as it passes pointers, on every data model: Java longs here, so that no segment is made per
    // call (a segment per argument and call would be garbage at every keep-alive).
    private static final class Env {
        static final MethodHandle GETENV = link("getenv", FunctionDescriptor.of(LONG, LONG), CRITICAL);
    }

    private static final class Send {
        static final MethodHandle GETSOCKOPT = link("getsockopt",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, LONG, LONG), ERRNO);
        static final MethodHandle SENDMSG = link("sendmsg", FunctionDescriptor.of(LONG, JAVA_INT, LONG, JAVA_INT),
                ERRNO);
        static final MethodHandle GETRESUID = link("getresuid", of(LONG, LONG, LONG), CRITICAL);
        static final MethodHandle GETRESGID = link("getresgid", of(LONG, LONG, LONG), CRITICAL);
    }

    /** A handle whose C long and size_t are Java longs on every data model, so that callers have one signature. */
    @SuppressWarnings("restricted")
    static MethodHandle link(MemorySegment symbol, FunctionDescriptor descriptor, Linker.Option... options) {
        MethodHandle h = LINKER.downcallHandle(symbol, descriptor, options);
        if (LONG.byteSize() == 8) {
            return h;
        }
        MethodType t = h.type();
        List<MemoryLayout> arguments = descriptor.argumentLayouts();
        int first = t.parameterCount() - arguments.size();
        for (int i = 0; i < arguments.size(); i++) {
            t = arguments.get(i).equals(LONG) ? t.changeParameterType(first + i, long.class) : t;
        }
        t = descriptor.returnLayout().filter(LONG::equals).isPresent() ? t.changeReturnType(long.class) : t;
        return MethodHandles.explicitCastArguments(h, t);
    }

    static MethodHandle link(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        return link(LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no symbol " + name)), descriptor, options);
    }

    static MemorySegment segment(ByteBuffer b) {
        return b == null ? MemorySegment.NULL : MemorySegment.ofBuffer(b);
    }

    /**
     * A call linked on first use, each argument an int, a long, a buffer or a segment; 0 for a void function. From
     * {@code variadicFrom} on (-1: none) the arguments are variadic.
     */
    private static int call(String name, int variadicFrom, FunctionDescriptor descriptor, Object... arguments) {
        MethodHandle h = LINKED.computeIfAbsent(name, n -> variadicFrom < 0 ? link(n, descriptor, ERRNO)
                : link(n, descriptor, ERRNO, Linker.Option.firstVariadicArg(variadicFrom)));
        List<Object> all = new ArrayList<>(arguments.length + 1);
        all.add(CAPTURED.get());
        for (Object a : arguments) {
            all.add(a instanceof ByteBuffer || a == null ? segment((ByteBuffer) a) : a);
        }
        try {
            Object result = h.invokeWithArguments(all);
            return result == null ? 0 : ((Number) result).intValue();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** A function of ints and pointers returning an int; {@code layouts} are its arguments'. */
    private static FunctionDescriptor of(MemoryLayout... layouts) {
        return FunctionDescriptor.of(JAVA_INT, layouts);
    }

    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException(t);
    }

    /** {@code getpid}, linked on first use and invoked exactly. */
    private static int id(String name) {
        try {
            return (int) LINKED.computeIfAbsent(name, n -> link(n, FunctionDescriptor.of(JAVA_INT), CRITICAL))
                    .invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public int pointerSize() {
        return (int) ADDRESS.byteSize();
    }

    @Override
    public int errno() {
        return CAPTURED.get().get(JAVA_INT, ERRNO_OFFSET);
    }

    @Override
    public long address(ByteBuffer buffer) {
        return MemorySegment.ofBuffer(buffer).address();
    }

    @Override
    @SuppressWarnings("restricted")
    public ByteBuffer view(long address, int size) {
        return MemorySegment.ofAddress(address).reinterpret(size).asByteBuffer().order(ByteOrder.nativeOrder());
    }

    @Override
    public long getenv(long name) {
        try {
            return (long) Env.GETENV.invokeExact(name);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public int unsetenv(ByteBuffer name) {
        return call("unsetenv", -1, of(ADDRESS), name);
    }

    @Override
    public void free(long address) {
        call("free", -1, FunctionDescriptor.ofVoid(ADDRESS), MemorySegment.ofAddress(address));
    }

    @Override
    public int getpid() {
        return id("getpid");
    }

    @Override
    public int getresuid(long real, long effective, long saved) {
        try {
            return (int) Send.GETRESUID.invokeExact(real, effective, saved);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public int getresgid(long real, long effective, long saved) {
        try {
            return (int) Send.GETRESGID.invokeExact(real, effective, saved);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public int socket(int domain, int type, int protocol) {
        return call("socket", -1, of(JAVA_INT, JAVA_INT, JAVA_INT), domain, type, protocol);
    }

    @Override
    public int getsockopt(int fd, int level, int name, long value, long length) {
        try {
            return (int) Send.GETSOCKOPT.invokeExact(CAPTURED.get(), fd, level, name, value, length);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public int setsockopt(int fd, int level, int name, ByteBuffer value, int length) {
        return call("setsockopt", -1, of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), fd, level, name, value, length);
    }

    @Override
    public int bind(int fd, ByteBuffer address, int length) {
        return call("bind", -1, of(JAVA_INT, ADDRESS, JAVA_INT), fd, address, length);
    }

    @Override
    public int connect(int fd, ByteBuffer address, int length) {
        return call("connect", -1, of(JAVA_INT, ADDRESS, JAVA_INT), fd, address, length);
    }

    @Override
    public int sendmsg(int fd, long message, int flags) {
        try {
            return (int) (long) Send.SENDMSG.invokeExact(CAPTURED.get(), fd, message, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public int shutdown(int fd, int how) {
        return call("shutdown", -1, of(JAVA_INT, JAVA_INT), fd, how);
    }

    @Override
    public int recv(int fd, ByteBuffer buffer, long length, int flags) {
        return call("recv", -1, FunctionDescriptor.of(LONG, JAVA_INT, ADDRESS, LONG, JAVA_INT), fd, buffer, length, flags);
    }

    @Override
    public int close(int fd) {
        return call("close", -1, of(JAVA_INT), fd);
    }

    @Override
    public int pipe2(ByteBuffer fds, int flags) {
        return call("pipe2", -1, of(ADDRESS, JAVA_INT), fds, flags);
    }

    @Override
    public int ppoll(ByteBuffer fds, long count, ByteBuffer timeout, ByteBuffer sigmask) {
        return call("ppoll", -1, of(ADDRESS, LONG, ADDRESS, ADDRESS), fds, count, timeout, sigmask);
    }

    @Override
    public int fcntl(int fd, int command, int argument) {
        return call("fcntl", 2, of(JAVA_INT, JAVA_INT, JAVA_INT), fd, command, argument);
    }

    @Override
    public int write(int fd, ByteBuffer data, long length) {
        return call("write", -1, FunctionDescriptor.of(LONG, JAVA_INT, ADDRESS, LONG), fd, data, length);
    }

    @Override
    public int syscall(long number, long a, long b) {
        return call("syscall", 1, FunctionDescriptor.of(LONG, LONG, LONG, LONG), number, a, b);
    }

    @Override
    public int fstatfs(int fd, ByteBuffer statfs) {
        return call("fstatfs", -1, of(JAVA_INT, ADDRESS), fd, statfs);
    }

    @Override
    public int statx(int dirfd, ByteBuffer path, int flags, int mask, ByteBuffer statx) {
        if (LINKER.defaultLookup().find("statx").isEmpty()) {
            CAPTURED.get().set(JAVA_INT, ERRNO_OFFSET, Errno.ENOSYS);
            return -1;
        }
        return call("statx", -1, of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS), dirfd, path, flags, mask, statx);
    }
}
