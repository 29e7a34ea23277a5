package dev.sdnotify.internal.jna;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.platform.linux.ErrNo;
import dev.sdnotify.internal.backend.Posix;
import dev.sdnotify.internal.backend.SdDaemon;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The one way into native code. Each library is probed at most once; a failure is kept with its
 * reason, so later calls report the same cause instead of a {@link LinkageError}. Nothing native is
 * touched on an operating system other than Linux.
 */
public final class NativeAccess {
    /** Tried in order: the runtime soname first, since hosts without development packages lack the rest. */
    static final String[] LIBSYSTEMD_NAMES = {"libsystemd.so.0", "systemd"};
    static final String[] LIBSYSTEMD_SYMBOLS = {"sd_notify", "sd_pid_notify", "sd_pid_notify_with_fds",
        "sd_notify_barrier", "sd_watchdog_enabled", "sd_booted", "sd_listen_fds", "sd_listen_fds_with_names"};

    private static volatile Loaded<Posix> libc;
    private static volatile Loaded<SdDaemon> libsystemd;

    private NativeAccess() {}

    /** A native binding, or why it could not be had. */
    public static final class Loaded<T> {
        private final T value;
        private final String description;

        private Loaded(T value, String description) {
            this.value = value;
            this.description = description;
        }

        /** The binding, or null when it failed to load. */
        public T value() {
            return value;
        }

        /** What was loaded, or why not. */
        public String description() {
            return description;
        }
    }

    public static boolean isLinux() {
        return System.getProperty("os.name", "").startsWith("Linux");
    }

    /** libc through JNA, for the Java backend and for the clocks every backend needs. */
    public static Loaded<Posix> libc() {
        Loaded<Posix> l = libc;
        if (l == null) {
            synchronized (NativeAccess.class) {
                l = libc;
                if (l == null) {
                    libc = l = loadLibc();
                }
            }
        }
        return l;
    }

    private static Loaded<Posix> loadLibc() {
        if (!isLinux()) {
            return new Loaded<>(null, "not Linux (os.name=" + System.getProperty("os.name") + ")");
        }
        try {
            Posix posix = new JnaPosix();
            posix.getpid();
            return new Loaded<>(posix, "libc through JNA " + Native.VERSION);
        } catch (LinkageError e) {
            return new Loaded<>(null, "JNA cannot reach libc: " + e);
        }
    }

    /** libsystemd's sd-daemon functions; fails unless every mapped symbol is present. */
    public static Loaded<SdDaemon> libsystemd() {
        Loaded<SdDaemon> l = libsystemd;
        if (l == null) {
            synchronized (NativeAccess.class) {
                l = libsystemd;
                if (l == null) {
                    libsystemd = l = loadLibsystemd();
                }
            }
        }
        return l;
    }

    private static Loaded<SdDaemon> loadLibsystemd() {
        if (!isLinux()) {
            return new Loaded<>(null, "not Linux (os.name=" + System.getProperty("os.name") + ")");
        }
        StringBuilder failures = new StringBuilder();
        for (String name : LIBSYSTEMD_NAMES) {
            try {
                NativeLibrary library = NativeLibrary.getInstance(name);
                for (String symbol : LIBSYSTEMD_SYMBOLS) {
                    library.getFunction(symbol);
                }
                LibSystemd lib = Native.load(name, LibSystemd.class);
                return new Loaded<>(new LibsystemdDaemon(lib), "loaded " + mappedPath("/libsystemd.so", name));
            } catch (LinkageError e) {
                failures.append(failures.length() == 0 ? "" : "; ").append(name).append(": ")
                        .append(oneLine(e.getMessage()));
            }
        }
        return new Loaded<>(null, "libsystemd cannot be loaded (" + failures + ")");
    }

    /** The file the dynamic linker mapped, read from /proc/self/maps; {@code fallback} if not found. */
    private static String mappedPath(String marker, String fallback) {
        try (Stream<String> lines = Files.lines(Paths.get("/proc/self/maps"))) {
            return lines.map(l -> l.substring(l.lastIndexOf(' ') + 1))
                    .filter(p -> p.contains(marker)).findFirst().orElse(fallback);
        } catch (IOException | UncheckedIOException e) {
            return fallback;
        }
    }

    /** JNA puts the dynamic linker's cause on later lines; keep them all, on one line. */
    private static String oneLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        return String.join("; ", s.strip().split("\\s*\n\\s*"));
    }

    /** The symbolic name of a Linux errno ({@code EINVAL}), or {@code null} for an unknown value. */
    public static String errnoName(int errno) {
        return ErrnoNames.NAMES.get(errno);
    }

    /** Read once from jna-platform's Linux errno constants; the first name wins where two share a value. */
    private static final class ErrnoNames {
        static final Map<Integer, String> NAMES = load();

        private static Map<Integer, String> load() {
            Map<Integer, String> names = new HashMap<>();
            try {
                for (Field f : ErrNo.class.getFields()) {
                    if (f.getType() == int.class && Modifier.isStatic(f.getModifiers())) {
                        names.putIfAbsent(f.getInt(null), f.getName());
                    }
                }
            } catch (IllegalAccessException | LinkageError e) {
                return Collections.emptyMap();
            }
            return Collections.unmodifiableMap(names);
        }
    }
}
