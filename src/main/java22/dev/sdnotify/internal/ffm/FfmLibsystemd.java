package dev.sdnotify.internal.ffm;

import static dev.sdnotify.internal.ffm.Libc.rethrow;
import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.sdnotify.internal.backend.SdDaemon;
import dev.sdnotify.internal.nativeaccess.Loaded;
import dev.sdnotify.internal.nativeaccess.NativeGateway;
import dev.sdnotify.internal.nativeaccess.Platform;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.List;
import java.util.Set;

/**
 * The sd-daemon(3) functions of {@code libsystemd.so.0}, called unchanged; only Java values are converted
 * to C ones. C types: {@code pid_t}, {@code int} and {@code unsigned} as int (callers never pass values
 * above INT_MAX), {@code uint64_t} as long, pointers as segments ({@code NULL} for null).
 */
final class FfmLibsystemd implements SdDaemon {
    /** Tried in order: the runtime soname first, since hosts without development packages lack the rest. */
    static final String[] NAMES = {"libsystemd.so.0", "libsystemd.so"};

    /** The library found by {@link #load()}, set before the one instance exists and read by the holders below. */
    private static volatile SymbolLookup library;

    private final Set<String> missing;

    private FfmLibsystemd(Set<String> missing) {
        this.missing = missing;
    }

    @Override
    public Set<String> missingFunctions() {
        return missing;
    }

    /**
     * libsystemd with every symbol in {@link NativeGateway#LIBSYSTEMD_SYMBOLS}, or why not. Throws IllegalCallerException when
     * native access is denied.
     */
    @SuppressWarnings("restricted")
    static Loaded<SdDaemon> load() {
        StringBuilder failures = new StringBuilder();
        for (String name : NAMES) {
            String failure;
            try {
                SymbolLookup lookup = SymbolLookup.libraryLookup(name, Arena.global());
                failure = missingSymbol(lookup);
                if (failure == null) {
                    library = lookup;
                    Set<String> missing = NativeGateway.missing(symbol -> lookup.find(symbol).isPresent());
                    return Loaded.of(new FfmLibsystemd(missing),
                            "loaded " + Platform.mappedPath("/libsystemd.so", name) + Platform.lacking(missing));
                }
            } catch (IllegalArgumentException e) {
                // The JDK's message names only the library; the dynamic linker's own says why.
                String cause = DynamicLinker.whyNot(name);
                failure = Platform.oneLine(cause != null ? cause : e.getMessage());
            }
            failures.append(failures.length() == 0 ? "" : "; ").append(name).append(": ").append(failure);
        }
        return Loaded.failed("libsystemd cannot be loaded (" + failures + ")");
    }

    private static String missingSymbol(SymbolLookup lookup) {
        for (String symbol : NativeGateway.LIBSYSTEMD_REQUIRED) {
            if (lookup.find(symbol).isEmpty()) {
                return "undefined symbol: " + symbol;
            }
        }
        return null;
    }

    /**
     * Asks the dynamic linker itself why {@code name} cannot be opened, since the JDK's refusal keeps no
     * cause: {@code dlopen}, then {@code dlerror}. Null when it opens after all, or cannot be asked.
     */
    private static final class DynamicLinker {
        /** {@code RTLD_LAZY} from {@code <dlfcn.h>}: glibc's value on every Linux architecture. */
        private static final int RTLD_LAZY = 1;

        @SuppressWarnings("restricted")
        static String whyNot(String name) {
            try (Arena arena = Arena.ofConfined()) {
                // void *dlopen(const char *, int)
                MethodHandle dlopen = Libc.downcall("dlopen", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
                // char *dlerror(void)
                MethodHandle dlerror = Libc.downcall("dlerror", FunctionDescriptor.of(ADDRESS));
                MemorySegment handle = (MemorySegment) dlopen.invokeExact(arena.allocateFrom(name), RTLD_LAZY);
                if (handle.address() != 0) {
                    // int dlclose(void *): it opened this time; give it back.
                    int ignored = (int) Libc.downcall("dlclose", FunctionDescriptor.of(JAVA_INT, ADDRESS))
                            .invokeExact(handle);
                    return null;
                }
                MemorySegment message = (MemorySegment) dlerror.invokeExact();
                return message.address() == 0 ? null : message.reinterpret(Long.MAX_VALUE).getString(0);
            } catch (Throwable t) {
                return null;
            }
        }
    }

