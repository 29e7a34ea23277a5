package dev.sdnotify.internal.ffm;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.sdnotify.internal.kernel.Libsystemd;
import dev.sdnotify.internal.kernel.Loaded;
import dev.sdnotify.internal.kernel.Platform;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;

/** {@link Libsystemd} through the FFM API: each function's handle made when the library loads. */
final class FfmLibsystemd implements Libsystemd {
    private final MethodHandle notify;
    private final MethodHandle pidNotifyWithFds;
    private final MethodHandle watchdogEnabled;
    private final MethodHandle listenFdsWithNames;

    private FfmLibsystemd(SymbolLookup lookup) {
        notify = link(lookup, "sd_notify", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
        pidNotifyWithFds = link(lookup, "sd_pid_notify_with_fds",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
        watchdogEnabled = link(lookup, "sd_watchdog_enabled", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
        listenFdsWithNames = link(lookup, "sd_listen_fds_with_names",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    }

    private static MethodHandle link(SymbolLookup lookup, String name, FunctionDescriptor descriptor) {
        return FfmLibc.link(lookup.find(name).orElseThrow(), descriptor);
    }

    /** The first libsystemd that opens and has every function, or why none does. */
    @SuppressWarnings("restricted")
    static Loaded<Libsystemd> load() {
        return Platform.loadLibsystemd(name -> {
            try {
                SymbolLookup lookup = SymbolLookup.libraryLookup(name, Arena.global());
                String missing = Platform.missingFunction(f -> lookup.find(f).isPresent());
                return missing != null ? Loaded.failed(missing) : Loaded.of(new FfmLibsystemd(lookup), "");
            } catch (IllegalArgumentException e) {
                // The JDK's message names only the library; the dynamic linker's own says why.
                return Loaded.failed(Platform.oneLine(dynamicLinkerSays(name, e.getMessage())));
            }
        }, "libsystemd.so.0", "libsystemd.so");
    }

    /** The dynamic linker's own reason, asked with {@code dlopen} and {@code dlerror}; {@code otherwise} if none. */
    private static String dynamicLinkerSays(String name, String otherwise) {
        try (Arena arena = Arena.ofConfined()) {
            // Both linked first: linking looks symbols up, which clears the error dlerror reports.
            MethodHandle dlopen = FfmLibc.link("dlopen", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
            MethodHandle dlerror = FfmLibc.link("dlerror", FunctionDescriptor.of(ADDRESS));
            MemorySegment handle = (MemorySegment) dlopen.invokeExact(arena.allocateFrom(name), 1);
            if (handle.address() != 0) {
                return otherwise;
            }
            MemorySegment message = (MemorySegment) dlerror.invokeExact();
            return message.address() == 0 ? otherwise : message.reinterpret(Long.MAX_VALUE).getString(0);
        } catch (Throwable t) {
            return otherwise;
        }
    }

    /** A C array or string in {@code arena}, a copy of the bytes, ints or longs given; NULL for null. */
    private static MemorySegment c(Arena arena, Object array) {
        return array == null ? MemorySegment.NULL
                : array instanceof byte[] b ? arena.allocateFrom(JAVA_BYTE, b)
                : array instanceof int[] i ? arena.allocateFrom(JAVA_INT, i)
                : arena.allocateFrom(JAVA_LONG, (long[]) array);
    }

    @Override
    public int sd_notify(int unset_environment, byte[] state) {
        try (Arena arena = Arena.ofConfined()) {
            return (int) notify.invokeExact(unset_environment, c(arena, state));
        } catch (Throwable t) {
            throw FfmLibc.rethrow(t);
        }
    }

    @Override
    public int sd_pid_notify_with_fds(int pid, int unset_environment, byte[] state, int[] fds, int n_fds) {
        try (Arena arena = Arena.ofConfined()) {
            return (int) pidNotifyWithFds.invokeExact(pid, unset_environment, c(arena, state), c(arena, fds), n_fds);
        } catch (Throwable t) {
            throw FfmLibc.rethrow(t);
        }
    }

    @Override
    public int sd_watchdog_enabled(int unset_environment, long[] usec) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = c(arena, usec);
            int r = (int) watchdogEnabled.invokeExact(unset_environment, out);
            if (usec != null) {
                usec[0] = out.get(JAVA_LONG, 0);
            }
            return r;
        } catch (Throwable t) {
            throw FfmLibc.rethrow(t);
        }
    }

    @Override
    public int sd_listen_fds_with_names(int unset_environment, ByteBuffer names) {
        try {
            return (int) listenFdsWithNames.invokeExact(unset_environment, FfmLibc.segment(names));
        } catch (Throwable t) {
            throw FfmLibc.rethrow(t);
        }
    }
}