    private static MethodHandle bind(String symbol, FunctionDescriptor descriptor) {
        return Libc.downcall(library.find(symbol).orElseThrow(), descriptor);
    }

    // One holder per function, so that a call makes only its own handle.

    private static final class PidNotifyWithFds {
        // int sd_pid_notify_with_fds(pid_t, int, const char *, const int *, unsigned)
        static final MethodHandle H = bind("sd_pid_notify_with_fds",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    }

    private static final class NotifyBarrier {
        // int sd_notify_barrier(int, uint64_t)
        static final MethodHandle H = bind("sd_notify_barrier", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG));
    }

    private static final class PidNotifyBarrier {
        // int sd_pid_notify_barrier(pid_t, int, uint64_t)
        static final MethodHandle H = bind("sd_pid_notify_barrier",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    }

    private static final class WatchdogEnabled {
        // int sd_watchdog_enabled(int, uint64_t *)
        static final MethodHandle H = bind("sd_watchdog_enabled", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    }

    private static final class Booted {
        // int sd_booted(void)
        static final MethodHandle H = bind("sd_booted", FunctionDescriptor.of(JAVA_INT));
    }

    private static final class ListenFds {
        // int sd_listen_fds(int)
        static final MethodHandle H = bind("sd_listen_fds", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    }

    private static final class ListenFdsWithNames {
        // int sd_listen_fds_with_names(int, char ***)
        static final MethodHandle H = bind("sd_listen_fds_with_names",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
        // void free(void *), libc's: the names are malloc'ed
        static final MethodHandle FREE = Libc.downcall("free", FunctionDescriptor.ofVoid(ADDRESS));
    }

    private static int flag(boolean b) {
        return b ? 1 : 0;
    }

    @Override
    public int pidNotifyWithFds(int pid, boolean unsetEnvironment, byte[] state, int[] fds, int nFds) {
        PerThread t = PER_THREAD.get();
        if ((state == null || state.length < t.state.byteSize()) && (fds == null || fds.length <= FDS_CAPACITY)) {
            return pidNotifyWithFds(t.state, t.fds, pid, unsetEnvironment, state, fds, nFds);
        }
        try (Arena arena = Arena.ofConfined()) {
            return pidNotifyWithFds(arena.allocate(state == null ? 1 : state.length + 1L),
                    arena.allocate(JAVA_INT, fds == null ? 1 : Math.max(1, fds.length)),
                    pid, unsetEnvironment, state, fds, nFds);
        }
    }

    /** The call, with the C string (NUL added) and the fds copied into the native buffers given. */
    private static int pidNotifyWithFds(MemorySegment stateBuffer, MemorySegment fdsBuffer, int pid,
            boolean unsetEnvironment, byte[] state, int[] fds, int nFds) {
        MemorySegment cState = MemorySegment.NULL;
        if (state != null) {
            MemorySegment.copy(state, 0, stateBuffer, JAVA_BYTE, 0, state.length);
            stateBuffer.set(JAVA_BYTE, state.length, (byte) 0);
            cState = stateBuffer;
        }
        MemorySegment cFds = MemorySegment.NULL;
        if (fds != null) {
            MemorySegment.copy(fds, 0, fdsBuffer, JAVA_INT, 0, fds.length);
            cFds = fdsBuffer;
        }
        try {
            return (int) PidNotifyWithFds.H.invokeExact(pid, flag(unsetEnvironment), cState, cFds, nFds);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    @Override
    public int notifyBarrier(boolean unsetEnvironment, long timeoutUsec) {
        try {
            return (int) NotifyBarrier.H.invokeExact(flag(unsetEnvironment), timeoutUsec);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    @Override
    public int pidNotifyBarrier(int pid, boolean unsetEnvironment, long timeoutUsec) {
        try {
            return (int) PidNotifyBarrier.H.invokeExact(pid, flag(unsetEnvironment), timeoutUsec);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    @Override
    public int watchdogEnabled(boolean unsetEnvironment, long[] usecOut) {
        MemorySegment usec = usecOut == null ? MemorySegment.NULL : PER_THREAD.get().usec;
        int r;
        try {
            r = (int) WatchdogEnabled.H.invokeExact(flag(unsetEnvironment), usec);
        } catch (Throwable e) {
            throw rethrow(e);
        }
        if (r == 1 && usecOut != null) {
            usecOut[0] = usec.get(JAVA_LONG, 0);
        }
        return r;
    }

    @Override
    public int booted() {
        try {
            return (int) Booted.H.invokeExact();
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    @Override
    public int listenFds(boolean unsetEnvironment) {
        try {
            return (int) ListenFds.H.invokeExact(flag(unsetEnvironment));
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    @Override
    public int listenFdsWithNames(boolean unsetEnvironment, List<byte[]> namesOut) {
        MemorySegment names = MemorySegment.NULL;
        if (namesOut != null) {
            names = PER_THREAD.get().names;
            names.set(ADDRESS, 0, MemorySegment.NULL);
        }
        try {
            int r = (int) ListenFdsWithNames.H.invokeExact(flag(unsetEnvironment), names);
            if (r > 0 && namesOut != null) {
                takeStrv(names.get(ADDRESS, 0), namesOut);
            }
            return r;
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /** Copies a NULL-terminated {@code char **} the caller owns, then frees it as {@code strv_free} would. */
    @SuppressWarnings("restricted")
    private static void takeStrv(MemorySegment strv, List<byte[]> out) throws Throwable {
        if (strv.address() == 0) {
            return;
        }
        MemorySegment array = strv.reinterpret(Long.MAX_VALUE);
        for (long i = 0;; i++) {
            MemorySegment s = array.getAtIndex(ADDRESS, i);
            if (s.address() == 0) {
                break;
            }
            MemorySegment chars = s.reinterpret(Long.MAX_VALUE);
            long length = 0;
            while (chars.get(JAVA_BYTE, length) != 0) {
                length++;
            }
            out.add(chars.asSlice(0, length).toArray(JAVA_BYTE));
            ListenFdsWithNames.FREE.invokeExact(s);
        }
        ListenFdsWithNames.FREE.invokeExact(strv);
    }

    /** The fds a thread's buffer holds: the kernel's maximum per message. */
    private static final int FDS_CAPACITY = 253;

    /** One thread's out-parameters and argument buffers. */
    private static final StructLayout BUFFERS = Libc.struct("buffers",
            JAVA_LONG.withName("usec"),                                         // uint64_t
            ADDRESS.withName("names"),                                          // char **
            MemoryLayout.sequenceLayout(FDS_CAPACITY, JAVA_INT).withName("fds"), // int[253]
            MemoryLayout.sequenceLayout(4096, JAVA_BYTE).withName("state"));     // char[4096]

    private static final ThreadLocal<PerThread> PER_THREAD = ThreadLocal.withInitial(PerThread::new);

    private static final class PerThread {
        final MemorySegment usec;
        final MemorySegment names;
        final MemorySegment fds;
        final MemorySegment state;

        PerThread() {
            MemorySegment b = Arena.ofAuto().allocate(BUFFERS);
            usec = member(b, "usec");
            names = member(b, "names");
            fds = member(b, "fds");
            state = member(b, "state");
        }

        private static MemorySegment member(MemorySegment b, String name) {
            return b.asSlice(BUFFERS.byteOffset(groupElement(name)), BUFFERS.select(groupElement(name)));
        }
    }
}
